"""The one compare-then-audit helper and the audit model the organisations' logs share."""

import re
import tomllib
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, transaction

from accounts.models import AuditEntry
from admin_kit.audit import (
    AuditRecord,
    ReasonRequired,
    apply_changes,
    masked_value,
    refuse_unknown_fields,
    required_reason,
    save_audited,
)
from business_registry.models import RecordChange as BusinessRecordChange
from certificate_authority.models import CertificateEvent
from citizen_registry.models import ApiClient, RecordChange
from tests.accounts.factories import UserFactory
from vneid.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]
AUDIT_MODELS = [AuditEntry, RecordChange, AuditEvent, CertificateEvent, BusinessRecordChange]


@pytest.mark.parametrize("reason", [None, "", "   \n"])
def test_a_missing_reason_raises_reason_required_with_the_vietnamese_sentence(reason):
    with pytest.raises(ReasonRequired, match=r"Vui lòng nhập lý do thay đổi\."):
        required_reason(reason)


def test_a_reason_is_kept_without_surrounding_blanks():
    assert required_reason("  Công dân đề nghị \n") == "Công dân đề nghị"


def test_only_the_fields_that_differ_are_set_and_recorded_dates_as_text():
    row = SimpleNamespace(name="An", born=date(1990, 3, 15), phone="0912")
    changes = apply_changes(row, {"name": "An", "born": date(1990, 3, 16), "phone": ""})
    assert changes == {"born": ["1990-03-15", "1990-03-16"], "phone": ["0912", ""]}
    assert row.born == date(1990, 3, 16)
    assert row.phone == ""


def test_keep_when_empty_never_erases_a_value_with_nothing():
    row = SimpleNamespace(name="An", place="Hà Nội")
    changes = apply_changes(row, {"name": "Bình", "place": ""}, keep_when_empty=True)
    assert changes == {"name": ["An", "Bình"]}
    assert row.place == "Hà Nội"


def test_shown_decides_what_the_entry_records():
    row = SimpleNamespace(number="001085004321")
    changes = apply_changes(row, {"number": "001085004322"}, shown=lambda field, value: value[-4:])
    assert changes == {"number": ["4321", "4322"]}


def test_a_field_outside_the_allowed_ones_is_a_code_error():
    with pytest.raises(ValueError, match="password"):
        refuse_unknown_fields({"name": "x", "password": "y"}, ("name",))


@pytest.mark.django_db
def test_save_audited_saves_the_change_and_writes_one_entry():
    client = ApiClient.objects.create(name="Cũ", key_hash="a" * 64, key_prefix="dvcr_aaa")
    written = []
    changes = save_audited(
        client,
        {"name": "Mới", "is_active": client.is_active},
        allowed=("name", "is_active"),
        reason=" Đổi tên ",
        write_entry=lambda locked, changes, reason: written.append((locked.pk, changes, reason)),
    )
    assert changes == {"name": ["Cũ", "Mới"]}
    assert written == [(client.pk, {"name": ["Cũ", "Mới"]}, "Đổi tên")]
    assert client.name == "Mới"
    assert ApiClient.objects.get(pk=client.pk).name == "Mới"


@pytest.mark.django_db
def test_save_audited_writes_nothing_when_nothing_changed():
    client = ApiClient.objects.create(name="Cũ", key_hash="b" * 64, key_prefix="dvcr_bbb")
    written = []
    changes = save_audited(
        client,
        {"name": "Cũ"},
        allowed=("name",),
        reason="Không đổi",
        write_entry=lambda *args: written.append(args),
    )
    assert changes == {}
    assert written == []


@pytest.mark.django_db
def test_save_audited_refuses_before_saving_when_the_reason_is_missing():
    client = ApiClient.objects.create(name="Cũ", key_hash="c" * 64, key_prefix="dvcr_ccc")
    with pytest.raises(ReasonRequired):
        save_audited(client, {"name": "Mới"}, allowed=("name",), reason="", write_entry=print)
    assert ApiClient.objects.get(pk=client.pk).name == "Cũ"


@pytest.mark.parametrize("model", AUDIT_MODELS)
def test_every_audit_table_is_an_audit_record_newest_first(model):
    assert issubclass(model, AuditRecord)
    assert model._meta.ordering == ["-created_at", "-id"]
    assert {"actor", "changes", "reason", "created_at"} <= {f.name for f in model._meta.fields}


@pytest.mark.parametrize(
    ("model", "constraint", "actor_null", "actor_label"),
    [
        (AuditEntry, "accounts_auditentry_official_reason", True, "người thực hiện"),
        (RecordChange, "citizen_registry_recordchange_reason", False, "cán bộ"),
        (AuditEvent, "vneid_provider_auditevent_official_reason", True, "cán bộ"),
        (CertificateEvent, "ca_certificateevent_official_reason", True, "người thực hiện"),
        (BusinessRecordChange, "business_registry_recordchange_reason", False, "cán bộ"),
    ],
)
def test_each_audit_table_keeps_its_actor_column_and_reason_constraint(
    model, constraint, actor_null, actor_label
):
    actor = model._meta.get_field("actor")
    assert actor.column == "actor_id"
    assert actor.null is actor_null
    assert actor.verbose_name == actor_label
    assert actor.remote_field.related_name == "+"
    assert [c.name for c in model._meta.constraints] == [constraint]


def test_numbers_are_masked_and_dates_are_text_in_a_recorded_change():
    assert masked_value("cccd_number", "001085004321") == "0010******21"
    assert masked_value("cmnd_number", "164438056") == "1644***56"
    assert masked_value("birth_date", date(1985, 7, 2)) == "1985-07-02"
    assert masked_value("full_name", "An") == "An"


@pytest.mark.django_db
def test_record_writes_an_officials_row_with_its_reason_stripped():
    official = UserFactory(is_staff=True)
    event = AuditEvent.record(
        kind=AuditEvent.Kind.KEY_ROTATED, actor=official, reason="  Theo quy trình \n"
    )
    assert AuditEvent.objects.get() == event
    assert event.reason == "Theo quy trình"


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   "])
def test_record_refuses_an_officials_row_without_a_reason_and_writes_nothing(reason):
    official = UserFactory(is_staff=True)
    with pytest.raises(ReasonRequired):
        AuditEvent.record(kind=AuditEvent.Kind.KEY_ROTATED, actor=official, reason=reason)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_record_keeps_a_system_rows_reason_as_given():
    event = AuditEvent.record(kind=AuditEvent.Kind.KEY_ROTATED, detail="k1")
    assert event.reason == ""
    assert event.actor is None


@pytest.mark.django_db
def test_an_audit_entry_tells_who_acted_from_the_actor_and_the_account():
    citizen, official = UserFactory(), UserFactory(is_staff=True)
    action = AuditEntry.Action.CONTACT_CHANGED
    by_system = AuditEntry.record(account=citizen, action=action)
    by_citizen = AuditEntry.record(account=citizen, actor=citizen, action=action)
    by_official = AuditEntry.record(account=citizen, actor=official, action=action, reason="Lý do")
    assert by_system.actor_kind == AuditEntry.ActorKind.SYSTEM
    assert by_citizen.actor_kind == AuditEntry.ActorKind.CITIZEN
    assert by_official.actor_kind == AuditEntry.ActorKind.OFFICIAL


@pytest.mark.django_db
def test_a_citizens_own_audit_entry_needs_no_reason_but_an_officials_does():
    citizen = UserFactory()
    entry = AuditEntry.record(
        account=citizen, actor=citizen, action=AuditEntry.Action.PASSWORD_RESET
    )
    assert entry.reason == ""
    with pytest.raises(ReasonRequired):
        AuditEntry.record(
            account=citizen,
            actor=citizen,
            actor_kind=AuditEntry.ActorKind.OFFICIAL,
            action=AuditEntry.Action.LOGIN_UNLOCKED,
        )


@pytest.mark.django_db
def test_record_many_writes_every_row_and_checks_each():
    official = UserFactory(is_staff=True)
    rows = AuditEvent.record_many(
        {"kind": AuditEvent.Kind.KEY_ROTATED, "detail": f"k{n}"} for n in range(3)
    )
    assert sorted(AuditEvent.objects.values_list("detail", flat=True)) == ["k0", "k1", "k2"]
    assert len(rows) == 3
    with pytest.raises(ReasonRequired):
        AuditEvent.record_many([{"kind": AuditEvent.Kind.KEY_ROTATED, "actor": official}])
    assert AuditEvent.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_database_still_refuses_an_officials_row_without_a_reason():
    official = UserFactory(is_staff=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.create(kind=AuditEvent.Kind.KEY_ROTATED, actor=official, reason="")


def test_product_code_writes_audit_rows_only_through_the_models_record():
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
        "root_packages"
    ]
    names = "|".join(model.__name__ for model in AUDIT_MODELS)
    hand_written = re.compile(rf"\b({names})(\.objects\.(create|bulk_create)|\()")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in packages
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if hand_written.search(line) and not line.lstrip().startswith("class ")
    ]
    assert found == []
