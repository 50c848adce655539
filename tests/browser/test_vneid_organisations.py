"""The VNeID app's "Định danh tổ chức" in a real browser: register against the business registry
over HTTP (the live server's own API), a refusal that keeps what was typed, then the switch
personal ↔ organisation, at 1280 and 360 px, every screen checked by axe."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from business_registry.services import (
    EnterpriseSeed,
    RepresentativeSeed,
    ensure_api_client,
    generate_api_key,
    seed_enterprise,
)
from citizen_registry.models import Citizen
from sandbox.personas import VNEID_PASSWORD
from vneid.models import LoginSession, OrganisationEid
from vneid.services import ensure_vneid_account

pytestmark = pytest.mark.browser

CODE = "0401234566"
NAME = "Công ty TNHH Hội An Xanh (thử nghiệm trình duyệt)"
NUMBER = "049090000177"


@pytest.fixture
def representative(sandbox_server, settings):
    """A level-2 person, sole legal representative of an enterprise with no e-ID yet."""
    key = generate_api_key()
    ensure_api_client(name="VNeID (kiểm thử trình duyệt)", raw_key=key, can_read_records=True)
    settings.VNEID_PROVIDER = {
        **settings.VNEID_PROVIDER,
        "BUSINESS_REGISTRY_URL": f"{sandbox_server.url}/business-registry/api/v1/",
        "BUSINESS_REGISTRY_API_KEY": key,
    }
    seed_enterprise(
        EnterpriseSeed(
            enterprise_code=CODE,
            kind="llc_single",
            name=NAME,
            short_name="HAX",
            foreign_name="HOI AN GREEN TEST CO., LTD",
            established_on=date(2019, 4, 15),
            head_office_address="12 Trần Phú, phường Minh An, Hội An, Quảng Nam",
            status="active",
            representatives=(
                RepresentativeSeed(NUMBER, "Đặng Văn Quý", "Giám đốc", date(2019, 4, 15)),
            ),
        )
    )
    citizen = Citizen.objects.create(
        cccd_number=NUMBER,
        cmnd_number="",
        full_name="Đặng Văn Quý",
        birth_date=date(1990, 1, 1),
        gender="male",
        place_of_birth="Quảng Nam",
        place_of_origin="Quảng Nam",
        permanent_address="Hội An, Quảng Nam",
        card_issue_date=date(2021, 6, 1),
    )
    return ensure_vneid_account(citizen, password=VNEID_PASSWORD, level=2)


def test_registering_an_organisation_in_the_app_and_switching_to_it(page, representative):
    page.goto(f"{page.base_url}/vneid/app/")
    form = page.get_by_test_id("vneid-app-login-form")
    form.get_by_label("Số định danh cá nhân").fill(NUMBER)
    form.get_by_label("Mật khẩu").fill(VNEID_PASSWORD)
    form.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("vneid-app-active-account")).to_contain_text("Tài khoản cá nhân")

    page.get_by_test_id("vneid-app-nav-organisations").click()
    expect(page.get_by_role("heading", name="Định danh tổ chức")).to_be_visible()
    expect(page.get_by_test_id("vneid-org-none")).to_be_visible()
    page.screens.shot("organisations-empty")
    page.get_by_test_id("vneid-org-register-link").click()

    # A name that is not the registered one: refused, and what was typed stays.
    register = page.get_by_test_id("vneid-org-register-form")
    register.get_by_label("Mật khẩu (passcode)").fill(VNEID_PASSWORD)
    register.get_by_label("Loại hình tổ chức").select_option("llc_single")
    register.get_by_label("Tên tổ chức (tiếng Việt)").fill("Công ty TNHH Hội An")
    register.get_by_label("Mã số doanh nghiệp / mã số thuế").fill(CODE)
    page.get_by_test_id("vneid-org-register-submit").click()
    refusal = page.get_by_test_id("vneid-org-refusal")
    expect(refusal).to_contain_text("Thông tin đăng ký không khớp với CSDL quốc gia")
    expect(refusal).to_have_attribute("data-code", "name_mismatch")
    expect(register.get_by_label("Mã số doanh nghiệp / mã số thuế")).to_have_value(CODE)
    expect(register.get_by_label("Loại hình tổ chức")).to_have_value("llc_single")
    page.screens.shot("register-refused")

    register.get_by_label("Mật khẩu (passcode)").fill(VNEID_PASSWORD)
    register.get_by_label("Tên tổ chức (tiếng Việt)").fill(NAME.lower())
    page.get_by_test_id("vneid-org-register-submit").click()
    expect(page.get_by_test_id("vneid-app-message")).to_contain_text("Đã đăng ký và kích hoạt")
    organisation = OrganisationEid.objects.get(enterprise_code=CODE)
    item = page.get_by_test_id(f"vneid-org-{organisation.eid_code}")
    expect(item.get_by_test_id("vneid-org-status")).to_have_text("Đã kích hoạt")
    expect(item.get_by_test_id("vneid-org-role")).to_have_text("Người đại diện theo pháp luật")
    expect(item).not_to_contain_text(CODE)
    page.screens.shot("registered")

    page.get_by_test_id(f"vneid-switch-{organisation.eid_code}").click()
    expect(page.get_by_test_id("vneid-app-active-organisation")).to_have_text(NAME)
    expect(page.get_by_test_id(f"vneid-switch-{organisation.eid_code}")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.screens.shot("switched-to-organisation")
    login = LoginSession.objects.filter(account=representative, ended_at__isnull=True).get()
    assert login.organisation == organisation

    # The scan screen's header says it too: a QR approved now logs in as the organisation.
    page.get_by_test_id("vneid-app-nav-scan").click()
    expect(page.get_by_test_id("vneid-app-active-organisation")).to_have_text(NAME)

    page.get_by_test_id("vneid-app-nav-organisations").click()
    page.get_by_test_id("vneid-switch-personal").click()
    expect(page.get_by_test_id("vneid-app-active-account")).to_contain_text("Tài khoản cá nhân")
    login.refresh_from_db()
    assert login.organisation is None

    # No part of the walk put a number in a URL.
    assert not re.search(r"\d{10,}", page.url)
