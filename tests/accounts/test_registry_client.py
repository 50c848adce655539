"""RegistryClient: the exact HTTP calls to the population database and its typed errors."""

import json
import logging
from datetime import date

import pytest
import requests

from accounts.registry_client import (
    RegistryBadResponse,
    RegistryClient,
    RegistryError,
    RegistryNotFound,
    RegistryTimeout,
    RegistryUnavailable,
)

from .conftest import LOOKUP_URL, NGA_CCCD, NGA_CMND, VERIFY_URL, nga_record, verify_answer


def test_verify_posts_the_documented_body_with_key_and_timeout(registry):
    registry.post(VERIFY_URL, json=verify_answer())

    result = RegistryClient().verify(
        cccd_number=NGA_CCCD,
        cmnd_number=NGA_CMND,
        full_name="Tô Thị Nga",
        birth_date=date(1990, 3, 15),
        purpose="cccd_linking",
        requested_by="portal-account:42",
    )

    assert result.match is True
    assert result.citizen_status == "alive"
    (call,) = registry.calls
    assert call.request.url == "http://registry.test/registry/api/v1/citizens/verify"
    assert call.request.method == "POST"
    assert json.loads(call.request.body) == {
        "cccd_number": NGA_CCCD,
        "cmnd_number": NGA_CMND,
        "full_name": "Tô Thị Nga",
        "birth_date": "1990-03-15",
        "purpose": "cccd_linking",
        "requested_by": "portal-account:42",
    }
    assert call.request.headers["Authorization"] == "Bearer dvcr_test_portal_key"
    assert call.request.headers["Content-Type"] == "application/json"
    assert call.request.req_kwargs["timeout"] == 2


def test_verify_leaves_out_attributes_the_account_does_not_have(registry):
    registry.post(VERIFY_URL, json=verify_answer())

    RegistryClient().verify(cccd_number=NGA_CCCD, purpose="p", requested_by="portal-account:1")

    assert json.loads(registry.calls[0].request.body) == {
        "cccd_number": NGA_CCCD,
        "purpose": "p",
        "requested_by": "portal-account:1",
    }


def test_verify_reports_the_fields_that_did_not_match(registry):
    registry.post(VERIFY_URL, json=verify_answer(match=False, full_name="mismatch"))

    result = RegistryClient().verify(cccd_number=NGA_CCCD, purpose="p", requested_by="r")

    assert result.match is False
    assert result.reason() == "full_name: mismatch"


def test_verify_reads_the_overall_answer_a_verify_only_key_gets(registry):
    registry.post(
        VERIFY_URL, json={"match": False, "citizen_status": None, "unknown_number": "cccd_number"}
    )

    result = RegistryClient().verify(cccd_number=NGA_CCCD, purpose="p", requested_by="r")

    assert (result.match, result.fields) == (False, {})
    assert result.reason() == "cccd_number: not_found"


def test_lookup_returns_the_record(registry):
    registry.post(LOOKUP_URL, json=nga_record())

    record = RegistryClient().lookup(
        cccd_number=NGA_CCCD, purpose="Cập nhật", requested_by="portal-account:7"
    )

    assert record.full_name == "Tô Thị Nga"
    assert record.birth_date == date(1990, 3, 15)
    assert record.card_issue_date == date(2021, 5, 20)
    (call,) = registry.calls
    assert call.request.url == LOOKUP_URL
    assert json.loads(call.request.body) == {
        "cccd_number": NGA_CCCD,
        "purpose": "Cập nhật",
        "requested_by": "portal-account:7",
    }
    assert call.request.headers["Authorization"] == "Bearer dvcr_test_portal_key"
    assert call.request.req_kwargs["timeout"] == 2


def test_base_url_without_trailing_slash_still_reaches_the_endpoint(registry, settings):
    settings.REGISTRY = {**settings.REGISTRY, "BASE_URL": "http://registry.test/registry/api/v1"}
    registry.post(LOOKUP_URL, json=nga_record())

    RegistryClient().lookup(cccd_number=NGA_CCCD, purpose="p", requested_by="r")

    assert registry.calls[0].request.url == LOOKUP_URL


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ({"body": requests.ReadTimeout("slow")}, RegistryTimeout),
        ({"body": requests.ConnectTimeout("slow")}, RegistryTimeout),
        ({"body": requests.ConnectionError("refused")}, RegistryUnavailable),
        ({"status": 503, "json": {"error": "unavailable", "message": "…"}}, RegistryUnavailable),
        ({"status": 500, "json": {"error": "internal_error", "message": "…"}}, RegistryUnavailable),
        ({"status": 502, "body": "<html>Bad gateway</html>"}, RegistryUnavailable),
        ({"status": 404, "json": {"error": "not_found", "message": "…"}}, RegistryNotFound),
        ({"status": 404, "body": "<html>Not Found</html>"}, RegistryBadResponse),
        ({"status": 401, "json": {"error": "unauthorized", "message": "…"}}, RegistryBadResponse),
        ({"status": 403, "json": {"error": "forbidden", "message": "…"}}, RegistryBadResponse),
        ({"status": 400, "json": {"error": "invalid_request", "fields": {}}}, RegistryBadResponse),
        ({"status": 200, "body": "not json"}, RegistryBadResponse),
        ({"status": 200, "json": {"citizen": {"full_name": "x"}}}, RegistryBadResponse),
    ],
)
def test_lookup_failures_raise_typed_errors(registry, answer, error):
    registry.post(LOOKUP_URL, **answer)

    with pytest.raises(error) as raised:
        RegistryClient().lookup(cccd_number=NGA_CCCD, purpose="p", requested_by="r")

    assert isinstance(raised.value, RegistryError)
    assert NGA_CCCD not in str(raised.value)


def test_verify_answer_off_the_contract_is_a_bad_response(registry):
    registry.post(VERIFY_URL, json={"match": True})

    with pytest.raises(RegistryBadResponse):
        RegistryClient().verify(cccd_number=NGA_CCCD, purpose="p", requested_by="r")


def test_every_call_is_logged_with_purpose_and_a_masked_number(registry, caplog):
    registry.post(LOOKUP_URL, status=503, json={"error": "unavailable"})
    caplog.set_level(logging.INFO, logger="accounts.registry_client")

    with pytest.raises(RegistryUnavailable):
        RegistryClient().lookup(cccd_number=NGA_CCCD, purpose="Mục đích", requested_by="tk:1")

    (line,) = [r.getMessage() for r in caplog.records if r.name == "accounts.registry_client"]
    assert "0371******45" in line
    assert "Mục đích" in line
    assert "tk:1" in line
    assert "unavailable" in line
    assert NGA_CCCD not in line


def test_real_network_errors_are_typed_too():
    """A port nobody listens on: the error comes from requests itself, not from a stub."""
    client = RegistryClient(base_url="http://127.0.0.1:9/registry/api/v1/", timeout=1)

    with pytest.raises(RegistryUnavailable):
        client.lookup(cccd_number=NGA_CCCD, purpose="p", requested_by="r")
