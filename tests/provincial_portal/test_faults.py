"""Bad answers and faults of the national login service: 503 + Retry-After, nothing saved."""

import pytest
import requests

from provincial_portal.models import AuditEvent, LoginFlow, ProvincialAccount, ProvincialSession

from .conftest import (
    CALLBACK,
    DISCOVERY_URL,
    JWKS_URL,
    START,
    TOKEN_URL,
    USERINFO_URL,
    log_in,
    start,
    userinfo,
)
from .factories import AN_SEED

pytestmark = pytest.mark.django_db

SERVICE_DOWN = "Hệ thống xác thực của Cổng Dịch vụ công Quốc gia đang gián đoạn"


def nothing_saved():
    an = ProvincialAccount.objects.get(username=AN_SEED.username)
    return (
        an.national_sub == ""
        and an.inherited_at is None
        and ProvincialAccount.objects.count() == 2
        and not ProvincialSession.objects.exists()
        and not LoginFlow.objects.exists()
        and not AuditEvent.objects.exclude(kind=AuditEvent.Kind.REQUEST_ANSWERED).exists()
    )


def assert_service_fault(response):
    html = response.content.decode()
    assert response.status_code == 503, html
    assert response["Retry-After"] == "30"
    assert SERVICE_DOWN in html
    assert "không phải do Ông/Bà thao tác sai" in html
    assert "thử đăng nhập lại sau ít phút" in html


def test_a_state_that_does_not_match_is_refused(client, national, personas):
    request = start(client)
    national.answer("an", request["nonce"])
    response = client.get(CALLBACK, {"code": "code-1", "state": "forged"})
    assert response.status_code == 400
    assert "không còn hiệu lực" in response.content.decode()
    assert not national.calls_to(TOKEN_URL)
    assert nothing_saved()


def test_a_replayed_callback_is_refused(client, national, personas):
    request = start(client)
    national.answer("an", request["nonce"])
    cookie = client.cookies["qnam_login"].value
    assert client.get(CALLBACK, {"code": "code-1", "state": request["state"]}).status_code == 302
    client.cookies.clear()
    client.cookies["qnam_login"] = cookie
    replay = client.get(CALLBACK, {"code": "code-1", "state": request["state"]})
    assert replay.status_code == 400
    assert len(national.calls_to(TOKEN_URL)) == 1
    assert ProvincialSession.objects.count() == 1


def test_a_callback_without_a_login_under_way_is_refused(client, db):
    response = client.get(CALLBACK, {"code": "code-1", "state": "s"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"iss": "http://evil.test/xacthuc"}, "wrong issuer"),
        ({"aud": "another-portal"}, "wrong audience"),
        ({"nonce": "another-nonce"}, "wrong nonce"),
        ({"exp": 1_000_000}, "expired"),
    ],
)
def test_an_id_token_with_wrong_claims_saves_nothing(client, national, personas, claims, reason):
    response = log_in(client, national, "an", claims=claims)
    assert_service_fault(response)
    assert nothing_saved(), reason


def test_an_id_token_signed_by_another_key_saves_nothing(client, national, personas, stranger_key):
    response = log_in(client, national, "an", key=stranger_key)
    assert_service_fault(response)
    assert nothing_saved()


def test_userinfo_about_someone_else_saves_nothing(client, national, personas):
    response = log_in(client, national, "an", info=userinfo("hoa"))
    assert_service_fault(response)
    assert nothing_saved()


@pytest.mark.parametrize(
    "overrides",
    [{"SoDinhDanh": None}, {"SoDinhDanh": "12345"}, {"NgayThangNamSinh": "15/03/1990"}],
)
def test_userinfo_without_a_usable_number_or_date_saves_nothing(
    client, national, personas, overrides
):
    response = log_in(client, national, "an", info=userinfo("an", **overrides))
    assert_service_fault(response)
    assert nothing_saved()


def test_a_refused_code_saves_nothing(client, national, personas):
    request = start(client)
    national.mock.post(TOKEN_URL, json={"error": "invalid_grant"}, status=400)
    response = client.get(CALLBACK, {"code": "used", "state": request["state"]})
    assert_service_fault(response)
    assert nothing_saved()


def test_a_token_endpoint_timeout_is_the_systems_fault(client, national, personas):
    request = start(client)
    national.mock.post(TOKEN_URL, body=requests.ReadTimeout("slow"))
    response = client.get(CALLBACK, {"code": "code-1", "state": request["state"]})
    assert_service_fault(response)
    assert "phản hồi quá chậm" in response.content.decode()
    assert nothing_saved()


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_server_error_of_the_service_is_the_systems_fault(client, national, personas, status):
    request = start(client)
    national.mock.post(TOKEN_URL, body="<html>Bad gateway</html>", status=status)
    response = client.get(CALLBACK, {"code": "code-1", "state": request["state"]})
    assert_service_fault(response)
    assert nothing_saved()


def test_a_userinfo_server_error_saves_nothing(client, national, personas):
    request = start(client)
    national.answer("an", request["nonce"])
    national.mock.replace("GET", USERINFO_URL, status=500, body="down")
    response = client.get(CALLBACK, {"code": "code-1", "state": request["state"]})
    assert_service_fault(response)
    assert nothing_saved()


def test_a_service_that_refuses_connections_cannot_start_a_login(client, personas):
    # No stub at all: every request of the portal fails to connect.
    import responses

    with responses.RequestsMock(assert_all_requests_are_fired=False):
        response = client.get(START)
    assert_service_fault(response)
    assert nothing_saved()


def test_a_discovery_answering_garbage_cannot_start_a_login(client, personas):
    import responses

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(DISCOVERY_URL, body="<html>maintenance</html>", status=200)
        response = client.get(START)
    assert_service_fault(response)


def test_keys_the_service_cannot_serve_save_nothing(client, national, personas):
    request = start(client)
    national.answer("an", request["nonce"])
    national.mock.replace("GET", JWKS_URL, body=requests.ConnectionError("refused"))
    response = client.get(CALLBACK, {"code": "code-1", "state": request["state"]})
    assert_service_fault(response)
    assert nothing_saved()


def test_access_denied_says_why_and_what_to_do(client, national, personas):
    request = start(client)
    response = client.get(
        CALLBACK,
        {
            "error": "access_denied",
            "error_description": "Tài khoản định danh điện tử mức 1 không đáp ứng LoA2",
            "state": request["state"],
        },
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "mức 1 không đáp ứng LoA2" in html
    assert "nâng lên mức 2" in html
    assert 'href="/quang-nam/dang-nhap/"' in html
    assert nothing_saved()


def test_loa2_is_asked_when_configured_and_a_weaker_token_refused(
    client, national, personas, settings
):
    settings.PROVINCIAL_PORTAL = {**settings.PROVINCIAL_PORTAL, "ACR_VALUES": "LoA2"}
    request = start(client)
    assert request["acr_values"] == "LoA2"
    national.answer("an", request["nonce"], claims={"acr": "LoA1"})
    response = client.get(CALLBACK, {"code": "code-1", "state": request["state"]})
    assert_service_fault(response)
    assert nothing_saved()


def test_an_answer_naming_another_issuer_is_refused_without_a_token_request(
    client, national, personas
):
    request = start(client)
    national.answer("an", request["nonce"])
    response = client.get(
        CALLBACK, {"code": "code-1", "state": request["state"], "iss": "http://evil.test/xacthuc"}
    )
    assert response.status_code == 400
    assert not national.calls_to(TOKEN_URL)
    assert nothing_saved()


def test_an_answer_naming_the_service_as_issuer_goes_through(client, national, personas):
    request = start(client)
    national.answer("an", request["nonce"])
    response = client.get(
        CALLBACK,
        {"code": "code-1", "state": request["state"], "iss": "http://xacthuc.test/xacthuc"},
    )
    assert response.status_code == 302
    assert ProvincialSession.objects.count() == 1
