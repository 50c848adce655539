from django.db import migrations, models

import vneid.models


class Migration(migrations.Migration):
    dependencies = [
        ("vneid_provider", "0008_loginsession_fill_sid"),
    ]

    operations = [
        migrations.AlterField(
            model_name="loginsession",
            name="sid",
            field=models.CharField(default=vneid.models.new_sid, max_length=32, unique=True),
        ),
    ]
