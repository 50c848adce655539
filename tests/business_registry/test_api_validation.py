"""Bad input gets a 400 with a Vietnamese sentence on the field, never a 500."""

import pytest

from idnumbers.tax_codes import CHECK_DIGIT_MESSAGE, FORMAT_MESSAGE, NEVER_ISSUED_MESSAGE

from .conftest import HOIAN_CODE, LOOKUP_URL, PURPOSE, VERIFY_URL

pytestmark = pytest.mark.django_db


def refused(response):
    assert response.status_code == 400, response.content
    answer = response.json()
    assert answer["error"] == "invalid_request"
    return answer["fields"]


@pytest.mark.parametrize("url", [LOOKUP_URL, VERIFY_URL])
def test_a_wrong_check_digit_is_refused_on_enterprise_code(call_api, hoian, reader, url):
    fields = refused(
        call_api(
            url,
            {"enterprise_code": "0100109107", "name": "x", "purpose": PURPOSE},
            key=reader.raw_key,
        )
    )
    assert fields == {"enterprise_code": [CHECK_DIGIT_MESSAGE]}
    assert "chữ số kiểm tra" in fields["enterprise_code"][0]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("0000000000", NEVER_ISSUED_MESSAGE),
        ("01001091", FORMAT_MESSAGE),
        ("01001O9106", FORMAT_MESSAGE),
        ("0100109106-0011", FORMAT_MESSAGE),
    ],
)
def test_other_impossible_codes_are_refused_with_their_reason(
    call_api, hoian, reader, code, message
):
    fields = refused(
        call_api(LOOKUP_URL, {"enterprise_code": code, "purpose": PURPOSE}, key=reader.raw_key)
    )
    assert fields["enterprise_code"] == [message]


@pytest.mark.parametrize("code", [100109106, None, "", ["0100109106"], {"a": 1}, True])
def test_a_code_that_is_not_a_string_or_is_missing_is_refused(call_api, hoian, reader, code):
    fields = refused(
        call_api(LOOKUP_URL, {"enterprise_code": code, "purpose": PURPOSE}, key=reader.raw_key)
    )
    assert list(fields) == ["enterprise_code"]


def test_purpose_must_be_one_of_the_published_list(call_api, hoian, reader):
    fields = refused(
        call_api(
            LOOKUP_URL,
            {"enterprise_code": HOIAN_CODE, "purpose": "tò mò"},
            key=reader.raw_key,
        )
    )
    assert "organisation_eid_registration" in fields["purpose"][0]
    fields = refused(call_api(LOOKUP_URL, {"enterprise_code": HOIAN_CODE}, key=reader.raw_key))
    assert "purpose" in fields


def test_requested_by_with_nul_or_too_long_is_refused(call_api, hoian, reader):
    for value in ["a\x00b", "x" * 151, 5]:
        fields = refused(
            call_api(
                LOOKUP_URL,
                {"enterprise_code": HOIAN_CODE, "purpose": PURPOSE, "requested_by": value},
                key=reader.raw_key,
            )
        )
        assert "requested_by" in fields


def test_a_bad_representative_number_is_refused_on_its_field(call_api, hoian, reader):
    fields = refused(
        call_api(
            VERIFY_URL,
            {"enterprise_code": HOIAN_CODE, "representative_cccd": "12345", "purpose": PURPOSE},
            key=reader.raw_key,
        )
    )
    assert list(fields) == ["representative_cccd"]


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", '"text"', "{" * 5000, "\xff"])
def test_a_body_that_is_not_a_json_object_is_refused(call_api, hoian, reader, raw):
    response = call_api(LOOKUP_URL, None, key=reader.raw_key, raw=raw)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
