"""The OpenAPI document is valid and describes exactly what the views answer."""

import re

import pytest
from django.urls import resolve
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from citizen_registry import views
from citizen_registry.faults import set_fault
from citizen_registry.openapi import openapi_document

from .conftest import NGA_ATTRIBUTES, OPENAPI_URL, PURPOSE, VERIFY_URL

pytestmark = pytest.mark.django_db

BASE = "/registry/api/v1"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}

# (path, a way to get that status, request body, key fixture name, fault mode)
NGA = {"cccd_number": "036190012345", **NGA_ATTRIBUTES}
# "limit": the fault switch is off and every key is allowed no call at all.
SCENARIOS = {
    ("/citizens/verify", "200"): (NGA, "verifier", "none"),
    ("/citizens/verify", "429"): (NGA, "verifier", "limit"),
    ("/citizens/lookup", "429"): ({"cccd_number": "036190012345"}, "reader", "limit"),
    ("/citizens/verify", "400"): ({"cccd_number": "12"}, "verifier", "none"),
    ("/citizens/verify", "401"): ({"cccd_number": "036190012345"}, None, "none"),
    ("/citizens/verify", "500"): ({"cccd_number": "036190012345"}, "verifier", "error"),
    ("/citizens/verify", "503"): ({"cccd_number": "036190012345"}, "verifier", "outage"),
    ("/citizens/lookup", "200"): ({"cccd_number": "036190012345"}, "reader", "none"),
    ("/citizens/lookup", "400"): ({"cccd_number": "x"}, "reader", "none"),
    ("/citizens/lookup", "401"): ({"cccd_number": "036190012345"}, None, "none"),
    ("/citizens/lookup", "403"): ({"cccd_number": "036190012345"}, "verifier", "none"),
    ("/citizens/lookup", "404"): ({"cccd_number": "036190099999"}, "reader", "none"),
    ("/citizens/lookup", "500"): ({"cccd_number": "036190012345"}, "reader", "error"),
    ("/citizens/lookup", "503"): ({"cccd_number": "036190012345"}, "reader", "outage"),
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
        "/citizens/verify": views.verify,
        "/citizens/lookup": views.lookup,
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
    request, call_api, nga, settings, path, status
):
    body, key_fixture, fault = SCENARIOS[(path, status)]
    if fault == "limit":
        settings.REGISTRY_API = {**settings.REGISTRY_API, "RATE_LIMIT_PER_KEY": 0}
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


def test_the_documented_request_examples_are_accepted(call_api, verifier, nga):
    document = openapi_document()
    example = document["components"]["schemas"]["VerifyRequest"]["example"]
    response = call_api(VERIFY_URL, example, key=verifier.raw_key)
    assert response.status_code == 200


def test_the_documented_examples_satisfy_their_own_schemas():
    document = openapi_document()
    for name, schema in document["components"]["schemas"].items():
        if "example" in schema:
            OAS31Validator({**schema, "components": document["components"]}).validate(
                schema["example"]
            )
    for _, _, _, response in _documented_responses():
        content = _resolve(document, response).get("content", {}).get("application/json", {})
        if "example" in content:
            OAS31Validator(content["schema"]).validate(content["example"])


@pytest.mark.parametrize(
    ("key_fixture", "expected"),
    [
        ("reader", {"fields": {"cccd_number": "not_found"}}),
        ("verifier", {"unknown_number": "cccd_number"}),
    ],
)
def test_a_not_found_verify_answer_matches_the_response_schema(
    request, call_api, key_fixture, expected
):
    document = openapi_document()
    body = {"cccd_number": "036190099999", "purpose": PURPOSE, **NGA_ATTRIBUTES}
    key = request.getfixturevalue(key_fixture).raw_key
    answer = call_api(VERIFY_URL, body, key=key).json()
    schema = {"$ref": "#/components/schemas/VerifyResponse", "components": document["components"]}
    OAS31Validator(schema).validate(answer)
    assert answer.items() >= expected.items()


def test_the_purpose_codes_are_published_in_the_document():
    purpose = openapi_document()["components"]["schemas"]["VerifyRequest"]["properties"]["purpose"]
    assert set(purpose["enum"]) == {
        "cccd_linking",
        "identity_refresh",
        "identity_verification",
        "public_service",
        "integration_test",
    }
