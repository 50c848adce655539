"""Lookup returns a citizen's full record to systems allowed to read records."""

import pytest

from .conftest import LOOKUP_URL, PURPOSE
from .factories import CitizenFactory

pytestmark = pytest.mark.django_db


def test_lookup_returns_the_full_record(call_api, reader, nga):
    response = call_api(
        LOOKUP_URL, {"cccd_number": nga.cccd_number, "purpose": PURPOSE}, key=reader.raw_key
    )
    assert response.status_code == 200
    assert response.json() == {
        "citizen": {
            "cccd_number": "036190012345",
            "cmnd_number": "164438056",
            "full_name": "Tô Thị Nga",
            "birth_date": "1990-05-01",
            "gender": "female",
            "place_of_birth": "Nam Định",
            "place_of_origin": "Xã Hải Anh, Nam Định",
            "permanent_address": "Số 12 Trần Hưng Đạo, Phường Nam Định, Ninh Bình",
            "ethnicity": "Kinh",
            "nationality": "Việt Nam",
            "card_issue_date": "2021-06-01",
            "status": "alive",
        }
    }


def test_a_citizen_without_card_or_cmnd_has_null_date_and_empty_cmnd(call_api, reader):
    child = CitizenFactory(cmnd_number="", card_issue_date=None)
    response = call_api(
        LOOKUP_URL, {"cccd_number": child.cccd_number, "purpose": PURPOSE}, key=reader.raw_key
    )
    record = response.json()["citizen"]
    assert (record["cmnd_number"], record["card_issue_date"]) == ("", None)


def test_lookup_of_an_unknown_number_is_404(call_api, reader, nga):
    response = call_api(
        LOOKUP_URL, {"cccd_number": "036190099999", "purpose": PURPOSE}, key=reader.raw_key
    )
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert response.json()["message"]


def test_a_lookup_costs_four_queries_key_limit_citizen_and_log(
    call_api, reader, nga, django_assert_num_queries
):
    body = {"cccd_number": nga.cccd_number, "purpose": PURPOSE}
    call_api(LOOKUP_URL, body, key=reader.raw_key)
    with django_assert_num_queries(4):
        call_api(LOOKUP_URL, body, key=reader.raw_key)
