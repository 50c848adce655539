"""The create_registry_api_key command prints a working key once, as JSON."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from citizen_registry.models import ApiClient

from .conftest import LOOKUP_URL, PURPOSE

pytestmark = pytest.mark.django_db


def _create(*args):
    out = StringIO()
    call_command("create_registry_api_key", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_command_prints_name_and_a_key_that_authenticates(call_api, nga):
    printed = _create("--name", "Hệ thống một cửa", "--can-read-records")
    assert printed["name"] == "Hệ thống một cửa"
    assert ApiClient.objects.get(name="Hệ thống một cửa").can_read_records is True
    body = {"cccd_number": nga.cccd_number, "purpose": PURPOSE}
    assert call_api(LOOKUP_URL, body, key=printed["api_key"]).status_code == 200


def test_without_the_flag_the_client_cannot_read_records():
    _create("--name", "Chỉ xác minh")
    assert ApiClient.objects.get(name="Chỉ xác minh").can_read_records is False


def test_a_taken_name_is_refused():
    _create("--name", "Trùng tên")
    with pytest.raises(CommandError, match="Trùng tên"):
        _create("--name", "Trùng tên")
