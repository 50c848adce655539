"""VNeID's back-channel logout at the national portal: refusals; only the sid's sessions end."""

import secrets
import time
from datetime import date, timedelta
from importlib import import_module

import pytest
import responses
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from joserfc import jwt

from accounts.models import AuditEntry
from identity.relying_party.models import VneidSession
from oidc_kit.logout_token import BACKCHANNEL_LOGOUT_EVENT, build_logout_token
from tests.accounts.factories import UserFactory
from tests.personas import AN_CCCD, AN_USERNAME

from .conftest import (
    CLIENT_ID,
    ISSUER,
    JWKS_URL,
    NGA_SUB,
    hs256_with_public_key,
    is_logged_in,
    jwks,
    log_in_with_vneid,
    unsigned,
)

URL = "/dang-nhap/vneid/backchannel-logout/"
NGA_SID = "vneid-login-of-nga"
AN_SUB = "vneid-account-an"
AN_SID = "vneid-login-of-an"


@pytest.fixture
def an_linked(db):
    return UserFactory(
        username=AN_USERNAME,
        cmnd_number=AN_USERNAME,
        cccd_number=AN_CCCD,
        full_name="Nguyễn Văn An",
        birth_date=date(1985, 4, 12),
        gender="male",
    )


def _an_claims():
    return {
        "sub": AN_SUB,
        "sid": AN_SID,
        "name": "Nguyễn Văn An",
        "birthdate": "1985-04-12",
        "gender": "male",
        "personal_id_number": AN_CCCD,
        "old_cmnd_number": AN_USERNAME,
    }


def _logout_token(key, **overrides):
    """Return a logout token signed by key; overrides replace claims, None leaves one out."""
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 120,
        "jti": secrets.token_urlsafe(16),
        "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
        "sub": NGA_SUB,
        "sid": NGA_SID,
        **overrides,
    }
    claims = {name: value for name, value in claims.items() if value is not None}
    header = {"alg": "RS256", "kid": key.kid, "typ": "logout+jwt"}
    return jwt.encode(header, claims, key, algorithms=["RS256"])


def _vneid_posts(token=None, *, method="post"):
    """Call the endpoint as VNeID does: server to server, no cookie."""
    caller = Client()
    data = {} if token is None else {"logout_token": token}
    return getattr(caller, method)(URL, data)


@pytest.fixture
def nga_browser(client, vneid, nga_linked):
    response = log_in_with_vneid(client, vneid, sid=NGA_SID)
    assert response.status_code == 302
    assert is_logged_in(client)
    return client


def test_a_vneid_login_records_its_sid_against_the_portal_session(nga_browser, nga_linked):
    row = VneidSession.objects.get()

    assert (row.sid, row.sub, row.account) == (NGA_SID, NGA_SUB, nga_linked)
    assert row.session_key == nga_browser.session.session_key
    assert row.ended_at is None


def test_a_valid_token_ends_exactly_the_sessions_of_its_sid(nga_browser, vneid, an_linked):
    an_browser = Client()
    log_in_with_vneid(an_browser, vneid, **_an_claims())
    nga_key = nga_browser.session.session_key
    token = build_logout_token(
        issuer=ISSUER,
        audience=CLIENT_ID,
        sub=NGA_SUB,
        sid=NGA_SID,
        private_key=vneid.key,
        kid=vneid.key.kid,
    )

    response = _vneid_posts(token)

    assert response.status_code == 200
    assert not is_logged_in(nga_browser)
    assert not Session.objects.filter(session_key=nga_key).exists()
    assert nga_browser.get("/ho-so/").status_code == 302
    # Another citizen's session, of another VNeID login, lives on.
    assert is_logged_in(an_browser)
    assert an_browser.get("/ho-so/").status_code == 200
    ended = VneidSession.objects.get(sid=NGA_SID)
    assert ended.ended_at is not None
    assert VneidSession.objects.get(sid=AN_SID).ended_at is None
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VNEID_SINGLE_LOGOUT)
    assert entry.account == ended.account
    assert entry.actor_kind == AuditEntry.ActorKind.SYSTEM
    assert entry.get_action_display() == "Đăng xuất do phiên VNeID kết thúc (đăng xuất một lần)"


def test_every_portal_session_of_the_sid_ends(nga_browser, vneid, nga_linked):
    # The same VNeID login reached the portal from a second browser tab's fresh session.
    other = Client()
    log_in_with_vneid(other, vneid, sid=NGA_SID)

    response = _vneid_posts(_logout_token(vneid.key))

    assert response.status_code == 200
    assert not is_logged_in(nga_browser)
    assert not is_logged_in(other)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VNEID_SINGLE_LOGOUT).count() == 2


def test_a_token_for_the_sid_but_another_sub_ends_nothing(nga_browser, vneid):
    response = _vneid_posts(_logout_token(vneid.key, sub="someone-else"))

    assert response.status_code == 200
    assert is_logged_in(nga_browser)


def test_a_token_for_an_unknown_sid_is_accepted_and_ends_nothing(nga_browser, vneid):
    response = _vneid_posts(_logout_token(vneid.key, sid="no-such-login"))

    assert response.status_code == 200
    assert is_logged_in(nga_browser)


def test_sessions_in_the_cached_db_engine_end_too(settings, client, vneid, nga_linked):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    log_in_with_vneid(client, vneid, sid=NGA_SID)
    key = client.session.session_key
    store = import_module(django_settings.SESSION_ENGINE).SessionStore
    assert store(session_key=key).load()

    response = _vneid_posts(_logout_token(vneid.key))

    assert response.status_code == 200
    assert cache.get(store.cache_key_prefix + key) is None
    assert not Session.objects.filter(session_key=key).exists()
    assert not is_logged_in(client)


@pytest.mark.parametrize(
    ("overrides", "signer"),
    [
        pytest.param({}, "stranger", id="wrong-signature"),
        pytest.param({"aud": "another-portal"}, "vneid", id="wrong-aud"),
        pytest.param({"iss": "https://evil.example/vneid"}, "vneid", id="wrong-iss"),
        pytest.param({"events": None}, "vneid", id="missing-events"),
        pytest.param({"events": {"http://example.com/other": {}}}, "vneid", id="wrong-events"),
        pytest.param({"sid": None}, "vneid", id="missing-sid"),
        pytest.param({"nonce": "n-1"}, "vneid", id="nonce"),
        pytest.param({"iat": int(time.time()) - 3600}, "vneid", id="too-old"),
    ],
)
def test_a_bad_token_is_refused_in_json_and_ends_nothing(
    nga_browser, vneid, stranger_key, overrides, signer
):
    key = stranger_key if signer == "stranger" else vneid.key

    response = _vneid_posts(_logout_token(key, **overrides))

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"] == "invalid_request"
    assert is_logged_in(nga_browser)
    assert VneidSession.objects.get().ended_at is None


@pytest.mark.parametrize("forgery", ["alg-none", "hs256-with-public-key"])
def test_a_forged_algorithm_is_refused(nga_browser, vneid, forgery):
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 120,
        "jti": secrets.token_urlsafe(16),
        "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
        "sub": NGA_SUB,
        "sid": NGA_SID,
    }
    token = unsigned(claims) if forgery == "alg-none" else hs256_with_public_key(claims, vneid.key)

    response = _vneid_posts(token)

    assert response.status_code == 400
    assert is_logged_in(nga_browser)


def test_a_replayed_token_is_refused(nga_browser, vneid):
    token = _logout_token(vneid.key)
    assert _vneid_posts(token).status_code == 200

    response = _vneid_posts(token)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert "already" in response.json()["error_description"]


def test_a_missing_token_is_refused(nga_browser):
    response = _vneid_posts()

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert is_logged_in(nga_browser)


@pytest.mark.parametrize(
    "garbage",
    ["not.a.jwt", "é.é.é", "a\x00b", "x" * 20000, "eyJhbGciOiJub25lIn0.e30.", "...."],
)
def test_a_garbage_token_is_refused(nga_browser, garbage):
    response = _vneid_posts(garbage)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert is_logged_in(nga_browser)


def test_a_get_is_refused_in_json(nga_browser, vneid):
    response = _vneid_posts(_logout_token(vneid.key), method="get")

    # The shared receiver answers a wrong method as OAuth does: 405 with Allow, in JSON.
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["error"] == "invalid_request"
    assert is_logged_in(nga_browser)


def test_a_key_vneid_rotated_to_is_fetched_once(nga_browser, vneid, signing_key, rotated_key):
    # The JWKS cached at login knows only the old key.
    vneid.mock.replace(responses.GET, JWKS_URL, json=jwks(signing_key, rotated_key))
    fetched = len(vneid.calls_to(JWKS_URL))

    response = _vneid_posts(_logout_token(rotated_key))

    assert response.status_code == 200
    assert len(vneid.calls_to(JWKS_URL)) == fetched + 1
    assert not is_logged_in(nga_browser)


def test_an_unknown_kid_refetches_once_then_refuses(nga_browser, vneid, stranger_key):
    fetched = len(vneid.calls_to(JWKS_URL))

    response = _vneid_posts(_logout_token(stranger_key))

    assert response.status_code == 400
    assert len(vneid.calls_to(JWKS_URL)) == fetched + 1


def test_unreachable_vneid_keys_answer_503_not_500(nga_browser, vneid):
    cache.clear()
    vneid.mock.replace(responses.GET, JWKS_URL, status=500)

    response = _vneid_posts(_logout_token(vneid.key))

    assert response.status_code == 503
    assert response.json()["error"] == "temporarily_unavailable"
    assert is_logged_in(nga_browser)


def test_the_portals_own_logout_marks_the_row_ended(nga_browser):
    nga_browser.post("/dang-xuat/")

    assert VneidSession.objects.get().ended_at is not None
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VNEID_SINGLE_LOGOUT).exists()


def test_a_login_without_sid_records_nothing(client, vneid, nga_linked):
    log_in_with_vneid(client, vneid)

    assert is_logged_in(client)
    assert not VneidSession.objects.exists()


def test_rows_older_than_any_session_are_dropped_at_the_next_login(client, vneid, nga_linked):
    log_in_with_vneid(client, vneid, sid="old-login")
    VneidSession.objects.update(
        created_at=timezone.now() - timedelta(seconds=django_settings.SESSION_COOKIE_AGE + 60)
    )

    log_in_with_vneid(Client(), vneid, sid=NGA_SID)

    assert list(VneidSession.objects.values_list("sid", flat=True)) == [NGA_SID]
