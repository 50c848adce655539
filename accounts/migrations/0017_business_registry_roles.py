"""The business registration office's officials get a role; the administrator its API clients."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen here on purpose: a migration must not change when accounts/roles.py does.
GRANTS = {
    "Cán bộ đăng ký kinh doanh": (
        "business_registry.view_enterprise",
        "business_registry.change_enterprise",
        "business_registry.change_enterprise_status",
        "business_registry.view_legalrepresentative",
        "business_registry.add_legalrepresentative",
        "business_registry.change_legalrepresentative",
        "business_registry.view_lookuplog",
        "business_registry.view_recordchange",
    ),
    "Quản trị hệ thống": (
        "business_registry.view_apiclient",
        "business_registry.add_apiclient",
        "business_registry.change_apiclient",
        "business_registry.view_recordchange",
    ),
}


def _permissions(apps, perms):
    app_config = apps.get_app_config("business_registry")
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
        ("accounts", "0016_organisations_roles"),
        ("business_registry", "0002_organisations_representatives_current_first"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
