"""Bad requests get 400 with Vietnamese reasons per field."""

import json

import pytest

from idnumbers.numbers import cccd_problems

from .conftest import LOOKUP_URL, PURPOSE, VERIFY_URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def verify(call_api, reader):
    def post(body=None, raw=None):
        return call_api(VERIFY_URL, body, raw=raw, key=reader.raw_key)

    return post


def _invalid_fields(response):
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_request"
    assert body["message"]
    return body["fields"]


@pytest.mark.parametrize("raw", ["{not json", "\xff\xfe".encode("latin-1")])
def test_a_body_that_is_not_utf8_json_is_400_with_no_fields(verify, raw):
    assert _invalid_fields(verify(raw=raw)) == {}


@pytest.mark.parametrize("raw", ["[]", '"001190012345"', "42", "null"])
def test_a_json_body_that_is_not_an_object_is_400(verify, raw):
    assert _invalid_fields(verify(raw=raw)) == {}


def test_missing_cccd_and_purpose_are_each_reported(verify):
    fields = _invalid_fields(verify({}))
    assert fields["cccd_number"] == ["Vui lòng nhập số CCCD."]
    assert fields["purpose"] == ["Vui lòng nêu mục đích tra cứu (trường purpose)."]


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("03619001234", "length"),
        ("0361900123456", "length"),
        ("03619001234A", "not_digits"),
        ("999190012345", "province"),
    ],
)
def test_each_cccd_structure_problem_is_explained_in_its_field(verify, number, code):
    fields = _invalid_fields(verify({"cccd_number": number, "purpose": PURPOSE}))
    (expected,) = [p.message for p in cccd_problems(number) if p.code == code]
    assert fields == {"cccd_number": [expected]}


def test_a_cccd_sent_as_a_json_number_is_refused_because_leading_zeros_are_lost(verify):
    fields = _invalid_fields(verify({"cccd_number": 36190012345, "purpose": PURPOSE}))
    assert "chuỗi" in fields["cccd_number"][0]


@pytest.mark.parametrize(
    ("field", "value", "expected_fragment"),
    [
        ("cmnd_number", "16443805", "9 hoặc 12 chữ số"),
        ("cmnd_number", 164438056, "chuỗi"),
        ("birth_date", "01/05/1990", "YYYY-MM-DD"),
        ("birth_date", "19900501", "YYYY-MM-DD"),
        ("birth_date", "1990-02-30", "không phải là một ngày có thật"),
        ("full_name", ["Tô", "Thị", "Nga"], "chuỗi ký tự"),
        ("full_name", "A" * 151, "150"),
        ("purpose", "Liên kết số CCCD với tài khoản Cổng DVCQG", "danh sách công bố"),
        ("purpose", "x", "danh sách công bố"),
        ("purpose", "cccd_linking\u0000", "danh sách công bố"),
        ("purpose", "   ", "mục đích"),
        ("purpose_note", "x" * 256, "255"),
        ("purpose_note", 7, "255"),
        ("purpose_note", "ghi\u0000chú", "NUL"),
        ("requested_by", 42, "150"),
        ("requested_by", "x" * 151, "150"),
        ("requested_by", "portal\u0000", "NUL"),
    ],
)
def test_each_bad_optional_or_context_field_is_reported_in_its_own_field(
    verify, nga, field, value, expected_fragment
):
    body = {"cccd_number": nga.cccd_number, "purpose": PURPOSE, field: value}
    fields = _invalid_fields(verify(body))
    assert list(fields) == [field]
    assert expected_fragment in fields[field][0]


def test_a_lone_surrogate_in_requested_by_is_reported_in_its_field(call_api, reader, nga):
    raw = json.dumps({"cccd_number": nga.cccd_number, "purpose": PURPOSE, "requested_by": "\ud800"})
    fields = _invalid_fields(call_api(VERIFY_URL, None, raw=raw, key=reader.raw_key))
    assert list(fields) == ["requested_by"]


def test_several_bad_fields_are_all_reported_at_once(verify):
    body = {"cccd_number": "123", "cmnd_number": "1", "birth_date": "x", "purpose": PURPOSE}
    assert set(_invalid_fields(verify(body))) == {"cccd_number", "cmnd_number", "birth_date"}


def test_full_width_digits_spaces_and_dots_in_numbers_are_accepted(verify, nga):
    body = {
        "cccd_number": "０３６ １９０.０１２ ３４５",
        "cmnd_number": "164.438.056",
        "purpose": PURPOSE,
    }
    response = verify(body)
    assert response.status_code == 200
    assert response.json()["fields"] == {"cccd_number": "match", "cmnd_number": "match"}


def test_lookup_reports_field_errors_too(call_api, reader):
    response = call_api(LOOKUP_URL, {"cccd_number": "12"}, key=reader.raw_key)
    assert set(_invalid_fields(response)) == {"cccd_number", "purpose"}


@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_deeply_nested_brackets_are_a_400_not_a_server_error(verify, depth):
    response = verify(raw="[" * depth)
    assert _invalid_fields(response) == {}
    assert "lồng nhau" in response.json()["message"]


def test_deeply_nested_brackets_without_a_key_are_a_401(call_api):
    assert call_api(VERIFY_URL, None, raw="[" * 5_000).status_code == 401


def test_a_body_over_the_upload_limit_is_a_400_in_the_api_format(verify, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = verify({"cccd_number": "036190012345", "purpose": PURPOSE, "pad": "x" * 2_000})
    assert _invalid_fields(response) == {}
    assert "quá lớn" in response.json()["message"]
