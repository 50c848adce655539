"""Seeding for the sandbox (idempotent, representatives replaced) and deleting by code."""

from datetime import date

import pytest

from business_registry.models import Enterprise, LegalRepresentative, LookupLog, RecordChange
from business_registry.services import (
    EnterpriseSeed,
    RepresentativeSeed,
    delete_enterprises,
    ensure_api_client,
    seed_enterprise,
)

from .conftest import HOIAN_CODE, LOOKUP_URL, PURPOSE

pytestmark = pytest.mark.django_db

QUANG = RepresentativeSeed("049085001234", "Đặng Văn Quang", "Giám đốc", date(2015, 3, 20))
HUNG = RepresentativeSeed(
    "049070004321", "Mai Văn Hùng", "Giám đốc", date(2010, 1, 1), date(2015, 3, 19)
)


def seed(**overrides):
    values = {
        "enterprise_code": HOIAN_CODE,
        "kind": "llc_single",
        "name": "Công ty TNHH Hội An Xanh",
        "short_name": "HOI AN XANH CO., LTD",
        "foreign_name": "HOI AN GREEN COMPANY LIMITED",
        "established_on": date(2015, 3, 20),
        "head_office_address": "12 Trần Phú, Hội An",
        "status": "active",
        "representatives": (QUANG, HUNG),
    }
    return EnterpriseSeed(**{**values, **overrides})


def test_seeding_creates_the_enterprise_with_its_representatives():
    enterprise = seed_enterprise(seed())
    assert enterprise.tax_code == HOIAN_CODE
    assert str(enterprise) == "Công ty TNHH Hội An Xanh"
    reps = {r.full_name: r.current for r in enterprise.representatives.all()}
    assert reps == {"Đặng Văn Quang": True, "Mai Văn Hùng": False}


def test_seeding_again_updates_in_place_and_replaces_the_representatives():
    first = seed_enterprise(seed())
    new = RepresentativeSeed("049190005678", "Trịnh Thị Mai", "Giám đốc", date(2024, 1, 1))
    again = seed_enterprise(seed(status="suspended", representatives=(new,)))
    assert again.pk == first.pk
    assert Enterprise.objects.count() == 1
    assert again.status == "suspended"
    assert list(again.representatives.values_list("full_name", flat=True)) == ["Trịnh Thị Mai"]
    assert LegalRepresentative.objects.count() == 1


def test_seeding_refuses_an_invalid_code_or_kind():
    with pytest.raises(ValueError):
        seed_enterprise(seed(enterprise_code="0100109107"))
    with pytest.raises(ValueError):
        seed_enterprise(seed(kind="cooperative"))
    assert not Enterprise.objects.exists()


def test_delete_removes_enterprises_and_keeps_the_log_lines(call_api):
    seed_enterprise(seed())
    other = seed_enterprise(seed(enterprise_code="0300588569", name="Công ty khác"))
    client = ensure_api_client(name="VNeID", raw_key="dvcb_key_for_tests", can_read_records=True)
    call_api(
        LOOKUP_URL, {"enterprise_code": HOIAN_CODE, "purpose": PURPOSE}, key="dvcb_key_for_tests"
    )
    assert delete_enterprises([HOIAN_CODE, "0312345670"]) == 1
    assert list(Enterprise.objects.all()) == [other]
    assert not LegalRepresentative.objects.filter(enterprise__enterprise_code=HOIAN_CODE).exists()
    (line,) = LookupLog.objects.all()
    assert line.enterprise is None and line.client == client
    assert delete_enterprises([]) == 0


def test_delete_removes_the_audit_of_the_deleted_enterprises(admin_user):
    enterprise = seed_enterprise(seed())
    RecordChange.record(
        actor=admin_user,
        action=RecordChange.Action.STATUS_CHANGED,
        enterprise=enterprise,
        changes={"status": ["active", "dissolved"]},
        reason="Quyết định giải thể",
    )
    assert delete_enterprises([HOIAN_CODE]) == 1
    assert not RecordChange.objects.exists()


def test_ensure_api_client_is_idempotent_and_follows_a_new_key():
    first = ensure_api_client(name="VNeID", raw_key="dvcb_one", can_read_records=True)
    again = ensure_api_client(name="VNeID", raw_key="dvcb_two", can_read_records=True)
    assert first.pk == again.pk and again.key_prefix == "dvcb_two"
    with pytest.raises(ValueError):
        ensure_api_client(name="Khác", raw_key="dvcb_two", can_read_records=False)


def test_the_seed_command_adds_valid_fictional_enterprises_once_per_seed():
    from django.core.management import call_command

    from idnumbers.numbers import is_valid_cccd
    from idnumbers.tax_codes import is_valid_tax_code

    call_command("seed_business_registry", count=300, verbosity=0)
    assert Enterprise.objects.count() == 300
    assert LegalRepresentative.objects.count() == 300
    assert all(
        is_valid_tax_code(c) for c in Enterprise.objects.values_list("enterprise_code", flat=True)
    )
    assert all(
        is_valid_cccd(n) for n in LegalRepresentative.objects.values_list("cccd_number", flat=True)
    )
    call_command("seed_business_registry", count=300, verbosity=0)
    assert Enterprise.objects.count() == 300


def test_the_key_command_prints_a_key_that_works(call_api, capsys):
    import json

    from django.core.management import call_command

    seed_enterprise(seed())
    call_command("create_business_registry_api_key", name="Hệ thống một cửa", can_read_records=True)
    key = json.loads(capsys.readouterr().out)["api_key"]
    response = call_api(LOOKUP_URL, {"enterprise_code": HOIAN_CODE, "purpose": PURPOSE}, key=key)
    assert response.status_code == 200
