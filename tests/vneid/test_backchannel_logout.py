"""Single logout at VNeID: every client of an ended login is told, at once, and failures retried."""

import re
import secrets
import threading
import time
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from joserfc import jwt
from joserfc.jwk import KeySet

from oidc_kit.logout_token import BACKCHANNEL_LOGOUT_EVENT, verify_logout_token
from vneid.keys import active_signing_key, published_key_set
from vneid.models import AuditEvent, LoginSession, OidcClient, UndeliveredLogout
from vneid.services import create_client, set_account_status

from .flows import (
    NGA_CCCD,
    PASSWORD,
    POST_LOGOUT_URI,
    RelyingParty,
    authorize_params,
    authorize_url,
    exchange,
    log_in_and_get_code,
    redirect_query,
)
from .receivers import closed_port_url, start_receiver

ISSUER = "http://localhost/vneid"


@pytest.fixture
def receiver():
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


def _register(name, **logout_uris):
    client, secret = create_client(
        name=name,
        redirect_uris=["https://rp.example/callback"],
        post_logout_redirect_uris=[POST_LOGOUT_URI],
        **logout_uris,
    )
    return RelyingParty(client.client_id, secret)


def _sso_code(browser, rp, pkce, nonce):
    """Get a code for rp from the browser's live VNeID login, without typing anything."""
    response = browser.get(authorize_url(authorize_params(rp, pkce, nonce=nonce)))
    return redirect_query(response)["code"]


def _log_in_to(browser, rps, pkce):
    """Log in once, then reach every other client by single sign-on; return the ID tokens."""
    id_tokens = []
    for index, rp in enumerate(rps):
        # A fresh nonce each time: VNeID refuses one a client already sent.
        nonce = secrets.token_urlsafe(8)
        if index == 0:
            code = log_in_and_get_code(browser, rp, pkce, nonce=nonce)
        else:
            code = _sso_code(browser, rp, pkce, nonce=nonce)
        response = exchange(browser, rp, code, pkce.verifier)
        assert response.status_code == 200, response.content
        id_tokens.append(response.json()["id_token"])
    return id_tokens


def _log_out(browser, id_token):
    return browser.get(
        reverse("vneid:end_session"),
        {"id_token_hint": id_token, "post_logout_redirect_uri": POST_LOGOUT_URI},
    )


def _claims(token):
    return jwt.decode(token, published_key_set(), algorithms=["RS256"]).claims


def test_id_tokens_of_one_login_carry_its_sid_for_every_client(client, nga, pkce):
    first, second = _register("Cổng A"), _register("Cổng B")

    tokens = _log_in_to(client, [first, second], pkce)

    login = LoginSession.objects.get()
    assert [_claims(token)["sid"] for token in tokens] == [login.sid, login.sid]
    assert len(login.sid) >= 32
    assert login.sid not in client.cookies["vneid_session"].value


def test_each_login_has_its_own_sid(client, nga, pkce):
    rp = _register("Cổng A")
    first = _claims(_log_in_to(client, [rp], pkce)[0])["sid"]
    second = _claims(_log_in_to(client, [rp], pkce)[0])["sid"]

    assert first != second


def test_discovery_announces_back_and_front_channel_logout(client, db):
    document = client.get(reverse("vneid:discovery")).json()

    assert document["backchannel_logout_supported"] is True
    assert document["backchannel_logout_session_supported"] is True
    assert document["frontchannel_logout_supported"] is True
    assert document["frontchannel_logout_session_supported"] is True
    assert "sid" in document["claims_supported"]


def test_logout_sends_a_signed_logout_token_to_the_client(client, nga, pkce, receiver):
    rp = _register("Cổng A", backchannel_logout_uri=receiver.uri("/a"))
    (id_token,) = _log_in_to(client, [rp], pkce)
    login = LoginSession.objects.get()

    response = _log_out(client, id_token)

    assert response.status_code == 302
    assert response["Location"] == POST_LOGOUT_URI
    (token,) = receiver.tokens("/a")
    # Checked with joserfc alone against the published JWKS, as any client would.
    jwks = KeySet.import_key_set(client.get(reverse("vneid:jwks")).json())
    decoded = jwt.decode(token, jwks, algorithms=["RS256"])
    assert decoded.header["kid"] == active_signing_key().kid
    assert decoded.header["typ"] == "logout+jwt"
    claims = decoded.claims
    assert claims["iss"] == ISSUER
    assert claims["aud"] == rp.client_id
    assert claims["sub"] == nga.sub
    assert claims["sid"] == login.sid
    assert claims["events"] == {BACKCHANNEL_LOGOUT_EVENT: {}}
    assert "nonce" not in claims
    assert claims["jti"]
    assert abs(claims["iat"] - time.time()) < 60
    assert claims["exp"] > claims["iat"]
    # And with the shared checker every client of ours uses.
    verified = verify_logout_token(token, key_set=jwks, issuer=ISSUER, audience=rp.client_id)
    assert (verified.sid, verified.sub) == (login.sid, nga.sub)


def test_every_client_of_the_login_gets_one_token_at_the_same_time(
    client, nga, pkce, receiver, settings
):
    settings.VNEID_PROVIDER = {"BACKCHANNEL_LOGOUT_TIMEOUT_SECONDS": 5}
    # Each endpoint answers only once all three calls are in flight: sequential calls would
    # each wait at the barrier until it breaks, and answer 500.
    barrier = threading.Barrier(3, timeout=3)
    paths = ("/a", "/b", "/c")
    rps = [
        _register(f"Cổng {path}", backchannel_logout_uri=receiver.uri(path, barrier=barrier))
        for path in paths
    ]
    bystander = _register("Cổng khác", backchannel_logout_uri=receiver.uri("/other"))
    tokens = _log_in_to(client, rps, pkce)

    _log_out(client, tokens[0])

    audiences = [_claims(receiver.tokens(path)[0])["aud"] for path in paths]
    assert audiences == [rp.client_id for rp in rps]
    assert all(len(receiver.tokens(path)) == 1 for path in paths)
    assert receiver.tokens("/other") == []
    delivered = AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGOUT_DELIVERED)
    assert sorted(delivered.values_list("status_code", flat=True)) == [200, 200, 200]
    assert not UndeliveredLogout.objects.exists()
    assert bystander.client_id not in {e.client.client_id for e in delivered}


def test_a_client_that_is_down_does_not_stop_the_others_and_is_retried(client, nga, pkce, receiver):
    down = _register("Cổng hỏng", backchannel_logout_uri=closed_port_url())
    up = _register("Cổng chạy", backchannel_logout_uri=receiver.uri("/up"))
    tokens = _log_in_to(client, [down, up], pkce)
    login = LoginSession.objects.get()

    response = _log_out(client, tokens[1])

    # The citizen's logout went through as usual.
    assert response.status_code == 302
    assert LoginSession.objects.get().ended_at is not None
    assert len(receiver.tokens("/up")) == 1
    failed = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGOUT_FAILED)
    assert failed.client.client_id == down.client_id
    assert failed.account == nga
    assert failed.endpoint == "backchannel_logout"
    assert failed.status_code is None
    assert failed.duration_ms is not None
    assert "ConnectionError" in failed.detail
    delivered = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGOUT_DELIVERED)
    assert (delivered.client.client_id, delivered.status_code) == (up.client_id, 200)
    row = UndeliveredLogout.objects.get()
    assert (row.client_id, row.sid, row.sub, row.attempts) == (
        down.client_id,
        login.sid,
        nga.sub,
        1,
    )

    # The client comes back at a new address; the command sends it a fresh token there.
    OidcClient.objects.filter(client_id=down.client_id).update(
        backchannel_logout_uri=receiver.uri("/back")
    )
    out = StringIO()
    call_command("retry_logout_deliveries", stdout=out)

    assert "1 delivered, 0 still failing" in out.getvalue()
    (token,) = receiver.tokens("/back")
    claims = _claims(token)
    assert (claims["aud"], claims["sid"], claims["sub"]) == (down.client_id, login.sid, nga.sub)
    assert claims["iss"] == ISSUER
    row.refresh_from_db()
    assert row.delivered_at is not None
    assert row.attempts == 2
    # Delivered once: another run sends nothing more.
    call_command("retry_logout_deliveries", stdout=StringIO())
    assert len(receiver.tokens("/back")) == 1


def test_a_client_that_stays_down_is_tried_again_and_again_by_the_hourly_purge(client, nga, pkce):
    down = _register("Cổng hỏng", backchannel_logout_uri=closed_port_url())
    (token,) = _log_in_to(client, [down], pkce)
    _log_out(client, token)

    out = StringIO()
    call_command("purge_vneid", stdout=out)

    assert "0 delivered, 1 still failing" in out.getvalue()
    row = UndeliveredLogout.objects.get()
    assert row.attempts == 2
    assert "ConnectionError" in row.last_error
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGOUT_FAILED).count() == 2


def test_a_deactivated_client_is_not_retried(client, nga, pkce):
    down = _register("Cổng hỏng", backchannel_logout_uri=closed_port_url())
    (token,) = _log_in_to(client, [down], pkce)
    _log_out(client, token)
    OidcClient.objects.filter(client_id=down.client_id).update(is_active=False)

    call_command("retry_logout_deliveries", stdout=StringIO())

    assert not UndeliveredLogout.objects.exists()


def test_a_hanging_client_costs_the_logout_at_most_the_timeout(
    client, nga, pkce, receiver, settings
):
    settings.VNEID_PROVIDER = {"BACKCHANNEL_LOGOUT_TIMEOUT_SECONDS": 0.3}
    slow = _register("Cổng chậm", backchannel_logout_uri=receiver.uri("/slow", delay=3))
    (token,) = _log_in_to(client, [slow], pkce)

    started = time.monotonic()
    response = _log_out(client, token)
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < 2
    assert UndeliveredLogout.objects.get().last_error == "timeout"


def test_a_client_refusing_the_token_is_recorded_with_its_status(client, nga, pkce, receiver):
    refusing = _register("Cổng từ chối", backchannel_logout_uri=receiver.uri("/no", status=400))
    (token,) = _log_in_to(client, [refusing], pkce)

    _log_out(client, token)

    failed = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGOUT_FAILED)
    assert failed.status_code == 400
    assert UndeliveredLogout.objects.get().last_error == "HTTP 400"


def test_a_front_channel_only_client_is_loaded_in_an_iframe_before_returning(
    client, nga, pkce, receiver
):
    front = _register("Cổng front", frontchannel_logout_uri="https://front.example/fc?x=1")
    both = _register(
        "Cổng cả hai",
        backchannel_logout_uri=receiver.uri("/both"),
        frontchannel_logout_uri="https://both.example/fc",
    )
    tokens = _log_in_to(client, [front, both], pkce)
    login = LoginSession.objects.get()

    response = _log_out(client, tokens[0])

    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["frontchannel_urls"] == [
        f"https://front.example/fc?x=1&iss={ISSUER.replace(':', '%3A').replace('/', '%2F')}"
        f"&sid={login.sid}"
    ]
    url = urlsplit(response.context["frontchannel_urls"][0])
    assert parse_qs(url.query) == {"x": ["1"], "iss": [ISSUER], "sid": [login.sid]}
    # The no-JavaScript way: iframes in <noscript> and a visible link onwards.
    assert '<iframe src="https://front.example/fc?x=1&amp;iss=' in page
    assert f'href="{POST_LOGOUT_URI}"' in page
    assert "both.example" not in page
    assert len(receiver.tokens("/both")) == 1
    assert "frame-src https://front.example" in response["Content-Security-Policy"]
    assert response.cookies["vneid_session"].value == ""


def test_without_front_channel_clients_the_logout_still_redirects_at_once(client, nga, pkce):
    rp = _register("Cổng A")
    (token,) = _log_in_to(client, [rp], pkce)

    response = _log_out(client, token)

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(
        kind__in=[AuditEvent.Kind.LOGOUT_DELIVERED, AuditEvent.Kind.LOGOUT_FAILED]
    ).exists()


def test_locking_the_account_ends_its_logins_and_tells_their_clients(
    client, nga, pkce, receiver, django_capture_on_commit_callbacks
):
    rp = _register("Cổng A", backchannel_logout_uri=receiver.uri("/a"))
    _log_in_to(client, [rp], pkce)
    login = LoginSession.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        set_account_status(account=nga, status="locked")

    assert LoginSession.objects.get().ended_at is not None
    (token,) = receiver.tokens("/a")
    assert (_claims(token)["sid"], _claims(token)["sub"]) == (login.sid, nga.sub)


def test_unlocking_sends_nothing(client, nga, pkce, receiver, django_capture_on_commit_callbacks):
    rp = _register("Cổng A", backchannel_logout_uri=receiver.uri("/a"))
    _log_in_to(client, [rp], pkce)

    with django_capture_on_commit_callbacks(execute=True):
        set_account_status(account=nga, status="active")

    assert receiver.tokens("/a") == []
    assert LoginSession.objects.get().ended_at is None


def test_registration_keeps_the_logout_uris(db):
    client, _ = create_client(
        name="Cổng A",
        redirect_uris=["https://a.example/cb"],
        backchannel_logout_uri=" https://a.example/bc ",
        frontchannel_logout_uri="https://a.example/fc",
    )

    client.refresh_from_db()
    assert client.backchannel_logout_uri == "https://a.example/bc"
    assert client.frontchannel_logout_uri == "https://a.example/fc"
    with pytest.raises(ValueError, match="http"):
        create_client(
            name="Cổng B", redirect_uris=["https://b.example/cb"], backchannel_logout_uri="ftp://b"
        )


def test_the_command_registers_the_logout_uris(db):
    out = StringIO()
    call_command(
        "create_vneid_client",
        "--name=Cổng tỉnh",
        "--redirect-uri=https://tinh.example/cb",
        "--backchannel-logout-uri=https://tinh.example/bc",
        "--frontchannel-logout-uri=https://tinh.example/fc",
        stdout=out,
    )

    client = OidcClient.objects.get()
    assert client.backchannel_logout_uri == "https://tinh.example/bc"
    assert client.frontchannel_logout_uri == "https://tinh.example/fc"


def _client_form(**overrides):
    data = {
        "name": "Cổng DVC tỉnh Quảng Nam",
        "redirect_uris": "https://dvc.quangnam.example/cb",
        "post_logout_redirect_uris": "",
        "backchannel_logout_uri": "",
        "frontchannel_logout_uri": "",
        "allowed_scopes": ["openid"],
        "is_active": "on",
        "reason": "Đăng ký đăng xuất một lần theo công văn 12/STTTT",
    }
    data.update(overrides)
    return data


def test_an_official_sets_a_clients_back_channel_uri_with_an_audited_reason(admin_client):
    client, _ = create_client(
        name="Cổng DVC tỉnh Quảng Nam",
        redirect_uris=["https://dvc.quangnam.example/cb"],
        scopes=["openid"],
    )
    AuditEvent.objects.all().delete()

    response = admin_client.post(
        reverse("admin:vneid_provider_oidcclient_change", args=[client.pk]),
        _client_form(backchannel_logout_uri="https://dvc.quangnam.example/backchannel-logout"),
    )

    assert response.status_code == 302
    client.refresh_from_db()
    assert client.backchannel_logout_uri == "https://dvc.quangnam.example/backchannel-logout"
    event = AuditEvent.objects.get()
    assert event.kind == AuditEvent.Kind.CLIENT_CHANGED
    assert event.changes == {
        "backchannel_logout_uri": ["", "https://dvc.quangnam.example/backchannel-logout"]
    }
    assert event.reason == "Đăng ký đăng xuất một lần theo công văn 12/STTTT"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("backchannel_logout_uri", "javascript:alert(1)", "Địa chỉ không hợp lệ"),
        ("backchannel_logout_uri", "https://a.example/bc#x", "không được chứa phần #"),
        ("frontchannel_logout_uri", "ftp://a.example/fc", "Địa chỉ không hợp lệ"),
    ],
)
def test_the_admin_refuses_an_unusable_logout_uri(admin_client, field, value, message):
    response = admin_client.post(
        reverse("admin:vneid_provider_oidcclient_add"), _client_form(**{field: value})
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not OidcClient.objects.exists()


def test_the_admin_lists_undelivered_logouts_read_only(admin_client, nga, pkce):
    citizen = Client(HTTP_HOST="localhost")
    down = _register("Cổng hỏng", backchannel_logout_uri=closed_port_url())
    (token,) = _log_in_to(citizen, [down], pkce)
    _log_out(citizen, token)
    row = UndeliveredLogout.objects.get()

    listing = admin_client.get(reverse("admin:vneid_provider_undeliveredlogout_changelist"))
    detail = admin_client.get(
        reverse("admin:vneid_provider_undeliveredlogout_change", args=[row.pk])
    )

    assert listing.status_code == 200
    assert down.client_id in listing.content.decode()
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    add = admin_client.get(reverse("admin:vneid_provider_undeliveredlogout_add"))
    assert add.status_code == 403


def _qr_login(browser, phone, rp, pkce):
    """The browser shows a QR for rp, the phone's app approves it, the browser collects."""
    params = authorize_params(rp, pkce, nonce=secrets.token_urlsafe(8))
    page = browser.get(authorize_url(params)).content.decode()
    link = re.search(r'value="([^"]+)"[^>]*data-testid="vneid-qr-link"', page).group(1)
    ticket = re.search(r'data-ticket="([^"]+)"', page).group(1)
    phone.post(link, {"personal_id_number": NGA_CCCD, "password": PASSWORD})
    phone.post(link, {"decision": "approve"})
    code = redirect_query(browser.post(authorize_url(params), {"qr_ticket": ticket}))["code"]
    response = exchange(browser, rp, code, pkce.verifier)
    return response.json()["id_token"]


def test_the_app_logout_ends_the_logins_it_approved_and_tells_their_clients(
    client, nga, pkce, receiver
):
    phone = Client(HTTP_HOST="localhost", REMOTE_ADDR="10.0.0.2")
    rp = _register("Cổng A", backchannel_logout_uri=receiver.uri("/a"))
    _qr_login(client, phone, rp, pkce)
    browser_login = LoginSession.objects.get(amr="qr")
    # A login the app did not approve (another browser, by password) is not the app's to end.
    known = set(LoginSession.objects.values_list("pk", flat=True))
    _log_in_to(Client(HTTP_HOST="localhost"), [rp], pkce)
    typed_login = LoginSession.objects.exclude(pk__in=known).get()

    response = phone.post(reverse("vneid:app_logout"))

    assert response.status_code == 302
    browser_login.refresh_from_db()
    assert browser_login.ended_at is not None
    (token,) = receiver.tokens("/a")
    assert _claims(token)["sid"] == browser_login.sid
    # The browser's VNeID login is over: the next authorization asks for the password again.
    again = client.get(authorize_url(authorize_params(rp, pkce, nonce="after-app-logout")))
    assert again.status_code == 200
    assert 'data-testid="vneid-login-form"' in again.content.decode()
    typed_login.refresh_from_db()
    assert typed_login.ended_at is None
