"""The "Tổ chức" tab, the organisation's pages and the 01/7/2025 cut-off in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from accounts import login_policy
from idnumbers.tax_codes import CHECK_DIGIT_MESSAGE
from sandbox.personas import VNEID_PASSWORD
from tests.accounts.factories import ORGANISATION_PASSWORD, DossierFactory, OrganisationFactory
from tests.personas import AN_CCCD, NGA_CCCD
from tests.vneid.organisation_logins import authorise, make_organisation
from vneid.models import OrganisationAuthorisation, VneidAccount

pytestmark = pytest.mark.browser

DOSSIERS_PATH = "/ho-so/"


def open_organisation_tab(page):
    page.goto(f"{page.base_url}/dang-nhap/?next={DOSSIERS_PATH}")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    page.get_by_role("tab", name="Tổ chức").click()
    pane = page.get_by_test_id("pane-organisation")
    expect(pane).to_be_visible()
    return pane


def fill_organisation_form(pane, tax_code, password=ORGANISATION_PASSWORD):
    form = pane.get_by_test_id("organisation-login-form")
    form.get_by_label("Mã số thuế").fill(tax_code)
    form.get_by_label("Mật khẩu").fill(password)
    form.get_by_label("Nhập mã xác thực").fill("PASSED")
    form.get_by_role("button", name="Đăng nhập").click()


def test_an_organisation_logs_in_by_tax_code_and_sees_its_information(page):
    hoian = OrganisationFactory()
    DossierFactory(
        owner=hoian,
        code="G22.240301.000301",
        procedure_name="Đăng ký thay đổi nội dung đăng ký doanh nghiệp",
    )
    pane = open_organisation_tab(page)
    expect(pane.get_by_test_id("login-vneid-organisation")).to_have_attribute(
        "href", f"/dang-nhap/vneid/to-chuc/?next={DOSSIERS_PATH}"
    )
    page.screens.shot("login-organisation-tab")

    # A typo in the check digit: its own message, on the same tab.
    wrong = hoian.username[:9] + str((int(hoian.username[9]) + 1) % 10)
    fill_organisation_form(pane, wrong)
    pane = page.get_by_test_id("pane-organisation")
    expect(pane).to_be_visible()
    expect(pane.get_by_test_id("error-tax_code")).to_have_text(CHECK_DIGIT_MESSAGE)
    page.screens.shot("login-organisation-check-digit")

    fill_organisation_form(pane, hoian.username)

    expect(page).to_have_url(f"{page.base_url}{DOSSIERS_PATH}")
    expect(page.get_by_role("heading", name="Hồ sơ của tổ chức")).to_be_visible()
    expect(page.get_by_test_id("dossiers")).to_contain_text("G22.240301.000301")
    expect(page.get_by_test_id("header-user")).to_contain_text("Công ty TNHH Hội An Xanh")
    page.screens.shot("organisation-dossiers")

    page.get_by_test_id("menu-organisation").click()
    expect(page.get_by_role("heading", name="Thông tin tổ chức")).to_be_visible()
    rows = page.get_by_test_id("organisation-rows")
    expect(rows.locator('[data-row="tax_code"]')).to_contain_text(hoian.username)
    expect(rows.locator('[data-row="legal_representative_cccd"]')).to_contain_text("0490******34")
    expect(page.get_by_test_id("organisation-vneid-status")).to_contain_text(
        "chưa kế thừa sang tài khoản định danh điện tử của tổ chức"
    )
    page.screens.shot("organisation-information")


def test_after_the_cut_off_the_tab_explains_and_leads_to_vneid(page):
    OrganisationFactory()
    login_policy.set_policy(policy="vneid_only_all", changed_by="test")

    pane = open_organisation_tab(page)

    explanation = pane.get_by_test_id("vneid-only-organisation")
    expect(explanation).to_contain_text("Từ ngày 01/7/2025")
    expect(explanation).to_contain_text("Nghị định số 69/2024/NĐ-CP")
    expect(pane.get_by_test_id("organisation-login-form")).to_have_count(0)
    expect(pane.get_by_role("link", name="Đăng nhập bằng VNeID (tổ chức)")).to_be_visible()
    page.screens.shot("login-organisation-cut-off")
    # The citizens' tabs say what they said under vneid_only.
    page.get_by_role("tab", name="CMT/CCCD").click()
    expect(page.get_by_test_id("vneid-only-password")).to_contain_text(
        "Từ ngày 01/7/2024, VNeID là tài khoản duy nhất"
    )


def log_in_as_organisation_at_vneid(page, number, organisation):
    """From the Tổ chức tab: "Đăng nhập bằng VNeID (tổ chức)", VNeID's login, its chooser."""
    pane = open_organisation_tab(page)
    pane.get_by_test_id("login-vneid-organisation").click()
    expect(page).to_have_url(re.compile(r"/vneid/authorize\?.*vneid_organisation"))
    form = page.get_by_test_id("vneid-login-form")
    form.get_by_label("Số định danh cá nhân").fill(number)
    form.get_by_label("Mật khẩu", exact=True).fill(VNEID_PASSWORD)
    form.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Chọn tài khoản đăng nhập")).to_be_visible()
    page.screens.shot("vneid-account-chooser")
    page.get_by_test_id(f"vneid-account-{organisation.sub}").click()


def test_the_representative_inherits_the_legacy_account_with_vneid(page):
    hoian = OrganisationFactory()
    DossierFactory(owner=hoian, code="G22.240301.000301")
    an = VneidAccount.objects.get(citizen__cccd_number=AN_CCCD)
    organisation = make_organisation(
        an, name="Công ty TNHH Hội An Xanh", tax_code=hoian.username, enterprise_code=hoian.username
    )

    log_in_as_organisation_at_vneid(page, AN_CCCD, organisation)

    expect(page).to_have_url(f"{page.base_url}{DOSSIERS_PATH}")
    expect(page.get_by_test_id("dossiers")).to_contain_text("G22.240301.000301")
    expect(page.get_by_test_id("header-user")).to_contain_text("Công ty TNHH Hội An Xanh")
    page.screens.shot("inherited-dossiers")
    page.get_by_test_id("menu-organisation").click()
    expect(page.get_by_test_id("organisation-vneid-status")).to_contain_text(
        "Tài khoản tổ chức cũ được kế thừa lúc"
    )
    expect(page.get_by_test_id("organisation-acting")).to_contain_text(
        "Người đại diện theo pháp luật, số định danh 0010******21"
    )
    expect(page.get_by_test_id("audit-entries")).to_contain_text("Kế thừa tài khoản tổ chức")
    page.screens.shot("inherited-organisation-information")


def test_an_accountant_authorised_for_dossiers_is_told_who_may_take_over(page):
    hoian = OrganisationFactory()
    an = VneidAccount.objects.get(citizen__cccd_number=AN_CCCD)
    organisation = make_organisation(
        an, name="Công ty TNHH Hội An Xanh", tax_code=hoian.username, enterprise_code=hoian.username
    )
    nga = VneidAccount.objects.get(citizen__cccd_number=NGA_CCCD)
    authorise(organisation, nga, scope=OrganisationAuthorisation.Scope.DOSSIERS)

    log_in_as_organisation_at_vneid(page, NGA_CCCD, organisation)

    refusal = page.get_by_test_id("vneid-error")
    expect(refusal.get_by_role("heading")).to_have_text("Chưa kế thừa được tài khoản tổ chức")
    expect(refusal).to_contain_text("Chỉ người đại diện theo pháp luật của tổ chức")
    expect(refusal.get_by_test_id("takeover-who")).to_be_visible()
    page.screens.shot("takeover-refused")
    refusal.get_by_role("link", name="Quay lại trang đăng nhập").click()
    expect(page.get_by_test_id("pane-organisation")).to_be_visible()
