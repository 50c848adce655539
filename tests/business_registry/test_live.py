"""End to end over HTTP: VNeID's client looks up a seeded enterprise through the real API.

A real server runs the business registry; VNeID's key is the one the sandbox's seeding
registers from VNeID's own settings, as `make run` does.
"""

from datetime import date

import pytest

from business_registry import faults
from business_registry.models import ApiClient, LookupLog
from business_registry.services import EnterpriseSeed, RepresentativeSeed, seed_enterprise
from sandbox.personas import VNEID_NAME, register_portal
from vneid.business_registry_client import (
    PURPOSE_REGISTRATION,
    BusinessRegistryUnavailable,
    EnterpriseNotFound,
    lookup_enterprise,
)

from .conftest import HOIAN_CODE, HUNG_CCCD, QUANG_CCCD

KEY = "dvcb_live_vneid_key"


@pytest.fixture
def server(live_server, transactional_db, settings):
    settings.VNEID_PROVIDER = {
        "BUSINESS_REGISTRY_URL": f"{live_server.url}/business-registry/api/v1/",
        "BUSINESS_REGISTRY_API_KEY": KEY,
        "BUSINESS_REGISTRY_TIMEOUT_SECONDS": 10.0,
    }
    register_portal(base_urls=[live_server.url])
    seed_enterprise(
        EnterpriseSeed(
            enterprise_code=HOIAN_CODE,
            kind="llc_single",
            name="Công ty TNHH Hội An Xanh",
            short_name="HOI AN XANH CO., LTD",
            foreign_name="HOI AN GREEN COMPANY LIMITED",
            established_on=date(2015, 3, 20),
            head_office_address="12 Trần Phú, Phường Minh An, TP. Hội An, Quảng Nam",
            status="active",
            representatives=(
                RepresentativeSeed(QUANG_CCCD, "Đặng Văn Quang", "Giám đốc", date(2015, 3, 20)),
                RepresentativeSeed(
                    HUNG_CCCD, "Mai Văn Hùng", "Giám đốc", date(2010, 1, 1), date(2015, 3, 19)
                ),
            ),
        )
    )
    return live_server


def test_vneid_looks_up_a_seeded_enterprise_over_http_and_the_registry_logs_it(server):
    record = lookup_enterprise(
        enterprise_code=HOIAN_CODE, purpose=PURPOSE_REGISTRATION, requested_by="vneid-account:1"
    )
    assert record.name == "Công ty TNHH Hội An Xanh"
    assert record.tax_code == HOIAN_CODE
    assert record.established_on == date(2015, 3, 20)
    quang = record.representative(QUANG_CCCD)
    hung = record.representative(HUNG_CCCD)
    assert quang is not None and quang.current
    assert hung is not None and not hung.current

    (line,) = LookupLog.objects.all()
    assert line.client == ApiClient.objects.get(name=VNEID_NAME)
    assert (line.purpose, line.requested_by, line.result) == (
        PURPOSE_REGISTRATION,
        "vneid-account:1",
        "found",
    )


def test_an_unknown_code_and_the_outage_reach_vneid_as_their_own_errors(server):
    with pytest.raises(EnterpriseNotFound):
        lookup_enterprise(
            enterprise_code="0300588569", purpose=PURPOSE_REGISTRATION, requested_by="t"
        )
    faults.set_fault(faults.Mode.OUTAGE)
    with pytest.raises(BusinessRegistryUnavailable) as raised:
        lookup_enterprise(
            enterprise_code=HOIAN_CODE, purpose=PURPOSE_REGISTRATION, requested_by="t"
        )
    assert raised.value.status == 503
