"""POST enterprises/verify: the name, the representative (current, former, none) and status."""

import pytest

from business_registry.models import Enterprise

from .conftest import HOIAN_CODE, HUNG_CCCD, PURPOSE, QUANG_CCCD, VERIFY_URL

pytestmark = pytest.mark.django_db


def body(**overrides):
    return {
        "enterprise_code": HOIAN_CODE,
        "name": "Công ty TNHH Hội An Xanh",
        "representative_cccd": QUANG_CCCD,
        "purpose": PURPOSE,
        "requested_by": "vneid-account:7",
        **overrides,
    }


def verify(call_api, key, **overrides):
    response = call_api(VERIFY_URL, body(**overrides), key=key)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_current_representative_with_the_right_name_matches(call_api, hoian, verifier):
    assert verify(call_api, verifier.raw_key) == {
        "match": True,
        "status": "active",
        "fields": {"name": "match", "representative": "current"},
    }


def test_the_name_matches_regardless_of_case_and_spaces(call_api, hoian, verifier):
    answer = verify(call_api, verifier.raw_key, name="  công ty tnhh  HỘI AN XANH ")
    assert answer["fields"]["name"] == "match"


def test_a_name_without_its_diacritics_is_a_mismatch(call_api, hoian, verifier):
    answer = verify(call_api, verifier.raw_key, name="Cong ty TNHH Hoi An Xanh")
    assert answer == {
        "match": False,
        "status": "active",
        "fields": {"name": "mismatch", "representative": "current"},
    }


def test_a_former_representative_is_told_apart_from_a_stranger(call_api, hoian, verifier):
    former = verify(call_api, verifier.raw_key, representative_cccd=HUNG_CCCD)
    assert former["match"] is False and former["fields"]["representative"] == "former"
    stranger = verify(call_api, verifier.raw_key, representative_cccd="001190012345")
    assert stranger["match"] is False and stranger["fields"]["representative"] == "none"


def test_a_dissolved_enterprise_still_matches_and_says_its_status(call_api, hoian, verifier):
    Enterprise.objects.filter(pk=hoian.pk).update(status=Enterprise.Status.DISSOLVED)
    answer = verify(call_api, verifier.raw_key)
    assert answer["match"] is True and answer["status"] == "dissolved"


def test_only_what_was_sent_is_compared(call_api, hoian, verifier):
    answer = verify(call_api, verifier.raw_key, representative_cccd=None)
    assert answer["fields"] == {"name": "match"}
    answer = verify(call_api, verifier.raw_key, name="")
    assert answer["fields"] == {"representative": "current"}


def test_neither_name_nor_representative_is_a_400(call_api, hoian, verifier):
    response = call_api(VERIFY_URL, body(name=None, representative_cccd=None), key=verifier.raw_key)
    assert response.status_code == 400
    assert "name" in response.json()["fields"]


def test_an_unknown_code_is_a_404(call_api, hoian, verifier):
    response = call_api(VERIFY_URL, body(enterprise_code="0300588569"), key=verifier.raw_key)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
