"""Over real HTTP on the live server: the clean path of "Tổ chức đăng nhập bằng VNeID".

Quang (a seat's copy) registers Hội An Xanh in the VNeID app — VNeID checks it against the
business registry over HTTP —, then logs in at the national portal with VNeID as the
organisation, which inherits Hội An's legacy account and its dossiers. The trainer's dashboard
and the seat's timeline then show the walk. Two `requests.Session`s: the phone and the browser.
"""

import re

import pytest
import requests
from django.urls import reverse

from accounts.models import OrganisationProfile
from business_registry.models import ApiClient as BusinessRegistryClient
from sandbox.personas import VNEID_PASSWORD, ensure_personas, register_portal
from sandbox.workspaces import create_class, workspace_organisations
from tests.personas import ORGANISATION_PASSWORD
from vneid.claims import SCOPES_SUPPORTED as VNEID_SCOPES
from vneid.models import OrganisationEid

TIMEOUT = 15

pytestmark = pytest.mark.skipif(
    "vneid_organisation" not in VNEID_SCOPES, reason="VNeID does not know vneid_organisation"
)


@pytest.fixture
def sandbox(live_server, transactional_db, settings):
    """VNeID, its registry client and the portal pointed at the live server, as seed_sandbox."""
    base = live_server.url
    settings.VNEID = {**settings.VNEID, "ISSUER": f"{base}/vneid"}
    settings.VNEID_PROVIDER = {
        **getattr(settings, "VNEID_PROVIDER", {}),
        "BUSINESS_REGISTRY_URL": f"{base}/business-registry/api/v1/",
        "BUSINESS_REGISTRY_TIMEOUT_SECONDS": TIMEOUT,
        # make run's key comes from the environment; register_portal registers it.
        "BUSINESS_REGISTRY_API_KEY": "bre_live-test-key-of-vneid-0123456789",
    }
    register_portal(base_urls=[base])
    ensure_personas()
    return base


def _fields(html, *, containing):
    forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", html, flags=re.S | re.I)
    form = next(form for form in forms if containing in form)
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def _post(session, response, *, containing, data):
    return session.post(
        response.url,
        data={**_fields(response.text, containing=containing), **data},
        headers={"Referer": response.url},
        timeout=TIMEOUT,
    )


def test_quang_registers_hoian_logs_in_as_it_and_inherits_the_legacy_account(sandbox, client):
    base = sandbox
    assert BusinessRegistryClient.objects.exists(), "seed_sandbox registers VNeID's key"
    training_class = create_class(name="Lớp tổ chức", seats=1)
    workspace = training_class.workspaces.get()
    hoian, cccd_of = next(
        pair for pair in workspace_organisations(workspace) if pair[0].key == "hoian"
    )
    quang = cccd_of["quang"]

    with requests.Session() as phone:
        app = phone.get(f"{base}/vneid/app/", timeout=TIMEOUT)
        home = _post(
            phone,
            app,
            containing='name="password"',
            data={"personal_id_number": quang, "password": VNEID_PASSWORD},
        )
        assert home.status_code == 200, home.text[:1000]
        form = phone.get(f"{base}/vneid/app/organisations/register", timeout=TIMEOUT)
        registered = _post(
            phone,
            form,
            containing='name="enterprise_code"',
            data={
                "passcode": VNEID_PASSWORD,
                "kind": hoian.kind,
                "name": hoian.name,
                "enterprise_code": hoian.tax_code,
            },
        )
        assert registered.status_code == 200, registered.text[:1000]
    eid = OrganisationEid.objects.get(enterprise_code=hoian.tax_code)
    assert eid.status == OrganisationEid.Status.ACTIVE

    with requests.Session() as browser:
        vneid_page = browser.get(f"{base}/dang-nhap/vneid/to-chuc/", timeout=TIMEOUT)
        assert "/vneid/authorize" in vneid_page.url, vneid_page.text[:500]
        choice = _post(
            browser,
            vneid_page,
            containing='name="password"',
            data={"personal_id_number": quang, "password": VNEID_PASSWORD},
        )
        assert "Chọn tài khoản đăng nhập" in choice.text, choice.text[:1000]
        landed = _post(
            browser, choice, containing="account_choice", data={"account_choice": eid.sub}
        )
        assert landed.status_code == 200, landed.text[:1000]
        dossiers = browser.get(f"{base}{reverse('portal:dossiers')}", timeout=TIMEOUT)
        assert all(dossier.code in dossiers.text for dossier in hoian.national_dossiers)
        # The legacy password is the VNeID e-ID's now: the old account has been inherited.
        assert ORGANISATION_PASSWORD not in landed.text

    profile = OrganisationProfile.objects.get(tax_code=hoian.tax_code)
    assert profile.vneid_sub == eid.sub and profile.inherited_at is not None
    assert profile.inherited_by_number == quang
    seat = client.get(reverse("sandbox:class_progress", args=[training_class.pk])).json()
    (row,) = seat["seats"]
    assert row["organisation_reached"].keys() >= {"2", "3", "4"}
    timeline = client.get(reverse("sandbox:seat_timeline", args=[workspace.code])).content.decode()
    assert "Cổng DVCQG: kế thừa tài khoản tổ chức cũ" in timeline
    assert "Ứng dụng VNeID: đăng ký định danh tổ chức" in timeline
    assert quang not in timeline and hoian.tax_code not in timeline
