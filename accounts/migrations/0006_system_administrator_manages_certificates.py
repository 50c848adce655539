"""Let "Quản trị hệ thống" issue, revoke and renew the sandbox CA's certificates."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE = "Quản trị hệ thống"
# Frozen here on purpose: a migration must not change when accounts/roles.py does.
PERMISSIONS = (
    "certificate_authority.view_certificate",
    "certificate_authority.add_certificate",
    "certificate_authority.revoke_certificate",
    "certificate_authority.renew_certificate",
    "certificate_authority.view_usbtoken",
    "certificate_authority.unlock_usbtoken",
    "certificate_authority.view_certificateevent",
)


def _permissions(apps):
    app_config = apps.get_app_config("certificate_authority")
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
        ("accounts", "0005_official_roles"),
        ("certificate_authority", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
