"""The one compare-then-audit helper and the audit model the organisations' logs share."""

from datetime import date
from types import SimpleNamespace

import pytest

from accounts.models import AuditEntry
from admin_kit.audit import (
    AuditRecord,
    ReasonRequired,
    apply_changes,
    refuse_unknown_fields,
    required_reason,
    save_audited,
)
from certificate_authority.models import CertificateEvent
from citizen_registry.models import ApiClient, RecordChange
from vneid.models import AuditEvent


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


@pytest.mark.parametrize("model", [AuditEntry, RecordChange, AuditEvent, CertificateEvent])
def test_every_audit_table_is_an_audit_record_newest_first(model):
    assert issubclass(model, AuditRecord)
    assert model._meta.ordering == ["-created_at", "-id"]
    assert {"changes", "reason", "created_at"} <= {f.name for f in model._meta.fields}
