"""The sandbox console shows and switches the portal's login policy."""

from accounts import login_policy
from accounts.models import LoginPolicyOverride

SWITCH_URL = "/sandbox/login-policy/"


def test_console_shows_the_policy_from_the_setting(client, db, settings):
    settings.PORTAL_LOGIN_POLICY = "transition"

    page = client.get("/sandbox/").content.decode()

    assert (
        'data-testid="login-policy">Giai đoạn chuyển đổi: mọi cách đăng nhập, nhắc liên kết CCCD<'
        in page
    )
    assert "theo cấu hình <code>PORTAL_LOGIN_POLICY</code>" in page
    assert f'action="{SWITCH_URL}"' in page


def test_console_switches_to_vneid_only_and_the_login_page_follows(client, db):
    response = client.post(SWITCH_URL, {"policy-policy": "vneid_only"}, follow=True)

    page = response.content.decode()
    assert "Chính sách đăng nhập của Cổng: Từ 01/7/2024: VNeID là tài khoản duy nhất." in page
    assert 'data-testid="login-policy">Từ 01/7/2024: VNeID là tài khoản duy nhất<' in page
    assert "chọn tại bàn điều khiển" in page
    assert LoginPolicyOverride.objects.get().changed_by == "Bàn điều khiển thử nghiệm"
    login_page = client.get("/dang-nhap/").content.decode()
    assert 'data-testid="vneid-only-tabs"' in login_page


def test_console_returns_the_policy_to_the_setting(client, db, settings):
    settings.PORTAL_LOGIN_POLICY = "legacy"
    login_policy.set_policy(policy="vneid_only")

    client.post(SWITCH_URL, {"policy-policy": "setting"})

    assert not LoginPolicyOverride.objects.exists()
    assert login_policy.current().value == "legacy"


def test_console_refuses_an_unknown_policy_and_keeps_the_current_one(client, db):
    login_policy.set_policy(policy="transition")

    response = client.post(SWITCH_URL, {"policy-policy": "everyone"}, follow=True)

    assert "Chính sách đăng nhập không hợp lệ" in response.content.decode()
    assert login_policy.current().value == "transition"


def test_the_switch_answers_only_post(client, db):
    assert client.get(SWITCH_URL).status_code == 405


def test_the_switch_is_gone_when_the_sandbox_is_off(client, db, settings):
    settings.SANDBOX_ENABLED = False

    assert client.post(SWITCH_URL, {"policy-policy": "vneid_only"}).status_code == 404
    assert not LoginPolicyOverride.objects.exists()


def test_the_organisation_cut_off_refuses_legacy_organisations_at_both_portals(client, db):
    from provincial_portal import services as province

    response = client.post(SWITCH_URL, {"policy-policy": "vneid_only_all"}, follow=True)

    assert "VNeID là tài khoản duy nhất của công dân và tổ chức" in response.content.decode()
    assert not login_policy.current().allows_legacy_organisation_logins
    assert province.organisation_legacy_login_allowed() is False

    client.post(SWITCH_URL, {"policy-policy": "vneid_only"})

    assert login_policy.current().allows_legacy_organisation_logins
    assert province.organisation_legacy_login_allowed() is True


def test_returning_to_the_setting_returns_the_province_to_its_own_setting(client, db, settings):
    from provincial_portal import services as province

    configured = getattr(settings, "PROVINCIAL_PORTAL", None) or {}
    settings.PROVINCIAL_PORTAL = {**configured, "ORGANISATION_LEGACY_LOGIN": False}
    client.post(SWITCH_URL, {"policy-policy": "legacy"})
    assert province.organisation_legacy_login_allowed() is True

    client.post(SWITCH_URL, {"policy-policy": "setting"})

    assert province.organisation_legacy_login_allowed() is False
