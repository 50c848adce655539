"""Organisation e-ID test data: representatives, an accountant, the stubbed business registry."""

from datetime import date, timedelta

import pytest
import responses
from django.utils import timezone

from tests.citizen_registry.factories import CitizenFactory
from vneid import organisations
from vneid.models import OrganisationEid, VneidAccount
from vneid.services import ensure_vneid_account

from .flows import PASSWORD

REGISTRY = "http://127.0.0.1:8000/business-registry/api/v1/"
LOOKUP_URL = REGISTRY + "enterprises/lookup"

# Valid tax codes (the tenth digit is the check digit of the first nine).
HOIAN_CODE = "0401234566"
SONTRA_CODE = "0401234573"
DIENBAN_CODE = "0401234580"
WRONG_CHECK_DIGIT = "0401234567"

QUANG_CCCD = "049090000101"
THU_CCCD = "048085000202"
TUAN_CCCD = "048088000303"
MAI_CCCD = "049095000404"
HUNG_CCCD = "048070000505"


def person(number: str, name: str, *, level: int = 2) -> VneidAccount:
    citizen = CitizenFactory(cccd_number=number, full_name=name)
    return ensure_vneid_account(citizen, password=PASSWORD, level=level)


@pytest.fixture
def quang(db):
    return person(QUANG_CCCD, "Đặng Văn Quang")


@pytest.fixture
def thu(db):
    return person(THU_CCCD, "Vũ Thị Thu")


@pytest.fixture
def tuan(db):
    return person(TUAN_CCCD, "Bùi Anh Tuấn")


@pytest.fixture
def mai(db):
    return person(MAI_CCCD, "Trịnh Thị Mai")


@pytest.fixture
def hung(db):
    return person(HUNG_CCCD, "Mai Văn Hùng")


def representative(number: str, name: str, *, until: str | None = None) -> dict[str, object]:
    return {
        "cccd_number": number,
        "full_name": name,
        "position": "Giám đốc",
        "since": "2020-01-02",
        "until": until,
    }


def enterprise(
    code: str = HOIAN_CODE,
    *,
    name: str = "Công ty TNHH Hội An Xanh",
    kind: str = "llc_single",
    status: str = "active",
    representatives: list[dict[str, object]] | None = None,
) -> dict[str, object]:
    """Return the registry's lookup answer for one enterprise."""
    return {
        "enterprise": {
            "enterprise_code": code,
            "tax_code": code,
            "kind": kind,
            "name": name,
            "short_name": "HOI AN XANH CO., LTD",
            "foreign_name": "HOI AN GREEN COMPANY LIMITED",
            "established_on": "2019-04-15",
            "head_office_address": "12 Trần Phú, phường Minh An, thành phố Hội An, Quảng Nam",
            "status": status,
            "representatives": (
                representatives
                if representatives is not None
                else [representative(QUANG_CCCD, "Đặng Văn Quang")]
            ),
        }
    }


@pytest.fixture
def registry(settings):
    """Stub the business registry's HTTP API; every registered answer must be used."""
    settings.VNEID_PROVIDER = {
        **getattr(settings, "VNEID_PROVIDER", {}),
        "BUSINESS_REGISTRY_URL": REGISTRY,
        "BUSINESS_REGISTRY_API_KEY": "dvcb_test_vneid_key",
    }
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def answer(registry: responses.RequestsMock, body: dict[str, object], status: int = 200) -> None:
    registry.add(responses.POST, LOOKUP_URL, json=body, status=status)


def register(account: VneidAccount, **overrides: str) -> OrganisationEid:
    values = {
        "passcode": PASSWORD,
        "kind": "llc_single",
        "name": "Công ty TNHH Hội An Xanh",
        "enterprise_code": HOIAN_CODE,
        **overrides,
    }
    return organisations.register_organisation(account=account, **values)


def active_company(
    quang: VneidAccount, code: str = DIENBAN_CODE, name: str = "Công ty TNHH Cơ khí Điện Bàn"
) -> OrganisationEid:
    """Seed an active e-ID whose only representative is Quang."""
    return organisations.seed_organisation(
        enterprise_code=code,
        kind="llc_single",
        name=name,
        established_on=date(2015, 6, 1),
        head_office_address="KCN Điện Nam - Điện Ngọc, thị xã Điện Bàn, Quảng Nam",
        registered_by=quang,
        representatives=[
            organisations.RepresentativeSeat(QUANG_CCCD, "Đặng Văn Quang", "Giám đốc")
        ],
    )


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)
