"""Verify tells a key that may read records the verdict per field, any other key one answer."""

import unicodedata
from datetime import date

import pytest

from citizen_registry.models import Citizen, LookupLog

from .conftest import NGA_ATTRIBUTES, PURPOSE, VERIFY_URL
from .factories import CitizenFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def verify(call_api, reader):
    """Verify with a key that may read records: the answer is given field by field."""

    def post(**fields):
        response = call_api(VERIFY_URL, {"purpose": PURPOSE, **fields}, key=reader.raw_key)
        assert response.status_code == 200, response.content
        return response.json()

    return post


@pytest.fixture
def verify_only(call_api, verifier):
    """Verify with a key that may only verify: one overall answer."""

    def post(**fields):
        return call_api(VERIFY_URL, {"purpose": PURPOSE, **fields}, key=verifier.raw_key)

    return post


def test_all_fields_matching_is_a_match(verify, nga):
    answer = verify(
        cccd_number=nga.cccd_number,
        cmnd_number="164438056",
        full_name="Tô Thị Nga",
        birth_date="1990-05-01",
        requested_by="portal-account:42",
    )
    assert answer == {
        "match": True,
        "citizen_status": "alive",
        "fields": {
            "cccd_number": "match",
            "cmnd_number": "match",
            "full_name": "match",
            "birth_date": "match",
        },
    }


def test_only_the_fields_sent_are_compared(verify, nga):
    answer = verify(cccd_number=nga.cccd_number)
    assert answer == {"match": True, "citizen_status": "alive", "fields": {"cccd_number": "match"}}


@pytest.mark.parametrize("empty", [None, "", "  "])
def test_null_or_blank_optional_fields_are_not_compared(verify, nga, empty):
    answer = verify(
        cccd_number=nga.cccd_number, cmnd_number=empty, full_name=empty, birth_date=empty
    )
    assert answer["fields"] == {"cccd_number": "match"}
    assert answer["match"] is True


@pytest.mark.parametrize(
    "typed",
    [
        unicodedata.normalize("NFD", "Tô Thị Nga"),
        "  Tô   Thị\tNga ",
        "TÔ THỊ NGA",
        "tô thị nga",
    ],
    ids=["nfd", "extra-spaces", "upper-case", "lower-case"],
)
def test_names_match_under_nfc_whitespace_collapse_and_casefold(verify, nga, typed):
    answer = verify(cccd_number=nga.cccd_number, full_name=typed)
    assert answer["fields"]["full_name"] == "match"
    assert answer["match"] is True


def test_a_missing_diacritic_is_a_name_mismatch(verify):
    nga_with_grave = CitizenFactory(full_name="Tô Thị Ngà")
    answer = verify(cccd_number=nga_with_grave.cccd_number, full_name="Tô Thị Nga")
    assert answer["fields"]["full_name"] == "mismatch"
    assert answer["match"] is False


def test_a_different_old_cmnd_is_a_cmnd_mismatch(verify, nga):
    answer = verify(cccd_number=nga.cccd_number, cmnd_number="164438057", full_name="Tô Thị Nga")
    assert answer["match"] is False
    assert answer["fields"] == {
        "cccd_number": "match",
        "cmnd_number": "mismatch",
        "full_name": "match",
    }


def test_a_cmnd_sent_for_a_citizen_who_never_had_one_is_a_mismatch(verify):
    young = CitizenFactory(cmnd_number="", birth_date=date(2004, 3, 9), full_name="Lê Minh Anh")
    answer = verify(cccd_number=young.cccd_number, cmnd_number="164438056")
    assert answer["fields"]["cmnd_number"] == "mismatch"


def test_a_different_birth_date_is_a_birth_date_mismatch(verify, nga):
    answer = verify(cccd_number=nga.cccd_number, birth_date="1990-05-02")
    assert answer["match"] is False
    assert answer["fields"] == {"cccd_number": "match", "birth_date": "mismatch"}


def test_an_unknown_cccd_is_not_found_with_no_other_fields_and_no_status(verify, nga):
    answer = verify(cccd_number="036190099999", full_name="Tô Thị Nga", birth_date="1990-05-01")
    assert answer == {
        "match": False,
        "citizen_status": None,
        "fields": {"cccd_number": "not_found"},
    }


def test_the_citizen_status_is_reported_alongside_a_match(verify):
    deceased = CitizenFactory(status=Citizen.Status.DECEASED)
    answer = verify(cccd_number=deceased.cccd_number, full_name=deceased.full_name)
    assert answer["match"] is True
    assert answer["citizen_status"] == "deceased"


def test_unknown_request_fields_are_ignored(verify, nga):
    answer = verify(cccd_number=nga.cccd_number, nickname="Nga")
    assert answer["fields"] == {"cccd_number": "match"}


def test_a_verify_only_key_gets_one_answer_for_a_full_match(verify_only, nga):
    response = verify_only(cccd_number=nga.cccd_number, cmnd_number="164438056", **NGA_ATTRIBUTES)
    assert response.status_code == 200
    assert response.json() == {"match": True, "citizen_status": "alive", "unknown_number": None}


@pytest.mark.parametrize(
    "wrong",
    [
        {"full_name": "Tô Thị Ngà"},
        {"birth_date": "1990-05-02"},
        {"birth_date": "1991-01-01"},
        {"cmnd_number": "164438057"},
        {"full_name": "Tô Thị Ngà", "birth_date": "1990-05-02"},
    ],
)
def test_a_verify_only_key_cannot_tell_which_attribute_was_wrong(verify_only, nga, wrong):
    CitizenFactory(cmnd_number="164438057", full_name="Người Khác")
    body = {"cccd_number": nga.cccd_number, "cmnd_number": "164438056", **NGA_ATTRIBUTES}
    response = verify_only(**{**body, **wrong})
    assert response.status_code == 200
    assert response.json() == {"match": False, "citizen_status": None, "unknown_number": None}


def test_a_verify_only_key_learns_nothing_per_field_while_the_log_keeps_the_reason(
    verify_only, nga
):
    verify_only(cccd_number=nga.cccd_number, full_name="Tô Thị Nga", birth_date="1990-05-02")
    assert LookupLog.objects.get().result == "mismatch:birth"


@pytest.mark.parametrize("missing", ["full_name", "birth_date"])
def test_a_verify_only_key_must_send_name_and_birth_date_so_no_field_is_probed_alone(
    verify_only, nga, missing
):
    body = {"cccd_number": nga.cccd_number, **NGA_ATTRIBUTES}
    del body[missing]
    response = verify_only(**body)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [missing]


def test_a_verify_only_key_is_told_an_unknown_cccd(verify_only, nga):
    response = verify_only(cccd_number="036190099999", **NGA_ATTRIBUTES)
    assert response.json() == {
        "match": False,
        "citizen_status": None,
        "unknown_number": "cccd_number",
    }


def test_a_verify_only_key_is_told_a_cmnd_no_citizen_holds(verify_only, nga):
    response = verify_only(cccd_number=nga.cccd_number, cmnd_number="999999999", **NGA_ATTRIBUTES)
    assert response.json() == {
        "match": False,
        "citizen_status": None,
        "unknown_number": "cmnd_number",
    }


def test_a_verify_only_key_cannot_enumerate_a_birth_date_field_by_field(verify_only, nga, settings):
    settings.REGISTRY_API = {**settings.REGISTRY_API, "RATE_LIMIT_PER_KEY": 1000}
    settings.REGISTRY_API = {**settings.REGISTRY_API, "RATE_LIMIT_PER_ADDRESS": 1000}
    answers = set()
    for month in range(1, 13):
        response = verify_only(
            cccd_number=nga.cccd_number,
            full_name="Không Phải Nga",
            birth_date=f"1990-{month:02d}-01",
        )
        answers.add(response.content)
    # The right birth date (1990-05-01) with a wrong name reads exactly like every wrong one.
    assert len(answers) == 1


def test_a_verify_costs_four_queries_key_limit_citizen_and_log(
    call_api, verifier, nga, django_assert_num_queries
):
    body = {"cccd_number": nga.cccd_number, "purpose": PURPOSE, **NGA_ATTRIBUTES}
    call_api(VERIFY_URL, body, key=verifier.raw_key)
    with django_assert_num_queries(4):
        response = call_api(VERIFY_URL, body, key=verifier.raw_key)
    assert response.status_code == 200


def test_answers_are_not_cacheable(call_api, verifier, nga):
    body = {"cccd_number": nga.cccd_number, "purpose": PURPOSE, **NGA_ATTRIBUTES}
    response = call_api(VERIFY_URL, body, key=verifier.raw_key)
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"
