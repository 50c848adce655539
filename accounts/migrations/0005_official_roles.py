"""Create the officials' role groups with their exact permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from accounts.roles import ensure_roles

# Frozen here on purpose: a migration must not change when accounts/roles.py does; the helper
# that applies them takes the historical models.
ROLES = {
    "Cán bộ quản lý tài khoản": (
        "accounts.view_user",
        "accounts.change_user",
        "accounts.unlink_cccd",
        "accounts.unlock_login",
        "accounts.view_auditentry",
        "portal.view_dossier",
        "portal.change_dossier",
    ),
    "Cán bộ dân cư": (
        "citizen_registry.view_citizen",
        "citizen_registry.change_citizen",
        "citizen_registry.change_citizen_status",
        "citizen_registry.view_lookuplog",
        "citizen_registry.view_recordchange",
    ),
    "Quản trị hệ thống": (
        "vneid_provider.view_oidcclient",
        "vneid_provider.add_oidcclient",
        "vneid_provider.change_oidcclient",
        "vneid_provider.view_auditevent",
        "citizen_registry.view_apiclient",
        "citizen_registry.add_apiclient",
        "citizen_registry.change_apiclient",
        "citizen_registry.view_recordchange",
        "auth.view_group",
        "auth.add_group",
        "auth.change_group",
        "auth.delete_group",
        "accounts.view_user",
        "accounts.assign_roles",
        "accounts.export_csv",
        "accounts.view_auditentry",
    ),
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now.
    for label in ("auth", "accounts", "portal", "citizen_registry", "vneid_provider"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    ensure_roles(
        group_model=apps.get_model("auth", "Group"),
        permission_model=apps.get_model("auth", "Permission"),
        roles=ROLES,
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_officials_audit"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0001_initial"),
        ("citizen_registry", "0002_recordchange"),
        ("vneid_provider", "0002_auditevent_officials"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
