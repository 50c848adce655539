"""Let "Quản trị hệ thống" see the logout notices VNeID could not deliver to its clients."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE = "Quản trị hệ thống"
# Frozen here on purpose: a migration must not change when accounts/roles.py does.
PERMISSIONS = ("vneid_provider.view_undeliveredlogout",)


def _permissions(apps):
    app_config = apps.get_app_config("vneid_provider")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(
            content_type__app_label=perm.split(".")[0], codename=perm.split(".")[1]
        )
        for perm in PERMISSIONS
    ]


def grant(apps, schema_editor):
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=ROLE)
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=ROLE).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0012_auditentry_vneid_single_logout"),
        ("vneid_provider", "0010_undeliveredlogout"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
