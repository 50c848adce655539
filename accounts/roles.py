"""The officials' roles: Django groups holding exactly the permissions their job names."""

from collections.abc import Mapping, Sequence
from typing import Any

ACCOUNT_OFFICER = "Cán bộ quản lý tài khoản"
REGISTRY_OFFICER = "Cán bộ dân cư"
SYSTEM_ADMINISTRATOR = "Quản trị hệ thống"
PROVINCIAL_OFFICER = "Cán bộ Cổng DVC tỉnh"

# Permissions as "app_label.codename" strings: the other organisations' code is never imported.
ROLES = {
    ACCOUNT_OFFICER: (
        "accounts.view_user",
        "accounts.change_user",
        "accounts.unlink_cccd",
        "accounts.unlock_login",
        "accounts.view_auditentry",
        "accounts.view_organisationprofile",
        "portal.view_dossier",
        "portal.change_dossier",
    ),
    REGISTRY_OFFICER: (
        "citizen_registry.view_citizen",
        "citizen_registry.change_citizen",
        "citizen_registry.change_citizen_status",
        "citizen_registry.view_lookuplog",
        "citizen_registry.view_recordchange",
    ),
    SYSTEM_ADMINISTRATOR: (
        "vneid_provider.view_oidcclient",
        "vneid_provider.add_oidcclient",
        "vneid_provider.change_oidcclient",
        "vneid_provider.view_auditevent",
        "vneid_provider.view_undeliveredlogout",
        # Organisation e-IDs (Decree 69/2024): seen, locked and unlocked, authorisations revoked,
        # by the administrator who already keeps VNeID's clients and audit trail.
        "vneid_provider.view_organisationeid",
        "vneid_provider.change_organisationeid",
        "vneid_provider.view_organisationrepresentative",
        "vneid_provider.view_organisationauthorisation",
        "vneid_provider.change_organisationauthorisation",
        # Integration teams' portals are registered at the national login service by the same
        # administrator who registers them at VNeID.
        "national_login.view_nationalclient",
        "national_login.add_nationalclient",
        "national_login.change_nationalclient",
        "national_login.view_auditevent",
        "national_login.view_logoutdeliveryrecord",
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
        "accounts.view_organisationprofile",
        "certificate_authority.view_certificate",
        "certificate_authority.add_certificate",
        "certificate_authority.revoke_certificate",
        "certificate_authority.renew_certificate",
        "certificate_authority.view_usbtoken",
        "certificate_authority.unlock_usbtoken",
        "certificate_authority.view_certificateevent",
    ),
    # The province's own officials: its legacy accounts (unlocking an inheritance locked by
    # wrong passwords is a change) and its dossiers, nothing of the national portal.
    PROVINCIAL_OFFICER: (
        "provincial_portal.view_provincialaccount",
        "provincial_portal.change_provincialaccount",
        "provincial_portal.view_provincialdossier",
        "provincial_portal.view_auditevent",
    ),
}


def ensure_roles(
    *,
    group_model: Any,
    permission_model: Any,
    roles: Mapping[str, Sequence[str]] = ROLES,
) -> dict[str, Any]:
    """Make each role group hold exactly its permissions; return the groups by name.

    Takes the models as arguments so that a data migration can pass its historical ones.
    """
    # Any: a data migration passes its historical models, which have no static type.
    groups: dict[str, Any] = {}
    for name, perms in roles.items():
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.set(wanted)
        groups[name] = group
    return groups


def ensure_default_roles() -> dict[str, Any]:
    """Create the role groups with the current models (seeding, tests after a flush)."""
    from django.contrib.auth.models import Group, Permission

    return ensure_roles(group_model=Group, permission_model=Permission)
