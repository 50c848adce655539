"""The business registry admin: masked codes in lists, exact search, audited changes."""

from datetime import date

import pytest
from django.urls import reverse

from business_registry.models import Enterprise, LegalRepresentative, RecordChange
from tests.admin_helpers import search_list

from .conftest import HOIAN_CODE, QUANG_CCCD
from .factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:business_registry_enterprise_changelist")
REPRESENTATIVES_URL = reverse("admin:business_registry_legalrepresentative_changelist")


def _listed(response):
    return {enterprise.name for enterprise in response.context["cl"].result_list}


def test_the_enterprise_list_shows_masked_codes_only(admin_client, hoian):
    page = admin_client.get(LIST_URL).content.decode()
    assert "Công ty TNHH Hội An Xanh" in page
    assert "0100****06" in page
    assert HOIAN_CODE not in page


def test_the_representative_list_shows_masked_numbers_only(admin_client, hoian):
    page = admin_client.get(REPRESENTATIVES_URL).content.decode()
    assert "Đặng Văn Quang" in page
    assert QUANG_CCCD not in page
    assert "0490******34" in page


@pytest.mark.parametrize("typed", [HOIAN_CODE, "0100.109.106", "0100 109 106"])
def test_searching_a_whole_code_finds_that_enterprise(admin_client, hoian, typed):
    EnterpriseFactory(name="Công ty khác")
    assert _listed(search_list(admin_client, LIST_URL, typed)) == {"Công ty TNHH Hội An Xanh"}


def test_searching_part_of_a_code_finds_nothing(admin_client, hoian):
    assert _listed(search_list(admin_client, LIST_URL, "0100109")) == set()


def test_adding_an_enterprise_with_a_wrong_check_digit_is_refused(admin_client):
    response = admin_client.post(
        reverse("admin:business_registry_enterprise_add"),
        {
            "enterprise_code": "0100109107",
            "kind": "llc_single",
            "name": "Công ty Sai Mã",
            "established_on": "2020-01-01",
            "head_office_address": "Hội An",
            "reason": "Thử",
        },
    )
    assert response.status_code == 200
    assert "chữ số kiểm tra" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_a_correction_is_audited_with_who_and_why(admin_client, admin_user, hoian):
    response = admin_client.post(
        reverse("admin:business_registry_enterprise_change", args=[hoian.pk]),
        {
            "kind": "llc_single",
            "name": "Công ty TNHH Hội An Xanh Sạch",
            "short_name": hoian.short_name,
            "foreign_name": hoian.foreign_name,
            "established_on": "2015-03-20",
            "head_office_address": hoian.head_office_address,
            "reason": "Giấy chứng nhận thay đổi lần 2",
            **_empty_inlines(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    (change,) = RecordChange.objects.all()
    assert change.actor == admin_user
    assert change.action == RecordChange.Action.ENTERPRISE_CORRECTED
    assert change.changes == {"name": ["Công ty TNHH Hội An Xanh", "Công ty TNHH Hội An Xanh Sạch"]}
    assert change.reason == "Giấy chứng nhận thay đổi lần 2"


def test_dissolving_asks_a_reason_and_is_audited(admin_client, hoian):
    action = {"action": "mark_dissolved", "_selected_action": [hoian.pk]}
    page = admin_client.post(LIST_URL, action)
    assert "Lý do" in page.content.decode()
    admin_client.post(LIST_URL, {**action, "confirm": "1", "reason": "Quyết định giải thể"})
    hoian.refresh_from_db()
    assert hoian.status == Enterprise.Status.DISSOLVED
    assert RecordChange.objects.get().changes == {"status": ["active", "dissolved"]}


def test_ending_a_representation_is_audited_with_a_masked_number(admin_client, hoian):
    quang = LegalRepresentative.objects.get(cccd_number=QUANG_CCCD)
    response = admin_client.post(
        reverse("admin:business_registry_legalrepresentative_change", args=[quang.pk]),
        {"until": "2026-01-31", "reason": "Thay đổi người đại diện"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    quang.refresh_from_db()
    assert quang.until == date(2026, 1, 31)
    (change,) = RecordChange.objects.all()
    assert change.action == RecordChange.Action.REPRESENTATIVES_CHANGED
    assert QUANG_CCCD not in str(change.changes)


def _empty_inlines():
    # The read-only inlines still post their management forms.
    data = {}
    for prefix in ("representatives", "changes", "lookuplog_set"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data
