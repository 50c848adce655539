"""The account services called directly: what they save, what they audit, what they refuse."""

from datetime import date

import pytest

from accounts import services
from accounts.models import AuditEntry, User
from accounts.registry_client import RegistryBadResponse, RegistryClient, RegistryUnavailable

from .conftest import LOOKUP_URL, NGA_CCCD, NGA_CMND, VERIFY_URL, nga_record, verify_answer
from .factories import UserFactory


def test_link_fills_a_missing_cmnd_from_the_registry_and_audits_it_masked(db, registry):
    account = UserFactory(
        username="012345678901",
        cmnd_number="",
        full_name="Tô Thị Nga",
        birth_date=date(1990, 3, 15),
        gender="female",
    )
    registry.post(VERIFY_URL, json=verify_answer())
    registry.post(LOOKUP_URL, json=nga_record())

    saved = services.link_cccd(account=account, cccd_number=NGA_CCCD, actor=account)

    assert saved.cmnd_number == NGA_CMND
    entry = saved.audit_entries.get(action=AuditEntry.Action.CCCD_LINKED)
    assert entry.changes == {
        "cccd_number": ["", "0371******45"],
        "cmnd_number": ["", "1644***56"],
    }


def test_link_takes_the_registry_spelling_of_the_identity(db, registry):
    account = UserFactory(
        full_name="tô  thị nga", birth_date=date(1990, 3, 15), gender="female", place_of_birth=""
    )
    registry.post(VERIFY_URL, json=verify_answer())
    registry.post(LOOKUP_URL, json=nga_record(place_of_origin=""))

    saved = services.link_cccd(account=account, cccd_number=NGA_CCCD, actor=account)

    assert saved.full_name == "Tô Thị Nga"
    assert saved.place_of_origin == "Hà Nội"
    changes = saved.audit_entries.get(action=AuditEntry.Action.IDENTITY_REFRESHED).changes
    assert changes["full_name"] == ["tô  thị nga", "Tô Thị Nga"]
    assert changes["place_of_birth"] == ["", "Xã Ninh Hải, Huyện Hoa Lư, Tỉnh Ninh Bình"]
    assert "place_of_origin" not in changes


def test_link_refuses_a_number_breaking_the_rules(db, registry):
    account = UserFactory()

    with pytest.raises(services.InvalidCccd) as refused:
        services.link_cccd(account=account, cccd_number="123", actor=account)

    assert [problem.code for problem in refused.value.problems] == ["length"]
    assert len(registry.calls) == 0


def test_link_of_an_account_with_another_cccd_is_refused(db, registry):
    account = UserFactory(cccd_number="001085004321", birth_date=date(1990, 3, 15), gender="female")

    with pytest.raises(services.AccountAlreadyHasCccd):
        services.link_cccd(account=account, cccd_number=NGA_CCCD, actor=account)


def test_link_registry_outage_propagates_as_a_typed_error_and_saves_nothing(nga, registry):
    registry.post(VERIFY_URL, status=503, json={"error": "unavailable"})

    with pytest.raises(RegistryUnavailable):
        services.link_cccd(account=nga, cccd_number=NGA_CCCD, actor=nga)

    nga.refresh_from_db()
    assert nga.cccd_number == ""
    assert not AuditEntry.objects.exists()


def test_link_uses_the_client_it_is_given(nga, registry):
    registry.post("http://other.test/v1/citizens/verify", json=verify_answer(match=False))
    client = RegistryClient(base_url="http://other.test/v1/", api_key="k2", timeout=5)

    with pytest.raises(services.IdentityMismatch):
        services.link_cccd(account=nga, cccd_number=NGA_CCCD, actor=nga, client=client)

    assert registry.calls[0].request.headers["Authorization"] == "Bearer k2"


def test_link_by_an_official_is_audited_as_an_official(nga, registry):
    official = UserFactory(is_staff=True)
    registry.post(VERIFY_URL, json=verify_answer())
    registry.post(LOOKUP_URL, json=nga_record())

    saved = services.link_cccd(account=nga, cccd_number=NGA_CCCD, actor=official)

    entry = saved.audit_entries.get(action=AuditEntry.Action.CCCD_LINKED)
    assert entry.actor == official
    assert entry.actor_kind == AuditEntry.ActorKind.OFFICIAL


def test_refresh_identity_saves_changes_and_audits_them(db, registry):
    account = UserFactory(
        cccd_number=NGA_CCCD, full_name="Tô Thị Nga", gender="female", birth_date=None
    )
    registry.post(LOOKUP_URL, json=nga_record())

    result = services.refresh_identity(account=account, actor=account)

    assert result.account.birth_date == date(1990, 3, 15)
    assert result.changes["birth_date"] == [None, "1990-03-15"]
    entry = account.audit_entries.get()
    assert entry.action == AuditEntry.Action.IDENTITY_REFRESHED
    assert entry.changes == result.changes
    assert result.account.identity_refreshed_at is not None


def test_refresh_identity_of_an_unlinked_account_is_refused(nga, registry):
    with pytest.raises(services.CccdNotLinked):
        services.refresh_identity(account=nga, actor=nga)

    assert len(registry.calls) == 0


def test_change_contact_audits_only_what_changed(nga):
    changes = services.change_contact(account=nga, phone="0987654321", email=nga.email, actor=nga)

    assert changes == {"phone": ["0912345678", "0987654321"]}
    entry = nga.audit_entries.get()
    assert entry.action == AuditEntry.Action.CONTACT_CHANGED
    assert entry.changes == changes


def test_change_contact_without_changes_writes_no_audit_row(nga):
    assert services.change_contact(account=nga, phone=nga.phone, email=nga.email, actor=nga) == {}
    assert not nga.audit_entries.exists()


def test_link_refuses_a_lookup_answer_about_another_citizen(nga, registry):
    registry.post(VERIFY_URL, json=verify_answer())
    registry.post(LOOKUP_URL, json=nga_record(cccd_number="001085004321"))

    with pytest.raises(RegistryBadResponse):
        services.link_cccd(account=nga, cccd_number=NGA_CCCD, actor=nga)

    nga.refresh_from_db()
    assert nga.cccd_number == ""


@pytest.mark.django_db
def test_one_link_service_copies_vneid_data_like_a_registry_record_without_erasing():
    account = UserFactory(
        username="023456789", cmnd_number="", full_name="Tran Van Binh", place_of_birth="Huế"
    )
    vouched = services.ConfirmedIdentity(
        cccd_number="079078088012",
        full_name="Trần Văn Bình",
        birth_date=date(1978, 3, 14),
        gender="male",
        cmnd_number="023456789",
    )

    linked = services.save_cccd_link(account=account, record=vouched, actor=account, reason="VNeID")

    linked.refresh_from_db()
    assert linked.cccd_number == "079078088012"
    assert linked.full_name == "Trần Văn Bình"
    assert linked.cmnd_number == "023456789"
    # VNeID says nothing of the place of birth: the account keeps what it had.
    assert linked.place_of_birth == "Huế"
    link, refresh = AuditEntry.objects.filter(account=linked).order_by("id")
    assert link.action == AuditEntry.Action.CCCD_LINKED
    assert link.changes == {"cccd_number": ["", "0790******12"], "cmnd_number": ["", "0234***89"]}
    assert refresh.changes["full_name"] == ["Tran Van Binh", "Trần Văn Bình"]
    assert {link.reason, refresh.reason} == {"VNeID"}


def test_every_way_of_setting_a_cccd_checks_the_same_rules_in_the_same_order(db):
    holder = UserFactory(cccd_number=NGA_CCCD, birth_date=date(1990, 3, 15), gender="female")
    other = UserFactory(birth_date=date(1990, 3, 15), gender="female")

    with pytest.raises(services.InvalidCccd):
        services.check_cccd_link("123", account=other)
    # VNeID vouches for the number's structure; "one CCCD, one account" still holds.
    with pytest.raises(services.CccdAlreadyLinked):
        services.check_cccd_link(NGA_CCCD, account=None, vouched=True)
    with pytest.raises(services.AccountAlreadyHasCccd):
        services.check_cccd_link("001085004321", account=holder)
    assert services.check_cccd_link(NGA_CCCD, account=holder) is True
    # An official's correction may replace a linked number, never with a taken one.
    assert services.check_cccd_link("001185004321", account=holder, replaces=True) is False
    with pytest.raises(services.CccdAlreadyLinked):
        services.check_cccd_link(NGA_CCCD, account=other, replaces=True)


def test_a_cccd_taken_by_another_account_in_a_race_is_already_linked(db):
    holder = UserFactory(cccd_number=NGA_CCCD)
    late = UserFactory()

    with pytest.raises(services.CccdAlreadyLinked), services.one_account_per_cccd():
        late.cccd_number = holder.cccd_number
        late.save()

    assert User.objects.get(cccd_number=NGA_CCCD) == holder
