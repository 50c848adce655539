"""VNeID's account chooser in a real browser: the person and their organisation, a refusal.

Checked by axe and at 320 px like every browser test page (tests/browser/accessibility.py), at
1280 and 360 px (the `page` fixture's two widths).
"""

import re
from datetime import date
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from tests.citizen_registry.factories import CitizenFactory
from tests.vneid.flows import PASSWORD
from tests.vneid.organisation_logins import make_organisation
from vneid.services import create_client, ensure_vneid_account

pytestmark = pytest.mark.browser


@pytest.fixture
def people(page):
    """Quang, sole representative of Điện Bàn, and another company he does not act for."""
    quang = ensure_vneid_account(
        CitizenFactory(full_name="Đặng Văn Quang", gender="male", birth_date=date(1980, 2, 3)),
        password=PASSWORD,
        level=2,
    )
    stranger = ensure_vneid_account(
        CitizenFactory(full_name="Mai Văn Hùng", gender="male", birth_date=date(1970, 1, 5)),
        password=PASSWORD,
        level=2,
    )
    dienban = make_organisation(quang)
    other = make_organisation(
        stranger,
        name="Công ty TNHH Thương mại Sông Hàn",
        short_name="",
        foreign_name="",
        tax_code="0401234598",
        enterprise_code="0401234598",
    )
    return quang, dienban, other


@pytest.fixture
def authorize_url(page):
    base = page.base_url
    client, _ = create_client(name="Cổng Dịch vụ công Thử nghiệm", redirect_uris=[f"{base}/"])
    params = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": f"{base}/",
        "scope": "openid profile vneid_organisation",
        "state": "browser-state",
        "nonce": "browser-nonce",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
        "prompt": "select_account",
    }
    return f"{base}/vneid/authorize?{urlencode(params)}"


def _log_in(page, url, account):
    page.goto(url)
    form = page.get_by_test_id("vneid-login-form")
    form.locator("input[name=personal_id_number]").fill(account.personal_id_number)
    form.locator("input[name=password]").fill(PASSWORD)
    form.get_by_role("button", name="Đăng nhập").click()


def test_the_chooser_offers_the_person_and_the_organisation(page, people, authorize_url):
    quang, dienban, other = people
    _log_in(page, authorize_url, quang)

    expect(page.get_by_role("heading", name="Chọn tài khoản đăng nhập")).to_be_visible()
    personal = page.get_by_test_id("vneid-account-personal")
    organisation = page.get_by_test_id(f"vneid-account-{dienban.sub}")
    expect(personal).to_contain_text("Cá nhân")
    expect(organisation).to_contain_text(dienban.name)
    expect(organisation).to_contain_text("Người đại diện theo pháp luật")
    expect(page.get_by_test_id(f"vneid-account-{other.sub}")).to_have_count(0)
    # Each choice is a whole button, on a phone too: nothing overflows its card.
    box = organisation.bounding_box()
    assert box is not None and box["x"] >= 0
    assert box["x"] + box["width"] <= page.viewport_size["width"]
    page.screens.shot("chooser")

    organisation.click()

    expect(page).to_have_url(re.compile(r"/\?code="))
    assert parse_qs(urlsplit(page.url).query)["state"] == ["browser-state"]


def test_choosing_an_organisation_not_acted_for_is_refused_on_the_chooser(
    page, people, authorize_url
):
    quang, dienban, other = people
    _log_in(page, authorize_url, quang)
    # A tampered form: the person asks to act for a company they have no role in.
    page.get_by_test_id("vneid-account-personal").evaluate(
        "(button, sub) => { button.value = sub; }", other.sub
    )

    page.get_by_test_id("vneid-account-personal").click()

    error = page.get_by_test_id("vneid-choice-error")
    expect(error).to_contain_text("không phải người đại diện")
    expect(page.get_by_test_id("error-summary")).to_be_focused()
    expect(page.get_by_test_id(f"vneid-account-{dienban.sub}")).to_be_visible()
    page.screens.shot("chooser-refused")
    page.get_by_test_id("vneid-account-personal").click()
    expect(page).to_have_url(re.compile(r"/\?code="))
