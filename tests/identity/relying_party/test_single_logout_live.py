"""End to end over HTTP: a VNeID login ending elsewhere ends the national portal's session.

A real server (live_server) runs VNeID and the national portal; a `requests.Session` is the
citizen's browser. Either a second VNeID client ("another portal") gets a code by single
sign-on, exchanges it, and logs out at VNeID with its own id_token_hint; or the citizen logs in
by QR and then logs out of the VNeID app that approved it. Either way VNeID posts a logout
token to the national portal, which ends the citizen's session there.
"""

import base64
import hashlib
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from accounts.models import AuditEntry
from sandbox.personas import VNEID_PASSWORD, ensure_personas, register_portal
from tests.personas import AN_CCCD
from vneid.models import AuditEvent, LoginSession
from vneid.services import create_client

OTHER_CALLBACK = "https://other-portal.example/callback"
OTHER_LOGGED_OUT = "https://other-portal.example/bye"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
QR_LINK = re.compile(r'value="([^"]+)"[^>]*data-testid="vneid-qr-link"')
QR_TICKET = re.compile(r'name="qr_ticket" value="([^"]+)"')


@pytest.fixture
def server(live_server, transactional_db, settings):
    settings.VNEID = {**settings.VNEID, "ISSUER": f"{live_server.url}/vneid"}
    settings.REGISTRY = {**settings.REGISTRY, "BASE_URL": f"{live_server.url}/registry/api/v1/"}
    register_portal(base_urls=[live_server.url])
    ensure_personas()
    return live_server


def _log_in_to_the_portal_with_vneid(browser, base):
    """Press "VNeID" on the portal, type An's VNeID password at VNeID, land on his dossiers."""
    login_page = browser.get(f"{base}/dang-nhap/vneid/?next=/ho-so/")
    assert login_page.status_code == 200
    assert "/vneid/authorize" in login_page.url
    form = login_page.text.split('data-testid="vneid-login-form"', 1)[1]
    landed = browser.post(
        login_page.url,
        {
            "csrfmiddlewaretoken": CSRF.search(form).group(1),
            "personal_id_number": AN_CCCD,
            "password": VNEID_PASSWORD,
        },
        headers={"Referer": login_page.url},
    )
    assert landed.status_code == 200, landed.text[:500]
    assert landed.url == f"{base}/ho-so/"


def _portal_session_alive(browser, base):
    response = browser.get(f"{base}/ho-so/", allow_redirects=False)
    return response.status_code == 200


def _other_portal_logs_in_by_sso(browser, base, client_id, secret):
    """Another VNeID client: code by single sign-on in the same browser, then its tokens."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": OTHER_CALLBACK,
        "scope": "openid",
        "state": "s-1",
        "nonce": secrets.token_urlsafe(8),
        "code_challenge": challenge.rstrip(b"=").decode(),
        "code_challenge_method": "S256",
    }
    answer = browser.get(f"{base}/vneid/authorize?{urlencode(params)}", allow_redirects=False)
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(OTHER_CALLBACK)
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    tokens = requests.post(
        f"{base}/vneid/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": OTHER_CALLBACK,
            "code_verifier": verifier,
        },
        auth=(client_id, secret),
        timeout=10,
    )
    assert tokens.status_code == 200, tokens.text
    return tokens.json()["id_token"]


def test_logging_out_of_another_portal_ends_the_national_portal_session(server):
    base = server.url
    other, secret = create_client(
        name="Cổng khác",
        redirect_uris=[OTHER_CALLBACK],
        post_logout_redirect_uris=[OTHER_LOGGED_OUT],
    )
    with requests.Session() as browser:
        _log_in_to_the_portal_with_vneid(browser, base)
        assert _portal_session_alive(browser, base)
        id_token = _other_portal_logs_in_by_sso(browser, base, other.client_id, secret)

        logout = browser.get(
            f"{base}/vneid/logout",
            params={"id_token_hint": id_token, "post_logout_redirect_uri": OTHER_LOGGED_OUT},
            allow_redirects=False,
        )

        assert logout.status_code == 302
        assert logout.headers["Location"] == OTHER_LOGGED_OUT
        assert not _portal_session_alive(browser, base)
        assert (
            browser.get(f"{base}/ho-so/", allow_redirects=False)
            .headers["Location"]
            .startswith("/dang-nhap/")
        )
    assert LoginSession.objects.get().ended_at is not None
    delivered = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGOUT_DELIVERED)
    assert delivered.status_code == 200
    assert delivered.detail == f"{base}/dang-nhap/vneid/backchannel-logout/"
    ended = AuditEntry.objects.get(action=AuditEntry.Action.VNEID_SINGLE_LOGOUT)
    assert ended.account.cccd_number == AN_CCCD


def _post_form(session, url, data):
    """Post a form of the page at url as a browser does, with the page's CSRF token."""
    page = session.get(url)
    token = CSRF.search(page.text).group(1)
    return session.post(page.url, {"csrfmiddlewaretoken": token, **data})


def test_logging_out_of_the_vneid_app_ends_the_portal_session_it_approved(server):
    base = server.url
    with requests.Session() as browser, requests.Session() as phone:
        login_page = browser.get(f"{base}/dang-nhap/vneid/?next=/ho-so/")
        qr_link = QR_LINK.search(login_page.text).group(1)
        # The phone's app: log in, open the scanned link, approve.
        _post_form(phone, qr_link, {"personal_id_number": AN_CCCD, "password": VNEID_PASSWORD})
        approved = _post_form(phone, qr_link, {"decision": "approve"})
        assert "Đã xác nhận đăng nhập" in approved.text
        # The waiting login page continues by itself (its script posts the ticket).
        landed = browser.post(
            login_page.url,
            {
                "csrfmiddlewaretoken": CSRF.search(login_page.text).group(1),
                "qr_ticket": QR_TICKET.search(login_page.text).group(1),
            },
        )
        assert landed.url == f"{base}/ho-so/"
        assert _portal_session_alive(browser, base)

        app_page = phone.get(f"{base}/vneid/app/")
        logout = phone.post(
            f"{base}/vneid/app/logout",
            {"csrfmiddlewaretoken": CSRF.search(app_page.text).group(1)},
        )

        assert logout.status_code == 200
        assert "Đăng nhập ứng dụng VNeID" in logout.text
        assert not _portal_session_alive(browser, base)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VNEID_SINGLE_LOGOUT).count() == 1
