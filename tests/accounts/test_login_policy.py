"""The login page and the password login under each PORTAL_LOGIN_POLICY."""

import pytest
from axes.models import AccessAttempt

from accounts import login_policy

from .conftest import NGA_CMND
from .factories import UserFactory
from .test_login import LOGIN_URL, login_data

BANNER = 'data-testid="policy-banner"'


@pytest.fixture
def policy(db):
    """Switch the policy the way the sandbox console does."""

    def switch(value):
        login_policy.set_policy(policy=value, changed_by="test")

    return switch


@pytest.fixture
def an(db):
    return UserFactory(full_name="Nguyễn Văn An", cccd_number="001085004321")


def test_legacy_shows_the_tabs_without_a_banner_and_logs_in_by_password(client, policy, an):
    policy("legacy")

    page = client.get(LOGIN_URL).content.decode()
    response = client.post(LOGIN_URL, login_data(an.username, next="/ho-so/"))

    assert 'data-testid="login-form"' in page
    assert BANNER not in page
    assert response.status_code == 302
    assert response["Location"] == "/ho-so/"
    assert client.session["_auth_user_id"] == str(an.pk)


def test_transition_shows_the_link_banner_and_logs_in_by_password(client, policy, an):
    policy("transition")

    page = client.get(LOGIN_URL).content.decode()
    response = client.post(LOGIN_URL, login_data(an.username))

    assert BANNER in page
    assert "Nghị định số 59/2022/NĐ-CP" in page
    assert "01/7/2024" in page
    assert "cập nhật số CCCD để kế thừa hồ sơ" in page
    assert 'data-testid="login-form"' in page
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(an.pk)


def test_vneid_only_tabs_explain_the_change_and_offer_vneid(client, policy):
    policy("vneid_only")

    page = client.get(f"{LOGIN_URL}?next=/ho-so/").content.decode()

    assert 'data-testid="login-form"' not in page
    assert 'name="password"' not in page
    assert BANNER not in page
    for tab in (">CMT/CCCD</button>", ">USB ký số</button>", ">Sim ký số</button>"):
        assert tab in page
    for pane, method in (
        ("password", "số CMT/CCCD và mật khẩu"),
        ("usb", "chứng thư số trên USB ký số"),
        ("sim", "Sim ký số"),
    ):
        assert f'data-testid="vneid-only-{pane}"' in page
        assert f"Cổng không còn đăng nhập bằng {method}." in page
        assert f'href="/dang-nhap/vneid/?next=/ho-so/" data-testid="login-vneid-{pane}"' in page
    assert page.count("Đăng nhập bằng VNeID</a>") == 3
    assert page.count("Từ ngày 01/7/2024, VNeID là tài khoản duy nhất") == 3
    assert "liên kết tài khoản cũ, xác nhận bằng mật khẩu cũ" in page


def test_vneid_only_refuses_a_password_login_posted_anyway(client, policy, an):
    policy("vneid_only")

    response = client.post(LOGIN_URL, login_data(an.username, next="/ho-so/"))

    page = response.content.decode()
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert 'data-testid="policy-refusal"' in page
    assert "Cổng không còn đăng nhập bằng số CMT/CCCD và mật khẩu" in page
    assert 'data-testid="login-vneid-password"' in page
    an.refresh_from_db()
    assert an.last_login is None


def test_vneid_only_refusal_checks_no_password_and_counts_no_failure(client, policy, an):
    policy("vneid_only")

    for _ in range(6):
        client.post(LOGIN_URL, login_data(an.username, password="wrong-password"))

    assert not AccessAttempt.objects.exists()
    policy("transition")
    response = client.post(LOGIN_URL, login_data(an.username))
    assert response.status_code == 302


def test_switching_back_from_vneid_only_restores_the_password_login(client, policy, an):
    policy("vneid_only")
    assert client.post(LOGIN_URL, login_data(an.username)).status_code == 403

    login_policy.clear_override()

    assert client.post(LOGIN_URL, login_data(an.username)).status_code == 302


def test_the_setting_alone_switches_to_vneid_only(client, settings, an):
    settings.PORTAL_LOGIN_POLICY = "vneid_only"

    response = client.post(LOGIN_URL, login_data(an.username))

    assert response.status_code == 403


def test_vneid_only_keeps_the_password_reset_for_proving_an_old_account(client, policy, db):
    policy("vneid_only")
    UserFactory(username=NGA_CMND, cmnd_number=NGA_CMND, email="nga@example.vn")

    response = client.get("/quen-mat-khau/")

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("value", "marker"),
    [
        ("legacy", None),
        ("transition", 'data-testid="policy-banner"'),
        ("vneid_only", 'data-testid="policy-vneid-only"'),
    ],
)
def test_home_page_tells_each_policy(client, policy, value, marker):
    policy(value)

    page = client.get("/").content.decode()

    for other in ('data-testid="policy-banner"', 'data-testid="policy-vneid-only"'):
        assert (other in page) == (other == marker)


def test_transition_banner_leaves_out_accounts_that_already_linked(client, policy, an):
    policy("transition")
    client.force_login(an)

    page = client.get("/").content.decode()

    assert BANNER not in page
