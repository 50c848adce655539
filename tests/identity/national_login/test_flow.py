"""The code flow for a portal through the service, with VNeID stubbed over HTTP."""

import base64
import hashlib
from datetime import timedelta

from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import KeySet

from identity.national_login import services
from identity.national_login.models import AuditEvent, LoginSession, Subject
from tests.identity.relying_party.conftest import TOKEN_URL
from tests.personas import NGA_CCCD

from .conftest import (
    CHOOSER_PATH,
    OTHER_CALLBACK,
    OTHER_ID,
    OTHER_SECRET,
    PORTAL_ID,
    SERVICE_ISSUER,
    USERINFO_PATH,
    VNEID_SID,
    authorize,
    exchange,
    follow_to_portal,
    log_in_through_vneid,
    query_of,
    vneid_answers,
    vneid_request,
)


def _claims(client, id_token):
    keys = KeySet.import_key_set(client.get("/xacthuc/oauth2/jwks").json())
    return jwt.decode(id_token, keys, algorithms=["RS256"]).claims


def test_a_portal_gets_a_code_tokens_and_the_dvcqg_attributes(client, vneid, portal):
    answer = log_in_through_vneid(client, vneid, acr_values="LoA2")
    assert answer["state"] == "portal-state-1"
    assert answer["iss"] == SERVICE_ISSUER
    tokens = exchange(client, answer["code"]).json()
    claims = _claims(client, tokens["id_token"])
    subject = Subject.objects.get()
    assert claims["iss"] == SERVICE_ISSUER
    assert claims["aud"] == PORTAL_ID
    assert claims["sub"] == subject.sub
    assert claims["nonce"] == "portal-nonce-1"
    assert claims["acr"] == "LoA2"
    assert claims["sid"] == LoginSession.objects.get().sid
    assert {"exp", "iat", "auth_time", "amr", "at_hash"} <= set(claims)
    info = client.get(USERINFO_PATH, HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()
    assert info == {
        "sub": subject.sub,
        "TechID": subject.tech_id,
        "LoaiTaiKhoan": "1",
        "HoVaTen": "Tô Thị Nga",
        "SoDinhDanh": NGA_CCCD,
        "NgayThangNamSinh": "19900315",
        "loginIdp": "BCA",
        "userProfileUri": "http://localhost/tai-khoan/",
        "logoutUri": "http://localhost/xacthuc/oauth2/logout",
    }
    # VNeID was asked, silently, for the level the portal needs, with the service's own id.
    assert LoginSession.objects.get().vneid_sid == VNEID_SID


def test_vneid_is_asked_silently_with_the_level_and_the_services_client_id(client, vneid, portal):
    request = vneid_request(authorize(client, acr_values="LoA2"))
    assert request["client_id"] == "xacthuc-test"
    assert request["prompt"] == "none"
    assert request["acr_values"] == "vneid:level2"
    assert request["redirect_uri"] == "http://localhost/xacthuc/vneid/callback"
    assert request["code_challenge_method"] == "S256"


def test_a_second_portal_is_in_without_vneid_and_gets_the_same_sid(
    client, vneid, portal, other_portal
):
    first = log_in_through_vneid(client, vneid)
    calls_before = len(vneid.mock.calls)
    response = authorize(client, client_id=OTHER_ID, redirect_uri=OTHER_CALLBACK)
    assert response.status_code == 302
    second = query_of(response["Location"])
    assert response["Location"].startswith(OTHER_CALLBACK)
    assert len(vneid.mock.calls) == calls_before, "the service's own login was enough"
    one = _claims(client, exchange(client, first["code"]).json()["id_token"])
    other_tokens = exchange(
        client, second["code"], client_id=OTHER_ID, secret=OTHER_SECRET, redirect_uri=OTHER_CALLBACK
    ).json()
    two = _claims(client, other_tokens["id_token"])
    assert one["sid"] == two["sid"]
    assert one["sub"] == two["sub"]
    # The oidc profile: standard names.
    info = client.get(
        USERINFO_PATH, HTTP_AUTHORIZATION=f"Bearer {other_tokens['access_token']}"
    ).json()
    assert info == {
        "sub": one["sub"],
        "name": "Tô Thị Nga",
        "birthdate": "1990-03-15",
        "personal_id_number": "037190612345",
        "acr": "LoA2",
    }


def test_vneid_login_required_shows_the_chooser_then_vneid_login_completes(client, vneid, portal):
    request = vneid_request(authorize(client))
    response = client.get(
        "/xacthuc/vneid/callback",
        {"error": "login_required", "state": request["state"], "iss": "http://vneid.test/vneid"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(CHOOSER_PATH)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "CÔNG DÂN – Tài khoản Định danh điện tử (VNeID)" in page.content.decode()
    assert "TÀI KHOẢN ĐƯỢC CẤP" in page.content.decode()
    key = query_of(response["Location"])["sessionDataKey"]
    chosen = client.post(CHOOSER_PATH, {"sessionDataKey": key, "method": "vneid"})
    second = vneid_request(chosen)
    assert "prompt" not in second
    location = follow_to_portal(client, vneid_answers(client, vneid, second))
    assert "code=" in location


def test_prompt_login_skips_the_silent_attempt_and_asks_vneid_to_log_in_again(
    client, vneid, portal
):
    log_in_through_vneid(client, vneid)
    response = authorize(client, prompt="login", state="again", nonce="n-again")
    assert response["Location"].startswith(CHOOSER_PATH)
    key = query_of(response["Location"])["sessionDataKey"]
    request = vneid_request(client.post(CHOOSER_PATH, {"sessionDataKey": key, "method": "vneid"}))
    assert request["prompt"] == "login"
    location = follow_to_portal(client, vneid_answers(client, vneid, request))
    assert query_of(location)["state"] == "again"


def test_prompt_none_without_a_login_returns_login_required(client, vneid, portal):
    response = authorize(client, prompt="none")
    answer = query_of(response["Location"])
    assert answer["error"] == "login_required"
    assert answer["state"] == "portal-state-1"


def test_pkce_s256_is_checked_when_sent_and_plain_is_refused(client, vneid, portal):
    verifier = "v" * 50
    digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    answer = log_in_through_vneid(
        client, vneid, code_challenge=challenge, code_challenge_method="S256"
    )
    refused = exchange(client, answer["code"])
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_request"
    # Logged in at the service now: the next request gets its code at once.
    again = query_of(
        authorize(client, code_challenge=challenge, code_challenge_method="S256", nonce="n-2")[
            "Location"
        ]
    )
    ok = exchange(client, again["code"], code_verifier=verifier)
    assert ok.status_code == 200, ok.content
    plain = query_of(authorize(client, code_challenge=challenge, nonce="n-3")["Location"])
    assert plain["error"] == "invalid_request"


def test_the_hops_of_a_login_are_on_the_citizens_timeline(client, vneid, portal):
    since = timezone.now() - timedelta(minutes=1)
    answer = log_in_through_vneid(client, vneid)
    exchange(client, answer["code"])
    answered = services.requests_answered([NGA_CCCD], since=since)
    endpoints = [hop.endpoint for hop in answered]
    assert endpoints == ["authorize", "vneid_callback", "token"]
    assert all(hop.personal_id_number == NGA_CCCD for hop in answered)
    assert answered[0].masked_number != NGA_CCCD
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_SUCCEEDED).count() == 1
    assert len([call for call in vneid.mock.calls if call.request.url == TOKEN_URL]) == 1
