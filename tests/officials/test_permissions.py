"""The permission matrix: each role reaches exactly what its job names, nothing more."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.models import AuditEntry
from accounts.roles import ACCOUNT_OFFICER, REGISTRY_OFFICER, SYSTEM_ADMINISTRATOR
from citizen_registry.models import ApiClient, Citizen, RecordChange
from tests.accounts.factories import UserFactory

from .conftest import REASON, account_form_data, citizen_form_data

pytestmark = pytest.mark.django_db

ROLES = ("account", "registry", "system", "province", "none")

# (admin URL name, who may open it); every other role gets 403.
PAGES = [
    ("accounts_user_changelist", {"account", "system"}),
    ("accounts_auditentry_changelist", {"account", "system"}),
    ("portal_dossier_changelist", {"account"}),
    ("citizen_registry_citizen_changelist", {"registry"}),
    ("citizen_registry_lookuplog_changelist", {"registry"}),
    ("citizen_registry_recordchange_changelist", {"registry", "system"}),
    ("citizen_registry_apiclient_changelist", {"system"}),
    ("citizen_registry_apiclient_add", {"system"}),
    ("citizen_registry_faultinjection_changelist", set()),
    ("vneid_provider_oidcclient_changelist", {"system"}),
    ("vneid_provider_oidcclient_add", {"system"}),
    ("vneid_provider_auditevent_changelist", {"system"}),
    ("vneid_provider_undeliveredlogout_changelist", {"system"}),
    ("vneid_provider_vneidaccount_changelist", set()),
    ("vneid_provider_organisationeid_changelist", {"system"}),
    ("vneid_provider_organisationrepresentative_changelist", {"system"}),
    ("vneid_provider_organisationauthorisation_changelist", {"system"}),
    ("vneid_provider_signingkey_changelist", set()),
    ("national_login_nationalclient_changelist", {"system"}),
    ("national_login_nationalclient_add", {"system"}),
    ("national_login_auditevent_changelist", {"system"}),
    ("national_login_logoutdeliveryrecord_changelist", {"system"}),
    ("national_login_signingkey_changelist", set()),
    ("provincial_portal_provincialaccount_changelist", {"province"}),
    ("provincial_portal_provincialdossier_changelist", {"province"}),
    ("provincial_portal_auditevent_changelist", {"province"}),
    ("auth_group_changelist", {"system"}),
    ("auth_group_add", {"system"}),
    ("accounts_user_add", set()),
    ("accounts_auditentry_add", set()),
    ("citizen_registry_citizen_add", set()),
    ("otp_totp_totpdevice_changelist", set()),
    ("axes_accessattempt_changelist", set()),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "allowed"), PAGES)
def test_each_role_opens_only_the_pages_its_job_names(official_client, role, url_name, allowed):
    client = official_client(role)
    response = client.get(reverse(f"admin:{url_name}"))
    assert response.status_code == (200 if role in allowed else 403)


# Accounts register themselves and audit entries are written by the changes they record.
NOBODY_ADDS = {"accounts_user_add", "accounts_auditentry_add"}


@pytest.mark.parametrize("url_name", [name for name, _ in PAGES])
def test_a_superuser_opens_every_page_but_adding_accounts_or_audit_entries(
    superuser_client, url_name
):
    response = superuser_client.get(reverse(f"admin:{url_name}"))
    assert response.status_code == (403 if url_name in NOBODY_ADDS else 200)


def test_the_role_groups_hold_exactly_their_permissions(roles):
    def perms(name):
        group = Group.objects.get(name=name)
        return {
            f"{app}.{code}"
            for app, code in group.permissions.values_list("content_type__app_label", "codename")
        }

    assert perms(ACCOUNT_OFFICER) == {
        "accounts.view_user",
        "accounts.change_user",
        "accounts.unlink_cccd",
        "accounts.unlock_login",
        "accounts.view_auditentry",
        "accounts.view_organisationprofile",
        "portal.view_dossier",
        "portal.change_dossier",
    }
    assert "accounts.change_user" not in perms(SYSTEM_ADMINISTRATOR)
    assert "accounts.export_csv" in perms(SYSTEM_ADMINISTRATOR)
    assert not any(perm.startswith("accounts.") for perm in perms(REGISTRY_OFFICER))


@pytest.mark.parametrize(("role", "allowed"), [(r, r == "account") for r in ROLES])
def test_only_the_account_officer_corrects_an_account(official_client, an, role, allowed):
    client = official_client(role)
    url = reverse("admin:accounts_user_change", args=[an.pk])
    response = client.post(url, account_form_data(an, full_name="Nguyễn Văn Ân"))
    an.refresh_from_db()
    assert (an.full_name == "Nguyễn Văn Ân") is allowed
    if role in ("registry", "none"):
        assert response.status_code == 403


@pytest.mark.parametrize(("role", "allowed"), [(r, r == "registry") for r in ROLES])
def test_only_the_registry_officer_corrects_a_citizen_record(
    official_client, an_record, role, allowed
):
    client = official_client(role)
    url = reverse("admin:citizen_registry_citizen_change", args=[an_record.pk])
    response = client.post(url, citizen_form_data(an_record, place_of_birth="Hà Nội"))
    an_record.refresh_from_db()
    assert (an_record.place_of_birth == "Hà Nội") is allowed
    if not allowed:
        assert response.status_code == 403


def _run_action(client, url_name, action, pks):
    return client.post(
        reverse(f"admin:{url_name}"),
        {"action": action, "_selected_action": pks, "confirm": "yes", "reason": REASON},
    )


@pytest.mark.parametrize(("role", "allowed"), [(r, r == "account") for r in ROLES])
def test_only_the_account_officer_unlinks_a_cccd(official_client, an, role, allowed):
    _run_action(official_client(role), "accounts_user_changelist", "unlink_cccd", [an.pk])
    an.refresh_from_db()
    assert (an.cccd_number == "") is allowed


@pytest.mark.parametrize(("role", "allowed"), [(r, r == "registry") for r in ROLES])
def test_only_the_registry_officer_marks_a_citizen_deceased(
    official_client, an_record, role, allowed
):
    client = official_client(role)
    _run_action(client, "citizen_registry_citizen_changelist", "mark_deceased", [an_record.pk])
    an_record.refresh_from_db()
    assert (an_record.status == Citizen.Status.DECEASED) is allowed


@pytest.mark.parametrize(("role", "allowed"), [(r, r == "account") for r in ROLES])
def test_only_the_account_officer_moves_a_dossier_status(official_client, an, role, allowed):
    dossier = an.dossiers.get()
    client = official_client(role)
    client.post(
        reverse("admin:portal_dossier_change", args=[dossier.pk]),
        {"status": "processing", "reason": "Hồ sơ đủ điều kiện xử lý"},
    )
    dossier.refresh_from_db()
    assert (dossier.status == "processing") is allowed


@pytest.mark.parametrize(("role", "allowed"), [(r, r == "system") for r in ROLES])
def test_only_the_system_administrator_issues_api_keys(official_client, role, allowed):
    api_client = ApiClient.objects.create(name="Một cửa", key_prefix="dvcr_old", key_hash="x" * 64)
    client = official_client(role)
    _run_action(client, "citizen_registry_apiclient_changelist", "issue_new_keys", [api_client.pk])
    api_client.refresh_from_db()
    assert (api_client.key_prefix != "dvcr_old") is allowed


@pytest.mark.parametrize("role", ["account", "registry", "system", "none"])
def test_nobody_deletes_audit_entries_even_a_superuser(official_client, superuser_client, role):
    entry = AuditEntry.objects.create(
        account=UserFactory(), actor_kind="system", action="identity_refreshed"
    )
    for client in (official_client(role), superuser_client):
        url = reverse("admin:accounts_auditentry_delete", args=[entry.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
        change = reverse("admin:accounts_auditentry_change", args=[entry.pk])
        assert client.post(change, {"reason": "sửa"}).status_code == 403
    entry.refresh_from_db()
    assert entry.reason == ""


# Escalation through the admin's own user and group pages.


def test_the_system_administrator_cannot_give_herself_a_role(official_client):
    client = official_client("system")
    me = client.official
    officer_role = Group.objects.get(name=ACCOUNT_OFFICER)
    url = reverse("admin:accounts_user_change", args=[me.pk])
    data = account_form_data(me, groups=[officer_role.pk], is_superuser="on")
    client.post(url, data)
    me.refresh_from_db()
    assert list(me.groups.values_list("name", flat=True)) == [SYSTEM_ADMINISTRATOR]
    assert me.is_superuser is False


def test_the_system_administrator_assigns_roles_to_others_but_never_superuser(official_client, an):
    client = official_client("system")
    role = Group.objects.get(name=REGISTRY_OFFICER)
    url = reverse("admin:accounts_user_change", args=[an.pk])
    data = account_form_data(
        an, groups=[role.pk], is_staff="on", is_superuser="on", full_name="Tên khác"
    )
    response = client.post(url, data)
    assert response.status_code == 302
    an.refresh_from_db()
    assert list(an.groups.values_list("name", flat=True)) == [REGISTRY_OFFICER]
    assert an.is_staff is True
    assert an.is_superuser is False
    # Identity data is the account officer's job, not hers.
    assert an.full_name == "Nguyễn Văn An"
    entry = an.audit_entries.get()
    assert entry.action == AuditEntry.Action.ROLES_CHANGED
    assert entry.changes == {"is_staff": [False, True], "groups": [[], [REGISTRY_OFFICER]]}
    assert entry.reason == REASON


def test_a_superuser_account_is_out_of_reach_of_the_system_administrator(official_client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client = official_client("system")
    url = reverse("admin:accounts_user_change", args=[superuser.pk])
    response = client.post(url, account_form_data(superuser, is_superuser=""))
    superuser.refresh_from_db()
    assert superuser.is_superuser is True
    assert response.status_code == 403


def test_the_account_officer_cannot_grant_herself_permissions(official_client):
    client = official_client("account")
    me = client.official
    everything = list(Permission.objects.values_list("pk", flat=True))
    url = reverse("admin:accounts_user_change", args=[me.pk])
    system_role = Group.objects.get(name=SYSTEM_ADMINISTRATOR)
    data = account_form_data(
        me, user_permissions=everything, groups=[system_role.pk], is_superuser="on"
    )
    client.post(url, data)
    me.refresh_from_db()
    assert me.user_permissions.count() == 0
    assert list(me.groups.values_list("name", flat=True)) == [ACCOUNT_OFFICER]
    assert me.is_superuser is False


def test_the_system_administrator_cannot_change_her_own_role_group(official_client):
    client = official_client("system")
    own = Group.objects.get(name=SYSTEM_ADMINISTRATOR)
    change_user = Permission.objects.get(codename="change_user")
    url = reverse("admin:auth_group_change", args=[own.pk])
    response = client.post(url, {"name": own.name, "permissions": [change_user.pk]})
    assert response.status_code == 403
    assert not own.permissions.filter(pk=change_user.pk).exists()


def test_a_new_role_can_only_hold_permissions_its_creator_holds(official_client):
    client = official_client("system")
    change_user = Permission.objects.get(codename="change_user")
    view_group = Permission.objects.get(codename="view_group")
    response = client.post(
        reverse("admin:auth_group_add"),
        {"name": "Vai trò mới", "permissions": [change_user.pk, view_group.pk]},
    )
    assert response.status_code == 200
    assert not Group.objects.filter(name="Vai trò mới").exists()
    client.post(
        reverse("admin:auth_group_add"), {"name": "Vai trò mới", "permissions": [view_group.pk]}
    )
    assert list(Group.objects.get(name="Vai trò mới").permissions.all()) == [view_group]


def test_record_changes_are_read_only_for_the_registry_officer(
    official_client,
):
    client = official_client("registry")
    change = RecordChange.objects.create(
        actor=client.official, action="record_corrected", reason=REASON
    )
    url = reverse("admin:citizen_registry_recordchange_change", args=[change.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "khác"}).status_code == 403
