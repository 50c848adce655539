"""The fault switch (slow, 500, 503) and the rate limit, in the API's JSON format."""

import time

import pytest

from business_registry import faults
from business_registry.models import LookupLog

from .conftest import HOIAN_CODE, LOOKUP_URL, PURPOSE

pytestmark = pytest.mark.django_db
BODY = {"enterprise_code": HOIAN_CODE, "purpose": PURPOSE, "requested_by": "t"}


def test_the_error_fault_answers_500_in_json_and_is_logged(call_api, hoian, reader):
    faults.set_fault(faults.Mode.ERROR)
    response = call_api(LOOKUP_URL, BODY, key=reader.raw_key)
    assert response.status_code == 500
    assert response.json()["error"] == "internal_error"
    assert "CSDL quốc gia về đăng ký doanh nghiệp" in response.json()["message"]
    assert LookupLog.objects.get().result == "internal_error"


def test_the_outage_fault_answers_503_even_without_a_key(call_api, hoian):
    faults.set_fault(faults.Mode.OUTAGE)
    response = call_api(LOOKUP_URL, BODY)
    assert response.status_code == 503
    assert response.json()["error"] == "unavailable"


def test_the_latency_fault_delays_the_answer(call_api, hoian, reader):
    faults.set_fault(faults.Mode.LATENCY, latency_ms=300)
    started = time.monotonic()
    response = call_api(LOOKUP_URL, BODY, key=reader.raw_key)
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3


def test_switching_back_to_normal_answers_again(call_api, hoian, reader):
    faults.set_fault(faults.Mode.OUTAGE)
    faults.set_fault(faults.Mode.NONE)
    assert faults.current_fault().mode == faults.Mode.NONE
    assert call_api(LOOKUP_URL, BODY, key=reader.raw_key).status_code == 200


def test_over_the_limit_a_key_gets_429_with_retry_after(call_api, hoian, reader, settings):
    settings.BUSINESS_REGISTRY = {"RATE_LIMIT_PER_KEY": 3, "RATE_LIMIT_PER_ADDRESS": 100}
    statuses = [call_api(LOOKUP_URL, BODY, key=reader.raw_key).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = call_api(LOOKUP_URL, BODY, key=reader.raw_key)
    assert response.json()["error"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_a_key_with_its_own_limit_is_held_to_that_one(call_api, hoian, reader, settings):
    settings.BUSINESS_REGISTRY = {"RATE_LIMIT_PER_KEY": 1, "RATE_LIMIT_PER_ADDRESS": 1}
    reader.rate_limit_per_minute = 5
    reader.save()
    statuses = [call_api(LOOKUP_URL, BODY, key=reader.raw_key).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_anonymous_calls_are_limited_by_address(call_api, hoian, settings):
    settings.BUSINESS_REGISTRY = {"RATE_LIMIT_PER_KEY": 100, "RATE_LIMIT_PER_ADDRESS": 2}
    statuses = [call_api(LOOKUP_URL, BODY).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]


def test_the_limit_counts_in_the_shared_cache_when_told_to(call_api, hoian, reader, settings):
    settings.BUSINESS_REGISTRY = {
        "RATE_LIMIT_PER_KEY": 2,
        "RATE_LIMIT_PER_ADDRESS": 100,
        "STORE": "cache",
    }
    statuses = [call_api(LOOKUP_URL, BODY, key=reader.raw_key).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_the_sandbox_console_switches_the_business_registry_fault(client, call_api, hoian, reader):
    console = client.get("/sandbox/").content.decode()
    assert "CSDL quốc gia về đăng ký doanh nghiệp" in console
    response = client.post(
        "/sandbox/faults/business-registry/", {"business-registry-mode": "outage"}, follow=True
    )
    assert "CSDL quốc gia về đăng ký doanh nghiệp: Ngừng hoạt động (503)." in (
        response.content.decode()
    )
    assert call_api(LOOKUP_URL, BODY, key=reader.raw_key).status_code == 503
