"""The sandbox's fault switch makes verify and lookup slow, failing or down."""

import time

import pytest

from api_kit.keys import hash_secret as hash_api_key
from citizen_registry import views
from citizen_registry.faults import current_fault, set_fault
from citizen_registry.models import FaultInjection, LookupLog

from .conftest import LOOKUP_URL, NGA_ATTRIBUTES, OPENAPI_URL, PURPOSE, VERIFY_URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def verify_nga(call_api, verifier, nga):
    body = {"cccd_number": nga.cccd_number, "purpose": PURPOSE, **NGA_ATTRIBUTES}
    return lambda: call_api(VERIFY_URL, body, key=verifier.raw_key)


def test_without_a_row_the_current_fault_is_none():
    fault = current_fault()
    assert (fault.mode, fault.latency_ms) == ("none", 0)
    assert fault.pk is None


def test_set_fault_keeps_a_single_row_and_clears_latency_outside_latency_mode():
    set_fault("latency", latency_ms=250)
    set_fault("error", latency_ms=250)
    assert FaultInjection.objects.count() == 1
    assert (current_fault().mode, current_fault().latency_ms) == ("error", 0)


@pytest.mark.parametrize(("mode", "latency_ms"), [("broken", 0), ("latency", -1)])
def test_set_fault_rejects_unknown_modes_and_negative_latency(mode, latency_ms):
    with pytest.raises(ValueError):
        set_fault(mode, latency_ms=latency_ms)


def test_error_mode_answers_500_internal_error_and_is_logged(verify_nga):
    set_fault("error")
    response = verify_nga()
    assert response.status_code == 500
    assert response.json()["error"] == "internal_error"
    assert (LookupLog.objects.get().status_code, LookupLog.objects.get().result) == (
        500,
        "internal_error",
    )


@pytest.mark.parametrize("url", [VERIFY_URL, LOOKUP_URL])
def test_outage_mode_answers_503_even_before_checking_the_key(call_api, url):
    set_fault("outage")
    response = call_api(url, {"cccd_number": "036190012345", "purpose": PURPOSE})
    assert response.status_code == 503
    assert response.json()["error"] == "unavailable"


def test_latency_mode_delays_the_answer_which_still_succeeds(verify_nga):
    set_fault("latency", latency_ms=60)
    started = time.perf_counter()
    response = verify_nga()
    assert time.perf_counter() - started >= 0.06
    assert response.status_code == 200
    assert response.json()["match"] is True


def test_back_to_none_the_api_answers_normally(verify_nga):
    set_fault("outage")
    set_fault("none")
    assert verify_nga().status_code == 200


def test_the_openapi_document_is_not_affected_by_faults(client):
    set_fault("outage")
    assert client.get(OPENAPI_URL).status_code == 200


def test_a_fault_costs_no_extra_query_on_the_hot_path(verify_nga, django_assert_num_queries):
    set_fault("latency", latency_ms=1)
    verify_nga()
    with django_assert_num_queries(4):
        assert verify_nga().status_code == 200


def test_a_known_key_brings_the_fault_along_in_one_query(verifier, django_assert_num_queries):
    set_fault("latency", latency_ms=7)
    with django_assert_num_queries(1):
        found, mode, latency_ms = views._client_and_fault(hash_api_key(verifier.raw_key))
    assert (found.pk, mode, latency_ms) == (verifier.pk, "latency", 7)


def test_an_unknown_key_or_none_still_learns_the_fault(django_assert_num_queries):
    set_fault("outage")
    assert views._client_and_fault(hash_api_key("dvcr_unknown")) == (None, "outage", 0)
    with django_assert_num_queries(1):
        assert views._client_and_fault(None) == (None, "outage", 0)
