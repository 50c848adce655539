"""The authorization endpoint: login page, single sign-on, prompt, PKCE and error handling."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.citizen_registry.factories import CitizenFactory
from vneid.login_state import COOKIE_NAME
from vneid.models import AuditEvent, AuthorizationCode, LoginSession, OidcClient
from vneid.services import set_account_status
from vneid.throttling import FAILURE_LIMIT, address_failure_limit

from .flows import (
    NGA_CCCD,
    OTHER_REDIRECT_URI,
    REDIRECT_URI,
    authorize_params,
    authorize_url,
    redirect_query,
    submit_login,
)


def _login_page(response):
    assert response.status_code == 200
    assert response.templates[0].name == "vneid/login.html"
    return response.content.decode()


def test_login_page_shows_the_ministry_and_both_fields(client, nga, rp, pkce):
    page = _login_page(client.get(authorize_url(authorize_params(rp, pkce))))

    for text in (
        "BỘ CÔNG AN",
        "Trung tâm dữ liệu Quốc gia về dân cư",
        "Đăng nhập VNeID",
        "Số định danh cá nhân",
        "Mật khẩu",
        "Đăng nhập",
        "Hoặc quét mã QR bằng ứng dụng VNeID để đăng nhập.",
        "Huỷ",
        "Cổng Dịch vụ công Quốc gia",
    ):
        assert text in page
    assert 'id="vneid-toggle-password"' in page


def test_login_sets_vneid_cookie_and_not_the_portal_session(client, nga, rp, pkce):
    response = submit_login(client, authorize_params(rp, pkce))

    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["path"] == "/vneid/"
    assert cookie["samesite"] == "Lax"
    assert "dvc_sessionid" not in response.cookies
    assert LoginSession.objects.filter(account=nga, ended_at__isnull=True).count() == 1


def test_live_vneid_login_gives_a_code_without_the_password_again(client, nga, rp, pkce):
    submit_login(client, authorize_params(rp, pkce))

    response = client.get(authorize_url(authorize_params(rp, pkce, state="second")))

    assert redirect_query(response)["state"] == "second"


def test_sso_code_carries_the_original_auth_time(client, nga, rp, pkce):
    submit_login(client, authorize_params(rp, pkce))
    first = AuthorizationCode.objects.get()

    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        client.get(authorize_url(authorize_params(rp, pkce, nonce="n2")))

    second = AuthorizationCode.objects.exclude(pk=first.pk).get()
    assert second.auth_time == first.auth_time


def test_prompt_login_forces_the_password_again_despite_a_live_login(client, nga, rp, pkce):
    submit_login(client, authorize_params(rp, pkce))
    params = authorize_params(rp, pkce, prompt="login", nonce="n2")

    _login_page(client.get(authorize_url(params)))
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        response = submit_login(client, params)

    assert "code" in redirect_query(response)
    codes = AuthorizationCode.objects.order_by("created_at")
    assert codes[1].auth_time > codes[0].auth_time


def test_prompt_none_without_login_returns_login_required(client, nga, rp, pkce):
    response = client.get(authorize_url(authorize_params(rp, pkce, prompt="none")))

    query = redirect_query(response)
    assert query["error"] == "login_required"
    assert query["state"] == "state-123"


def test_prompt_none_with_live_login_returns_a_code(client, nga, rp, pkce):
    submit_login(client, authorize_params(rp, pkce))

    response = client.get(authorize_url(authorize_params(rp, pkce, prompt="none", nonce="n2")))

    assert "code" in redirect_query(response)


def test_max_age_exceeded_asks_for_the_password_again(client, nga, rp, pkce):
    submit_login(client, authorize_params(rp, pkce))

    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        response = client.get(authorize_url(authorize_params(rp, pkce, max_age="60", nonce="x")))

    _login_page(response)


def test_cancel_returns_access_denied_with_state(client, nga, rp, pkce):
    page = _login_page(client.get(authorize_url(authorize_params(rp, pkce))))
    cancel_href = page.split('data-testid="vneid-cancel"')[0].rsplit('href="', 1)[1].split('"')[0]

    response = client.get(cancel_href.replace("&amp;", "&"))

    query = redirect_query(response)
    assert query["error"] == "access_denied"
    assert query["state"] == "state-123"
    assert "code" not in query
    assert not AuthorizationCode.objects.exists()


@pytest.mark.parametrize(
    "redirect_uri",
    ["https://evil.example/callback", REDIRECT_URI + "/", REDIRECT_URI + "?x=1", None],
)
def test_unregistered_redirect_uri_gets_an_error_page_not_a_redirect(
    client, nga, rp, pkce, redirect_uri
):
    response = client.get(authorize_url(authorize_params(rp, pkce, redirect_uri=redirect_uri)))

    assert response.status_code == 400
    assert "Location" not in response
    assert "vneid/error.html" in [template.name for template in response.templates]
    assert "evil.example" not in response.content.decode()


def test_unknown_client_gets_an_error_page(client, nga, rp, pkce):
    params = authorize_params(rp, pkce, client_id="no-such-client")

    response = client.get(authorize_url(params))

    assert response.status_code == 400
    assert "Location" not in response
    assert "chưa được đăng ký với VNeID" in response.content.decode()


def test_inactive_client_gets_an_error_page(client, nga, rp, pkce):
    OidcClient.objects.filter(client_id=rp.client_id).update(is_active=False)

    response = client.get(authorize_url(authorize_params(rp, pkce)))

    assert response.status_code == 400
    assert "Location" not in response


def test_second_registered_redirect_uri_is_accepted_exactly(client, nga, rp, pkce):
    response = submit_login(client, authorize_params(rp, pkce, redirect_uri=OTHER_REDIRECT_URI))

    assert response["Location"].startswith(OTHER_REDIRECT_URI + "?")


@pytest.mark.parametrize(
    ("overrides", "description_part"),
    [
        ({"code_challenge": None, "code_challenge_method": None}, "code_challenge"),
        ({"code_challenge_method": None}, "S256"),
        ({"code_challenge_method": "plain"}, "S256"),
        ({"code_challenge": "too-short"}, "code_challenge"),
    ],
)
def test_authorization_without_s256_pkce_is_refused_by_redirect(
    client, nga, rp, pkce, overrides, description_part
):
    response = client.get(authorize_url(authorize_params(rp, pkce, **overrides)))

    query = redirect_query(response)
    assert query["error"] == "invalid_request"
    assert description_part in query["error_description"]
    assert query["state"] == "state-123"


def test_request_without_openid_scope_is_refused(client, nga, rp, pkce):
    response = client.get(authorize_url(authorize_params(rp, pkce, scope="profile")))

    assert redirect_query(response)["error"] == "invalid_scope"


def test_unknown_scope_is_refused(client, nga, rp, pkce):
    response = client.get(authorize_url(authorize_params(rp, pkce, scope="openid email")))

    assert redirect_query(response)["error"] == "invalid_scope"


def test_implicit_response_type_is_refused(client, nga, rp, pkce):
    response = client.get(authorize_url(authorize_params(rp, pkce, response_type="id_token")))

    assert redirect_query(response)["error"] == "unsupported_response_type"


def test_replayed_nonce_is_refused(client, nga, rp, pkce):
    submit_login(client, authorize_params(rp, pkce))

    response = client.get(authorize_url(authorize_params(rp, pkce)))

    assert redirect_query(response)["error"] == "invalid_request"


def test_wrong_password_shows_the_page_again_with_a_message(client, nga, rp, pkce):
    response = submit_login(client, authorize_params(rp, pkce), password="wrong-password")

    page = _login_page(response)
    assert "Số định danh cá nhân hoặc mật khẩu không đúng." in page
    assert COOKIE_NAME not in response.cookies
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_FAILED).count() == 1


def test_malformed_number_is_explained(client, nga, rp, pkce):
    response = submit_login(client, authorize_params(rp, pkce), number="12345")

    assert "Số định danh cá nhân gồm đúng 12 chữ số." in _login_page(response)


@pytest.mark.parametrize("number", ["٠٣٧١٩٠٦١٢٣٤٥", "۰۳۷۱۹۰۶۱۲۳۴۵"])
def test_arabic_indic_digits_are_refused_as_malformed(client, nga, rp, pkce, number):
    response = submit_login(client, authorize_params(rp, pkce), number=number)

    assert "Số định danh cá nhân gồm đúng 12 chữ số." in _login_page(response)


def test_number_typed_in_full_width_digits_is_accepted(client, nga, rp, pkce):
    full_width = NGA_CCCD.translate(str.maketrans("0123456789", "０１２３４５６７８９"))

    response = submit_login(client, authorize_params(rp, pkce), number=full_width + "\n")

    assert "code" in redirect_query(response)


def test_number_typed_with_spaces_is_accepted(client, nga, rp, pkce):
    spaced = f"{NGA_CCCD[:4]} {NGA_CCCD[4:8]} {NGA_CCCD[8:]}"

    response = submit_login(client, authorize_params(rp, pkce), number=spaced)

    assert "code" in redirect_query(response)


def test_locked_account_cannot_log_in(client, nga, rp, pkce):
    set_account_status(account=nga, status="locked")

    response = submit_login(client, authorize_params(rp, pkce))

    assert "đang bị khoá" in _login_page(response)
    assert COOKIE_NAME not in response.cookies


def test_locking_an_account_ends_its_single_sign_on(client, nga, rp, pkce):
    submit_login(client, authorize_params(rp, pkce))
    set_account_status(account=nga, status="locked")

    response = client.get(authorize_url(authorize_params(rp, pkce, nonce="n2")))

    _login_page(response)


def test_five_failures_lock_the_number_for_fifteen_minutes(client, nga, rp, pkce):
    params = authorize_params(rp, pkce)
    for _ in range(FAILURE_LIMIT):
        submit_login(client, params, password="wrong-password")

    refused = submit_login(client, params)

    assert refused.status_code == 429
    assert "tạm thời bị khoá trong 15 phút" in refused.content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert "code" in redirect_query(submit_login(client, params))


def test_failures_from_one_address_lock_other_numbers_too(client, nga, rp, pkce):
    params = authorize_params(rp, pkce)
    others = [CitizenFactory() for _ in range(address_failure_limit() // FAILURE_LIMIT)]
    for citizen in others:
        for _ in range(FAILURE_LIMIT):
            submit_login(client, params, number=citizen.cccd_number, password="bad")

    refused = submit_login(client, params)

    assert refused.status_code == 429
    assert "từ mạng bạn đang dùng" in refused.content.decode()


def test_an_address_gets_more_failures_than_a_number(client, nga, level_one, rp, pkce):
    params = authorize_params(rp, pkce)
    for _ in range(FAILURE_LIMIT):
        submit_login(client, params, number=level_one.personal_id_number, password="bad")

    refused = submit_login(client, params, number=level_one.personal_id_number)

    assert refused.status_code == 429
    assert "sai quá 5 lần" in refused.content.decode()
    assert "code" in redirect_query(submit_login(client, params))


def test_the_address_limit_follows_the_setting(client, nga, level_one, rp, pkce, settings):
    settings.VNEID_PROVIDER = {**settings.VNEID_PROVIDER, "FAILURES_PER_ADDRESS": 2}
    params = authorize_params(rp, pkce)
    for _ in range(2):
        submit_login(client, params, number=level_one.personal_id_number, password="bad")

    assert submit_login(client, params).status_code == 429


def test_successful_login_forgets_earlier_failures_of_the_number(client, nga, rp, pkce):
    params = authorize_params(rp, pkce)
    for _ in range(FAILURE_LIMIT - 1):
        submit_login(client, params, password="wrong-password")
    submit_login(client, params)
    elsewhere = Client(HTTP_HOST="localhost", REMOTE_ADDR="10.0.0.9")
    params = authorize_params(rp, pkce, nonce="n2")
    for _ in range(FAILURE_LIMIT - 1):
        submit_login(elsewhere, params, password="wrong-password")

    response = submit_login(elsewhere, params)

    assert "code" in redirect_query(response)


def test_code_expires_sixty_seconds_after_issue(client, nga, rp, pkce):
    submit_login(client, authorize_params(rp, pkce))

    code = AuthorizationCode.objects.get()

    assert code.expires_at - code.created_at == timedelta(seconds=60)
    assert code.code_challenge_method == "S256"
    assert code.redirect_uri == REDIRECT_URI


def test_code_is_not_stored_in_clear(client, nga, rp, pkce):
    response = submit_login(client, authorize_params(rp, pkce))

    raw = parse_qs(urlsplit(response["Location"]).query)["code"][0]
    assert not AuthorizationCode.objects.filter(code_hash=raw).exists()


@pytest.mark.parametrize(
    "redirect_uri",
    ["http://127.0.0.1:9999/cb\x00", "http://127.0.0.1:9999/cb\n", REDIRECT_URI + "\n", "ü"],
)
def test_redirect_uri_with_control_or_non_ascii_characters_gets_an_error_page(
    client, nga, rp, pkce, redirect_uri
):
    response = client.get(authorize_url(authorize_params(rp, pkce, redirect_uri=redirect_uri)))

    assert response.status_code == 400
    assert "Location" not in response
    assert "redirect_uri" in response.content.decode()


def test_client_id_with_nul_gets_the_unknown_client_page(client, nga, rp, pkce):
    response = client.get(authorize_url(authorize_params(rp, pkce, client_id="a\x00b")))

    assert response.status_code == 400
    assert "chưa được đăng ký với VNeID" in response.content.decode()


@pytest.mark.parametrize("nonce", ["a\x00b", "n" * 256])
def test_unstorable_nonce_is_refused_by_redirect(client, nga, rp, pkce, nonce):
    response = client.get(authorize_url(authorize_params(rp, pkce, nonce=nonce)))

    query = redirect_query(response)
    assert query["error"] == "invalid_request"
    assert query["state"] == "state-123"


def test_authorization_response_names_the_issuer(client, nga, rp, pkce):
    response = submit_login(client, authorize_params(rp, pkce))

    query = redirect_query(response)
    assert query["iss"] == "http://localhost/vneid"
    assert "code" in query


def test_error_redirect_names_the_issuer_once(client, nga, rp, pkce):
    response = client.get(authorize_url(authorize_params(rp, pkce, scope="profile")))

    location = response["Location"]
    assert parse_qs(urlsplit(location).query)["iss"] == ["http://localhost/vneid"]


def test_cancel_names_the_issuer(client, nga, rp, pkce):
    response = client.get(
        "/vneid/authorize/cancel?" + urlsplit(authorize_url(authorize_params(rp, pkce))).query
    )

    assert redirect_query(response)["iss"] == "http://localhost/vneid"


@pytest.mark.parametrize(
    ("parameter", "value", "error"),
    [
        ("request", "eyJhbGciOiJub25lIn0.e30.", "request_not_supported"),
        ("request_uri", "https://rp.example/request.jwt", "request_uri_not_supported"),
        ("response_mode", "form_post", "invalid_request"),
        ("response_mode", "fragment", "invalid_request"),
        ("max_age", "abc", "invalid_request"),
        ("max_age", "-5", "invalid_request"),
    ],
)
def test_unsupported_parameters_are_refused_not_ignored(
    client, nga, rp, pkce, parameter, value, error
):
    response = client.get(authorize_url(authorize_params(rp, pkce, **{parameter: value})))

    query = redirect_query(response)
    assert query["error"] == error
    assert query["state"] == "state-123"
    assert "code" not in query


def test_response_mode_query_is_accepted(client, nga, rp, pkce):
    response = submit_login(client, authorize_params(rp, pkce, response_mode="query"))

    assert "code" in redirect_query(response)
