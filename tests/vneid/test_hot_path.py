"""The authorize and token path's lookups: ORM queries, each one query, related rows joined."""

from datetime import timedelta

import pytest
import time_machine
from django.test import RequestFactory
from django.utils import timezone

from api_kit.keys import hash_secret
from vneid import faults, hot_path, keys
from vneid.login_state import start_login
from vneid.models import (
    AccessToken,
    AuthorizationCode,
    OidcClient,
    ServiceFault,
    SigningKey,
    VneidAccount,
)

from .flows import authorize_params, authorize_url, exchange, redirect_query, submit_login

pytestmark = pytest.mark.django_db

# Authorize with a live login (client, login with account and citizen, fault, nonce, code
# insert) and the token exchange (client, fault, code locked with account and citizen, token
# insert, used mark, signing key), with the token view's savepoint; and the three rows that
# record each answered request (authorize, token, and the hop's flow lookup) for the timeline.
ROUND_TRIP_QUERIES = 16


@pytest.fixture
def login(nga):
    return start_login(RequestFactory().get("/"), account=nga)


@pytest.fixture
def code(nga, rp, login):
    client = OidcClient.objects.get(client_id=rp.client_id)
    now = timezone.now()
    code = AuthorizationCode(
        code_hash=hash_secret("the-code"),
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
        found = hot_path.live_login(hash_secret(login.cookie_value))
        assert found.account.citizen.cccd_number == nga.citizen.cccd_number


def test_an_ended_expired_or_locked_login_is_not_live(login, nga):
    key_hash = hash_secret(login.cookie_value)
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


def test_a_round_trip_with_a_live_login_asks_the_database_few_times(
    client, nga, rp, pkce, django_assert_max_num_queries
):
    submit_login(client, authorize_params(rp, pkce))
    keys.active_signing_key()
    with django_assert_max_num_queries(ROUND_TRIP_QUERIES):
        answer = client.get(authorize_url(authorize_params(rp, pkce, nonce="second")))
        code = redirect_query(answer)["code"]
        assert exchange(client, rp, code, pkce.verifier).status_code == 200


def test_the_client_lookup_finds_what_the_orm_query_finds(rp, other_rp):
    OidcClient.objects.filter(client_id=other_rp.client_id).update(is_active=False)
    for client_id in (rp.client_id, other_rp.client_id, "no-such-client", "x' OR '1'='1"):
        expected = OidcClient.objects.filter(client_id=client_id, is_active=True).first()
        assert hot_path.active_client(client_id) == expected


def test_the_signing_key_lookup_finds_what_the_orm_query_finds():
    assert hot_path.active_signing_key() is None
    created = keys.active_signing_key()
    expected = SigningKey.objects.filter(is_active=True).first()
    found = hot_path.active_signing_key()
    assert found == expected == created
    assert found.private_jwk == expected.private_jwk


def test_the_fault_lookup_finds_what_the_orm_query_finds():
    assert hot_path.current_service_fault() is None
    faults.set_fault("latency", latency_ms=40)
    found = hot_path.current_service_fault()
    expected = ServiceFault.objects.order_by("pk").first()
    assert (found, found.mode, found.latency_ms) == (expected, expected.mode, 40)


# An organisation login's role is checked at code issue and again at the exchange (acting_for:
# the e-ID, the representation, the authorisations); its e-ID is joined to the login and code.
ORGANISATION_ROLE_CHECKS = 6


def test_an_organisation_round_trip_adds_only_the_role_checks(
    client, quang, dienban, rp, pkce, django_assert_max_num_queries
):
    scope = "openid profile vneid_identity vneid_organisation"
    params = authorize_params(rp, pkce, scope=scope)
    submit_login(client, params, number=quang.personal_id_number)
    client.post(authorize_url(params), {"account_choice": dienban.sub})
    keys.active_signing_key()
    with django_assert_max_num_queries(ROUND_TRIP_QUERIES + ORGANISATION_ROLE_CHECKS):
        answer = client.get(authorize_url(authorize_params(rp, pkce, scope=scope, nonce="2nd")))
        code = redirect_query(answer)["code"]
        response = exchange(client, rp, code, pkce.verifier)
        assert response.status_code == 200
    assert AccessToken.objects.get(authorization_code__code_hash=hash_secret(code)).organisation
