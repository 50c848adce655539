"""The system administrator registers portals at the national login service; a provincial role."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SYSTEM_ADMINISTRATOR = "Quản trị hệ thống"
PROVINCIAL_OFFICER = "Cán bộ Cổng DVC tỉnh"
# Frozen here on purpose: a migration must not change when accounts/roles.py does.
GRANTS = {
    SYSTEM_ADMINISTRATOR: (
        "national_login.view_nationalclient",
        "national_login.add_nationalclient",
        "national_login.change_nationalclient",
        "national_login.view_auditevent",
        "national_login.view_logoutdeliveryrecord",
    ),
    PROVINCIAL_OFFICER: (
        "provincial_portal.view_provincialaccount",
        "provincial_portal.change_provincialaccount",
        "provincial_portal.view_provincialdossier",
        "provincial_portal.view_auditevent",
    ),
}


def _permissions(apps, perms):
    for label in ("national_login", "provincial_portal"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(
            content_type__app_label=perm.split(".")[0], codename=perm.split(".")[1]
        )
        for perm in perms
    ]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role, perms in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*_permissions(apps, perms))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role, perms in GRANTS.items():
        group = Group.objects.filter(name=role).first()
        if group is not None:
            group.permissions.remove(*_permissions(apps, perms))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0013_system_administrator_sees_undelivered_logouts"),
        ("national_login", "0002_session_client_issuer"),
        ("provincial_portal", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
