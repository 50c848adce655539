"""End to end over HTTP: "Đăng nhập bằng VNeID (tổ chức)" inherits a legacy organisation account.

A real server (live_server) runs VNeID and the national portal; a `requests.Session` is the
browser of Nguyễn Văn An, here the legal representative of a company whose legacy account on
the portal (tax code + password) has a dossier. He logs in at VNeID with his own account,
chooses the company on VNeID's "Chọn tài khoản đăng nhập", and lands on the company's dossiers:
the portal inherited the legacy account, and audited who did it.
"""

import re

import pytest
import requests

from accounts.models import AuditEntry, OrganisationProfile
from sandbox.personas import VNEID_PASSWORD, ensure_personas, register_portal
from tests.accounts.factories import DossierFactory, OrganisationFactory
from tests.personas import AN_CCCD
from tests.vneid.organisation_logins import authorise, make_organisation
from vneid.models import OrganisationAuthorisation, VneidAccount

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NGA_CCCD = "037190612345"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(live_server, transactional_db, settings):
    settings.VNEID = {**settings.VNEID, "ISSUER": f"{live_server.url}/vneid"}
    settings.REGISTRY = {**settings.REGISTRY, "BASE_URL": f"{live_server.url}/registry/api/v1/"}
    register_portal(base_urls=[live_server.url])
    ensure_personas()
    return live_server


@pytest.fixture
def company(server):
    legacy = OrganisationFactory()
    DossierFactory(owner=legacy, code="G22.240301.000301")
    an = VneidAccount.objects.get(citizen__cccd_number=AN_CCCD)
    organisation = make_organisation(
        an,
        name="Công ty TNHH Hội An Xanh",
        tax_code=legacy.username,
        enterprise_code=legacy.username,
    )
    return legacy, organisation


def _log_in_as_the_organisation(browser, base, number, organisation):
    """Press the organisation button, log in at VNeID, choose the organisation."""
    login_page = browser.get(f"{base}/dang-nhap/vneid/to-chuc/?next=/ho-so/")
    assert login_page.status_code == 200
    assert "/vneid/authorize" in login_page.url
    assert "vneid_organisation" in login_page.url
    form = login_page.text.split('data-testid="vneid-login-form"', 1)[1]
    chooser = browser.post(
        login_page.url,
        {
            "csrfmiddlewaretoken": CSRF.search(form).group(1),
            "personal_id_number": number,
            "password": VNEID_PASSWORD,
        },
        headers={"Referer": login_page.url},
    )
    assert chooser.status_code == 200, chooser.text[:500]
    assert 'data-testid="vneid-account-chooser"' in chooser.text
    choice = chooser.text.split('data-testid="vneid-account-form"', 1)[1]
    return browser.post(
        chooser.url,
        {
            "csrfmiddlewaretoken": CSRF.search(choice).group(1),
            "account_choice": organisation.sub,
        },
        headers={"Referer": chooser.url},
    )


def test_the_representative_inherits_the_legacy_account_over_http(server, company):
    legacy, organisation = company
    browser = requests.Session()

    landed = _log_in_as_the_organisation(browser, server.url, AN_CCCD, organisation)

    assert landed.status_code == 200, landed.text[:500]
    assert landed.url == f"{server.url}/ho-so/"
    assert "G22.240301.000301" in landed.text
    assert "Công ty TNHH Hội An Xanh</button>" in landed.text
    profile = OrganisationProfile.objects.get(account=legacy)
    assert profile.vneid_sub == organisation.sub
    assert profile.inherited_by_number == AN_CCCD
    takeover = AuditEntry.objects.get(account=legacy, action="organisation_takeover")
    assert "Người đại diện theo pháp luật, số định danh 0010******21" in takeover.reason
    info = browser.get(f"{server.url}/tai-khoan/thong-tin-to-chuc/")
    assert "Người đang đăng nhập thay mặt tổ chức: Người đại diện theo pháp luật" in info.text


def test_a_dossiers_only_accountant_is_refused_over_http(server, company):
    legacy, organisation = company
    nga = VneidAccount.objects.get(citizen__cccd_number=NGA_CCCD)
    authorise(organisation, nga, scope=OrganisationAuthorisation.Scope.DOSSIERS)
    browser = requests.Session()

    refused = _log_in_as_the_organisation(browser, server.url, NGA_CCCD, organisation)

    assert refused.status_code == 403
    assert 'data-kind="takeover_refused"' in refused.text
    assert OrganisationProfile.objects.get(account=legacy).vneid_sub == ""
    assert AuditEntry.objects.get(account=legacy).action == "organisation_takeover_refused"
    assert browser.get(f"{server.url}/ho-so/", allow_redirects=False).status_code == 302
