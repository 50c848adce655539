"""Fixtures for the registry API tests: a citizen, keys, and a JSON poster."""

import json

import pytest

from .factories import ApiClientFactory, CitizenFactory

VERIFY_URL = "/registry/api/v1/citizens/verify"
LOOKUP_URL = "/registry/api/v1/citizens/lookup"
OPENAPI_URL = "/registry/api/v1/openapi.json"
PURPOSE = "cccd_linking"


@pytest.fixture
def nga(db):
    """The guide's citizen: Tô Thị Nga, CMND 164438056."""
    return CitizenFactory(cmnd_number="164438056", cccd_number="036190012345")


@pytest.fixture
def verifier(db):
    """A consuming system that may verify but not read records."""
    return ApiClientFactory(name="Cổng Dịch vụ công Quốc gia")


@pytest.fixture
def reader(db):
    """A consuming system allowed to read full records."""
    return ApiClientFactory(name="Hệ thống một cửa điện tử", can_read_records=True)


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


# What a verify-only key must send beside the CCCD: the attributes of the `nga` fixture.
NGA_ATTRIBUTES = {"full_name": "Tô Thị Nga", "birth_date": "1990-05-01"}
