# The login policy moved to accounts (accounts 0009 takes over and renames the table).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0003_login_policy_override'),
        ('accounts', '0009_login_policy_override_from_portal'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='LoginPolicyOverride')],
        ),
    ]
