"""Logging out at the province, the service's back- and front-channel logouts, and the cookie."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model

from oidc_kit.logout_token import build_logout_token
from provincial_portal.models import AuditEvent, ProvincialSession

from .conftest import (
    BACKCHANNEL,
    CLIENT_ID,
    DISCOVERY_URL,
    DOSSIERS,
    END_SESSION_URL,
    FRONTCHANNEL,
    HOME,
    ISSUER,
    LOGOUT,
    PEOPLE,
    SID,
    discovery_document,
    has_provincial_cookie,
    log_in,
)

pytestmark = pytest.mark.django_db


def logout_token(key, *, issuer=ISSUER, audience=CLIENT_ID, sid=SID):
    return build_logout_token(
        issuer=issuer,
        audience=audience,
        sub=PEOPLE["an"]["sub"],
        sid=sid,
        private_key=key,
        kid=key.kid,
    )


def logged_in(client):
    return client.get(DOSSIERS).status_code == 200


def test_logout_ends_the_session_and_goes_to_the_services_end_session(client, national, personas):
    log_in(client, national, "an")
    id_token = ProvincialSession.objects.get().id_token
    response = client.post(LOGOUT)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == END_SESSION_URL
    params = {name: values[0] for name, values in parse_qs(location.query).items()}
    assert params["id_token_hint"] == id_token
    assert params["post_logout_redirect_uri"] == "http://testserver/quang-nam/"
    assert params["client_id"] == CLIENT_ID
    session = ProvincialSession.objects.get()
    assert session.ended_at is not None and session.ended_reason == "logout"
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGOUT).count() == 1
    assert not has_provincial_cookie(client)
    assert not logged_in(client)


def test_logout_with_the_service_down_still_ends_the_provincial_session(client, national, personas):
    log_in(client, national, "an")
    from django.core.cache import cache

    cache.clear()
    national.mock.replace("GET", DISCOVERY_URL, body=requests.ConnectionError("refused"))
    response = client.post(LOGOUT)
    html = response.content.decode()
    assert response.status_code == 200
    assert "đã đăng xuất khỏi Cổng DVC tỉnh" in html
    assert "đang gián đoạn" in html
    assert ProvincialSession.objects.get().ended_at is not None
    assert not logged_in(client)


def test_logout_is_post_only(client, db):
    assert client.get(LOGOUT).status_code == 405


def test_logout_without_a_session_goes_home(client, db):
    response = client.post(LOGOUT)
    assert response.status_code == 302 and response["Location"] == HOME


def test_backchannel_logout_ends_the_sessions_of_that_sid(client, national, personas, service_key):
    log_in(client, national, "an")
    assert logged_in(client)
    response = client.post(BACKCHANNEL, {"logout_token": logout_token(service_key)})
    assert response.status_code == 200
    session = ProvincialSession.objects.get()
    assert session.ended_reason == "backchannel_logout"
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.BACKCHANNEL_LOGOUT).count() == 1
    assert not logged_in(client)


def test_backchannel_logout_of_another_sid_ends_nothing(client, national, personas, service_key):
    log_in(client, national, "an")
    response = client.post(BACKCHANNEL, {"logout_token": logout_token(service_key, sid="other")})
    assert response.status_code == 200
    assert logged_in(client)


@pytest.mark.parametrize(
    "bad",
    ["stranger_key", "wrong_audience", "wrong_issuer", "garbage", "missing"],
)
def test_a_bad_logout_token_is_refused_with_json(
    client, national, personas, service_key, stranger_key, bad
):
    log_in(client, national, "an")
    tokens = {
        "stranger_key": logout_token(stranger_key),
        "wrong_audience": logout_token(service_key, audience="another-portal"),
        "wrong_issuer": logout_token(service_key, issuer="http://evil.test/xacthuc"),
        "garbage": "not.a.token",
        "missing": "",
    }
    data = {"logout_token": tokens[bad]} if tokens[bad] else {}
    response = client.post(BACKCHANNEL, data)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert logged_in(client)


def test_a_replayed_logout_token_is_refused(client, national, personas, service_key):
    token = logout_token(service_key)
    assert client.post(BACKCHANNEL, {"logout_token": token}).status_code == 200
    assert client.post(BACKCHANNEL, {"logout_token": token}).status_code == 400


def test_frontchannel_logout_ends_the_sessions_and_may_be_framed_by_the_service_only(
    client, national, personas
):
    log_in(client, national, "an")
    response = client.get(FRONTCHANNEL, {"iss": ISSUER, "sid": SID})
    assert response.status_code == 200
    assert "frame-ancestors http://xacthuc.test" in response["Content-Security-Policy"]
    # X-Frame-Options cannot name another origin: it is left out, frame-ancestors decides.
    assert "X-Frame-Options" not in response
    assert ProvincialSession.objects.get().ended_reason == "frontchannel_logout"
    assert not logged_in(client)


def test_frontchannel_logout_on_the_same_origin_allows_sameorigin_framing(
    client, national, personas, settings
):
    settings.PROVINCIAL_PORTAL = {
        **settings.PROVINCIAL_PORTAL,
        "NATIONAL_LOGIN_ISSUER": "http://testserver/xacthuc",
    }
    response = client.get(FRONTCHANNEL, {"iss": "http://testserver/xacthuc", "sid": SID})
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.parametrize(
    "params", [{"iss": "http://evil.test/xacthuc", "sid": SID}, {"iss": ISSUER}, {}]
)
def test_frontchannel_logout_from_another_issuer_ends_nothing(client, national, personas, params):
    log_in(client, national, "an")
    response = client.get(FRONTCHANNEL, params)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert logged_in(client)


def test_the_other_pages_may_not_be_framed(client, db):
    response = client.get(HOME)
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_a_provincial_login_does_not_log_in_at_the_national_portal(client, national, personas):
    log_in(client, national, "an")
    assert "_auth_user_id" not in client.session
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["user"].is_anonymous


def test_a_national_login_does_not_log_in_at_the_province(client, db):
    user = get_user_model().objects.create_user(
        username="012345678", password="DvcSandbox@2026", cccd_number="001085004321"
    )
    client.force_login(user)
    home = client.get(HOME)
    assert home.status_code == 200
    assert home.context["province_account"] is None
    assert 'data-testid="qnam-login"' in home.content.decode()
    assert client.get(DOSSIERS).status_code == 302


def test_backchannel_logout_when_the_keys_cannot_be_fetched_asks_to_retry(
    client, national, personas, service_key
):
    log_in(client, national, "an")
    from django.core.cache import cache

    cache.clear()
    national.mock.replace("GET", DISCOVERY_URL, status=503, body="down")
    token = logout_token(service_key)
    response = client.post(BACKCHANNEL, {"logout_token": token})
    assert response.status_code == 503
    assert response["Retry-After"]
    assert logged_in(client)
    national.mock.replace("GET", DISCOVERY_URL, json=discovery_document())
    # The same token, retried by the service, is then accepted.
    assert client.post(BACKCHANNEL, {"logout_token": token}).status_code == 200
    assert not logged_in(client)
