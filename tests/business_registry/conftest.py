"""Fixtures for the business registry API tests: an enterprise, keys, and a JSON poster."""

import json
from datetime import date

import pytest

from .factories import ApiClientFactory, EnterpriseFactory, RepresentativeFactory

BASE = "/business-registry/api/v1/"
LOOKUP_URL = BASE + "enterprises/lookup"
VERIFY_URL = BASE + "enterprises/verify"
OPENAPI_URL = BASE + "openapi.json"
PURPOSE = "organisation_eid_registration"
# Real-world valid tax codes (their check digits are right) used for fictional companies.
HOIAN_CODE = "0100109106"
QUANG_CCCD = "049085001234"
HUNG_CCCD = "049070004321"


@pytest.fixture
def hoian(db):
    """A limited company with one current representative and one former one."""
    enterprise = EnterpriseFactory(
        enterprise_code=HOIAN_CODE,
        name="Công ty TNHH Hội An Xanh",
        short_name="HOI AN XANH CO., LTD",
        foreign_name="HOI AN GREEN COMPANY LIMITED",
    )
    RepresentativeFactory(enterprise=enterprise, cccd_number=QUANG_CCCD, full_name="Đặng Văn Quang")
    RepresentativeFactory(
        enterprise=enterprise,
        cccd_number=HUNG_CCCD,
        full_name="Mai Văn Hùng",
        since=date(2010, 1, 1),
        until=date(2015, 3, 19),
    )
    return enterprise


@pytest.fixture
def verifier(db):
    """A consuming system that may verify but not read records."""
    return ApiClientFactory(name="Hệ thống kiểm tra")


@pytest.fixture
def reader(db):
    """VNeID: allowed to read full records."""
    return ApiClientFactory(name="VNeID", can_read_records=True)


@pytest.fixture
def call_api(client):
    """Return a function that POSTs a JSON body with an optional bearer key."""

    def call(url, body, *, key=None, raw=None, method="post", **extra):
        headers = {"authorization": f"Bearer {key}"} if key else {}
        data = raw if raw is not None else json.dumps(body, ensure_ascii=False)
        return getattr(client, method)(
            url, data=data, content_type="application/json", headers=headers, **extra
        )

    return call
