"""RP-initiated logout: ends VNeID's login, returns only to registered URIs."""

from urllib.parse import parse_qs, urlsplit

from django.test import Client
from django.urls import reverse
from joserfc import jwt

from vneid.keys import (
    active_signing_key,
    as_private_key,
    generate_signing_key,
    published_key_set,
)
from vneid.login_state import COOKIE_NAME
from vneid.models import LoginSession

from .flows import (
    POST_LOGOUT_URI,
    authorize_params,
    authorize_url,
    exchange,
    log_in_and_get_code,
)


def _logout(client, **params):
    return client.get(reverse("vneid:end_session"), params)


def _published():
    return published_key_set()


def _sign_with_active_key(claims):
    key = active_signing_key()
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, as_private_key(key))


def _sso_works(client, rp, pkce, nonce):
    response = client.get(authorize_url(authorize_params(rp, pkce, nonce=nonce)))
    return response.status_code == 302


def test_logout_with_id_token_hint_ends_the_login_and_returns_with_state(client, rp, pkce, tokens):
    response = _logout(
        client,
        id_token_hint=tokens["id_token"],
        post_logout_redirect_uri=POST_LOGOUT_URI,
        state="bye",
    )

    assert response.status_code == 302
    assert response["Location"] == POST_LOGOUT_URI + "?state=bye"
    assert response.cookies[COOKIE_NAME].value == ""
    assert LoginSession.objects.get().ended_at is not None
    assert not _sso_works(client, rp, pkce, nonce="after-logout")


def test_logout_finds_the_client_from_a_list_audience(client, nga, rp, pkce, tokens):
    claims = jwt.decode(tokens["id_token"], _published()).claims
    claims["aud"] = [rp.client_id]
    hint = _sign_with_active_key(claims)

    response = _logout(client, id_token_hint=hint, post_logout_redirect_uri=POST_LOGOUT_URI)

    assert response["Location"] == POST_LOGOUT_URI


def test_logout_to_an_unregistered_uri_gets_an_error_page(client, tokens):
    response = _logout(
        client,
        id_token_hint=tokens["id_token"],
        post_logout_redirect_uri="https://evil.example/",
    )

    assert response.status_code == 400
    assert "Location" not in response
    assert LoginSession.objects.get().ended_at is None


def test_logout_uri_without_an_identifiable_client_is_refused(client, tokens):
    response = _logout(client, post_logout_redirect_uri=POST_LOGOUT_URI)

    assert response.status_code == 400


def test_logout_with_client_id_and_registered_uri_asks_for_confirmation(client, rp, tokens):
    response = _logout(client, client_id=rp.client_id, post_logout_redirect_uri=POST_LOGOUT_URI)

    assert response.status_code == 200
    assert "Đăng xuất khỏi VNeID?" in response.content.decode()
    assert LoginSession.objects.get().ended_at is None


def test_confirmed_logout_ends_the_login(client, rp, tokens):
    response = client.post(
        reverse("vneid:end_session"),
        {"client_id": rp.client_id, "post_logout_redirect_uri": POST_LOGOUT_URI, "confirm": "yes"},
    )

    assert response["Location"] == POST_LOGOUT_URI
    assert LoginSession.objects.get().ended_at is not None


def test_forged_id_token_hint_is_refused(client, rp, tokens):
    claims = jwt.decode(tokens["id_token"], _published()).claims
    stranger = generate_signing_key()
    forged = jwt.encode({"alg": "RS256", "kid": stranger.kid}, claims, as_private_key(stranger))

    response = _logout(client, id_token_hint=forged, post_logout_redirect_uri=POST_LOGOUT_URI)

    assert response.status_code == 400
    assert LoginSession.objects.get().ended_at is None


def test_hint_for_another_citizen_asks_before_logging_out(client, nga, level_one, rp, pkce, tokens):
    claims = jwt.decode(tokens["id_token"], _published()).claims
    claims["sub"] = level_one.sub

    response = _logout(client, id_token_hint=_sign_with_active_key(claims))

    assert response.status_code == 200
    assert LoginSession.objects.get().ended_at is None


def test_logout_without_a_login_shows_the_logged_out_page(client, db):
    response = _logout(client)

    assert response.status_code == 200
    assert "Bạn đã đăng xuất khỏi VNeID" in response.content.decode()


def test_portal_session_cookie_is_untouched_by_vneid_logout(client, rp, tokens):
    response = _logout(client, id_token_hint=tokens["id_token"])

    assert "dvc_sessionid" not in response.cookies
    assert response.status_code == 200


def _userinfo_status(client, access_token):
    return client.get(
        reverse("vneid:userinfo"), HTTP_AUTHORIZATION=f"Bearer {access_token}"
    ).status_code


def test_logout_revokes_the_access_tokens_issued_in_that_login(client, rp, pkce, tokens):
    # A second service logged in through the same VNeID login, without the password again.
    sso = client.get(authorize_url(authorize_params(rp, pkce, nonce="n2")))
    code = parse_qs(urlsplit(sso["Location"]).query)["code"][0]
    second = exchange(client, rp, code, pkce.verifier)
    assert _userinfo_status(client, second.json()["access_token"]) == 200

    _logout(client, id_token_hint=tokens["id_token"], post_logout_redirect_uri=POST_LOGOUT_URI)

    assert _userinfo_status(client, tokens["access_token"]) == 401
    assert _userinfo_status(client, second.json()["access_token"]) == 401


def test_logout_leaves_the_tokens_of_another_browser_login_usable(client, nga, rp, pkce, tokens):
    other_browser = Client(HTTP_HOST="localhost")
    code = log_in_and_get_code(other_browser, rp, pkce, nonce="other-browser")
    other_token = exchange(other_browser, rp, code, pkce.verifier).json()["access_token"]

    _logout(client, id_token_hint=tokens["id_token"])

    assert _userinfo_status(client, tokens["access_token"]) == 401
    assert _userinfo_status(other_browser, other_token) == 200


def test_logout_with_nul_in_client_id_gets_an_error_page(client, db):
    response = _logout(client, client_id="a\x00b", post_logout_redirect_uri=POST_LOGOUT_URI)

    assert response.status_code == 400
    assert "chưa được đăng ký với VNeID" in response.content.decode()
