"""The authorize and token path's lookups: ORM queries, each one query, related rows joined."""

from datetime import timedelta

import pytest
import time_machine
from django.test import RequestFactory
from django.utils import timezone

from api_kit.keys import hash_secret
from vneid import faults, hot_path, keys, organisations
from vneid.login_state import start_login
from vneid.models import (
    AccessToken,
    AuthorizationCode,
    OidcClient,
    OrganisationEid,
    OrganisationRepresentative,
    ServiceFault,
    SigningKey,
    VneidAccount,
)

from .flows import authorize_params, authorize_url, exchange, redirect_query, submit_login
from .organisation_fixtures import HOIAN_CODE
from .organisation_logins import authorise, make_organisation

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


# An organisation login's role is checked at code issue and again at the exchange: one query
# each for a representative (acting_role); its e-ID is joined to the login and the code.
ORGANISATION_ROLE_CHECKS = 2


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


def _role_by_acting_for(account, organisation):
    try:
        return organisations.acting_for(account, organisation)
    except organisations.OrganisationRefused:
        return None


def test_the_one_query_role_check_agrees_with_acting_for(quang, mai, dienban):
    """Every case of acting_for, asked both ways: the same Acting, or no role at all."""
    authorisation = authorise(dienban, mai, scope="full")
    cases = []

    def check(label, account, organisation):
        account.refresh_from_db()
        organisation.refresh_from_db()
        cases.append(
            (
                label,
                hot_path.acting_role(account, organisation.pk),
                _role_by_acting_for(account, organisation),
            )
        )

    check("representative", quang, dienban)
    check("authorised in full", mai, dienban)
    later = authorise(dienban, mai, scope="dossiers")
    check("the authorisation given last counts", mai, dienban)
    later.revoked_at = timezone.now()
    later.save()
    check("a revoked one does not", mai, dienban)
    authorisation.valid_until = timezone.localdate() - timedelta(days=1)
    authorisation.save()
    check("expired and revoked", mai, dienban)
    authorisation.valid_until = timezone.localdate()
    authorisation.save()
    check("valid to the end of today", mai, dienban)
    also = authorise(dienban, quang, scope="dossiers")
    check("a representative also authorised acts as representative", quang, dienban)
    also.revoked_at = timezone.now()
    also.save()
    VneidAccount.objects.filter(pk=mai.pk).update(assurance_level=1)
    check("level 1", mai, dienban)
    VneidAccount.objects.filter(pk=mai.pk).update(assurance_level=2, status="locked")
    check("locked account", mai, dienban)
    OrganisationRepresentative.objects.filter(organisation=dienban).update(confirmed_at=None)
    check("representative not confirmed", quang, dienban)
    OrganisationRepresentative.objects.filter(organisation=dienban).update(
        confirmed_at=timezone.now()
    )
    for status in ("pending", "locked"):
        OrganisationEid.objects.filter(pk=dienban.pk).update(status=status)
        check(f"e-ID {status}", quang, dienban)
    other = make_organisation(mai, tax_code=HOIAN_CODE, enterprise_code=HOIAN_CODE)
    check("a stranger to the e-ID", quang, other)

    for label, fast, reference in cases:
        assert fast == reference, label
    assert [label for label, fast, _ in cases if fast is not None] == [
        "representative",
        "authorised in full",
        "the authorisation given last counts",
        "a revoked one does not",
        "valid to the end of today",
        "a representative also authorised acts as representative",
    ]


def test_the_role_check_is_one_query(quang, dienban, django_assert_num_queries):
    with django_assert_num_queries(1):
        acting = hot_path.acting_role(quang, dienban.pk)
    assert acting.role == "legal_representative"
