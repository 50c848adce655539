"""Portal logout also ends the VNeID session when the login came from VNeID."""

from urllib.parse import parse_qs, urlsplit

import requests
import responses
from django.core.cache import cache

from identity.relying_party.state import ID_TOKEN_SESSION_KEY
from tests.accounts.factories import UserFactory

from .conftest import (
    CLIENT_ID,
    DISCOVERY_URL,
    END_SESSION_URL,
    JWKS_URL,
    is_logged_in,
    jwks,
    log_in_with_vneid,
    nga_claims,
    sign,
)


def test_logout_after_a_vneid_login_goes_to_vneid_end_session_with_the_id_token(
    client, vneid, nga_linked
):
    log_in_with_vneid(client, vneid)
    id_token = vneid.tokens_issued[-1]

    response = client.post("/dang-xuat/")

    assert not is_logged_in(client)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == END_SESSION_URL
    assert parse_qs(location.query) == {
        "id_token_hint": [id_token],
        "client_id": [CLIENT_ID],
        "post_logout_redirect_uri": ["http://testserver/"],
    }
    # The portal's goodbye message waits for the browser's return from VNeID.
    assert "Bạn đã đăng xuất" in client.get("/").content.decode()


def test_logout_of_a_password_login_does_not_go_to_vneid(client, db):
    account = UserFactory(cccd_number="001085004321")
    client.force_login(account)

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        response = client.post("/dang-xuat/")

    assert response["Location"] == "/"
    assert not mock.calls
    assert not is_logged_in(client)


def test_logout_when_vneid_is_unreachable_still_logs_out_of_the_portal(client, vneid, nga_linked):
    log_in_with_vneid(client, vneid)
    # Discovery is cached for minutes: a cold cache is what an outage at logout looks like.
    cache.clear()
    vneid.mock.replace(responses.GET, DISCOVERY_URL, body=requests.ConnectionError("refused"))

    response = client.post("/dang-xuat/", follow=True)

    assert response.redirect_chain[0][0] == "/"
    assert not is_logged_in(client)
    page = response.content.decode()
    assert "Bạn đã đăng xuất" in page
    assert "Chưa kết nối được tới VNeID để đăng xuất" in page


def test_logout_leaves_out_a_hint_signed_with_a_key_vneid_no_longer_publishes(
    client, vneid, nga_linked, rotated_key
):
    log_in_with_vneid(client, vneid)
    # VNeID rotated its key and stopped publishing the old one: it would refuse the hint.
    vneid.mock.replace(responses.GET, JWKS_URL, json=jwks(rotated_key))

    response = client.post("/dang-xuat/")

    assert not is_logged_in(client)
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == END_SESSION_URL
    # Without a hint VNeID asks the citizen, then returns to the portal's logged-out page.
    assert parse_qs(location.query) == {
        "client_id": [CLIENT_ID],
        "post_logout_redirect_uri": ["http://testserver/"],
    }
    assert "Bạn đã đăng xuất" in client.get("/").content.decode()


def test_logout_leaves_out_a_hint_issued_to_another_client(client, vneid, nga_linked):
    log_in_with_vneid(client, vneid)
    session = client.session
    session[ID_TOKEN_SESSION_KEY] = sign(nga_claims(aud="another-portal"), vneid.key)
    session.save()

    response = client.post("/dang-xuat/")

    assert "id_token_hint" not in parse_qs(urlsplit(response["Location"]).query)


def test_logout_checks_the_hint_against_the_keys_vneid_publishes_now(client, vneid, nga_linked):
    log_in_with_vneid(client, vneid)

    client.post("/dang-xuat/")

    # The JWKS cached at login could still hold a key VNeID has withdrawn since.
    assert len(vneid.calls_to(JWKS_URL)) == 2
