"""VNeID's client of the business registry: the record it reads and each kind of failure."""

import json
from datetime import date

import pytest
import requests
import responses

from vneid.business_registry_client import (
    PURPOSE_REGISTRATION,
    BusinessRegistryBadResponse,
    BusinessRegistryError,
    BusinessRegistryTimeout,
    BusinessRegistryUnavailable,
    EnterpriseNotFound,
    lookup_enterprise,
)

BASE = "http://business-registry.test/business-registry/api/v1/"
LOOKUP_URL = BASE + "enterprises/lookup"
CODE = "0100109106"


@pytest.fixture(autouse=True)
def _client_settings(settings):
    settings.VNEID_PROVIDER = {
        **settings.VNEID_PROVIDER,
        "BUSINESS_REGISTRY_URL": BASE,
        "BUSINESS_REGISTRY_API_KEY": "dvcb_test_vneid_key",
        "BUSINESS_REGISTRY_TIMEOUT_SECONDS": 1.5,
    }


@pytest.fixture
def registry():
    """Stub the registry's HTTP API; every registered answer must be used, nothing else."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def record(**overrides):
    enterprise = {
        "enterprise_code": CODE,
        "tax_code": CODE,
        "kind": "llc_single",
        "name": "Công ty TNHH Hội An Xanh",
        "short_name": "HOI AN XANH CO., LTD",
        "foreign_name": "HOI AN GREEN COMPANY LIMITED",
        "established_on": "2015-03-20",
        "head_office_address": "12 Trần Phú, Phường Minh An, TP. Hội An, Quảng Nam",
        "status": "active",
        "representatives": [
            {
                "cccd_number": "049085001234",
                "full_name": "Đặng Văn Quang",
                "position": "Giám đốc",
                "since": "2015-03-20",
                "until": None,
            },
            {
                "cccd_number": "049070004321",
                "full_name": "Mai Văn Hùng",
                "position": "Giám đốc",
                "since": "2010-01-01",
                "until": "2015-03-19",
            },
        ],
    }
    enterprise.update(overrides)
    return {"enterprise": enterprise}


def lookup():
    return lookup_enterprise(
        enterprise_code=CODE, purpose=PURPOSE_REGISTRATION, requested_by="vneid-account:7"
    )


def test_lookup_reads_the_record_and_sends_key_purpose_and_requester_in_the_body(registry):
    registry.post(LOOKUP_URL, json=record())
    found = lookup()
    assert found.enterprise_code == CODE and found.tax_code == CODE
    assert found.name == "Công ty TNHH Hội An Xanh"
    assert found.established_on == date(2015, 3, 20)
    assert [r.full_name for r in found.current_representatives] == ["Đặng Văn Quang"]
    former = found.representative("049070004321")
    assert former is not None and not former.current and former.until == date(2015, 3, 19)
    assert found.representative("001190012345") is None
    sent = registry.calls[0].request
    assert sent.headers["Authorization"] == "Bearer dvcb_test_vneid_key"
    assert json.loads(sent.body) == {
        "enterprise_code": CODE,
        "purpose": PURPOSE_REGISTRATION,
        "requested_by": "vneid-account:7",
    }
    # The code travels in the body only.
    assert CODE not in sent.url


def test_a_timeout_is_its_own_error(registry):
    registry.post(LOOKUP_URL, body=requests.Timeout("slow"))
    with pytest.raises(BusinessRegistryTimeout):
        lookup()


def test_an_unreachable_registry_is_unavailable(registry):
    registry.post(LOOKUP_URL, body=requests.ConnectionError("refused"))
    with pytest.raises(BusinessRegistryUnavailable):
        lookup()


@pytest.mark.parametrize(
    ("status", "error"), [(500, "internal_error"), (502, ""), (503, "unavailable")]
)
def test_server_errors_and_the_outage_fault_are_unavailable(registry, status, error):
    body = {"error": error, "message": "…"} if error else None
    if body is None:
        registry.post(LOOKUP_URL, status=status, body="<html>Bad Gateway</html>")
    else:
        registry.post(LOOKUP_URL, status=status, json=body)
    with pytest.raises(BusinessRegistryUnavailable) as raised:
        lookup()
    assert raised.value.status == status


def test_an_unknown_code_is_enterprise_not_found(registry):
    registry.post(LOOKUP_URL, status=404, json={"error": "not_found", "message": "…"})
    with pytest.raises(EnterpriseNotFound):
        lookup()


def test_a_404_that_is_not_the_api_s_not_found_is_a_bad_response(registry):
    registry.post(LOOKUP_URL, status=404, body="<html>Not Found</html>")
    with pytest.raises(BusinessRegistryBadResponse):
        lookup()


@pytest.mark.parametrize("status", [400, 401, 403, 429])
def test_refusals_are_bad_responses_with_their_code(registry, status):
    registry.post(LOOKUP_URL, status=status, json={"error": "x_refused", "message": "…"})
    with pytest.raises(BusinessRegistryBadResponse) as raised:
        lookup()
    assert raised.value.error_code == "x_refused"


@pytest.mark.parametrize(
    "answer",
    [
        {"body": "not json at all"},
        {"json": ["a", "list"]},
        {"json": {"enterprise": None}},
        {"json": {"citizen": {}}},
        {"json": record(established_on="20/03/2015")},
        {"json": record(representatives="Đặng Văn Quang")},
        {"json": record(representatives=[{"full_name": "Đặng Văn Quang"}])},
        {"json": record(name=42)},
    ],
)
def test_answers_off_the_contract_are_bad_responses(registry, answer):
    registry.post(LOOKUP_URL, status=200, **answer)
    with pytest.raises(BusinessRegistryBadResponse):
        lookup()


def test_every_error_is_a_business_registry_error():
    for kind in (
        BusinessRegistryTimeout,
        BusinessRegistryUnavailable,
        BusinessRegistryBadResponse,
        EnterpriseNotFound,
    ):
        assert issubclass(kind, BusinessRegistryError)
