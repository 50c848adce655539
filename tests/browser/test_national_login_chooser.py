"""The national login service's chooser in a real browser: both choices, refusals, VNeID.

Checked by axe and at 320 px like every browser test page (tests/browser/accessibility.py).
"""

import re
from datetime import date
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from accounts import login_policy
from identity.national_login import services
from identity.national_login.models import LoginSession as ServiceLogin
from sandbox.personas import VNEID_PASSWORD
from tests.personas import AN_CCCD
from vneid.models import VneidAccount
from vneid.organisations import RepresentativeSeat, seed_organisation

pytestmark = pytest.mark.browser


@pytest.fixture
def service(page, settings):
    base = page.base_url
    settings.NATIONAL_LOGIN = {**settings.NATIONAL_LOGIN, "VNEID_ISSUER": f"{base}/vneid"}
    services.ensure_client(
        client_id="browser-portal-test",
        client_secret="browser-portal-test-secret",
        name="Cổng Dịch vụ công tỉnh Thử nghiệm",
        redirect_uris=[f"{base}/"],
    )
    params = {
        "response_type": "code",
        "client_id": "browser-portal-test",
        "redirect_uri": f"{base}/",
        "scope": "openid",
        "state": "browser-state",
        "nonce": "browser-nonce",
        "prompt": "login",
    }
    return f"{base}/xacthuc/oauth2/authorize?{urlencode(params)}"


def test_the_chooser_offers_both_choices_and_vneid_logs_in(page, service):
    page.goto(service)
    expect(page).to_have_url(re.compile(r"/xacthuc/authenticationendpoint/login\?"))
    expect(page.get_by_text("VĂN PHÒNG CHÍNH PHỦ", exact=True)).to_be_visible()
    expect(
        page.get_by_role("heading", name="CÔNG DÂN – Tài khoản Định danh điện tử (VNeID)")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="TÀI KHOẢN ĐƯỢC CẤP")).to_be_visible()
    page.screens.shot("chooser")
    # An empty issued-account form: the fields are named, the summary takes the focus.
    page.get_by_test_id("xacthuc-issued-submit").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    expect(page.get_by_text("Vui lòng nhập tên đăng nhập.").first).to_be_visible()
    page.screens.shot("chooser-errors")
    page.get_by_test_id("xacthuc-choose-vneid").click()
    expect(page).to_have_url(re.compile(r"/vneid/authorize\?"))
    form = page.get_by_test_id("vneid-login-form")
    form.locator("input[name=personal_id_number]").fill(AN_CCCD)
    form.locator("input[name=password]").fill(VNEID_PASSWORD)
    form.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/\?code="))
    query = parse_qs(urlsplit(page.url).query)
    assert query["state"] == ["browser-state"]


def test_under_vneid_only_the_chooser_explains_and_keeps_vneid(page, service):
    login_policy.set_policy(policy="vneid_only", changed_by="test")
    cache.clear()
    page.goto(service)
    expect(page.get_by_test_id("xacthuc-vneid-only")).to_contain_text("01/7/2024")
    expect(page.get_by_label("Mật khẩu")).to_have_count(0)
    expect(page.get_by_test_id("xacthuc-choose-vneid")).to_be_visible()
    page.screens.shot("chooser-vneid-only")


@pytest.fixture
def organisation(service):
    """A company whose sole legal representative, confirmed, is An (level 2)."""
    an = VneidAccount.objects.get(citizen__cccd_number=AN_CCCD)
    return seed_organisation(
        enterprise_code="0401234566",
        kind="llc_single",
        name="Công ty TNHH Thử Nghiệm Trình Duyệt",
        established_on=date(2018, 6, 1),
        head_office_address="1 Lê Lợi, Tam Kỳ, Quảng Nam",
        registered_by=an,
        representatives=[RepresentativeSeat(cccd_number=AN_CCCD, full_name=an.citizen.full_name)],
    )


def test_the_organisation_option_logs_a_representative_in_for_the_organisation(
    page, service, organisation
):
    page.goto(service)
    heading = page.get_by_role(
        "heading", name="TỔ CHỨC – Tài khoản định danh điện tử tổ chức (VNeID)"
    )
    expect(heading).to_be_visible()
    option = page.get_by_test_id("xacthuc-choose-organisation")
    expect(option).to_be_visible()
    # The three options stack in one column: nothing is cut off or side by side on a phone.
    box = option.bounding_box()
    assert box is not None and box["width"] <= page.viewport_size["width"]
    page.screens.shot("chooser-organisation")
    option.click()
    expect(page).to_have_url(re.compile(r"/vneid/authorize\?"))
    asked = parse_qs(urlsplit(page.url).query)
    assert asked["scope"] == ["openid profile vneid_identity vneid_organisation"]
    assert asked["prompt"] == ["login select_account"]
    form = page.get_by_test_id("vneid-login-form")
    form.locator("input[name=personal_id_number]").fill(AN_CCCD)
    form.locator("input[name=password]").fill(VNEID_PASSWORD)
    form.get_by_role("button", name="Đăng nhập").click()
    # VNeID asks An which account: himself, or the company he represents.
    expect(page.get_by_role("heading", name="Chọn tài khoản đăng nhập")).to_be_visible()
    page.get_by_test_id(f"vneid-account-{organisation.sub}").click()
    expect(page).to_have_url(re.compile(r"/\?code="))
    assert parse_qs(urlsplit(page.url).query)["state"] == ["browser-state"]
    login = ServiceLogin.objects.get(ended_at__isnull=True)
    assert login.subject.kind == "organisation"
    assert login.act_number == AN_CCCD
