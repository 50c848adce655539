"""Single logout at the service: RP-initiated, back-channel to portals, then VNeID, then back."""

import responses
from django.core.management import call_command
from joserfc.jwk import KeySet

from identity.national_login import services
from identity.national_login.models import AccessToken, LoginSession, LogoutDeliveryRecord
from oidc_kit.logout_token import verify_logout_token
from tests.accounts.factories import PASSWORD, UserFactory
from tests.identity.relying_party.conftest import END_SESSION_URL
from tests.personas import NGA_CCCD

from .conftest import (
    CHOOSER_PATH,
    LOGOUT_PATH,
    OTHER_BACKCHANNEL,
    OTHER_CALLBACK,
    OTHER_ID,
    PORTAL_BACKCHANNEL,
    PORTAL_HOME,
    PORTAL_ID,
    SERVICE_ISSUER,
    authorize,
    exchange,
    follow_to_portal,
    log_in_through_vneid,
    query_of,
)


def _logged_in_at_two_portals(client, vneid):
    tokens = exchange(client, log_in_through_vneid(client, vneid)["code"]).json()
    authorize(client, client_id=OTHER_ID, redirect_uri=OTHER_CALLBACK, nonce="n-other")
    return tokens


def _logout_tokens(vneid, url):
    return [
        call.request.body.split("logout_token=")[1]
        for call in vneid.mock.calls
        if call.request.url == url and call.request.method == "POST"
    ]


def _keys(client):
    return KeySet.import_key_set(client.get("/xacthuc/oauth2/jwks").json())


def test_logout_reaches_every_portal_then_vneid_then_returns(client, vneid, portal, other_portal):
    tokens = _logged_in_at_two_portals(client, vneid)
    login = LoginSession.objects.get()
    response = client.get(
        LOGOUT_PATH,
        {
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": PORTAL_HOME,
            "state": "bye",
        },
    )
    # Every portal of the session got a valid logout token naming the session.
    for uri, audience in ((PORTAL_BACKCHANNEL, PORTAL_ID), (OTHER_BACKCHANNEL, OTHER_ID)):
        (token,) = _logout_tokens(vneid, uri)
        claims = verify_logout_token(
            token, key_set=_keys(client), issuer=SERVICE_ISSUER, audience=audience
        )
        assert claims.sid == login.sid
        assert claims.sub == login.subject.sub
    login.refresh_from_db()
    assert login.ended_at is not None
    assert AccessToken.objects.get().revoked_at is not None
    answered = services.requests_answered([NGA_CCCD], since=login.auth_time)
    assert answered[-1].endpoint == "logout"
    # Then VNeID's own RP-initiated logout, for the service's VNeID login.
    assert response.status_code == 302
    assert response["Location"].startswith(END_SESSION_URL)
    at_vneid = query_of(response["Location"])
    assert at_vneid["client_id"] == "xacthuc-test"
    assert at_vneid["id_token_hint"] == login.vneid_id_token
    assert at_vneid["post_logout_redirect_uri"] == f"{SERVICE_ISSUER}/oauth2/logout/vneid"
    # VNeID sends the browser back with the state it was given; the service returns it home.
    back = client.get("/xacthuc/oauth2/logout/vneid", {"state": at_vneid["state"]})
    assert back.status_code == 302
    assert back["Location"] == f"{PORTAL_HOME}?state=bye"
    # The service's login is over: the next portal request goes to VNeID again.
    again = authorize(client, nonce="n-after")
    assert again["Location"].startswith("http://vneid.test/vneid/authorize")


def test_a_portal_that_is_down_is_recorded_and_retried_while_the_others_log_out(
    client, vneid, portal, other_portal
):
    tokens = _logged_in_at_two_portals(client, vneid)
    vneid.mock.replace(responses.POST, PORTAL_BACKCHANNEL, status=503)
    client.get(LOGOUT_PATH, {"id_token_hint": tokens["id_token"]})
    assert len(_logout_tokens(vneid, OTHER_BACKCHANNEL)) == 1
    record = LogoutDeliveryRecord.objects.get()
    assert record.client_id == PORTAL_ID
    assert record.last_error == "HTTP 503"
    assert record.issuer == SERVICE_ISSUER
    assert record.delivered_at is None
    # The portal is back: the command sends a fresh token, which it accepts.
    vneid.mock.replace(responses.POST, PORTAL_BACKCHANNEL, status=200)
    call_command("retry_national_login_logout_deliveries")
    record.refresh_from_db()
    assert record.delivered_at is not None
    assert record.attempts == 2
    retried = _logout_tokens(vneid, PORTAL_BACKCHANNEL)[-1]
    claims = verify_logout_token(
        retried, key_set=_keys(client), issuer=SERVICE_ISSUER, audience=PORTAL_ID
    )
    assert claims.sid == record.sid


def test_a_logout_without_a_hint_asks_to_confirm(client, vneid, portal):
    log_in_through_vneid(client, vneid)
    page = client.get(
        LOGOUT_PATH, {"client_id": PORTAL_ID, "post_logout_redirect_uri": PORTAL_HOME}
    )
    assert page.status_code == 200
    assert "Đăng xuất khỏi Hệ thống xác thực?" in page.content.decode()
    assert LoginSession.objects.get().ended_at is None
    done = client.post(
        LOGOUT_PATH,
        {"client_id": PORTAL_ID, "post_logout_redirect_uri": PORTAL_HOME, "confirm": "yes"},
    )
    assert done.status_code == 302
    assert LoginSession.objects.get().ended_at is not None


def test_an_unregistered_post_logout_uri_is_refused(client, vneid, portal):
    log_in_through_vneid(client, vneid)
    response = client.get(
        LOGOUT_PATH, {"client_id": PORTAL_ID, "post_logout_redirect_uri": "http://evil.test/"}
    )
    assert response.status_code == 400
    assert "chưa được đăng ký" in response.content.decode()
    assert LoginSession.objects.get().ended_at is None


def test_a_forged_hint_is_refused(client, vneid, portal):
    response = client.get(LOGOUT_PATH, {"id_token_hint": "not.a.token"})
    assert response.status_code == 400


def test_a_front_channel_only_portal_is_loaded_in_an_iframe(client, vneid, portal):
    services.ensure_client(
        client_id="front-test",
        client_secret="front-test-secret",
        name="Cổng front-channel",
        redirect_uris=["http://front.test/cb"],
        frontchannel_logout_uri="http://front.test/frontchannel-logout",
    )
    tokens = exchange(client, log_in_through_vneid(client, vneid)["code"]).json()
    authorize(client, client_id="front-test", redirect_uri="http://front.test/cb", nonce="n-f")
    page = client.get(LOGOUT_PATH, {"id_token_hint": tokens["id_token"]})
    assert page.status_code == 200
    sid = LoginSession.objects.get().sid
    expected = (
        f"http://front.test/frontchannel-logout?iss=http%3A%2F%2Flocalhost%2Fxacthuc&amp;sid={sid}"
    )
    assert expected in page.content.decode()
    assert "http://front.test" in page["Content-Security-Policy"]
    assert page.context["next_url"].startswith(END_SESSION_URL)


def test_an_issued_account_logout_goes_straight_back_to_the_portal(client, vneid, portal):
    account = UserFactory()
    response = authorize(client, prompt="login")
    key = query_of(response["Location"])["sessionDataKey"]
    location = follow_to_portal(
        client,
        client.post(
            CHOOSER_PATH,
            {
                "sessionDataKey": key,
                "method": "issued",
                "username": account.username,
                "password": PASSWORD,
            },
        ),
    )
    tokens = exchange(client, query_of(location)["code"]).json()
    done = client.get(
        LOGOUT_PATH, {"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": PORTAL_HOME}
    )
    assert done["Location"] == PORTAL_HOME


def test_logout_uri_without_a_login_shows_the_logged_out_page(client, db):
    response = client.get(LOGOUT_PATH, follow=True)
    assert response.status_code == 200
    assert "Bạn đã đăng xuất" in response.content.decode()


def test_the_hourly_purge_retries_logouts_and_drops_expired_rows(client, vneid, portal):
    from datetime import timedelta
    from io import StringIO

    from django.utils import timezone

    from identity.national_login.models import PendingAuthorization

    tokens = exchange(client, log_in_through_vneid(client, vneid)["code"]).json()
    vneid.mock.replace(responses.POST, PORTAL_BACKCHANNEL, status=503)
    client.get(LOGOUT_PATH, {"id_token_hint": tokens["id_token"]})
    authorize(client, nonce="n-pending")
    PendingAuthorization.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    LoginSession.objects.update(ended_at=timezone.now() - timedelta(days=2))
    vneid.mock.replace(responses.POST, PORTAL_BACKCHANNEL, status=200)
    out = StringIO()
    call_command("purge_national_login", stdout=out)
    assert "1 delivered, 0 still failing" in out.getvalue()
    assert not PendingAuthorization.objects.exists()
    assert not LoginSession.objects.exists()
    assert LogoutDeliveryRecord.objects.get().delivered_at is not None
