"""Give every existing login a sid of its own before the column becomes unique."""

import secrets

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def fill_sids(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    login_session = apps.get_model("vneid_provider", "LoginSession")
    for login in login_session.objects.filter(sid__isnull=True).only("pk"):
        login.sid = secrets.token_urlsafe(24)
        login.save(update_fields=["sid"])


class Migration(migrations.Migration):
    dependencies = [
        ("vneid_provider", "0007_single_logout"),
    ]

    operations = [
        migrations.RunPython(fill_sids, migrations.RunPython.noop, elidable=True),
    ]
