"""The authorize and token path's lookups: ORM queries, each one query, related rows joined."""

from datetime import timedelta

import pytest
import time_machine
from django.test import RequestFactory
from django.utils import timezone

from identity.provider import hot_path
from identity.provider.digests import secret_digest
from identity.provider.login_state import start_login
from identity.provider.models import AuthorizationCode, OidcClient, VneidAccount

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(nga):
    return start_login(RequestFactory().get("/"), account=nga)


@pytest.fixture
def code(nga, rp, login):
    client = OidcClient.objects.get(client_id=rp.client_id)
    now = timezone.now()
    code = AuthorizationCode(
        code_hash=secret_digest("the-code"),
        client=client,
        account=nga,
        redirect_uri="http://localhost/callback",
        scope="openid",
        nonce="n-1",
        code_challenge="c" * 43,
        code_challenge_method="S256",
        login=login,
        auth_time=login.auth_time,
        acr=nga.acr,
        created_at=now,
        expires_at=now + timedelta(seconds=60),
    )
    hot_path.insert(code)
    return code


def test_a_live_login_comes_with_its_account_and_citizen_in_one_query(
    login, nga, django_assert_num_queries
):
    with django_assert_num_queries(1):
        found = hot_path.live_login(secret_digest(login.cookie_value))
        assert found.account.citizen.cccd_number == nga.citizen.cccd_number


def test_an_ended_expired_or_locked_login_is_not_live(login, nga):
    key_hash = secret_digest(login.cookie_value)
    with time_machine.travel(login.expires_at + timedelta(seconds=1)):
        assert hot_path.live_login(key_hash) is None
    VneidAccount.objects.filter(pk=nga.pk).update(status=VneidAccount.Status.LOCKED)
    assert hot_path.live_login(key_hash) is None
    VneidAccount.objects.filter(pk=nga.pk).update(status=VneidAccount.Status.ACTIVE)
    assert hot_path.live_login(key_hash) == login
    login.ended_at = timezone.now()
    login.save()
    assert hot_path.live_login(key_hash) is None


def test_a_code_for_exchange_comes_with_its_account_and_citizen_in_one_query(
    code, nga, django_assert_num_queries
):
    with django_assert_num_queries(1):
        found = hot_path.code_for_exchange(code.code_hash, code.client)
        assert found.account.citizen.cccd_number == nga.citizen.cccd_number
        assert found.client is code.client


def test_a_code_is_found_only_for_the_client_it_was_issued_to(code, other_rp):
    other = OidcClient.objects.get(client_id=other_rp.client_id)
    assert hot_path.code_for_exchange(code.code_hash, other) is None


def test_a_used_code_is_marked_in_the_database(code):
    hot_path.mark_code_used(code)
    assert AuthorizationCode.objects.get(pk=code.pk).used_at == code.used_at


def test_a_nonce_counts_as_used_only_for_the_same_client(code, other_rp):
    other = OidcClient.objects.get(client_id=other_rp.client_id)
    assert hot_path.nonce_used(code.client_id, "n-1")
    assert not hot_path.nonce_used(code.client_id, "n-2")
    assert not hot_path.nonce_used(other.pk, "n-1")


def test_only_an_active_client_is_found(rp):
    assert hot_path.active_client(rp.client_id).client_id == rp.client_id
    OidcClient.objects.filter(client_id=rp.client_id).update(is_active=False)
    assert hot_path.active_client(rp.client_id) is None
    assert hot_path.active_client("no-such-client") is None
