"""Single logout in a real browser: VNeID's logged-out page loads a front-channel client's
logout page in an iframe, then returns to the portal by itself."""

import base64
import hashlib
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from tests.personas import AN_CCCD
from tests.vneid.receivers import start_receiver
from vneid.models import LoginSession
from vneid.services import create_client

from .conftest import press_logout
from .test_vneid_login import click_vneid_button, expect_not_logged_in, log_in_at_vneid

pytestmark = pytest.mark.browser


@pytest.fixture
def front_channel_portal():
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


def _authorize_url(base, client_id, redirect_uri):
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": "openid",
        "state": "s-1",
        "nonce": secrets.token_urlsafe(8),
        "code_challenge": challenge.rstrip(b"=").decode(),
        "code_challenge_method": "S256",
    }
    return f"{base}/vneid/authorize?{urlencode(params)}"


def test_portal_logout_loads_a_front_channel_client_then_returns_to_the_portal(
    page, front_channel_portal
):
    callback = f"{front_channel_portal.base_url}/callback"
    front, _ = create_client(
        name="Cổng chỉ có front-channel",
        redirect_uris=[callback],
        frontchannel_logout_uri=f"{front_channel_portal.base_url}/frontchannel-logout",
    )
    click_vneid_button(page)
    log_in_at_vneid(page, AN_CCCD)
    expect(page).to_have_url(f"{page.base_url}/ho-so/")
    # The other portal joins the same VNeID login by single sign-on.
    page.goto(_authorize_url(page.base_url, front.client_id, callback))
    expect(page).to_have_url(re.compile(r"/callback\?code="))
    sid = LoginSession.objects.get(ended_at__isnull=True).sid

    page.goto(f"{page.base_url}/ho-so/")
    press_logout(page)

    expect(page).to_have_url(f"{page.base_url}/")
    expect_not_logged_in(page)
    (visit,) = [v for v in front_channel_portal.visits if v.startswith("/frontchannel-logout")]
    query = parse_qs(urlsplit(visit).query)
    assert query == {"iss": [f"{page.base_url}/vneid"], "sid": [sid]}
