"""Every call with a key is logged: who, why, about which code (masked), and the answer."""

import pytest

from business_registry.models import LookupLog

from .conftest import HOIAN_CODE, LOOKUP_URL, PURPOSE, VERIFY_URL

pytestmark = pytest.mark.django_db


def test_a_lookup_is_logged_with_client_purpose_requester_and_masked_code(call_api, hoian, reader):
    call_api(
        LOOKUP_URL,
        {
            "enterprise_code": HOIAN_CODE,
            "purpose": PURPOSE,
            "purpose_note": "Đăng ký định danh tổ chức",
            "requested_by": "vneid-account:7",
        },
        key=reader.raw_key,
    )
    (entry,) = LookupLog.objects.all()
    assert entry.client == reader
    assert entry.enterprise == hoian
    assert entry.endpoint == "lookup"
    assert entry.purpose == PURPOSE
    assert entry.purpose_note == "Đăng ký định danh tổ chức"
    assert entry.requested_by == "vneid-account:7"
    assert entry.result == "found" and entry.status_code == 200
    assert entry.masked_code == "0100****06"
    assert entry.duration_ms is not None


def test_refusals_by_a_known_key_are_logged_too_never_with_the_full_code(
    call_api, hoian, reader, verifier
):
    call_api(LOOKUP_URL, {"enterprise_code": "0100109107", "purpose": PURPOSE}, key=reader.raw_key)
    call_api(LOOKUP_URL, {"enterprise_code": "0300588569", "purpose": PURPOSE}, key=reader.raw_key)
    call_api(LOOKUP_URL, {"enterprise_code": HOIAN_CODE, "purpose": PURPOSE}, key=verifier.raw_key)
    results = list(LookupLog.objects.order_by("id").values_list("result", "status_code"))
    assert results == [("invalid_request", 400), ("not_found", 404), ("forbidden", 403)]
    for code in LookupLog.objects.values_list("masked_code", flat=True):
        assert "*" in code


def test_a_verify_mismatch_keeps_its_reason_in_the_log(call_api, hoian, verifier):
    call_api(
        VERIFY_URL,
        {
            "enterprise_code": HOIAN_CODE,
            "name": "Công ty khác",
            "representative_cccd": "001190012345",
            "purpose": PURPOSE,
        },
        key=verifier.raw_key,
    )
    (entry,) = LookupLog.objects.all()
    assert entry.result == "mismatch:name,representative_none"


def test_calls_without_a_valid_key_fill_no_table(call_api, hoian):
    call_api(LOOKUP_URL, {"enterprise_code": HOIAN_CODE, "purpose": PURPOSE})
    call_api(LOOKUP_URL, {"enterprise_code": HOIAN_CODE, "purpose": PURPOSE}, key="dvcb_wrong")
    assert not LookupLog.objects.exists()
