"""API clients: keys are generated, stored only as a hash, rotated and ensured idempotently."""

import hashlib

import pytest

from citizen_registry.models import ApiClient
from citizen_registry.services import create_api_client, ensure_api_client, issue_new_key

from .conftest import NGA_ATTRIBUTES, PURPOSE, VERIFY_URL

pytestmark = pytest.mark.django_db


def test_a_new_client_gets_a_random_dvcr_key_stored_only_as_its_sha256():
    client, raw_key = create_api_client(name="Hệ thống A", can_read_records=False)
    assert raw_key.startswith("dvcr_")
    assert len(raw_key) >= 45
    client.refresh_from_db()
    assert client.key_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    assert client.key_prefix == raw_key[:12]
    stored = ApiClient.objects.filter(pk=client.pk).values().get()
    assert raw_key not in {str(value) for value in stored.values()}


def test_two_new_clients_get_different_keys():
    _, first = create_api_client(name="A", can_read_records=False)
    _, second = create_api_client(name="B", can_read_records=False)
    assert first != second


def test_a_given_raw_key_is_used_as_is():
    client, raw_key = create_api_client(name="A", can_read_records=True, raw_key="dvcr_given")
    assert raw_key == "dvcr_given"
    assert client.can_read_records is True


def test_ensure_creates_the_client_once_and_then_changes_nothing():
    first = ensure_api_client(name="Cổng DVCQG", raw_key="dvcr_portal", can_read_records=True)
    second = ensure_api_client(name="Cổng DVCQG", raw_key="dvcr_portal", can_read_records=True)
    assert first.pk == second.pk
    assert ApiClient.objects.count() == 1
    assert second.key_hash == hashlib.sha256(b"dvcr_portal").hexdigest()


def test_ensure_brings_an_existing_client_to_the_given_key_and_permission():
    client, _ = create_api_client(name="Cổng DVCQG", can_read_records=False)
    ApiClient.objects.filter(pk=client.pk).update(is_active=False)
    ensured = ensure_api_client(name="Cổng DVCQG", raw_key="dvcr_new", can_read_records=True)
    ensured.refresh_from_db()
    assert ensured.pk == client.pk
    assert ensured.key_hash == hashlib.sha256(b"dvcr_new").hexdigest()
    assert (ensured.can_read_records, ensured.is_active) == (True, True)


def test_ensure_refuses_a_key_already_held_by_another_client():
    create_api_client(name="Khác", can_read_records=False, raw_key="dvcr_shared")
    with pytest.raises(ValueError, match="Khác"):
        ensure_api_client(name="Cổng DVCQG", raw_key="dvcr_shared", can_read_records=True)


def test_a_new_key_replaces_the_old_one_at_once(call_api, nga):
    client, old_key = create_api_client(name="A", can_read_records=False)
    new_key = issue_new_key(client=client)
    body = {"cccd_number": nga.cccd_number, "purpose": PURPOSE, **NGA_ATTRIBUTES}
    assert call_api(VERIFY_URL, body, key=old_key).status_code == 401
    assert call_api(VERIFY_URL, body, key=new_key).status_code == 200
