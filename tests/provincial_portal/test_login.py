"""Logging in at the provincial portal through the national login service, every branch."""

import base64
import hashlib
from datetime import date

import pytest
from django.contrib.auth.hashers import is_password_usable

from provincial_portal.models import (
    AuditEvent,
    LoginFlow,
    ProvincialAccount,
    ProvincialSession,
)
from provincial_portal.sessions import COOKIE_NAME
from tests.personas import AN_CCCD, HOA_CCCD, NGA_CCCD, NGA_CMND

from .conftest import (
    ACCOUNT,
    CALLBACK,
    CLIENT_ID,
    CLIENT_SECRET,
    DOSSIERS,
    HOME,
    INHERIT,
    PEOPLE,
    SID,
    TOKEN_URL,
    has_provincial_cookie,
    log_in,
    start,
)
from .factories import AN_SEED, NGA_SEED, PROVINCIAL_PASSWORD

pytestmark = pytest.mark.django_db


def test_home_offers_the_login_and_the_provinces_own_footer(client):
    response = client.get(HOME)
    html = response.content.decode()
    assert response.status_code == 200
    assert "CỔNG DỊCH VỤ CÔNG TỈNH QUẢNG NAM" in html
    assert "UBND tỉnh Quảng Nam — Sở Thông tin và Truyền thông (môi trường thử nghiệm)" in html
    assert 'href="/quang-nam/dang-nhap/"' in html
    assert "Đăng ký khai sinh" in html


def test_the_login_asks_the_service_with_pkce_state_nonce_and_loa1(client, national):
    params = start(client, next_url=DOSSIERS)
    assert params["client_id"] == CLIENT_ID
    assert params["response_type"] == "code"
    assert params["redirect_uri"] == "http://testserver" + CALLBACK
    assert "openid" in params["scope"].split()
    assert params["acr_values"] == "LoA1"
    assert params["code_challenge_method"] == "S256"
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32
    flow = LoginFlow.objects.get()
    digest = hashlib.sha256(flow.code_verifier.encode()).digest()
    assert params["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert flow.next_url == DOSSIERS
    cookie = client.cookies["qnam_login"]
    assert cookie["path"] == "/quang-nam/dang-nhap/" and cookie["httponly"]


def test_a_next_outside_the_provincial_portal_is_not_followed(client, national):
    start(client, next_url="https://evil.example/")
    assert LoginFlow.objects.get().next_url == HOME


def test_an_account_holding_the_cccd_is_inherited_at_once(client, national, personas):
    response = log_in(client, national, "an", next_url=DOSSIERS)

    assert response.status_code == 302 and response["Location"] == ACCOUNT
    an = ProvincialAccount.objects.get(username=AN_SEED.username)
    assert an.national_sub == PEOPLE["an"]["sub"] and an.inherited_at is not None
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.INHERITED, account=an).count() == 1
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN, account=an).count() == 1
    page = client.get(ACCOUNT).content.decode()
    assert "Tài khoản cũ của Ông/Bà trên Cổng DVC tỉnh đã được kế thừa" in page
    assert AN_CCCD not in page
    # The notice is shown once.
    assert "đã được kế thừa:" not in client.get(ACCOUNT).content.decode()
    assert "000.00.QNA.H47-230901-0012" in client.get(DOSSIERS).content.decode()
    # The token request authenticated the client with its secret (client_secret_basic).
    (token_call,) = national.calls_to(TOKEN_URL)
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert token_call.request.headers["Authorization"] == f"Basic {basic}"
    assert "code_verifier=" in token_call.request.body


def test_the_session_cookie_is_the_provinces_own(client, national, personas):
    log_in(client, national, "an")
    cookie = client.cookies[COOKIE_NAME]
    assert cookie["path"] == "/quang-nam/"
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    session = ProvincialSession.objects.get()
    assert session.key_hash != cookie.value and len(session.key_hash) == 64
    assert session.sid == SID and session.id_token


def test_an_account_tied_to_the_sub_logs_in_without_inheriting_again(client, national, personas):
    log_in(client, national, "an")
    client.cookies.clear()
    response = log_in(client, national, "an", next_url=DOSSIERS)
    assert response["Location"] == DOSSIERS
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.INHERITED).count() == 1
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN).count() == 2
    assert ProvincialSession.objects.filter(ended_at__isnull=True).count() == 2


def test_a_cmnd_only_account_is_offered_for_inheritance(client, national, personas):
    response = log_in(client, national, "nga")
    assert response.status_code == 302 and response["Location"] == INHERIT
    assert not has_provincial_cookie(client)
    page = client.get(INHERIT)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Tô Thị Nga" in html and NGA_CCCD not in html
    assert ProvincialAccount.objects.get(username=NGA_SEED.username).national_sub == ""


def test_the_old_password_inherits_the_account_with_its_dossiers(client, national, personas):
    log_in(client, national, "nga")
    response = client.post(
        INHERIT,
        {"action": "link", "username": NGA_SEED.username, "password": PROVINCIAL_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == ACCOUNT
    nga = ProvincialAccount.objects.get(username=NGA_SEED.username)
    assert (nga.national_sub, nga.cccd_number, nga.cmnd_number) == (
        PEOPLE["nga"]["sub"],
        NGA_CCCD,
        NGA_CMND,
    )
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.INHERITED)
    assert "mật khẩu" in event.detail and NGA_CCCD not in str(event.changes)
    assert "đã được kế thừa" in client.get(ACCOUNT).content.decode()
    dossiers = client.get(DOSSIERS).content.decode()
    assert "000.00.QNA.H47-230412-0007" in dossiers and "000.00.QNA.H47-231105-0031" in dossiers
    assert not LoginFlow.objects.exists()
    # Next time the CCCD and the sub find it at once.
    client.cookies.clear()
    assert log_in(client, national, "nga")["Location"] == HOME


def test_a_wrong_password_keeps_the_username_and_counts(client, national, personas):
    log_in(client, national, "nga")
    response = client.post(
        INHERIT, {"action": "link", "username": NGA_SEED.username, "password": "wrong"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "không đúng" in html and f'value="{NGA_SEED.username}"' in html
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LINK_REFUSED).count() == 1
    assert ProvincialAccount.objects.get(username=NGA_SEED.username).national_sub == ""
    assert not ProvincialSession.objects.exists()


def test_empty_fields_are_refused_in_vietnamese(client, national, personas):
    log_in(client, national, "nga")
    response = client.post(INHERIT, {"action": "link", "username": NGA_SEED.username})
    assert response.status_code == 400
    assert "Vui lòng nhập mật khẩu của tài khoản cũ." in response.content.decode()


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(client, national, personas):
    log_in(client, national, "nga")
    for _ in range(5):
        client.post(INHERIT, {"action": "link", "username": NGA_SEED.username, "password": "x"})
    response = client.post(
        INHERIT,
        {"action": "link", "username": NGA_SEED.username, "password": PROVINCIAL_PASSWORD},
    )
    assert response.status_code == 400
    assert "tạm khoá 15 phút" in response.content.decode()
    assert ProvincialAccount.objects.get(username=NGA_SEED.username).national_sub == ""


def test_too_many_failures_from_one_address_are_refused(client, national, personas):
    log_in(client, national, "nga")
    for number in range(20):
        client.post(INHERIT, {"action": "link", "username": f"nobody{number}", "password": "x"})
    response = client.post(
        INHERIT,
        {"action": "link", "username": NGA_SEED.username, "password": PROVINCIAL_PASSWORD},
    )
    assert response.status_code == 400
    assert "địa chỉ mạng này" in response.content.decode()


def test_an_account_of_another_person_is_not_inherited(client, national, personas):
    # Hoa knows Nga's password: the name and birth date from the service do not match.
    log_in(client, national, "hoa")
    response = client.post(
        INHERIT,
        {"action": "link", "username": NGA_SEED.username, "password": PROVINCIAL_PASSWORD},
    )
    assert response.status_code == 400
    assert "không khớp" in response.content.decode()
    nga = ProvincialAccount.objects.get(username=NGA_SEED.username)
    assert (nga.national_sub, nga.cccd_number) == ("", "")
    refused = AuditEvent.objects.get(kind=AuditEvent.Kind.LINK_REFUSED)
    assert refused.account == nga and "không khớp" in refused.detail


def test_an_inherited_account_cannot_be_inherited_twice(client, national, personas):
    ProvincialAccount.objects.filter(username=NGA_SEED.username).update(national_sub="other")
    log_in(client, national, "nga")
    response = client.post(
        INHERIT,
        {"action": "link", "username": NGA_SEED.username, "password": PROVINCIAL_PASSWORD},
    )
    assert response.status_code == 400
    assert "đã được kế thừa bởi một tài khoản định danh điện tử khác" in response.content.decode()


def test_a_citizen_without_an_old_account_gets_a_new_empty_one(client, national, personas):
    log_in(client, national, "hoa")
    response = client.post(INHERIT, {"action": "none"})
    assert response.status_code == 302 and response["Location"] == ACCOUNT
    hoa = ProvincialAccount.objects.get(cccd_number=HOA_CCCD)
    assert hoa.origin == ProvincialAccount.Origin.VNEID
    assert hoa.national_sub == PEOPLE["hoa"]["sub"] and hoa.birth_date == date(1995, 1, 9)
    assert not is_password_usable(hoa.password)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCOUNT_CREATED, account=hoa).exists()
    page = client.get(ACCOUNT).content.decode()
    assert "tài khoản mới, chưa có hồ sơ nào" in page
    assert "chưa có tài khoản trên Cổng DVC tỉnh trước đây" in page
    assert "chưa có hồ sơ nào" in client.get(DOSSIERS).content.decode()


def test_a_citizen_who_skips_gets_a_new_account_and_is_told_what_it_means(
    client, national, personas
):
    log_in(client, national, "nga")
    client.post(INHERIT, {"action": "new"})
    nga_new = ProvincialAccount.objects.get(cccd_number=NGA_CCCD)
    assert nga_new.origin == ProvincialAccount.Origin.VNEID
    assert "bỏ qua việc kế thừa" in client.get(ACCOUNT).content.decode()
    # The old account is untouched, with its dossiers.
    assert ProvincialAccount.objects.get(username=NGA_SEED.username).dossiers.count() == 2


def test_the_offer_without_a_login_under_way_says_it_expired(client, db):
    response = client.get(INHERIT)
    assert response.status_code == 400
    assert "không còn hiệu lực" in response.content.decode()


def test_pages_of_the_account_send_a_visitor_to_the_login(client, db):
    response = client.get(DOSSIERS)
    assert response.status_code == 302
    assert response["Location"] == "/quang-nam/dang-nhap/?next=%2Fquang-nam%2Fho-so%2F"


def test_a_locked_account_does_not_log_in(client, national, personas):
    ProvincialAccount.objects.filter(username=AN_SEED.username).update(is_active=False)
    response = log_in(client, national, "an")
    assert response.status_code == 403
    assert "đã bị khoá" in response.content.decode()
    assert not ProvincialSession.objects.exists()


def test_the_hops_of_a_login_are_recorded_for_the_trainer(client, national, personas):
    from datetime import timedelta

    from django.utils import timezone

    from provincial_portal.services import requests_answered

    since = timezone.now() - timedelta(seconds=5)
    log_in(client, national, "nga")
    client.post(
        INHERIT,
        {"action": "link", "username": NGA_SEED.username, "password": PROVINCIAL_PASSWORD},
    )
    hops = requests_answered([NGA_CMND], since=since)
    assert [(hop.endpoint, hop.status_code) for hop in reversed(hops)] == [
        ("dang-nhap", 302),
        ("callback", 302),
        ("ke-thua", 302),
    ]
    assert all(hop.masked_number != NGA_CMND for hop in hops)


def test_configured_addresses_override_those_derived_from_the_request(
    client, national, personas, settings
):
    settings.PROVINCIAL_PORTAL = {
        **settings.PROVINCIAL_PORTAL,
        "REDIRECT_URI": "https://qnam.example/quang-nam/dang-nhap/callback/",
        "POST_LOGOUT_REDIRECT_URI": "https://qnam.example/quang-nam/",
    }
    request = start(client)
    assert request["redirect_uri"] == "https://qnam.example/quang-nam/dang-nhap/callback/"
    national.answer("an", request["nonce"])
    client.get(CALLBACK, {"code": "code-1", "state": request["state"]})
    (token_call,) = national.calls_to(TOKEN_URL)
    assert "redirect_uri=https%3A%2F%2Fqnam.example" in token_call.request.body
    logout = client.post("/quang-nam/dang-xuat/")
    assert (
        "post_logout_redirect_uri=https%3A%2F%2Fqnam.example%2Fquang-nam%2F" in logout["Location"]
    )
