"""The provincial portal of Quảng Nam in a real browser, at 1280 and 360 px, checked by axe.

The whole chain is real: the province's "Đăng nhập" → the national login service's chooser →
VNeID's login page → back on the province, with An's old account inherited by SoDinhDanh.
"""

from dataclasses import asdict
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from identity.national_login import services as national_login
from provincial_portal.services import client_registration
from tests.personas import AN_CCCD, NGA_CCCD, VNEID_PASSWORD
from tests.provincial_portal.factories import NGA_SEED, PROVINCIAL_PASSWORD, seed_nga_and_an
from vneid.services import ensure_client as ensure_vneid_client

pytestmark = pytest.mark.browser


@pytest.fixture
def province(sandbox_server, settings):
    base = sandbox_server.url
    settings.PROVINCIAL_PORTAL = {
        **settings.PROVINCIAL_PORTAL,
        "NATIONAL_LOGIN_ISSUER": f"{base}/xacthuc",
        "TIMEOUT_SECONDS": 15,
    }
    settings.NATIONAL_LOGIN = {
        **settings.NATIONAL_LOGIN,
        "VNEID_ISSUER": f"{base}/vneid",
        "VNEID_TIMEOUT_SECONDS": 15,
    }
    ensure_vneid_client(
        client_id=settings.NATIONAL_LOGIN["VNEID_CLIENT_ID"],
        client_secret=settings.NATIONAL_LOGIN["VNEID_CLIENT_SECRET"],
        name="Hệ thống xác thực (thử nghiệm)",
        redirect_uris=[f"{base}/xacthuc/vneid/callback"],
    )
    national_login.ensure_client(**asdict(client_registration([base])))
    seed_nga_and_an()
    return base


def test_home_and_the_inheritance_result_read_well_on_desktop_and_phone(page, province):
    page.goto(f"{province}/quang-nam/")
    expect(
        page.get_by_role("heading", name="Dịch vụ công trực tuyến của tỉnh Quảng Nam")
    ).to_be_visible()
    expect(page.get_by_test_id("qnam-footer")).to_have_text(
        "UBND tỉnh Quảng Nam — Sở Thông tin và Truyền thông (môi trường thử nghiệm)"
    )
    # Its own colours: the province's green header, not the national portal's red or blue.
    header = page.get_by_test_id("qnam-header")
    assert header.evaluate("(el) => getComputedStyle(el).backgroundColor") == "rgb(11, 93, 75)"
    page.screens.shot("home")

    page.get_by_test_id("qnam-login").click()
    page.get_by_test_id("xacthuc-choose-vneid").click()
    form = page.get_by_test_id("vneid-login-form")
    form.get_by_label("Số định danh cá nhân").fill(AN_CCCD)
    form.get_by_label("Mật khẩu", exact=True).fill(VNEID_PASSWORD)
    form.get_by_role("button", name="Đăng nhập").click()

    expect(page).to_have_url(f"{province}/quang-nam/tai-khoan/")
    expect(page.get_by_test_id("qnam-notice")).to_contain_text(
        "Tài khoản cũ của Ông/Bà trên Cổng DVC tỉnh đã được kế thừa"
    )
    expect(page.get_by_test_id("qnam-user")).to_have_text("Nguyễn Văn An")
    expect(page.get_by_test_id("qnam-origin")).to_contain_text("đã được kế thừa")
    assert AN_CCCD not in page.content()
    page.screens.shot("inherited")


def test_an_old_account_holding_only_a_cmnd_is_inherited_by_its_password(page, province):
    page.goto(f"{province}/quang-nam/")
    page.get_by_test_id("qnam-login").click()
    page.get_by_test_id("xacthuc-choose-vneid").click()
    form = page.get_by_test_id("vneid-login-form")
    form.get_by_label("Số định danh cá nhân").fill(NGA_CCCD)
    form.get_by_label("Mật khẩu", exact=True).fill(VNEID_PASSWORD)
    form.get_by_role("button", name="Đăng nhập").click()

    expect(page).to_have_url(f"{province}/quang-nam/dang-nhap/ke-thua/")
    offer = page.get_by_test_id("qnam-inherit-form")
    offer.get_by_label("Tên đăng nhập tài khoản cũ").fill(NGA_SEED.username)
    offer.get_by_label("Mật khẩu tài khoản cũ").fill("not-her-password")
    offer.get_by_role("button", name="Kế thừa tài khoản cũ").click()
    expect(page.get_by_test_id("qnam-inherit-error")).to_contain_text("không đúng")
    # What was typed stays, but the password.
    expect(offer.get_by_label("Tên đăng nhập tài khoản cũ")).to_have_value(NGA_SEED.username)
    page.screens.shot("wrong-password")

    offer.get_by_label("Mật khẩu tài khoản cũ").fill(PROVINCIAL_PASSWORD)
    offer.get_by_role("button", name="Kế thừa tài khoản cũ").click()
    expect(page.get_by_test_id("qnam-notice")).to_contain_text("đã được kế thừa")
    page.get_by_role("navigation").get_by_role("link", name="Hồ sơ của tôi").click()
    expect(page.get_by_test_id("qnam-dossiers").locator("tbody tr")).to_have_count(2)
    page.screens.shot("dossiers")


def test_an_organisation_logs_in_with_its_provincial_account_then_the_cut_off_closes_it(
    page, province
):
    from provincial_portal.services import set_organisation_legacy_login
    from tests.provincial_portal.factories import (
        HOIAN_SEED,
        HOIAN_TAX_CODE,
        HOIAN_WRONG_CHECK_DIGIT,
        ORGANISATION_PASSWORD,
        seed_hoian,
    )

    seed_hoian()
    page.goto(f"{province}/quang-nam/")
    expect(page.get_by_test_id("qnam-home-organisations")).to_be_visible()
    page.get_by_test_id("qnam-home-organisations").scroll_into_view_if_needed()
    page.screens.shot("home-organisations")
    page.get_by_test_id("qnam-org-legacy").click()
    expect(page.get_by_role("heading", name="Tài khoản tổ chức do tỉnh cấp")).to_be_visible()
    form = page.get_by_test_id("qnam-org-login-form")
    expect(form.get_by_test_id("qnam-captcha-image")).to_be_visible()
    page.screens.shot("organisation-login")

    # A mistyped check digit: said so on the field, nothing else tried.
    form.get_by_label("Mã số thuế").fill(HOIAN_WRONG_CHECK_DIGIT)
    form.get_by_label("Mật khẩu", exact=True).fill(ORGANISATION_PASSWORD)
    form.get_by_label("Nhập mã xác thực").fill("PASSED")
    form.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("qnam-org-tax-code-error")).to_contain_text("chữ số kiểm tra")
    expect(form.get_by_label("Mã số thuế")).to_have_attribute("aria-invalid", "true")
    page.screens.shot("organisation-check-digit")

    form = page.get_by_test_id("qnam-org-login-form")
    form.get_by_label("Mã số thuế").fill(HOIAN_TAX_CODE)
    form.get_by_label("Mật khẩu", exact=True).fill(ORGANISATION_PASSWORD)
    form.get_by_label("Nhập mã xác thực").fill("PASSED")
    form.get_by_role("button", name="Đăng nhập").click()

    expect(page).to_have_url(f"{province}/quang-nam/to-chuc/")
    expect(page.get_by_role("heading", name="Thông tin tổ chức")).to_be_visible()
    expect(page.get_by_test_id("qnam-org-name")).to_have_text("Công ty TNHH Hội An Xanh")
    expect(page.get_by_test_id("qnam-user")).to_contain_text("Công ty TNHH Hội An Xanh")
    expect(page.get_by_test_id("qnam-org-inherit-hint")).to_be_visible()
    assert HOIAN_TAX_CODE not in page.content()
    page.screens.shot("organisation-information")
    page.get_by_role("navigation").get_by_role("link", name="Hồ sơ của tổ chức").click()
    expect(page.get_by_test_id("qnam-dossiers").locator("tbody tr")).to_have_count(
        len(HOIAN_SEED.dossiers)
    )
    page.get_by_test_id("qnam-logout").click()
    expect(page).to_have_url(f"{province}/quang-nam/")

    # The trainer moves the sandbox past 30/6/2025: the page explains and leads to VNeID.
    set_organisation_legacy_login(False)
    page.get_by_test_id("qnam-org-legacy").click()
    expect(page.get_by_test_id("qnam-org-closed")).to_contain_text("Từ 01/7/2025")
    expect(page.get_by_test_id("qnam-org-login-form")).to_have_count(0)
    expect(page.get_by_test_id("qnam-org-to-vneid")).to_be_visible()
    page.screens.shot("organisation-cut-off")


def test_a_person_authorised_for_dossiers_only_cannot_take_over_the_organisation_account(
    page, province
):
    from tests.provincial_portal.factories import HOIAN_SEED, HOIAN_TAX_CODE, seed_hoian
    from vneid.models import VneidAccount
    from vneid.organisations import RepresentativeSeat, seed_authorisation, seed_organisation

    seed_hoian()
    nga = VneidAccount.objects.get(citizen__cccd_number=NGA_CCCD)
    an = VneidAccount.objects.get(citizen__cccd_number=AN_CCCD)
    organisation = seed_organisation(
        enterprise_code=HOIAN_TAX_CODE,
        kind="llc_single",
        name=HOIAN_SEED.name,
        established_on=date(2018, 3, 12),
        head_office_address=HOIAN_SEED.head_office_address,
        registered_by=nga,
        representatives=[RepresentativeSeat(cccd_number=NGA_CCCD, full_name="Tô Thị Nga")],
    )
    # An keeps the company's dossiers: he may not take its old provincial account over.
    seed_authorisation(
        organisation=organisation,
        grantee=an,
        granted_by=nga,
        scope="dossiers",
        valid_until=date.today() + timedelta(days=365),
    )

    page.goto(f"{province}/quang-nam/")
    page.get_by_test_id("qnam-org-vneid").click()
    page.get_by_test_id("xacthuc-choose-organisation").click()
    form = page.get_by_test_id("vneid-login-form")
    form.get_by_label("Số định danh cá nhân").fill(AN_CCCD)
    form.get_by_label("Mật khẩu", exact=True).fill(VNEID_PASSWORD)
    form.get_by_role("button", name="Đăng nhập").click()
    page.get_by_test_id(f"vneid-account-{organisation.sub}").click()

    refusal = page.get_by_test_id("qnam-org-refusal")
    expect(refusal).to_contain_text("chỉ người đại diện theo pháp luật")
    expect(refusal).to_have_attribute("data-code", "takeover_refused")
    expect(page.get_by_test_id("qnam-login-header")).to_be_visible()
    page.screens.shot("organisation-takeover-refused")
