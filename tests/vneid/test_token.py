"""The token endpoint: every binding of a code is checked, and a reused code burns its tokens."""

import secrets
from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from vneid.models import AccessToken, AuditEvent
from vneid.services import set_account_status

from .flows import OTHER_REDIRECT_URI, exchange, log_in_and_get_code


def _error(response, status=400):
    assert response.status_code == status, response.content
    assert "id_token" not in response.json()
    return response.json()["error"]


def test_missing_code_verifier_is_refused(client, nga, rp, pkce):
    code = log_in_and_get_code(client, rp, pkce)

    assert _error(exchange(client, rp, code, None)) == "invalid_request"


def test_wrong_code_verifier_is_refused(client, nga, rp, pkce):
    code = log_in_and_get_code(client, rp, pkce)

    assert _error(exchange(client, rp, code, secrets.token_urlsafe(48))) == "invalid_grant"


def test_challenge_itself_as_verifier_is_refused(client, nga, rp, pkce):
    code = log_in_and_get_code(client, rp, pkce)

    assert _error(exchange(client, rp, code, pkce.challenge)) == "invalid_grant"


def test_reused_code_is_refused_and_revokes_the_tokens_it_gave(client, nga, rp, pkce):
    code = log_in_and_get_code(client, rp, pkce)
    first = exchange(client, rp, code, pkce.verifier)
    assert first.status_code == 200
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {first.json()['access_token']}"}
    assert client.get(reverse("vneid:userinfo"), **bearer).status_code == 200

    second = exchange(client, rp, code, pkce.verifier)

    assert _error(second) == "invalid_grant"
    assert AccessToken.objects.get().revoked_at is not None
    assert client.get(reverse("vneid:userinfo"), **bearer).status_code == 401
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.CODE_REUSED).exists()


def test_expired_code_is_refused(client, nga, rp, pkce):
    code = log_in_and_get_code(client, rp, pkce)

    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        response = exchange(client, rp, code, pkce.verifier)

    assert _error(response) == "invalid_grant"


def test_code_within_sixty_seconds_is_accepted(client, nga, rp, pkce):
    code = log_in_and_get_code(client, rp, pkce)

    with time_machine.travel(timezone.now() + timedelta(seconds=55)):
        response = exchange(client, rp, code, pkce.verifier)

    assert response.status_code == 200


def test_code_of_another_client_is_refused(client, nga, rp, other_rp, pkce):
    code = log_in_and_get_code(client, rp, pkce)

    assert _error(exchange(client, other_rp, code, pkce.verifier)) == "invalid_grant"
    assert exchange(client, rp, code, pkce.verifier).status_code == 200


def test_redirect_uri_differing_from_the_authorization_request_is_refused(client, nga, rp, pkce):
    code = log_in_and_get_code(client, rp, pkce)

    response = exchange(client, rp, code, pkce.verifier, redirect_uri=OTHER_REDIRECT_URI)

    assert _error(response) == "invalid_grant"


def test_wrong_client_secret_is_refused_with_basic_auth(client, nga, rp, pkce):
    code = log_in_and_get_code(client, rp, pkce)

    response = exchange(client, rp, code, pkce.verifier, secret="not-the-secret")

    assert _error(response, status=401) == "invalid_client"


def test_wrong_client_secret_is_refused_with_post_auth(client, nga, rp, pkce):
    code = log_in_and_get_code(client, rp, pkce)

    response = exchange(client, rp, code, pkce.verifier, auth="post", secret="not-the-secret")

    assert _error(response, status=401) == "invalid_client"


def test_failed_attempt_does_not_spend_the_code(client, nga, rp, pkce):
    code = log_in_and_get_code(client, rp, pkce)
    exchange(client, rp, code, pkce.verifier, secret="not-the-secret")

    assert exchange(client, rp, code, pkce.verifier).status_code == 200


def test_unknown_code_is_refused(client, nga, rp, pkce):
    assert _error(exchange(client, rp, "no-such-code", pkce.verifier)) == "invalid_grant"


def test_code_of_an_account_locked_since_is_refused(client, nga, rp, pkce):
    code = log_in_and_get_code(client, rp, pkce)
    set_account_status(account=nga, status="locked")

    assert _error(exchange(client, rp, code, pkce.verifier)) == "invalid_grant"


def test_other_grant_types_are_refused(client, nga, rp):
    response = client.post(reverse("vneid:token"), {"grant_type": "client_credentials"})

    assert _error(response) == "unsupported_grant_type"


def test_token_endpoint_refuses_get(client):
    assert client.get(reverse("vneid:token")).status_code == 405


def test_access_token_is_not_stored_in_clear(tokens):
    assert not AccessToken.objects.filter(token_hash=tokens["access_token"]).exists()
    assert tokens["expires_in"] == 3600


def test_missing_grant_type_is_an_invalid_request(client, nga, rp, pkce):
    code = log_in_and_get_code(client, rp, pkce)

    response = client.post(
        reverse("vneid:token"),
        {"code": code, "client_id": rp.client_id, "client_secret": rp.secret},
    )

    assert _error(response) == "invalid_request"


def test_client_id_with_nul_is_an_unknown_client(client, db):
    response = client.post(
        reverse("vneid:token"),
        {
            "grant_type": "authorization_code",
            "code": "c",
            "client_id": "a\x00",
            "client_secret": "x",
        },
    )

    assert _error(response) == "invalid_client"


def test_token_answers_carry_cors_for_browser_applications(client, nga, rp, pkce):
    code = log_in_and_get_code(client, rp, pkce)

    answer = exchange(client, rp, code, pkce.verifier)
    refusal = client.post(reverse("vneid:token"), {"grant_type": "password"})

    assert answer["Access-Control-Allow-Origin"] == "*"
    assert refusal["Access-Control-Allow-Origin"] == "*"


def test_token_answers_the_cors_preflight(client, db):
    response = client.options(
        reverse("vneid:token"),
        HTTP_ORIGIN="https://spa.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert {"authorization", "content-type"} <= {
        header.strip().lower() for header in response["Access-Control-Allow-Headers"].split(",")
    }
