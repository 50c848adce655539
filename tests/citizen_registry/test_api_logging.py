"""Every API call leaves one LookupLog row and one log line, with the number masked."""

import json
import logging

import pytest

from citizen_registry.models import LookupLog

from .conftest import LOOKUP_URL, NGA_ATTRIBUTES, PURPOSE, VERIFY_URL

pytestmark = pytest.mark.django_db


def test_a_verify_is_logged_with_client_masked_number_purpose_and_requester(
    call_api, verifier, nga
):
    call_api(
        VERIFY_URL,
        {
            "cccd_number": nga.cccd_number,
            "full_name": "Tô Thị Nga",
            "birth_date": "1990-05-01",
            "purpose": PURPOSE,
            "purpose_note": "Hồ sơ 000.00.01.H36-261130-0001",
            "requested_by": "portal-account:42",
        },
        key=verifier.raw_key,
    )
    log = LookupLog.objects.get()
    assert log.client == verifier
    assert log.citizen == nga
    assert log.endpoint == "verify"
    assert log.masked_number == "0361******45"
    assert log.purpose == PURPOSE
    assert log.purpose_note == "Hồ sơ 000.00.01.H36-261130-0001"
    assert log.requested_by == "portal-account:42"
    assert (log.result, log.status_code) == ("match", 200)


def test_a_mismatch_is_logged_with_its_precise_reasons(call_api, verifier, nga):
    call_api(
        VERIFY_URL,
        {
            "cccd_number": nga.cccd_number,
            "cmnd_number": "111111111",
            "full_name": "Tô Thị Ngà",
            "birth_date": "1990-05-01",
            "purpose": PURPOSE,
        },
        key=verifier.raw_key,
    )
    assert LookupLog.objects.get().result == "mismatch:cmnd,name"


@pytest.mark.parametrize(
    ("url", "key_fixture", "body", "status", "result"),
    [
        (LOOKUP_URL, "verifier", {"cccd_number": "036190012345"}, 403, "forbidden"),
        (VERIFY_URL, "verifier", {"cccd_number": "036190012345"}, 400, "invalid_request"),
        (LOOKUP_URL, "reader", {"cccd_number": "036190099999"}, 404, "not_found"),
        (
            VERIFY_URL,
            "verifier",
            {"cccd_number": "036190099999", **NGA_ATTRIBUTES},
            200,
            "not_found",
        ),
    ],
)
def test_refused_and_unsuccessful_calls_are_logged_once_too(
    request, call_api, nga, url, key_fixture, body, status, result
):
    client = request.getfixturevalue(key_fixture) if key_fixture else None
    body = {**body, "purpose": PURPOSE} if status != 400 else body
    response = call_api(url, body, key=client.raw_key if client else None)
    assert response.status_code == status
    log = LookupLog.objects.get()
    assert (log.client, log.status_code, log.result) == (client, status, result)
    assert log.masked_number == f"0361******{body['cccd_number'][-2:]}"


def test_an_overlong_number_is_stored_masked_within_the_column(call_api, verifier):
    call_api(
        VERIFY_URL, {"cccd_number": "0361900123459999", "purpose": PURPOSE}, key=verifier.raw_key
    )
    masked = LookupLog.objects.get().masked_number
    assert len(masked) <= 12
    assert "01234" not in masked


def test_the_log_line_names_the_masked_number_and_never_the_full_one(
    call_api, verifier, reader, nga, caplog
):
    caplog.set_level(logging.DEBUG)
    bodies = [
        (VERIFY_URL, {"cccd_number": nga.cccd_number, "purpose": PURPOSE}, verifier),
        (LOOKUP_URL, {"cccd_number": nga.cccd_number, "purpose": PURPOSE}, reader),
        (LOOKUP_URL, {"cccd_number": "036190099999", "purpose": PURPOSE}, reader),
        (VERIFY_URL, {"cccd_number": nga.cccd_number, "cmnd_number": "1"}, verifier),
        (LOOKUP_URL, {"cccd_number": nga.cccd_number, "purpose": PURPOSE}, verifier),
    ]
    for url, body, client in bodies:
        call_api(url, body, key=client.raw_key)

    api_lines = [r.getMessage() for r in caplog.records if r.name == "citizen_registry.api"]
    assert len(api_lines) == len(bodies)
    assert all("0361******" in line for line in api_lines)
    assert "number=0361******45" in api_lines[0]
    for secret in (nga.cccd_number, "036190099999", nga.cmnd_number, verifier.raw_key):
        assert secret not in caplog.text


def test_calls_without_a_valid_key_leave_a_log_line_and_no_lookup_log_row(
    call_api, nga, caplog, settings
):
    settings.REGISTRY_API = {**settings.REGISTRY_API, "RATE_LIMIT_PER_ADDRESS": 1000}
    caplog.set_level(logging.INFO, logger="citizen_registry.api")
    body = {"cccd_number": nga.cccd_number, "purpose": PURPOSE}
    for _ in range(200):
        assert call_api(VERIFY_URL, body).status_code == 401
    assert LookupLog.objects.count() == 0
    lines = [r.getMessage() for r in caplog.records if r.name == "citizen_registry.api"]
    assert len(lines) == 200
    assert lines[0] == "verify status=401 result=unauthorized client=- address=127.0.0.1"


def test_an_anonymous_body_is_never_read(call_api, caplog):
    caplog.set_level(logging.INFO, logger="citizen_registry.api")
    call_api(VERIFY_URL, {"cccd_number": "036190012345", "purpose": "cccd_linking"})
    assert "0361" not in caplog.text


@pytest.mark.parametrize(
    "field", ["purpose", "purpose_note", "requested_by", "cccd_number", "full_name"]
)
@pytest.mark.parametrize("value", ["\u0000", "a\u0000b", "\ud800", "x\udfff"])
def test_nul_or_lone_surrogates_in_text_fields_are_refused_and_logged_cleanly(
    call_api, reader, nga, field, value
):
    body = {"cccd_number": nga.cccd_number, "purpose": PURPOSE, field: value}
    # ASCII escapes: a lone surrogate travels as \ud800 in JSON, as a hostile client sends it.
    response = call_api(VERIFY_URL, None, raw=json.dumps(body), key=reader.raw_key)
    assert response.status_code in (200, 400)
    log = LookupLog.objects.get()
    for text in (log.purpose, log.purpose_note, log.requested_by, log.masked_number):
        assert "\u0000" not in text
        text.encode("utf-8")


def test_each_logged_call_keeps_how_long_the_answer_took(call_api, verifier, nga):
    call_api(LOOKUP_URL, {"cccd_number": nga.cccd_number, "purpose": PURPOSE}, key=verifier.raw_key)
    duration = LookupLog.objects.get().duration_ms
    assert isinstance(duration, int) and duration >= 0
