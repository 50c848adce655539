"""Guided mode: the panel names the guide's step for the screen and the session's state."""

import pytest
from django.urls import reverse

from accounts.middleware import CCCD_PROMPT_SKIPPED
from identity.relying_party.state import ID_TOKEN_SESSION_KEY
from portal.guide import GUIDE_COOKIE
from tests.accounts.factories import UserFactory


def _guided(client):
    client.cookies[GUIDE_COOKIE] = "1"
    return client


def _panel_step(response):
    html = response.content.decode()
    if 'data-testid="guide-panel"' not in html:
        return None
    return int(html.split('data-guide-step="', 1)[1][0])


@pytest.mark.django_db
def test_panel_is_absent_until_guided_mode_is_turned_on(client):
    response = client.get(reverse("accounts:login"))
    assert _panel_step(response) is None
    assert "Hướng dẫn: tắt" in response.content.decode()


@pytest.mark.django_db
def test_toggle_sets_and_clears_the_cookie_and_returns_to_the_screen(client):
    login_url = reverse("accounts:login")
    response = client.post(reverse("portal:toggle_guide"), {"on": "1", "next": login_url})
    assert response.status_code == 302 and response["Location"] == login_url
    assert response.cookies[GUIDE_COOKIE].value == "1"
    assert _panel_step(client.get(login_url)) == 1
    response = client.post(reverse("portal:toggle_guide"), {"on": "0", "next": login_url})
    assert response.cookies[GUIDE_COOKIE].value == ""
    assert _panel_step(client.get(login_url)) is None


@pytest.mark.django_db
def test_toggle_refuses_to_redirect_to_another_site(client):
    response = client.post(
        reverse("portal:toggle_guide"), {"on": "1", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("portal:home")


@pytest.mark.django_db
def test_toggle_answers_only_post(client):
    assert client.get(reverse("portal:toggle_guide")).status_code == 405


@pytest.mark.django_db
def test_login_screen_shows_step_one_in_the_guides_words(client):
    response = _guided(client).get(reverse("accounts:login"))
    assert _panel_step(response) == 1
    assert "Bước 1: Đăng nhập hệ thống" in response.content.decode()
    assert "chọn đăng nhập bằng Tài khoản được cấp Cổng" in response.content.decode()


@pytest.mark.django_db
def test_cccd_screen_shows_step_two_and_says_step_three_comes_next(client):
    client.force_login(UserFactory())
    response = _guided(client).get(reverse("accounts:update_cccd"))
    html = response.content.decode()
    assert _panel_step(response) == 2
    assert "Bước 2: Hệ thống kiểm tra tài khoản sau khi đăng nhập" in html
    assert "nhập số CCCD và chọn nút “Cập nhật”" in html
    # The panel comes before the form and is not laid over it.
    assert html.index('data-testid="guide-panel"') < html.index('data-testid="cccd-form"')


@pytest.mark.django_db
def test_skipped_account_is_sent_to_the_identity_screen(client):
    client.force_login(UserFactory())
    _guided(client)
    session = client.session
    session[CCCD_PROMPT_SKIPPED] = True
    session.save()
    response = client.get(reverse("accounts:account"))
    assert _panel_step(response) == 3
    assert "chọn “Thông tin định danh”" in response.content.decode()
    response = client.get(reverse("accounts:identity"))
    assert "Chọn “Cập nhật từ CSDL Quốc gia về Dân cư”" in response.content.decode()


@pytest.mark.django_db
def test_linked_account_is_told_to_log_in_with_vneid_next(client):
    client.force_login(UserFactory(cccd_number="001085004321"))
    response = _guided(client).get(reverse("accounts:account"))
    assert _panel_step(response) == 3
    assert "Bước 4: Sau khi đã thực hiện liên kết tài khoản" in response.content.decode()


@pytest.mark.django_db
def test_vneid_login_finishes_the_walk(client):
    client.force_login(UserFactory(cccd_number="001085004321"))
    session = client.session
    session[ID_TOKEN_SESSION_KEY] = "header.payload.signature"
    session.save()
    response = _guided(client).get(reverse("portal:dossiers"))
    assert _panel_step(response) == 4
    assert "Đăng nhập thành công" in response.content.decode()


@pytest.mark.django_db
def test_guided_mode_is_off_when_the_sandbox_is(client, settings):
    settings.SANDBOX_ENABLED = False
    response = _guided(client).get(reverse("accounts:login"))
    assert _panel_step(response) is None


@pytest.mark.django_db
def test_vneid_pages_outside_the_login_show_no_panel(client):
    response = _guided(client).get(reverse("vneid:app_home"))
    assert response.status_code == 200
    assert _panel_step(response) is None
