"""Over real HTTP: a representative logs in at the province as the organisation through VNeID.

VNeID (with the organisation's e-ID), the national login service and the province run on the
live server; a `requests.Session` is the representative's browser. "Đăng nhập" at the province →
the service's chooser, "TỔ CHỨC" → VNeID's login → "Chọn tài khoản đăng nhập", the organisation
→ back at the province, whose legacy organisation account (matched by MaSoThue) is taken over.
"""

import re
from datetime import date

import pytest
import requests

from provincial_portal.models import AuditEvent, ProvincialAccount, ProvincialSession
from provincial_portal.services import seed_organisation_accounts
from tests.personas import AN_CCCD, VNEID_PASSWORD
from vneid.claims import SCOPES_SUPPORTED as VNEID_SCOPES

from .factories import HOIAN_SEED, HOIAN_TAX_CODE
from .test_end_to_end import TIMEOUT, form_fields, three_tiers

__all__ = ["three_tiers"]

pytestmark = pytest.mark.skipif(
    "vneid_organisation" not in VNEID_SCOPES,
    reason="VNeID's vneid_organisation scope comes with branch h17-oidc",
)


@pytest.fixture
def organisation(three_tiers):
    """Hội An Xanh's e-ID, An its sole confirmed representative; its legacy provincial account."""
    from vneid.models import VneidAccount
    from vneid.organisations import RepresentativeSeat, seed_organisation

    an = VneidAccount.objects.get(citizen__cccd_number=AN_CCCD)
    eid = seed_organisation(
        enterprise_code=HOIAN_TAX_CODE,
        kind="llc_single",
        name=HOIAN_SEED.name,
        short_name=HOIAN_SEED.short_name,
        established_on=date(2018, 3, 12),
        head_office_address=HOIAN_SEED.head_office_address,
        registered_by=an,
        representatives=[RepresentativeSeat(cccd_number=AN_CCCD, full_name="Nguyễn Văn An")],
    )
    seed_organisation_accounts([HOIAN_SEED])
    return eid


def test_a_representative_takes_over_the_provincial_organisation_account(three_tiers, organisation):
    base = three_tiers
    with requests.Session() as browser:
        chooser = browser.get(f"{base}/quang-nam/dang-nhap/", timeout=TIMEOUT)
        assert "TỔ CHỨC – Tài khoản định danh điện tử tổ chức (VNeID)" in chooser.text
        vneid_page = browser.post(
            chooser.url,
            data={
                **form_fields(chooser.text, containing="xacthuc-organisation-form"),
                "method": "organisation",
            },
            timeout=TIMEOUT,
        )
        assert "/vneid/authorize" in vneid_page.url, vneid_page.url
        choice = browser.post(
            vneid_page.url,
            data={
                **form_fields(vneid_page.text, containing='name="password"'),
                "personal_id_number": AN_CCCD,
                "password": VNEID_PASSWORD,
            },
            timeout=TIMEOUT,
        )
        assert "Chọn tài khoản đăng nhập" in choice.text, choice.text[:1000]
        landed = browser.post(
            choice.url,
            data={
                **form_fields(choice.text, containing="account_choice"),
                "account_choice": organisation.sub,
            },
            timeout=TIMEOUT,
        )

        assert landed.status_code == 200, landed.text[:1000]
        assert landed.url == f"{base}/quang-nam/to-chuc/"
        assert "Tài khoản tổ chức do Cổng DVC tỉnh cấp trước đây đã được kế thừa" in landed.text
        assert re.search(r"Nguyễn Văn An.*người đại diện theo pháp luật", landed.text, re.S)
        assert AN_CCCD not in landed.text and HOIAN_TAX_CODE not in landed.text
        dossiers = browser.get(f"{base}/quang-nam/ho-so/", timeout=TIMEOUT)
        assert all(dossier.code in dossiers.text for dossier in HOIAN_SEED.dossiers)

    account = ProvincialAccount.objects.get(tax_code=HOIAN_TAX_CODE)
    assert account.national_sub and account.inherited_at is not None
    assert account.inherited_by_number == AN_CCCD[:4] + "******" + AN_CCCD[-2:]
    # An's own citizen account at the province was not touched by the organisation's login.
    an = ProvincialAccount.objects.get(cccd_number=AN_CCCD)
    assert an.national_sub == "" and an.account_type == "citizen"
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.ORGANISATION_TAKEOVER, account=account
    ).exists()
    assert ProvincialSession.objects.get(account=account).sid
