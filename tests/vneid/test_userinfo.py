"""Userinfo: the bearer token's scope decides the claims; bad tokens get RFC 6750 answers."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from vneid.models import OidcClient
from vneid.services import set_account_status

from .flows import NGA_CCCD, NGA_CMND, exchange, log_in_and_get_code


def _userinfo(client, access_token, method="get"):
    call = getattr(client, method)
    return call(reverse("vneid:userinfo"), HTTP_AUTHORIZATION=f"Bearer {access_token}")


def _access_token(client, rp, pkce, scope):
    code = log_in_and_get_code(client, rp, pkce, scope=scope)
    return exchange(client, rp, code, pkce.verifier).json()["access_token"]


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("openid", {"sub"}),
        ("openid profile", {"sub", "name", "birthdate", "gender"}),
        ("openid vneid_identity", {"sub", "personal_id_number", "old_cmnd_number"}),
        (
            "openid profile vneid_identity",
            {"sub", "name", "birthdate", "gender", "personal_id_number", "old_cmnd_number"},
        ),
    ],
)
def test_userinfo_releases_exactly_the_claims_of_the_scope(client, nga, rp, pkce, scope, expected):
    response = _userinfo(client, _access_token(client, rp, pkce, scope))

    assert response.status_code == 200
    assert set(response.json()) == expected


def test_userinfo_values_come_from_the_registry(client, nga, tokens):
    claims = _userinfo(client, tokens["access_token"]).json()

    citizen = nga.citizen
    assert claims == {
        "sub": nga.sub,
        "name": "Tô Thị Nga",
        "birthdate": citizen.birth_date.isoformat(),
        "gender": "female",
        "personal_id_number": NGA_CCCD,
        "old_cmnd_number": NGA_CMND,
    }
    assert claims["sub"] != NGA_CCCD


def test_userinfo_accepts_post(client, tokens):
    assert _userinfo(client, tokens["access_token"], method="post").status_code == 200


def test_userinfo_without_a_token_asks_for_one(client, db):
    response = client.get(reverse("vneid:userinfo"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_userinfo_refuses_an_unknown_token(client, db):
    response = _userinfo(client, "not-a-token")

    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_userinfo_refuses_an_expired_token(client, tokens):
    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=1)):
        response = _userinfo(client, tokens["access_token"])

    assert response.status_code == 401


def test_userinfo_refuses_a_token_of_a_locked_account(client, nga, tokens):
    set_account_status(account=nga, status="locked")

    assert _userinfo(client, tokens["access_token"]).status_code == 401


def test_userinfo_refuses_a_token_of_a_deactivated_client(client, rp, tokens):
    OidcClient.objects.filter(client_id=rp.client_id).update(is_active=False)

    assert _userinfo(client, tokens["access_token"]).status_code == 401


def _form_post(client, data, **headers):
    # RFC 6750 2.2: the form-encoded body, not multipart (the test client's default).
    return client.post(
        reverse("vneid:userinfo"),
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
        **headers,
    )


def test_userinfo_accepts_the_token_in_a_post_form_body(client, nga, tokens):
    response = _form_post(client, {"access_token": tokens["access_token"]})

    assert response.status_code == 200
    assert response.json()["sub"] == nga.sub


def test_userinfo_refuses_an_unknown_token_in_the_form_body(client, db):
    response = _form_post(client, {"access_token": "not-a-token"})

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_userinfo_refuses_a_token_sent_two_ways_at_once(client, tokens):
    response = _form_post(
        client,
        {"access_token": tokens["access_token"]},
        HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}",
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_userinfo_ignores_a_token_in_the_query_string(client, tokens):
    response = client.get(reverse("vneid:userinfo"), {"access_token": tokens["access_token"]})

    assert response.status_code == 401


def test_userinfo_answers_carry_cors_and_expose_the_challenge(client, tokens):
    answer = _userinfo(client, tokens["access_token"])
    refusal = client.get(reverse("vneid:userinfo"))

    assert answer["Access-Control-Allow-Origin"] == "*"
    assert refusal["Access-Control-Allow-Origin"] == "*"
    assert "WWW-Authenticate" in refusal["Access-Control-Expose-Headers"]


def test_userinfo_answers_the_cors_preflight(client, db):
    response = client.options(
        reverse("vneid:userinfo"),
        HTTP_ORIGIN="https://spa.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in response["Access-Control-Allow-Headers"]
