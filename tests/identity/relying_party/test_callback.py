"""The callback: the exact token exchange, ID token validation, state, replay and errors."""

import base64
import json
import time
from urllib.parse import parse_qs

import pytest
import requests
import responses
import time_machine

from accounts.models import User

from .conftest import (
    ACCESS_TOKEN,
    CALLBACK_PATH,
    CALLBACK_URL,
    CLIENT_ID,
    CLIENT_SECRET,
    DISCOVERY_URL,
    ISSUER,
    JWKS_URL,
    NGA_CCCD,
    NGA_SUB,
    TOKEN_URL,
    USERINFO_URL,
    discovery_document,
    hs256_with_public_key,
    is_logged_in,
    jwks,
    log_in_with_vneid,
    nga_claims,
    sign,
    start,
    unsigned,
)


def test_callback_exchanges_the_code_with_basic_auth_the_verifier_and_a_timeout(
    client, vneid, nga_linked
):
    request = start(client)
    verifier = client.session["vneid_login.pending"]["code_verifier"]
    vneid.answer_token(sign(nga_claims(nonce=request["nonce"]), vneid.key))

    response = client.get(CALLBACK_PATH, {"code": "code-42", "state": request["state"]})

    assert response.status_code == 302
    (call,) = vneid.calls_to(TOKEN_URL)
    assert call.request.method == "POST"
    assert call.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(call.request.body) == {
        "grant_type": ["authorization_code"],
        "code": ["code-42"],
        "redirect_uri": [CALLBACK_URL],
        "code_verifier": [verifier],
    }
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert call.request.headers["Authorization"] == f"Basic {basic}"
    assert call.request.req_kwargs["timeout"] == 2
    # Nothing else: the ID token carries the identity claims, so userinfo is not asked.
    assert not vneid.calls_to(USERINFO_URL)


def _forged(kind, signing_key, stranger_key):
    """Return a function nonce -> ID token that must be refused, for each kind of forgery."""
    now = int(time.time())
    forgeries = {
        "bad_signature": lambda nonce: sign(
            nga_claims(nonce=nonce), stranger_key, kid=signing_key.kid
        ),
        "alg_none": lambda nonce: unsigned(nga_claims(nonce=nonce)),
        "hs256_public_key": lambda nonce: hs256_with_public_key(
            nga_claims(nonce=nonce), signing_key
        ),
        "wrong_iss": lambda nonce: sign(
            nga_claims(nonce=nonce, iss="http://evil.test/vneid"), signing_key
        ),
        "wrong_aud": lambda nonce: sign(nga_claims(nonce=nonce, aud="another-portal"), signing_key),
        "several_aud_without_azp": lambda nonce: sign(
            nga_claims(nonce=nonce, aud=[CLIENT_ID, "another-portal"]), signing_key
        ),
        "expired": lambda nonce: sign(
            nga_claims(nonce=nonce, iat=now - 7200, exp=now - 3600), signing_key
        ),
        "issued_in_the_future": lambda nonce: sign(
            nga_claims(nonce=nonce, iat=now + 3600, exp=now + 7200), signing_key
        ),
        "wrong_nonce": lambda nonce: sign(nga_claims(nonce="nonce-of-another-login"), signing_key),
        "no_nonce": lambda nonce: sign(nga_claims(), signing_key),
        "no_exp": lambda nonce: sign(nga_claims(nonce=nonce, exp=None), signing_key),
        "garbage": lambda nonce: "not.a.jwt",
    }
    return forgeries[kind]


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("bad_signature", "BadSignatureError"),
        ("alg_none", "Algorithm of 'none' is not allowed"),
        ("hs256_public_key", "Algorithm of 'HS256' is not allowed"),
        ("wrong_iss", "Invalid claim: 'iss'"),
        ("wrong_aud", "Invalid claim: 'aud'"),
        ("several_aud_without_azp", "azp is not this client"),
        ("expired", "The token is expired"),
        ("issued_in_the_future", "issued in the future"),
        ("wrong_nonce", "Invalid claim: 'nonce'"),
        ("no_nonce", "Missing claim: 'nonce'"),
        ("no_exp", "Missing claim: 'exp'"),
        ("garbage", "DecodeError"),
    ],
)
def test_callback_refuses_an_id_token_that_fails_validation(
    client, vneid, nga_linked, stranger_key, caplog, kind, reason
):
    forged = _forged(kind, vneid.key, stranger_key)

    response = log_in_with_vneid(client, vneid, token=forged)

    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-kind="invalid_token"' in page
    assert "Không xác thực được kết quả đăng nhập từ VNeID" in page
    assert reason in caplog.text
    assert not is_logged_in(client)
    assert not nga_linked.audit_entries.exists()


def test_callback_accepts_several_audiences_when_azp_is_this_portal(client, vneid, nga_linked):
    response = log_in_with_vneid(client, vneid, aud=[CLIENT_ID, "another-portal"], azp=CLIENT_ID)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_callback_accepts_a_token_from_a_clock_slightly_ahead(client, vneid, nga_linked):
    now = int(time.time())

    response = log_in_with_vneid(client, vneid, iat=now + 30, exp=now + 3630)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_replayed_callback_is_refused(client, vneid, nga_linked):
    request = start(client)
    vneid.answer_token(sign(nga_claims(nonce=request["nonce"]), vneid.key))
    callback = {"code": "code-1", "state": request["state"]}
    assert client.get(CALLBACK_PATH, callback).status_code == 302
    client.post("/dang-xuat/")

    replay = client.get(CALLBACK_PATH, callback)

    assert replay.status_code == 400
    assert 'data-kind="expired"' in replay.content.decode()
    assert len(vneid.calls_to(TOKEN_URL)) == 1
    assert not is_logged_in(client)


def test_callback_with_a_mismatched_state_is_refused_without_calling_vneid(
    client, vneid, nga_linked
):
    start(client, "/ho-so/")

    response = client.get(CALLBACK_PATH, {"code": "code-1", "state": "forged-state"})

    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-kind="state_mismatch"' in page
    assert "Không xác nhận được yêu cầu đăng nhập" in page
    assert 'href="/dang-nhap/vneid/?next=%2Fho-so%2F"' in page
    assert not vneid.calls_to(TOKEN_URL)
    assert "vneid_login.pending" not in client.session
    assert not is_logged_in(client)


def test_callback_without_a_pending_login_is_refused(client, vneid, db):
    response = client.get(CALLBACK_PATH, {"code": "code-1", "state": "some-state"})

    assert response.status_code == 400
    assert "Phiên đăng nhập bằng VNeID đã hết hạn" in response.content.decode()
    assert not vneid.calls_to(TOKEN_URL)


def test_callback_more_than_ten_minutes_after_start_is_refused(client, vneid, nga_linked):
    request = start(client)

    with time_machine.travel(time.time() + 601):
        response = client.get(CALLBACK_PATH, {"code": "code-1", "state": request["state"]})

    assert response.status_code == 400
    assert 'data-kind="expired"' in response.content.decode()
    assert not vneid.calls_to(TOKEN_URL)


def test_unknown_kid_after_rotation_is_accepted_after_one_jwks_refetch(
    client, vneid, nga_linked, rotated_key
):
    # The portal cached the JWKS before VNeID rotated to a new key.
    log_in_with_vneid(client, vneid)
    # The portal session ends without the logout view, which reads the JWKS afresh.
    client.logout()
    vneid.mock.replace(responses.GET, JWKS_URL, json=jwks(vneid.key, rotated_key))

    response = log_in_with_vneid(
        client, vneid, token=lambda nonce: sign(nga_claims(nonce=nonce), rotated_key)
    )

    assert response.status_code == 302
    assert is_logged_in(client)
    assert len(vneid.calls_to(JWKS_URL)) == 2


def test_unknown_kid_is_refused_when_the_refetched_jwks_does_not_have_it(
    client, vneid, nga_linked, stranger_key
):
    response = log_in_with_vneid(
        client, vneid, token=lambda nonce: sign(nga_claims(nonce=nonce), stranger_key)
    )

    assert response.status_code == 400
    assert 'data-kind="invalid_token"' in response.content.decode()
    # One fetch, one refetch for the unknown kid, then no more.
    assert len(vneid.calls_to(JWKS_URL)) == 2
    assert not is_logged_in(client)


def test_jwks_and_discovery_are_cached_between_logins(client, vneid, nga_linked):
    log_in_with_vneid(client, vneid)
    # The portal session ends without the logout view, which reads the JWKS afresh.
    client.logout()
    log_in_with_vneid(client, vneid)

    assert len(vneid.calls_to(JWKS_URL)) == 1
    assert len(vneid.calls_to(ISSUER + "/.well-known/openid-configuration")) == 1


def test_cancel_at_vneid_returns_to_the_login_page_with_a_message(client, vneid, db):
    request = start(client, "/ho-so/")

    response = client.get(CALLBACK_PATH, {"error": "access_denied", "state": request["state"]})

    assert response.status_code == 302
    assert response["Location"] == "/dang-nhap/?next=%2Fho-so%2F"
    page = client.get(response["Location"]).content.decode()
    assert "Bạn đã huỷ đăng nhập bằng VNeID" in page
    assert not vneid.calls_to(TOKEN_URL)


def test_other_error_from_vneid_shows_a_page(client, vneid, db):
    request = start(client)

    response = client.get(CALLBACK_PATH, {"error": "server_error", "state": request["state"]})

    assert response.status_code == 502
    assert 'data-kind="provider_error"' in response.content.decode()


@pytest.mark.parametrize(
    ("answer", "kind", "status"),
    [
        ({"body": requests.ConnectionError("refused")}, "unavailable", 503),
        ({"body": requests.ReadTimeout("slow")}, "timeout", 503),
        ({"status": 502, "body": "Bad Gateway"}, "unavailable", 503),
        ({"status": 400, "json": {"error": "invalid_grant"}}, "provider_error", 502),
        ({"json": {"access_token": ACCESS_TOKEN, "token_type": "Bearer"}}, "provider_error", 502),
    ],
)
def test_token_exchange_failure_shows_its_page(client, vneid, nga_linked, answer, kind, status):
    request = start(client)
    vneid.mock.post(TOKEN_URL, **answer)

    response = client.get(CALLBACK_PATH, {"code": "code-1", "state": request["state"]})

    assert response.status_code == status
    assert f'data-kind="{kind}"' in response.content.decode()
    assert not is_logged_in(client)


def test_slow_vneid_page_says_so(client, vneid, nga_linked):
    request = start(client)
    vneid.mock.post(TOKEN_URL, body=requests.ReadTimeout("slow"))

    page = client.get(CALLBACK_PATH, {"code": "c", "state": request["state"]}).content.decode()

    assert "VNeID phản hồi quá chậm" in page
    assert "Vui lòng thử lại sau ít phút" in page


def test_level_one_is_refused_with_how_to_upgrade(client, vneid, nga_linked):
    response = log_in_with_vneid(client, vneid, acr="vneid:level1")

    assert response.status_code == 403
    page = response.content.decode()
    assert "Cổng yêu cầu tài khoản định danh điện tử mức 2" in page
    assert "tài khoản định danh điện tử mức 1" in page
    assert "cơ quan Công an cấp xã/phường nơi cư trú" in page
    assert "ứng dụng VNeID" in page
    assert "prompt=login" in page
    assert not is_logged_in(client)
    assert not nga_linked.audit_entries.exists()


@pytest.mark.parametrize("acr", [None, "", "urn:mace:incommon:iap:silver", "vneid:level2x"])
def test_id_token_without_a_known_acr_is_level_unknown_not_level_one(
    client, vneid, nga_linked, acr
):
    response = log_in_with_vneid(client, vneid, acr=acr)

    assert response.status_code == 502
    page = response.content.decode()
    assert 'data-kind="level_unknown"' in page
    assert "Chưa xác định được mức tài khoản định danh điện tử" in page
    assert "mức 1" in page and "bằng tài khoản định danh điện tử mức 1" not in page
    assert not is_logged_in(client)
    assert not nga_linked.audit_entries.exists()


def test_level_two_citizen_logs_in_against_a_provider_that_sends_acr_only_when_asked(
    client, vneid, nga_linked
):
    # Like a certified provider (panva's oidc-provider): acr only for acr_values or claims.
    request = start(client, "/ho-so/")
    asked = "acr_values" in request or "acr" in json.loads(request.get("claims", "{}")).get(
        "id_token", {}
    )
    claims = nga_claims(nonce=request["nonce"], acr="vneid:level2" if asked else None)
    vneid.answer_token(sign(claims, vneid.key))

    response = client.get(CALLBACK_PATH, {"code": "code-1", "state": request["state"]})

    assert response.status_code == 302
    assert response["Location"] == "/ho-so/"
    assert is_logged_in(client)


def _announce_iss_parameter(vneid):
    vneid.mock.replace(
        responses.GET,
        DISCOVERY_URL,
        json={**discovery_document(), "authorization_response_iss_parameter_supported": True},
    )


def test_callback_with_the_announced_iss_logs_in(client, vneid, nga_linked):
    _announce_iss_parameter(vneid)
    request = start(client, "/ho-so/")
    vneid.answer_token(sign(nga_claims(nonce=request["nonce"]), vneid.key))

    response = client.get(
        CALLBACK_PATH, {"code": "code-1", "state": request["state"], "iss": ISSUER}
    )

    assert response.status_code == 302
    assert is_logged_in(client)


@pytest.mark.parametrize(
    ("announced", "iss"),
    [(True, None), (True, "https://attacker.example/vneid"), (False, "https://attacker.example")],
)
def test_callback_from_another_issuer_is_refused_without_calling_vneid(
    client, vneid, nga_linked, announced, iss
):
    if announced:
        _announce_iss_parameter(vneid)
    request = start(client, "/ho-so/")
    params = {"code": "code-1", "state": request["state"]}
    if iss:
        params["iss"] = iss

    response = client.get(CALLBACK_PATH, params)

    assert response.status_code == 400
    assert 'data-kind="issuer_mismatch"' in response.content.decode()
    assert not vneid.calls_to(TOKEN_URL)
    assert not is_logged_in(client)


def test_error_response_from_another_issuer_is_refused(client, vneid, db):
    request = start(client, "/ho-so/")

    response = client.get(
        CALLBACK_PATH,
        {"error": "access_denied", "state": request["state"], "iss": "https://attacker.example"},
    )

    assert response.status_code == 400
    assert 'data-kind="issuer_mismatch"' in response.content.decode()


def test_required_level_comes_from_settings(client, vneid, nga_linked, settings):
    settings.VNEID = {**settings.VNEID, "REQUIRED_LEVEL": 1}

    response = log_in_with_vneid(client, vneid, acr="vneid:level1")

    assert response.status_code == 302
    assert is_logged_in(client)


def test_identity_claims_missing_from_the_id_token_are_fetched_from_userinfo(client, vneid, db):
    vneid.mock.get(
        USERINFO_URL,
        json={"sub": NGA_SUB, "personal_id_number": NGA_CCCD, "name": "Tô Thị Nga"},
    )

    response = log_in_with_vneid(client, vneid, personal_id_number=None, old_cmnd_number=None)

    assert response.status_code == 302
    (call,) = vneid.calls_to(USERINFO_URL)
    assert call.request.method == "GET"
    assert call.request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert call.request.req_kwargs["timeout"] == 2
    assert User.objects.get(cccd_number=NGA_CCCD).full_name == "Tô Thị Nga"


def test_userinfo_about_another_subject_is_refused(client, vneid, db):
    vneid.mock.get(USERINFO_URL, json={"sub": "someone-else", "personal_id_number": NGA_CCCD})

    response = log_in_with_vneid(client, vneid, personal_id_number=None)

    assert response.status_code == 502
    assert not User.objects.filter(cccd_number=NGA_CCCD).exists()
    assert not is_logged_in(client)


def test_a_personal_id_number_that_is_not_12_digits_is_refused(client, vneid, db):
    response = log_in_with_vneid(client, vneid, personal_id_number="03719061234X")

    assert response.status_code == 502
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "number",
    [f"{NGA_CCCD}\n", "０３７１９０６１２３４５", "٠٣٧١٩٠٦١٢٣٤٥"],
    ids=["trailing-newline", "full-width", "arabic-indic"],
)
def test_a_claimed_personal_id_number_must_be_12_ascii_digits(client, vneid, db, number):
    response = log_in_with_vneid(client, vneid, personal_id_number=number)

    assert response.status_code == 502
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "old_cmnd",
    ["164438056\n", "１６４４３８０５６", "١٦٤٤٣٨٠٥٦"],
    ids=["trailing-newline", "full-width", "arabic-indic"],
)
def test_a_claimed_old_cmnd_must_be_9_or_12_ascii_digits(client, vneid, db, old_cmnd):
    response = log_in_with_vneid(client, vneid, old_cmnd_number=old_cmnd)

    assert response.status_code == 502
    assert not User.objects.exists()
