"""Let "Quản trị hệ thống" see organisation e-IDs, lock them and revoke authorisations.

accounts/roles.py names the same permissions for new databases; this grants them where the
role group already exists.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE = "Quản trị hệ thống"
# Frozen here on purpose: a migration must not change when accounts/roles.py does.
PERMISSIONS = (
    "vneid_provider.view_organisationeid",
    "vneid_provider.change_organisationeid",
    "vneid_provider.view_organisationrepresentative",
    "vneid_provider.view_organisationauthorisation",
    "vneid_provider.change_organisationauthorisation",
)


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
    group = apps.get_model("auth", "Group").objects.filter(name=ROLE).first()
    if group is not None:
        group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=ROLE).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        # The role groups exist by then (accounts creates them).
        ("accounts", "0014_roles_of_the_national_login_and_the_province"),
        ("vneid_provider", "0012_organisations"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
