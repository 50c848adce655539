"""POST enterprises/lookup: the record, its representatives, the 404 and the permission."""

import pytest

from .conftest import HOIAN_CODE, HUNG_CCCD, LOOKUP_URL, PURPOSE, QUANG_CCCD

pytestmark = pytest.mark.django_db


def body(**overrides):
    return {
        "enterprise_code": HOIAN_CODE,
        "purpose": PURPOSE,
        "requested_by": "vneid-account:7",
        **overrides,
    }


def test_lookup_answers_the_whole_record_current_representative_first(call_api, hoian, reader):
    response = call_api(LOOKUP_URL, body(), key=reader.raw_key)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {
        "enterprise": {
            "enterprise_code": HOIAN_CODE,
            "tax_code": HOIAN_CODE,
            "kind": "llc_single",
            "name": "Công ty TNHH Hội An Xanh",
            "short_name": "HOI AN XANH CO., LTD",
            "foreign_name": "HOI AN GREEN COMPANY LIMITED",
            "established_on": "2015-03-20",
            "head_office_address": "12 Trần Phú, Phường Minh An, TP. Hội An, Quảng Nam",
            "status": "active",
            "representatives": [
                {
                    "cccd_number": QUANG_CCCD,
                    "full_name": "Đặng Văn Quang",
                    "position": "Giám đốc",
                    "since": "2015-03-20",
                    "until": None,
                },
                {
                    "cccd_number": HUNG_CCCD,
                    "full_name": "Mai Văn Hùng",
                    "position": "Giám đốc",
                    "since": "2010-01-01",
                    "until": "2015-03-19",
                },
            ],
        }
    }


@pytest.mark.parametrize("typed", ["0100 109 106", "0100.109.106", "０１００１０９１０６"])
def test_lookup_accepts_a_code_as_people_type_it(call_api, hoian, reader, typed):
    response = call_api(LOOKUP_URL, body(enterprise_code=typed), key=reader.raw_key)
    assert response.status_code == 200
    assert response.json()["enterprise"]["enterprise_code"] == HOIAN_CODE


def test_a_valid_code_nobody_holds_is_a_404_in_the_api_format(call_api, hoian, reader):
    response = call_api(LOOKUP_URL, body(enterprise_code="0300588569"), key=reader.raw_key)
    assert response.status_code == 404
    answer = response.json()
    assert answer["error"] == "not_found"
    assert "Không tìm thấy doanh nghiệp" in answer["message"]


def test_a_branch_code_of_13_digits_is_looked_up(call_api, reader):
    from .factories import EnterpriseFactory

    EnterpriseFactory(enterprise_code="0100109106001", kind="branch", name="Chi nhánh Đà Nẵng")
    response = call_api(LOOKUP_URL, body(enterprise_code="0100109106-001"), key=reader.raw_key)
    assert response.status_code == 200
    assert response.json()["enterprise"]["kind"] == "branch"


def test_a_key_that_may_only_verify_cannot_read_records(call_api, hoian, verifier):
    response = call_api(LOOKUP_URL, body(), key=verifier.raw_key)
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert "Công ty" not in response.content.decode()


def test_without_a_key_the_answer_is_401_with_a_bearer_challenge(call_api, hoian):
    response = call_api(LOOKUP_URL, body())
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="business-registry"'
    assert response.json()["error"] == "unauthorized"


def test_a_deactivated_key_is_refused(call_api, hoian, reader):
    reader.is_active = False
    reader.save()
    assert call_api(LOOKUP_URL, body(), key=reader.raw_key).status_code == 401


def test_a_code_in_the_url_is_not_an_endpoint(call_api, hoian, reader):
    response = call_api(f"{LOOKUP_URL}/{HOIAN_CODE}", body(), key=reader.raw_key)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert "Công ty" not in response.content.decode()


def test_get_is_refused_with_405_and_allow_post(call_api, hoian, reader):
    response = call_api(LOOKUP_URL, None, key=reader.raw_key, method="get", raw="")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["error"] == "method_not_allowed"
