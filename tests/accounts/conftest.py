"""Named personas and the stubbed population database for the accounts tests."""

from datetime import date

import pytest
import responses

from .factories import UserFactory

# Tô Thị Nga, the citizen of the guide: CMND 164438056, legacy account without a CCCD.
NGA_CMND = "164438056"
NGA_CCCD = "037190612345"
NGA_BIRTH = date(1990, 3, 15)

REGISTRY = "http://registry.test/registry/api/v1/"
VERIFY_URL = REGISTRY + "citizens/verify"
LOOKUP_URL = REGISTRY + "citizens/lookup"


@pytest.fixture(autouse=True)
def _registry_settings(settings):
    settings.REGISTRY = {**settings.REGISTRY, "BASE_URL": REGISTRY}
    settings.REGISTRY = {**settings.REGISTRY, "API_KEY": "dvcr_test_portal_key"}
    settings.REGISTRY = {**settings.REGISTRY, "TIMEOUT_SECONDS": 2}


@pytest.fixture
def nga(db):
    return UserFactory(
        username=NGA_CMND,
        cmnd_number=NGA_CMND,
        full_name="Tô Thị Nga",
        birth_date=NGA_BIRTH,
        gender="female",
        place_of_birth="Ninh Bình",
        place_of_origin="Ninh Bình",
        phone="0912345678",
        email="to.thi.nga@example.vn",
    )


@pytest.fixture
def registry():
    """Stub the registry's HTTP API; every registered answer must be used, nothing else."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def nga_record(**overrides):
    """Return the registry's lookup answer for Tô Thị Nga."""
    citizen = {
        "cccd_number": NGA_CCCD,
        "cmnd_number": NGA_CMND,
        "full_name": "Tô Thị Nga",
        "birth_date": "1990-03-15",
        "gender": "female",
        "place_of_birth": "Xã Ninh Hải, Huyện Hoa Lư, Tỉnh Ninh Bình",
        "place_of_origin": "Xã Ninh Hải, Huyện Hoa Lư, Tỉnh Ninh Bình",
        "permanent_address": "Số 12 Đường Lê Hồng Phong, TP. Ninh Bình",
        "ethnicity": "Kinh",
        "nationality": "Việt Nam",
        "card_issue_date": "2021-05-20",
        "status": "alive",
        **overrides,
    }
    return {"citizen": citizen}


def verify_answer(match=True, **fields):
    """Return a verify answer; fields override the per-field verdicts."""
    verdicts = {
        "cccd_number": "match",
        "cmnd_number": "match",
        "full_name": "match",
        "birth_date": "match",
        **fields,
    }
    return {"match": match, "citizen_status": "alive", "fields": verdicts}


OPERATOR = "http://operator.test/nha-mang/api/v1/"
SMS_URL = OPERATOR + "sms"
SIGNING_URL = OPERATOR + "signing-requests"


@pytest.fixture
def operator(settings):
    """Stub the mobile operator's HTTP API; every registered answer must be used."""
    settings.MOBILE_OPERATOR = {**settings.MOBILE_OPERATOR, "BASE_URL": OPERATOR}
    settings.MOBILE_OPERATOR = {**settings.MOBILE_OPERATOR, "API_KEY": "dvcm_test_portal_key"}
    settings.MOBILE_OPERATOR = {**settings.MOBILE_OPERATOR, "TIMEOUT_SECONDS": 2}
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock
