"""The legacy login (guide step 1), logout and password reset."""

import re

import captcha.conf.settings as captcha_settings
import pytest
from captcha.models import CaptchaStore
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse

from accounts.models import AuditEntry
from accounts.services import reset_password

from .conftest import NGA_CCCD, NGA_CMND
from .factories import PASSWORD, UserFactory

LOGIN_URL = "/dang-nhap/"


def login_data(username, password=PASSWORD, captcha="PASSED", **extra):
    """Return a login POST; CAPTCHA_TEST_MODE (test settings) accepts the answer PASSED."""
    return {
        "username": username,
        "password": password,
        "captcha_0": "any-key",
        "captcha_1": captcha,
        **extra,
    }


@pytest.fixture
def linked(db):
    return UserFactory(full_name="Nguyễn Văn An", cccd_number="001085004321")


def test_login_page_shows_the_guide_texts(client, db):
    page = client.get(LOGIN_URL).content.decode()

    assert "<title>Đăng nhập" in page
    for text in (
        ">Đăng nhập</h1>",
        ">CMT/CCCD</button>",
        ">USB ký số</button>",
        ">Sim ký số</button>",
        ">Tên đăng nhập</label>",
        'placeholder="Nhập CMT/CCCD"',
        ">Mật khẩu</label>",
        'placeholder="Nhập mật khẩu"',
        ">Nhập mã xác thực</label>",
        ">Quên mật khẩu?</a>",
        'type="submit">Đăng nhập</button>',
        "Hoặc đăng nhập bằng",
        'data-testid="login-vneid"',
    ):
        assert text in page, text
    assert 'href="/quen-mat-khau/"' in page


def test_login_page_has_no_tab_that_says_it_is_not_simulated(client, db):
    page = client.get(LOGIN_URL).content.decode()

    assert 'id="vneid-modal"' not in page
    assert "chưa được mô phỏng" not in page


def test_login_page_captcha_image_and_refresh_work(client, db):
    page = client.get(LOGIN_URL).content.decode()
    image_url = re.search(r'src="(/captcha/image/\w+/)"', page).group(1)
    assert 'data-captcha-refresh="/captcha/refresh/"' in page

    image = client.get(image_url)
    refreshed = client.get("/captcha/refresh/", headers={"x-requested-with": "XMLHttpRequest"})

    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    data = refreshed.json()
    assert CaptchaStore.objects.filter(hashkey=data["key"]).exists()
    assert data["image_url"] == f"/captcha/image/{data['key']}/"


def test_login_by_cmnd_of_a_linked_account_goes_to_the_home_page(client, linked):
    response = client.post(LOGIN_URL, login_data(linked.username))

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert client.session["_auth_user_id"] == str(linked.pk)


def test_login_by_linked_cccd_logs_into_the_same_account(client, linked):
    response = client.post(LOGIN_URL, login_data("0010 8500 4321"))

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(linked.pk)


def test_login_accepts_full_width_digits_and_dots(client, linked):
    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in linked.username)

    response = client.post(LOGIN_URL, login_data(full_width))

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(linked.pk)


def test_login_without_cccd_goes_to_the_cccd_screen_with_the_destination(client, nga):
    response = client.post(LOGIN_URL + "?next=/ho-so/", login_data(NGA_CMND, next="/ho-so/"))

    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/cap-nhat-cccd/?next=%2Fho-so%2F"


def test_login_with_wrong_password_says_so_and_does_not_log_in(client, linked):
    response = client.post(LOGIN_URL, login_data(linked.username, password="sai-mat-khau"))

    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_rejects_a_username_that_is_not_a_cmnd_or_cccd(client, db):
    response = client.post(LOGIN_URL, login_data("12345"))

    form = response.context["form"]
    assert form.has_error("username", code="username_format")
    assert "Tên đăng nhập là số CMT (9 hoặc 12 chữ số)" in response.content.decode()


@pytest.mark.parametrize("username", ["١٦٤٤٣٨٠٥٦", "۰۳۷۱۹۰۶۱۲۳۴۵"])
def test_login_rejects_arabic_indic_digits_as_not_a_cmnd_or_cccd(client, db, username):
    response = client.post(LOGIN_URL, login_data(username))

    assert response.context["form"].has_error("username", code="username_format")


def test_login_takes_a_number_typed_in_full_width_digits(client, linked):
    typed = linked.username.translate(str.maketrans("0123456789", "０１２３４５６７８９"))

    response = client.post(LOGIN_URL, login_data(typed + "\n"))

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_login_of_a_locked_account_says_it_is_locked(client, db):
    locked = UserFactory(locked=True)

    response = client.post(LOGIN_URL, login_data(locked.username))

    assert response.context["form"].has_error("__all__", code="inactive")
    assert "Tài khoản của bạn đã bị khoá" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_of_a_locked_account_with_a_wrong_password_does_not_reveal_the_lock(client, db):
    locked = UserFactory(locked=True)

    response = client.post(LOGIN_URL, login_data(locked.username, password="sai"))

    assert response.context["form"].has_error("__all__", code="invalid_login")


def test_a_locked_account_loses_its_open_session(client, linked):
    client.force_login(linked)
    linked.is_active = False
    linked.save()

    response = client.get(reverse("accounts:identity"))

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_captcha_is_required(client, linked):
    data = login_data(linked.username)
    del data["captcha_1"]

    response = client.post(LOGIN_URL, data)

    assert "Vui lòng nhập mã xác thực." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.fixture
def real_captcha(monkeypatch):
    """Turn off the automation answer so the captcha is checked for real."""
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", False)
    key = CaptchaStore.generate_key()
    return CaptchaStore.objects.get(hashkey=key)


def test_wrong_captcha_is_refused_before_the_password_is_tried(client, linked, real_captcha):
    data = login_data(linked.username, captcha="sai-ma")
    data["captcha_0"] = real_captcha.hashkey

    response = client.post(LOGIN_URL, data)

    form = response.context["form"]
    assert form.has_error("captcha", code="invalid")
    assert not form.has_error("__all__")
    assert "Mã xác thực không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_right_captcha_answer_logs_in(client, linked, real_captcha):
    data = login_data(linked.username, captcha=real_captcha.response)
    data["captcha_0"] = real_captcha.hashkey

    response = client.post(LOGIN_URL, data)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(linked.pk)


def test_captcha_test_mode_answer_passed_logs_in(client, linked):
    assert settings.CAPTCHA_TEST_MODE

    response = client.post(LOGIN_URL, login_data(linked.username, captcha="PASSED"))

    assert response.status_code == 302


def test_five_failures_lock_the_login_with_a_message_and_429(client, linked):
    statuses = [
        client.post(LOGIN_URL, login_data(linked.username, password="sai")).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    locked = client.post(LOGIN_URL, login_data(linked.username))

    assert statuses == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Bạn đã đăng nhập sai quá 5 lần" in page
    assert "tạm thời bị khoá trong 15 phút" in page
    assert 'data-testid="login-form"' in page
    assert "_auth_user_id" not in client.session


def test_login_rotates_the_session_id(client, linked):
    before = client.session
    before["probe"] = "anonymous visit"
    before.save()
    old_key = before.session_key

    client.post(LOGIN_URL, login_data(linked.username))

    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    assert client.session["_auth_user_id"] == str(linked.pk)


@pytest.mark.parametrize(
    "next_url",
    [
        "//evil.com",
        "https://evil.com",
        "http://evil.com/ho-so/",
        "/\\evil.com",
        "javascript:alert(1)",
        "https:///evil.com",
    ],
)
def test_login_ignores_a_next_that_leaves_the_site(client, linked, next_url):
    response = client.post(LOGIN_URL, login_data(linked.username, next=next_url))

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_login_follows_a_next_on_this_site(client, linked):
    response = client.post(LOGIN_URL, login_data(linked.username, next="/ho-so/?trang=2"))

    assert response["Location"] == "/ho-so/?trang=2"


def test_login_page_of_a_logged_in_account_goes_on(client, linked):
    client.force_login(linked)

    response = client.get(LOGIN_URL + "?next=/ho-so/")

    assert response["Location"] == "/ho-so/"


def test_logout_get_shows_a_confirm_button(client, linked):
    client.force_login(linked)

    page = client.get("/dang-xuat/").content.decode()

    assert 'action="/dang-xuat/"' in page
    assert 'type="submit">Đăng xuất</button>' in page
    assert "_auth_user_id" in client.session


def test_logout_post_ends_the_session(client, linked):
    client.force_login(linked)

    response = client.post("/dang-xuat/", follow=True)

    assert response.redirect_chain[0][0] == reverse("portal:home")
    assert "_auth_user_id" not in client.session
    assert "Bạn đã đăng xuất" in response.content.decode()


def test_logout_page_of_an_anonymous_visitor_links_to_login(client, db):
    page = client.get("/dang-xuat/").content.decode()

    assert 'href="/dang-nhap/"' in page


def _request_reset(client, username, email):
    return client.post(
        "/quen-mat-khau/email/",
        {"username": username, "email": email, "captcha_0": "k", "captcha_1": "PASSED"},
    )


def test_password_reset_mails_a_link_that_sets_a_new_password(client, nga):
    response = _request_reset(client, NGA_CMND, "TO.THI.NGA@example.vn")

    assert response["Location"] == "/quen-mat-khau/da-gui/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["to.thi.nga@example.vn"]
    assert message.subject == "Đặt lại mật khẩu tài khoản Cổng Dịch vụ công Quốc gia"
    assert NGA_CMND not in message.body
    link = re.search(r"http://testserver(/quen-mat-khau/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    set_password_url = form_page.redirect_chain[-1][0]
    assert "Đặt mật khẩu mới" in form_page.content.decode()
    done = client.post(
        set_password_url,
        {"new_password1": "Moi-Mat-Khau-2026", "new_password2": "Moi-Mat-Khau-2026"},
    )

    assert done["Location"] == "/quen-mat-khau/hoan-tat/"
    nga.refresh_from_db()
    assert nga.check_password("Moi-Mat-Khau-2026")
    assert nga.audit_entries.filter(action=AuditEntry.Action.PASSWORD_RESET).count() == 1
    assert client.get(link).context["validlink"] is False


def test_a_password_reset_lifts_the_login_lock(client, linked):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN_URL, login_data(linked.username, password="sai"))
    assert client.post(LOGIN_URL, login_data(linked.username)).status_code == 429

    reset_password(account=linked, new_password="Moi-Mat-Khau-2026")

    response = client.post(LOGIN_URL, login_data(linked.username, password="Moi-Mat-Khau-2026"))
    assert response.status_code == 302


def test_password_reset_by_linked_cccd_works_too(client, db):
    account = UserFactory(cccd_number=NGA_CCCD, email="chu.tai.khoan@example.vn")

    _request_reset(client, NGA_CCCD, account.email)

    assert mail.outbox[0].to == [account.email]


def test_password_reset_with_another_email_sends_nothing_and_says_the_same(client, nga):
    response = _request_reset(client, NGA_CMND, "nguoi.khac@example.vn")

    assert response["Location"] == "/quen-mat-khau/da-gui/"
    assert mail.outbox == []


def test_password_reset_of_a_locked_account_sends_nothing(client, db):
    locked = UserFactory(locked=True)

    _request_reset(client, locked.username, locked.email)

    assert mail.outbox == []


def test_password_reset_email_page_shows_its_form(client, db):
    page = client.get("/quen-mat-khau/email/").content.decode()

    assert "Quên mật khẩu" in page
    assert 'name="username"' in page
    assert 'name="email"' in page
    assert ">Nhập mã xác thực</label>" in page


def test_login_page_with_next_pointing_at_itself_does_not_loop(client, linked):
    client.force_login(linked)

    response = client.get(LOGIN_URL + "?next=/dang-nhap/")

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
