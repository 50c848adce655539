"""Bad input at the provider: each one a refusal, none a 500, nothing issued."""

from identity.national_login.models import AccessToken, AuditEvent, AuthorizationCode
from identity.national_login.services import Person, subject_for

from .conftest import (
    OTHER_CALLBACK,
    OTHER_ID,
    OTHER_SECRET,
    PORTAL_CALLBACK,
    USERINFO_PATH,
    authorize,
    exchange,
    follow_to_portal,
    log_in_through_vneid,
    query_of,
    vneid_answers,
    vneid_request,
)


def test_an_unknown_client_stops_on_the_services_page(client, vneid, portal):
    response = authorize(client, client_id="nobody")
    assert response.status_code == 400
    assert "chưa được đăng ký" in response.content.decode()
    assert 'xacthuc-error-code">invalid_client' in response.content.decode()


def test_a_wrong_redirect_uri_never_redirects(client, vneid, portal):
    response = authorize(client, redirect_uri="http://evil.test/callback")
    assert response.status_code == 400
    assert "redirect_uri" in response.content.decode()
    assert not response.has_header("Location")


def test_a_request_without_the_openid_scope_returns_invalid_scope(client, vneid, portal):
    response = authorize(client, scope="profile")
    answer = query_of(response["Location"])
    assert response["Location"].startswith(PORTAL_CALLBACK)
    assert answer["error"] == "invalid_scope"
    assert answer["state"] == "portal-state-1"


def test_a_replayed_code_is_refused_and_revokes_its_tokens(client, vneid, portal):
    code = log_in_through_vneid(client, vneid)["code"]
    first = exchange(client, code)
    assert first.status_code == 200
    replay = exchange(client, code)
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert AccessToken.objects.get().revoked_at is not None
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.CODE_REUSED).count() == 1
    userinfo = client.get(
        USERINFO_PATH, HTTP_AUTHORIZATION=f"Bearer {first.json()['access_token']}"
    )
    assert userinfo.status_code == 401


def test_a_code_of_another_client_is_refused(client, vneid, portal, other_portal):
    code = log_in_through_vneid(client, vneid)["code"]
    stolen = exchange(
        client, code, client_id=OTHER_ID, secret=OTHER_SECRET, redirect_uri=OTHER_CALLBACK
    )
    assert stolen.status_code == 400
    assert stolen.json()["error"] == "invalid_grant"
    assert AuthorizationCode.objects.get().used_at is None
    # The rightful client can still use it.
    assert exchange(client, code).status_code == 200


def test_a_wrong_client_secret_is_refused(client, vneid, portal):
    code = log_in_through_vneid(client, vneid)["code"]
    refused = exchange(client, code, secret="wrong")
    assert refused.status_code == 401
    assert refused.json()["error"] == "invalid_client"


def test_loa2_for_a_level_1_citizen_is_refused_with_the_reason(client, vneid, portal):
    request = vneid_request(authorize(client, acr_values="LoA2"))
    page = vneid_answers(client, vneid, request, level=1)
    assert page.status_code == 403
    text = page.content.decode()
    assert "mức 2" in text and "mức 1" in text
    assert "Công an" in text
    back = query_of(page.context["back_url"])
    assert page.context["back_url"].startswith(PORTAL_CALLBACK)
    assert back["error"] == "access_denied"
    assert back["state"] == "portal-state-1"
    assert not AuthorizationCode.objects.exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LEVEL_REFUSED).count() == 1
    # The level-1 login still stands for a portal that asks LoA1.
    location = follow_to_portal(client, authorize(client, nonce="n-loa1"))
    assert "code=" in location


def test_an_existing_level_1_login_is_refused_for_loa2_without_a_code(client, vneid, portal):
    log_in_through_vneid(client, vneid, level=1)
    page = authorize(client, acr_values="LoA2", nonce="n-2")
    assert page.status_code == 403
    assert AuthorizationCode.objects.count() == 1


def test_a_replayed_vneid_callback_finds_nothing(client, vneid, portal):
    request = vneid_request(authorize(client))
    follow_to_portal(client, vneid_answers(client, vneid, request))
    replay = client.get(
        "/xacthuc/vneid/callback", {"code": "vneid-code-1", "state": request["state"]}
    )
    assert replay.status_code == 400
    assert "hết hạn" in replay.content.decode()


def test_a_vneid_callback_from_another_issuer_is_refused(client, vneid, portal):
    request = vneid_request(authorize(client))
    response = client.get(
        "/xacthuc/vneid/callback",
        {"code": "c", "state": request["state"], "iss": "http://evil.test/vneid"},
    )
    assert response.status_code == 400
    assert not AuthorizationCode.objects.exists()


def test_vneid_down_is_the_systems_fault_not_the_citizens(client, vneid, portal):
    request = vneid_request(authorize(client))
    vneid.mock.post("http://vneid.test/vneid/token", status=503)
    response = client.get(
        "/xacthuc/vneid/callback",
        {"code": "c", "state": request["state"], "iss": "http://vneid.test/vneid"},
    )
    assert response.status_code == 502
    assert "không phải lỗi của bạn" in response.content.decode()


def test_the_chooser_without_a_pending_request_explains(client, db):
    response = client.get("/xacthuc/authenticationendpoint/login?sessionDataKey=nothing")
    assert response.status_code == 400
    assert "hết hạn" in response.content.decode()


def test_the_chooser_of_another_browser_is_not_reachable(client, vneid, portal):
    from django.test import Client

    response = authorize(client, prompt="login")
    other = Client(HTTP_HOST="localhost")
    stolen = other.get(response["Location"])
    assert stolen.status_code == 400


def test_userinfo_without_or_with_a_bad_token(client, db):
    assert client.get(USERINFO_PATH).status_code == 401
    bad = client.get(USERINFO_PATH, HTTP_AUTHORIZATION="Bearer nothing")
    assert bad.status_code == 401
    assert bad.json()["error"] == "invalid_token"


def test_a_subject_keeps_its_sub_and_techid_across_logins(db):
    person = Person(
        idp="BCA",
        idp_subject="vneid-sub",
        personal_id_number="037190612345",
        cmnd_number="",
        full_name="A",
        birth_date=None,
        level=2,
    )
    first = subject_for(person)
    again = subject_for(Person(**{**person.__dict__, "full_name": "B"}))
    assert (first.sub, first.tech_id) == (again.sub, again.tech_id)
    assert again.full_name == "B"


def test_vneid_unreachable_for_the_silent_login_leads_to_the_chooser(client, vneid, portal):
    import responses

    vneid.mock.replace(
        responses.GET, "http://vneid.test/vneid/.well-known/openid-configuration", status=503
    )
    response = authorize(client)
    assert response.status_code == 302
    chooser = client.get(response["Location"])
    assert chooser.status_code == 200
    assert "TÀI KHOẢN ĐƯỢC CẤP" in chooser.content.decode()
    # Choosing VNeID while it is still down says so, as the system's fault.
    key = query_of(response["Location"])["sessionDataKey"]
    refused = client.post(response["Location"], {"sessionDataKey": key, "method": "vneid"})
    assert refused.status_code == 502
    assert "không phải lỗi của bạn" in refused.content.decode()


def test_loa2_under_prompt_none_for_a_level_1_login_answers_the_portal(client, vneid, portal):
    log_in_through_vneid(client, vneid, level=1)
    response = authorize(client, acr_values="LoA2", prompt="none", nonce="n-none")
    assert response.status_code == 302
    answer = query_of(response["Location"])
    assert answer["error"] == "access_denied"
    assert answer["state"] == "portal-state-1"
