"""The registry admin: masked numbers in lists, exact-number search, keys shown once."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from citizen_registry.models import ApiClient, FaultInjection, LookupLog, RecordChange
from tests.admin_helpers import search_list

from .conftest import NGA_ATTRIBUTES, PURPOSE, VERIFY_URL
from .factories import CitizenFactory

pytestmark = pytest.mark.django_db

CITIZENS_URL = reverse("admin:citizen_registry_citizen_changelist")


def _listed_names(response):
    return {citizen.full_name for citizen in response.context["cl"].result_list}


def _key_shown(response):
    shown = [
        re.search(r"<code>(dvcr_[\w-]+)</code>", str(message))
        for message in get_messages(response.wsgi_request)
    ]
    (key,) = [match.group(1) for match in shown if match]
    return key


def test_the_citizen_list_shows_masked_numbers_only(admin_client, nga):
    response = admin_client.get(CITIZENS_URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "0361******45" in page
    assert "1644***56" in page
    assert nga.cccd_number not in page
    assert nga.cmnd_number not in page


def test_searching_a_full_cccd_finds_exactly_that_citizen(admin_client, nga):
    CitizenFactory(full_name="Trần Văn Bình")
    response = search_list(admin_client, CITIZENS_URL, nga.cccd_number)
    assert _listed_names(response) == {"Tô Thị Nga"}


def test_searching_a_full_cmnd_typed_with_dots_finds_that_citizen(admin_client, nga):
    response = search_list(admin_client, CITIZENS_URL, "164.438.056")
    assert _listed_names(response) == {"Tô Thị Nga"}


@pytest.mark.parametrize("fragment", ["0361900", "12345", "16443805"])
def test_searching_part_of_a_number_finds_nobody(admin_client, nga, fragment):
    response = search_list(admin_client, CITIZENS_URL, fragment)
    assert _listed_names(response) == set()


def test_searching_part_of_a_name_ignores_case(admin_client, nga):
    CitizenFactory(full_name="Trần Văn Bình")
    response = search_list(admin_client, CITIZENS_URL, "thị nga")
    assert _listed_names(response) == {"Tô Thị Nga"}


def test_adding_an_api_client_shows_its_key_once_and_never_its_hash(admin_client, call_api, nga):
    response = admin_client.post(
        reverse("admin:citizen_registry_apiclient_add"),
        {"name": "Hệ thống một cửa tỉnh", "can_read_records": "on", "reason": "Công văn 12/UBND"},
    )
    assert response.status_code == 302
    key = _key_shown(response)
    client = ApiClient.objects.get(name="Hệ thống một cửa tỉnh")
    assert client.can_read_records is True

    body = {"cccd_number": nga.cccd_number, "purpose": PURPOSE, **NGA_ATTRIBUTES}
    assert call_api(VERIFY_URL, body, key=key).status_code == 200

    first_page = admin_client.get(response["Location"]).content.decode()
    assert key in first_page
    for url in (
        response["Location"],
        reverse("admin:citizen_registry_apiclient_change", args=[client.pk]),
        reverse("admin:citizen_registry_apiclient_add"),
    ):
        page = admin_client.get(url).content.decode()
        assert key not in page
        assert client.key_hash not in page
    assert client.key_hash not in first_page


def test_the_add_form_asks_only_for_name_permission_rate_limit_and_reason(admin_client):
    response = admin_client.get(reverse("admin:citizen_registry_apiclient_add"))
    fields = set(response.context["adminform"].form.fields)
    assert fields == {"name", "can_read_records", "rate_limit_per_minute", "reason"}


def test_issuing_a_new_key_from_the_list_shows_it_once_and_revokes_the_old(
    admin_client, verifier, call_api, nga
):
    response = admin_client.post(
        reverse("admin:citizen_registry_apiclient_changelist"),
        {
            "action": "issue_new_keys",
            "_selected_action": [verifier.pk],
            "confirm": "yes",
            "reason": "Khoá cũ bị lộ",
        },
    )
    key = _key_shown(response)
    body = {"cccd_number": nga.cccd_number, "purpose": PURPOSE, **NGA_ATTRIBUTES}
    assert call_api(VERIFY_URL, body, key=verifier.raw_key).status_code == 401
    assert call_api(VERIFY_URL, body, key=key).status_code == 200


def test_lookup_logs_are_listed_but_cannot_be_added_changed_or_deleted(
    admin_client, call_api, verifier, nga
):
    call_api(
        VERIFY_URL,
        {"cccd_number": nga.cccd_number, "purpose": PURPOSE, **NGA_ATTRIBUTES},
        key=verifier.raw_key,
    )
    log = LookupLog.objects.get()
    listing = admin_client.get(reverse("admin:citizen_registry_lookuplog_changelist"))
    assert "0361******45" in listing.content.decode()
    assert nga.cccd_number not in listing.content.decode()
    assert admin_client.get(reverse("admin:citizen_registry_lookuplog_add")).status_code == 403
    change_url = reverse("admin:citizen_registry_lookuplog_change", args=[log.pk])
    assert admin_client.post(change_url, {"result": "match"}).status_code == 403
    delete_url = reverse("admin:citizen_registry_lookuplog_delete", args=[log.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert LookupLog.objects.get().result == "match"


def test_a_lookup_log_page_reads_in_vietnamese_and_shows_no_full_number(
    admin_client, call_api, verifier, nga
):
    call_api(
        VERIFY_URL,
        {"cccd_number": nga.cccd_number, "purpose": PURPOSE, **NGA_ATTRIBUTES},
        key=verifier.raw_key,
    )
    log = LookupLog.objects.get()
    page = admin_client.get(
        reverse("admin:citizen_registry_lookuplog_change", args=[log.pk])
    ).content.decode()
    for label in ("Hệ thống gọi", "Số định danh (đã che)", "Mục đích", "Công dân"):
        assert label in page
    assert "Tô Thị Nga" in page
    assert nga.cccd_number not in page


def test_the_fault_switch_list_shows_the_mode_label(admin_client):
    FaultInjection.objects.create(mode="outage")
    page = admin_client.get(reverse("admin:citizen_registry_faultinjection_changelist"))
    assert "Ngừng hoạt động (503)" in page.content.decode()


def test_only_one_fault_switch_can_be_added(admin_client):
    add_url = reverse("admin:citizen_registry_faultinjection_add")
    response = admin_client.post(add_url, {"mode": "outage", "latency_ms": 0})
    assert response.status_code == 302
    assert FaultInjection.objects.get().mode == "outage"
    assert admin_client.get(add_url).status_code == 403


def test_an_official_gives_a_key_its_own_rate_limit_with_an_audited_reason(admin_client, verifier):
    response = admin_client.post(
        reverse("admin:citizen_registry_apiclient_change", args=[verifier.pk]),
        {
            "name": verifier.name,
            "can_read_records": "",
            "is_active": "on",
            "rate_limit_per_minute": "600",
            "reason": "Công văn 34/BCA: hệ thống phục vụ toàn tỉnh",
        },
    )
    assert response.status_code == 302
    verifier.refresh_from_db()
    assert verifier.rate_limit_per_minute == 600
    change = RecordChange.objects.get(api_client=verifier)
    assert change.changes == {"rate_limit_per_minute": [None, 600]}
    assert change.reason == "Công văn 34/BCA: hệ thống phục vụ toàn tỉnh"


def test_a_lookup_log_page_shows_the_purpose_note(admin_client, call_api, verifier, nga):
    body = {"cccd_number": nga.cccd_number, "purpose": PURPOSE, **NGA_ATTRIBUTES}
    call_api(VERIFY_URL, {**body, "purpose_note": "Hồ sơ H36-0001"}, key=verifier.raw_key)
    log = LookupLog.objects.get()
    page = admin_client.get(reverse("admin:citizen_registry_lookuplog_change", args=[log.pk]))
    assert "Ghi chú mục đích" in page.content.decode()
    assert "Hồ sơ H36-0001" in page.content.decode()
