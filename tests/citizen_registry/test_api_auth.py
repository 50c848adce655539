"""Who may call the registry API: bearer keys, disabled keys, record permission, methods."""

import pytest
from django.test import Client

from citizen_registry.models import LookupLog

from .conftest import LOOKUP_URL, NGA_ATTRIBUTES, PURPOSE, VERIFY_URL
from .factories import ApiClientFactory

pytestmark = pytest.mark.django_db

BODY = {"cccd_number": "036190012345", "purpose": PURPOSE, **NGA_ATTRIBUTES}


def _assert_unauthorized(response):
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="registry"'
    assert response.json()["error"] == "unauthorized"
    assert response.json()["message"]


def test_verify_without_authorization_header_is_refused_with_a_bearer_challenge(call_api, nga):
    _assert_unauthorized(call_api(VERIFY_URL, BODY))


def test_verify_with_an_unknown_key_is_refused(call_api, nga, verifier):
    _assert_unauthorized(call_api(VERIFY_URL, BODY, key=verifier.raw_key + "x"))


def test_verify_with_a_disabled_key_is_refused(call_api, nga):
    disabled = ApiClientFactory(is_active=False)
    _assert_unauthorized(call_api(VERIFY_URL, BODY, key=disabled.raw_key))


def test_a_key_sent_under_another_scheme_is_refused(client, nga, verifier):
    response = client.post(
        VERIFY_URL,
        data=BODY,
        content_type="application/json",
        headers={"authorization": f"Basic {verifier.raw_key}"},
    )
    _assert_unauthorized(response)


def test_the_bearer_scheme_name_is_case_insensitive(nga, verifier, client):
    response = client.post(
        VERIFY_URL,
        data=BODY,
        content_type="application/json",
        headers={"authorization": f"bearer {verifier.raw_key}"},
    )
    assert response.status_code == 200


def test_lookup_by_a_key_without_record_permission_is_forbidden(call_api, nga, verifier):
    response = call_api(LOOKUP_URL, BODY, key=verifier.raw_key)
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


def test_a_missing_key_is_reported_before_a_malformed_body(call_api):
    response = call_api(VERIFY_URL, None, raw="{not json")
    assert response.status_code == 401


def test_lookup_permission_is_checked_before_the_body(call_api, verifier):
    response = call_api(LOOKUP_URL, None, raw="[]", key=verifier.raw_key)
    assert response.status_code == 403


@pytest.mark.parametrize("url", [VERIFY_URL, LOOKUP_URL])
def test_get_on_an_api_endpoint_is_405_with_allow_post_and_is_logged(client, url, reader):
    response = client.get(url, headers={"authorization": f"Bearer {reader.raw_key}"})
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["error"] == "method_not_allowed"
    log = LookupLog.objects.get()
    assert (log.client, log.status_code, log.result) == (reader, 405, "method_not_allowed")


def test_the_api_needs_no_csrf_token(nga, verifier):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        VERIFY_URL,
        data=BODY,
        content_type="application/json",
        headers={"authorization": f"Bearer {verifier.raw_key}"},
    )
    assert response.status_code == 200
