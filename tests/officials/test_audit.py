"""Every official change: a reason, one audit entry, written with the change or not at all."""

from datetime import date
from urllib.parse import urlparse

import pytest
import responses
from axes.models import AccessAttempt
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from accounts.models import AuditEntry
from citizen_registry.models import ApiClient, Citizen, LookupLog, RecordChange
from citizen_registry.services import ensure_api_client
from identity.relying_party.protocol import VneidIdentity
from identity.relying_party.services import record_vneid_login
from tests.accounts.factories import UserFactory
from vneid.models import AuditEvent, OidcClient
from vneid.services import create_client

from .conftest import REASON, account_form_data, citizen_form_data

pytestmark = pytest.mark.django_db

REGISTRY = "http://registry.test/registry/api/v1/"


def _change_account(client, account, **overrides):
    url = reverse("admin:accounts_user_change", args=[account.pk])
    return client.post(url, account_form_data(account, **overrides))


def _action(client, url_name, action, pks, reason=REASON):
    data = {"action": action, "_selected_action": pks, "confirm": "yes", "reason": reason}
    return client.post(reverse(f"admin:{url_name}"), data)


def test_correcting_a_birth_date_writes_one_entry_with_field_before_after_and_reason(
    official_client, an
):
    client = official_client("account")
    response = _change_account(client, an, birth_date="03/07/1985")

    assert response.status_code == 302
    an.refresh_from_db()
    assert an.birth_date == date(1985, 7, 3)
    entry = AuditEntry.objects.get()
    assert entry.account == an
    assert entry.actor == client.official
    assert entry.actor_kind == AuditEntry.ActorKind.OFFICIAL
    assert entry.action == AuditEntry.Action.IDENTITY_CORRECTED
    assert entry.changes == {"birth_date": ["1985-07-02", "1985-07-03"]}
    assert entry.reason == REASON


def test_a_change_without_a_reason_is_refused_and_writes_nothing(official_client, an):
    client = official_client("account")
    response = _change_account(client, an, birth_date="03/07/1985", reason="  ")

    assert response.status_code == 200
    assert "Vui lòng nhập lý do thay đổi." in response.content.decode()
    an.refresh_from_db()
    assert an.birth_date == date(1985, 7, 2)
    assert not AuditEntry.objects.exists()


def test_a_failed_save_writes_no_entry_and_changes_nothing(official_client, an, monkeypatch):
    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(AuditEntry.objects, "create", fail)
    with pytest.raises(DatabaseError):
        account_services.correct_account(
            account=an, values={"full_name": "Nguyễn Văn Ân"}, actor=an, reason=REASON
        )
    an.refresh_from_db()
    assert an.full_name == "Nguyễn Văn An"


def test_the_service_refuses_an_official_change_without_a_reason(an):
    with pytest.raises(account_services.ReasonRequired):
        account_services.correct_account(account=an, values={"full_name": "X"}, actor=an, reason="")


def test_a_cccd_that_breaks_the_rules_is_explained_and_nothing_is_written(official_client, an):
    client = official_client("account")
    # Digit 4 says a woman born in the 1900s; An is a man born in 1985.
    response = _change_account(client, an, cccd_number="001185004321")

    page = response.content.decode()
    assert response.status_code == 200
    assert "giới tính" in page.lower() or "Chữ số thứ 4" in page
    an.refresh_from_db()
    assert an.cccd_number == "001085004321"
    assert not AuditEntry.objects.exists()


def test_a_birth_year_that_contradicts_the_linked_cccd_is_refused(official_client, an):
    response = _change_account(official_client("account"), an, birth_date="02/07/1986")
    assert response.status_code == 200
    an.refresh_from_db()
    assert an.birth_date == date(1985, 7, 2)


def test_one_cccd_one_account_is_a_form_error_not_a_database_error(official_client, an):
    other = UserFactory(birth_date=date(1985, 1, 1), gender="male")
    response = _change_account(official_client("account"), other, cccd_number=an.cccd_number)

    assert response.status_code == 200
    assert "Mỗi số CCCD chỉ liên kết được với một tài khoản" in response.content.decode()
    other.refresh_from_db()
    assert other.cccd_number == ""
    assert not AuditEntry.objects.exists()


def test_linking_a_cccd_by_an_official_is_audited_as_a_link_with_the_number_masked(
    official_client,
):
    account = UserFactory(birth_date=date(1985, 7, 2), gender="male")
    _change_account(official_client("account"), account, cccd_number="001 085 004 321")

    account.refresh_from_db()
    assert account.cccd_number == "001085004321"
    entry = AuditEntry.objects.get()
    assert entry.action == AuditEntry.Action.CCCD_LINKED
    assert entry.changes == {"cccd_number": ["", "0010******21"]}


def test_unlinking_a_cccd_asks_for_a_reason_then_writes_one_entry(official_client, an):
    client = official_client("account")
    first = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlink_cccd", "_selected_action": [an.pk]},
    )
    assert first.status_code == 200
    assert 'name="reason"' in first.content.decode()
    refused = _action(client, "accounts_user_changelist", "unlink_cccd", [an.pk], reason="")
    assert "Vui lòng nhập lý do thay đổi." in refused.content.decode()
    an.refresh_from_db()
    assert an.cccd_number == "001085004321"

    _action(client, "accounts_user_changelist", "unlink_cccd", [an.pk])

    an.refresh_from_db()
    assert an.cccd_number == ""
    entry = AuditEntry.objects.get()
    assert entry.action == AuditEntry.Action.CCCD_UNLINKED
    assert entry.changes == {"cccd_number": ["0010******21", ""]}
    assert entry.actor == client.official


def test_unlocking_a_throttled_login_clears_the_attempts_and_writes_one_entry(official_client, an):
    AccessAttempt.objects.create(
        username=an.username, ip_address="10.0.0.1", failures_since_start=5, user_agent="x"
    )
    _action(official_client("account"), "accounts_user_changelist", "unlock_login", [an.pk])

    assert not AccessAttempt.objects.exists()
    entry = AuditEntry.objects.get()
    assert entry.action == AuditEntry.Action.LOGIN_UNLOCKED
    assert entry.changes == {"failed_logins": [5, 0]}


def test_unlocking_an_account_that_is_not_locked_writes_nothing(official_client, an):
    _action(official_client("account"), "accounts_user_changelist", "unlock_login", [an.pk])
    assert not AuditEntry.objects.exists()


def test_correcting_a_registry_record_writes_one_record_change(official_client, an_record):
    client = official_client("registry")
    url = reverse("admin:citizen_registry_citizen_change", args=[an_record.pk])
    response = client.post(url, citizen_form_data(an_record, birth_date="03/07/1985"))

    assert response.status_code == 302
    change = RecordChange.objects.get()
    assert change.citizen == an_record
    assert change.actor == client.official
    assert change.action == RecordChange.Action.RECORD_CORRECTED
    assert change.changes == {"birth_date": ["1985-07-02", "1985-07-03"]}
    assert change.reason == REASON


def test_a_registry_correction_without_a_reason_is_refused(official_client, an_record):
    client = official_client("registry")
    url = reverse("admin:citizen_registry_citizen_change", args=[an_record.pk])
    response = client.post(url, citizen_form_data(an_record, full_name="X", reason=""))
    assert response.status_code == 200
    an_record.refresh_from_db()
    assert an_record.full_name == "Nguyễn Văn An"
    assert not RecordChange.objects.exists()


def test_a_registry_birth_year_must_agree_with_the_cccd(official_client, an_record):
    client = official_client("registry")
    url = reverse("admin:citizen_registry_citizen_change", args=[an_record.pk])
    response = client.post(url, citizen_form_data(an_record, birth_date="02/07/1990"))
    assert response.status_code == 200
    assert not RecordChange.objects.exists()


@pytest.mark.parametrize(
    ("action", "status"),
    [("mark_deceased", "deceased"), ("mark_card_revoked", "card_revoked")],
)
def test_status_actions_write_one_record_change(official_client, an_record, action, status):
    _action(
        official_client("registry"), "citizen_registry_citizen_changelist", action, [an_record.pk]
    )
    an_record.refresh_from_db()
    assert an_record.status == status
    change = RecordChange.objects.get()
    assert change.action == RecordChange.Action.STATUS_CHANGED
    assert change.changes == {"status": ["alive", status]}


def test_api_client_registration_change_and_new_key_each_write_one_record_change(
    official_client,
):
    client = official_client("system")
    client.post(
        reverse("admin:citizen_registry_apiclient_add"),
        {"name": "Một cửa tỉnh", "can_read_records": "", "reason": REASON},
    )
    api_client = ApiClient.objects.get()
    assert RecordChange.objects.get().action == RecordChange.Action.API_CLIENT_CREATED

    client.post(
        reverse("admin:citizen_registry_apiclient_change", args=[api_client.pk]),
        {"name": "Một cửa tỉnh", "can_read_records": "on", "is_active": "on", "reason": REASON},
    )
    changed = RecordChange.objects.filter(action=RecordChange.Action.API_CLIENT_CHANGED).get()
    assert changed.changes == {"can_read_records": [False, True]}

    old_prefix = api_client.key_prefix
    _action(client, "citizen_registry_apiclient_changelist", "issue_new_keys", [api_client.pk])
    issued = RecordChange.objects.filter(action=RecordChange.Action.API_KEY_ISSUED).get()
    api_client.refresh_from_db()
    assert issued.changes == {"key_prefix": [old_prefix, api_client.key_prefix]}
    assert RecordChange.objects.count() == 3
    assert all(change.actor == client.official for change in RecordChange.objects.all())


def test_vneid_client_changes_and_new_secrets_each_write_one_audit_event(official_client):
    oidc_client, _ = create_client(
        name="Cổng tỉnh", redirect_uris=["https://tinh.example/cb"], scopes=["openid"]
    )
    AuditEvent.objects.all().delete()
    client = official_client("system")
    response = client.post(
        reverse("admin:vneid_provider_oidcclient_change", args=[oidc_client.pk]),
        {
            "name": "Cổng DVC tỉnh",
            "redirect_uris": "https://tinh.example/cb",
            "post_logout_redirect_uris": "",
            "allowed_scopes": ["openid"],
            "is_active": "on",
            "reason": REASON,
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get()
    assert event.kind == AuditEvent.Kind.CLIENT_CHANGED
    assert event.changes == {"name": ["Cổng tỉnh", "Cổng DVC tỉnh"]}
    assert (event.actor, event.reason) == (client.official, REASON)

    secret_hash = oidc_client.client_secret_hash
    _action(client, "vneid_provider_oidcclient_changelist", "issue_new_secret", [oidc_client.pk])
    oidc_client.refresh_from_db()
    assert oidc_client.client_secret_hash != secret_hash
    issued = AuditEvent.objects.filter(kind=AuditEvent.Kind.CLIENT_SECRET_ISSUED).get()
    assert issued.actor == client.official
    assert secret_hash not in str(issued.changes)


def test_a_vneid_client_change_without_a_reason_is_refused(official_client):
    oidc_client, _ = create_client(name="Cổng tỉnh", redirect_uris=["https://tinh.example/cb"])
    client = official_client("system")
    client.post(
        reverse("admin:vneid_provider_oidcclient_change", args=[oidc_client.pk]),
        {"name": "Khác", "redirect_uris": "https://tinh.example/cb", "allowed_scopes": ["openid"]},
    )
    oidc_client.refresh_from_db()
    assert oidc_client.name == "Cổng tỉnh"
    assert not OidcClient.objects.filter(name="Khác").exists()


@pytest.mark.parametrize(
    "url_name",
    [
        "accounts_auditentry",
        "citizen_registry_recordchange",
        "vneid_provider_auditevent",
    ],
)
def test_audit_entries_are_read_only_even_for_a_superuser(superuser_client, an, url_name):
    entries = {
        "accounts_auditentry": lambda: AuditEntry.objects.create(
            account=an, actor_kind="system", action="identity_refreshed"
        ),
        "citizen_registry_recordchange": lambda: RecordChange.objects.create(
            actor=an, action="record_corrected", reason=REASON
        ),
        "vneid_provider_auditevent": lambda: AuditEvent.objects.create(kind="login_failed"),
    }
    entry = entries[url_name]()
    change_url = reverse(f"admin:{url_name}_change", args=[entry.pk])
    page = superuser_client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert superuser_client.post(change_url, {"reason": "khác"}).status_code == 403
    delete_url = reverse(f"admin:{url_name}_delete", args=[entry.pk])
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert superuser_client.get(reverse(f"admin:{url_name}_add")).status_code == 403
    assert type(entry).objects.filter(pk=entry.pk).exists()


def test_the_account_page_shows_the_whole_history_and_the_dossiers(official_client, an):
    AuditEntry.objects.create(
        account=an,
        actor=an,
        actor_kind="citizen",
        action="contact_changed",
        changes={"phone": ["0912000000", "0912999999"]},
    )
    AuditEntry.objects.create(
        account=an,
        actor_kind="system",
        action="identity_refreshed",
        changes={"place_of_birth": ["Hà Nội", "Phường Hàng Bạc"]},
    )
    client = official_client("account")
    _change_account(client, an, phone="0987000000")

    page = client.get(reverse("admin:accounts_user_change", args=[an.pk])).content.decode()
    assert "Sửa thông tin liên hệ" in page
    assert "Cập nhật từ CSDL Quốc gia về Dân cư" in page
    assert "Cán bộ sửa thông tin tài khoản" in page
    assert "số điện thoại: 0912000000 → 0912999999" in page
    assert REASON in page
    assert "G22.220915.000201" in page


def test_the_record_page_shows_its_history_and_the_lookups_about_it(official_client, an_record):
    LookupLog.objects.create(
        citizen=an_record,
        endpoint="lookup",
        masked_number="0010******21",
        purpose="Cập nhật thông tin định danh",
        requested_by="portal-account:7",
        result="found",
        status_code=200,
    )
    client = official_client("registry")
    url = reverse("admin:citizen_registry_citizen_change", args=[an_record.pk])
    client.post(url, citizen_form_data(an_record, place_of_birth="Hà Nội"))

    page = client.get(url).content.decode()
    assert "Sửa thông tin công dân" in page
    assert "nơi sinh:" in page
    assert "portal-account:7" in page
    assert "Cập nhật thông tin định danh" in page


@pytest.fixture
def registry_over_http(settings):
    """Route the portal's registry calls to the registry views of this test database."""
    settings.REGISTRY = {**settings.REGISTRY, "BASE_URL": REGISTRY}
    ensure_api_client(
        name="Cổng Dịch vụ công Quốc gia",
        raw_key=settings.REGISTRY["API_KEY"],
        can_read_records=True,
    )

    def forward(request):
        answer = Client().post(
            urlparse(request.url).path,
            data=request.body,
            content_type="application/json",
            headers={"authorization": request.headers["Authorization"]},
        )
        return answer.status_code, {"Content-Type": "application/json"}, answer.content

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.POST, REGISTRY + "citizens/lookup", callback=forward)
        yield mock


def test_a_registry_correction_reaches_the_account_at_its_next_refresh(
    official_client, an, an_record, registry_over_http
):
    client = official_client("registry")
    url = reverse("admin:citizen_registry_citizen_change", args=[an_record.pk])
    client.post(url, citizen_form_data(an_record, birth_date="03/07/1985"))

    refresh = account_services.refresh_identity(account=an, actor=an)

    an.refresh_from_db()
    assert an.birth_date == date(1985, 7, 3)
    entry = an.audit_entries.get(action=AuditEntry.Action.IDENTITY_REFRESHED)
    assert entry.changes["birth_date"] == ["1985-07-02", "1985-07-03"]
    assert refresh.changes["birth_date"] == ["1985-07-02", "1985-07-03"]


def test_a_registry_correction_reaches_the_account_at_its_next_vneid_login(an):
    identity = VneidIdentity(
        sub="abc",
        personal_id_number=an.cccd_number,
        old_cmnd_number=an.cmnd_number,
        full_name="Nguyễn Văn An",
        birth_date=date(1985, 7, 3),
        gender="male",
        level=2,
    )
    record_vneid_login(account=an, identity=identity)

    an.refresh_from_db()
    assert an.birth_date == date(1985, 7, 3)
    refreshed = an.audit_entries.get(action=AuditEntry.Action.IDENTITY_REFRESHED)
    assert refreshed.changes == {"birth_date": ["1985-07-02", "1985-07-03"]}
    assert refreshed.actor_kind == AuditEntry.ActorKind.SYSTEM
    assert an.audit_entries.filter(action=AuditEntry.Action.VNEID_LOGIN).count() == 1


def test_an_unchanged_vneid_login_writes_only_the_login(an):
    identity = VneidIdentity(
        sub="abc",
        personal_id_number=an.cccd_number,
        old_cmnd_number=an.cmnd_number,
        full_name=an.full_name,
        birth_date=an.birth_date,
        gender=an.gender,
        level=2,
    )
    record_vneid_login(account=an, identity=identity)
    assert list(an.audit_entries.values_list("action", flat=True)) == ["vneid_login"]


def test_a_superuser_locking_an_account_gives_a_reason_and_writes_one_roles_entry(
    superuser_client, an
):
    data = account_form_data(an, is_active="", is_staff="")
    response = superuser_client.post(reverse("admin:accounts_user_change", args=[an.pk]), data)

    assert response.status_code == 302
    an.refresh_from_db()
    assert an.is_active is False
    entry = AuditEntry.objects.get()
    assert entry.action == AuditEntry.Action.ROLES_CHANGED
    assert entry.changes == {"is_active": [True, False]}
    assert entry.actor == superuser_client.official


def test_adding_a_registry_record_writes_one_record_change_naming_its_cccd(
    superuser_client, an_record
):
    typed = {"cccd_number": "００１ ０８５ ００４ ３２１", "cmnd_number": "012.345.678"}
    data = citizen_form_data(an_record, **typed)
    # The same person, added afresh through the form.
    an_record.delete()
    response = superuser_client.post(reverse("admin:citizen_registry_citizen_add"), data)

    assert response.status_code == 302
    added = Citizen.objects.get()
    assert (added.cccd_number, added.cmnd_number) == ("001085004321", "012345678")
    change = RecordChange.objects.get()
    assert change.citizen == added
    assert change.actor == superuser_client.official
    assert change.action == RecordChange.Action.RECORD_CORRECTED
    assert change.changes == {"cccd_number": [None, "0010******21"]}
    assert change.reason == REASON


@pytest.mark.parametrize("cmnd", ["٠١٢٣٤٥٦٧٨", "۰۱۲۳۴۵۶۷۸", "01234567"])
def test_a_registry_cmnd_in_other_digits_or_lengths_is_refused(official_client, an_record, cmnd):
    client = official_client("registry")
    url = reverse("admin:citizen_registry_citizen_change", args=[an_record.pk])
    response = client.post(url, citizen_form_data(an_record, cmnd_number=cmnd))

    assert response.status_code == 200
    assert "Số CMND gồm 9 hoặc 12 chữ số." in response.content.decode()
    assert not RecordChange.objects.exists()


def test_an_account_cmnd_typed_in_full_width_digits_is_saved_as_digits(official_client, an):
    response = _change_account(official_client("account"), an, cmnd_number="０１２３４５６７９\n")

    assert response.status_code == 302
    an.refresh_from_db()
    assert an.cmnd_number == "012345679"
    assert AuditEntry.objects.get().changes == {"cmnd_number": ["0123***78", "0123***79"]}


@pytest.mark.parametrize("cmnd", ["٠١٢٣٤٥٦٧٩", "0123456789"])
def test_an_account_cmnd_in_other_digits_or_lengths_is_refused(official_client, an, cmnd):
    response = _change_account(official_client("account"), an, cmnd_number=cmnd)

    assert response.status_code == 200
    assert "Số CMND gồm 9 hoặc 12 chữ số." in response.content.decode()
    assert not AuditEntry.objects.exists()
