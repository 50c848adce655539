"""The OpenAPI document is valid and describes exactly what the views answer."""

import re

import pytest
from django.urls import resolve
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from business_registry import views
from business_registry.faults import set_fault
from business_registry.openapi import openapi_document
from business_registry.purposes import PURPOSES

from .conftest import HOIAN_CODE, OPENAPI_URL, PURPOSE, QUANG_CCCD, VERIFY_URL

pytestmark = pytest.mark.django_db

BASE = "/business-registry/api/v1"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
KNOWN = {"enterprise_code": HOIAN_CODE}
UNKNOWN = {"enterprise_code": "0300588569"}
WRONG_DIGIT = {"enterprise_code": "0100109107"}
TO_VERIFY = {**KNOWN, "name": "Công ty TNHH Hội An Xanh", "representative_cccd": QUANG_CCCD}
# (path, status): (request body, key fixture name, fault mode); "limit": no call allowed.
SCENARIOS = {
    ("/enterprises/verify", "200"): (TO_VERIFY, "verifier", "none"),
    ("/enterprises/verify", "400"): ({**TO_VERIFY, **WRONG_DIGIT}, "verifier", "none"),
    ("/enterprises/verify", "401"): (TO_VERIFY, None, "none"),
    ("/enterprises/verify", "404"): ({**TO_VERIFY, **UNKNOWN}, "verifier", "none"),
    ("/enterprises/verify", "429"): (TO_VERIFY, "verifier", "limit"),
    ("/enterprises/verify", "500"): (TO_VERIFY, "verifier", "error"),
    ("/enterprises/verify", "503"): (TO_VERIFY, "verifier", "outage"),
    ("/enterprises/lookup", "200"): (KNOWN, "reader", "none"),
    ("/enterprises/lookup", "400"): (WRONG_DIGIT, "reader", "none"),
    ("/enterprises/lookup", "401"): (KNOWN, None, "none"),
    ("/enterprises/lookup", "403"): (KNOWN, "verifier", "none"),
    ("/enterprises/lookup", "404"): (UNKNOWN, "reader", "none"),
    ("/enterprises/lookup", "429"): (KNOWN, "reader", "limit"),
    ("/enterprises/lookup", "500"): (KNOWN, "reader", "error"),
    ("/enterprises/lookup", "503"): (KNOWN, "reader", "outage"),
}


def _documented_responses():
    document = openapi_document()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                yield path, method, status, response


def _resolve(document, node):
    while "$ref" in node:
        target = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def test_the_document_is_a_valid_openapi_3_1_document():
    document = openapi_document()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_the_served_document_is_the_one_in_the_code_and_needs_no_key(client):
    response = client.get(OPENAPI_URL)
    assert response.status_code == 200
    assert response.json() == openapi_document()


def test_every_documented_path_is_routed_to_a_view_and_other_methods_are_refused(client):
    document = openapi_document()
    assert document["servers"] == [{"url": BASE}]
    expected_views = {
        "/enterprises/verify": views.verify,
        "/enterprises/lookup": views.lookup,
        "/openapi.json": views.openapi,
    }
    assert set(document["paths"]) == set(expected_views)
    for path, item in document["paths"].items():
        assert resolve(BASE + path).func is expected_views[path]
        for method in HTTP_METHODS - set(item) - {"head", "options"}:
            assert getattr(client, method)(BASE + path).status_code == 405, (path, method)


def test_every_documented_status_is_exercised_by_exactly_one_scenario():
    documented = {
        (path, status)
        for path, method, status, _ in _documented_responses()
        if path != "/openapi.json"
    }
    assert documented == set(SCENARIOS)


@pytest.mark.parametrize(("path", "status"), sorted(SCENARIOS))
def test_each_documented_response_is_what_the_view_answers(
    request, call_api, hoian, settings, path, status
):
    body, key_fixture, fault = SCENARIOS[(path, status)]
    if fault == "limit":
        settings.BUSINESS_REGISTRY = {"RATE_LIMIT_PER_KEY": 0, "RATE_LIMIT_PER_ADDRESS": 0}
        fault = "none"
    set_fault(fault)
    key = request.getfixturevalue(key_fixture).raw_key if key_fixture else None
    response = call_api(BASE + path, {**body, "purpose": PURPOSE}, key=key)
    assert str(response.status_code) == status

    document = openapi_document()
    documented = _resolve(document, document["paths"][path]["post"]["responses"][status])
    schema = documented["content"]["application/json"]["schema"]
    OAS31Validator({**schema, "components": document["components"]}).validate(response.json())
    for header, spec in documented.get("headers", {}).items():
        if "const" in spec["schema"]:
            assert response[header] == spec["schema"]["const"]
        else:
            assert re.fullmatch(spec["schema"]["pattern"], response[header])


def test_the_documented_request_examples_are_accepted(call_api, reader, hoian):
    schemas = openapi_document()["components"]["schemas"]
    for name, url in (
        ("VerifyRequest", VERIFY_URL),
        ("LookupRequest", BASE + "/enterprises/lookup"),
    ):
        response = call_api(url, schemas[name]["example"], key=reader.raw_key)
        assert response.status_code == 200, (name, response.content)


def test_the_documented_examples_satisfy_their_own_schemas():
    document = openapi_document()
    for schema in document["components"]["schemas"].values():
        if "example" in schema:
            OAS31Validator({**schema, "components": document["components"]}).validate(
                schema["example"]
            )
    for _, _, _, response in _documented_responses():
        content = _resolve(document, response).get("content", {}).get("application/json", {})
        if "example" in content:
            OAS31Validator(content["schema"]).validate(content["example"])


def test_the_purpose_codes_are_published_in_the_document():
    schemas = openapi_document()["components"]["schemas"]
    for name in ("VerifyRequest", "LookupRequest"):
        assert schemas[name]["properties"]["purpose"]["enum"] == list(PURPOSES)
