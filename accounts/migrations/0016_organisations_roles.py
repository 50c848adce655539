"""Officials who see citizens' accounts see organisations' accounts too (issue 17)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen here on purpose: a migration must not change when accounts/roles.py does.
GRANTS = {
    "Cán bộ quản lý tài khoản": ("accounts.view_organisationprofile",),
    "Quản trị hệ thống": ("accounts.view_organisationprofile",),
}


def _permissions(apps, perms):
    app_config = apps.get_app_config("accounts")
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
    dependencies = [("accounts", "0015_organisations")]

    operations = [migrations.RunPython(grant, revoke)]
