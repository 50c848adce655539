"""'TÀI KHOẢN ĐƯỢC CẤP': the national portal's issued accounts at the chooser."""

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache

from accounts import login_policy
from identity.national_login.models import AuditEvent, AuthorizationCode, LoginSession
from tests.accounts.factories import PASSWORD, UserFactory

from .conftest import (
    CHOOSER_PATH,
    USERINFO_PATH,
    authorize,
    exchange,
    follow_to_portal,
    query_of,
)


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    cache.clear()
    yield
    cache.clear()


def open_chooser(client, **params):
    response = authorize(client, prompt="login", **params)
    assert response["Location"].startswith(CHOOSER_PATH)
    return query_of(response["Location"])["sessionDataKey"]


def submit(client, key, username, password):
    return client.post(
        CHOOSER_PATH,
        {"sessionDataKey": key, "method": "issued", "username": username, "password": password},
    )


def test_an_issued_account_logs_in_at_loa1_with_the_dvcqg_attributes(client, vneid, portal):
    account = UserFactory(full_name="Trần Văn Cấp")
    key = open_chooser(client)
    location = follow_to_portal(client, submit(client, key, account.username, PASSWORD))
    tokens = exchange(client, query_of(location)["code"]).json()
    info = client.get(USERINFO_PATH, HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    claims = info.json()
    assert claims["loginIdp"] == "DVCQG"
    assert claims["HoVaTen"] == "Trần Văn Cấp"
    # A CMND only: SoDinhDanh is the empty string, never the CMND.
    assert claims["SoDinhDanh"] == ""
    assert claims["NgayThangNamSinh"] == "19880412"
    assert LoginSession.objects.get().acr == "LoA1"
    assert not [call for call in vneid.mock.calls if "vneid.test" in call.request.url]


def test_an_issued_account_with_a_linked_cccd_sends_it(client, vneid, portal):
    account = UserFactory(cccd_number="001085004321")
    key = open_chooser(client)
    location = follow_to_portal(client, submit(client, key, "001085004321", PASSWORD))
    tokens = exchange(client, query_of(location)["code"]).json()
    info = client.get(USERINFO_PATH, HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert info.json()["SoDinhDanh"] == account.cccd_number


def test_a_wrong_password_is_refused_on_the_chooser(client, vneid, portal):
    account = UserFactory()
    key = open_chooser(client)
    response = submit(client, key, account.username, "wrong")
    assert response.status_code == 200
    assert "không đúng" in response.content.decode()
    assert not AuthorizationCode.objects.exists()
    assert AccessAttempt.objects.filter(username=account.username).exists()


def test_repeated_wrong_passwords_lock_the_account_on_the_services_page(client, vneid, portal):
    account = UserFactory()
    key = open_chooser(client)
    for _ in range(5):
        submit(client, key, account.username, "wrong")
    locked = submit(client, key, account.username, PASSWORD)
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "tạm thời bị khoá" in text
    assert "TÀI KHOẢN ĐƯỢC CẤP" in text, "the service's own chooser, not the portal's login"
    assert not AuthorizationCode.objects.exists()


def test_issued_accounts_are_refused_server_side_under_vneid_only(client, vneid, portal):
    account = UserFactory()
    key = open_chooser(client)
    login_policy.set_policy(policy="vneid_only", changed_by="test")
    page = client.get(f"{CHOOSER_PATH}?sessionDataKey={key}")
    text = page.content.decode()
    assert "01/7/2024" in text
    assert 'name="password"' not in text
    refused = submit(client, key, account.username, PASSWORD)
    assert refused.status_code == 403
    assert "VNeID" in refused.content.decode()
    assert not AuthorizationCode.objects.exists()
    assert not AccessAttempt.objects.exists(), "the password was not even checked"
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_REFUSED).count() == 1


def test_an_issued_account_cannot_serve_a_loa2_portal(client, vneid, portal):
    account = UserFactory()
    key = open_chooser(client, acr_values="LoA2")
    refused = submit(client, key, account.username, PASSWORD)
    assert refused.status_code == 403
    assert "Tài khoản được cấp chỉ có mức xác thực 1" in refused.content.decode()
    assert not AuthorizationCode.objects.exists()


def test_an_empty_form_names_the_missing_fields(client, vneid, portal):
    key = open_chooser(client)
    response = submit(client, key, "", "")
    assert response.status_code == 200
    assert "Vui lòng nhập tên đăng nhập." in response.content.decode()


@pytest.mark.parametrize("typed", ["0401234566", "0401 234 566", "0401234566001"])
def test_a_tax_code_is_sent_to_the_organisation_option_without_checking_a_password(
    client, vneid, portal, typed
):
    key = open_chooser(client)
    response = submit(client, key, typed, "ToChucSandbox@2026")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mã số thuế là tên đăng nhập của tài khoản tổ chức" in page
    assert "TỔ CHỨC – Tài khoản định danh điện tử tổ chức (VNeID)" in page
    assert not AccessAttempt.objects.exists(), "no password was checked, no failure counted"
    assert not LoginSession.objects.exists()
