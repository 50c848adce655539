"""Each request VNeID answers on a login's way is recorded with its account, status and time."""

import pytest
from django.urls import reverse

from vneid.models import AuditEvent

from .flows import authorize_params, authorize_url, exchange, redirect_query, submit_login


def _hops(**filters):
    return list(
        AuditEvent.objects.filter(kind=AuditEvent.Kind.REQUEST_ANSWERED, **filters).order_by("id")
    )


@pytest.mark.django_db
def test_login_page_request_is_attributed_to_the_account_that_then_logs_in(client, nga, rp, pkce):
    params = authorize_params(rp, pkce)
    assert client.get(authorize_url(params)).status_code == 200
    (page,) = _hops()
    assert page.account is None and page.endpoint == "authorize" and page.flow

    code = redirect_query(submit_login(client, params))["code"]
    exchange(client, rp, code, pkce.verifier)

    hops = _hops(account=nga)
    assert [(hop.endpoint, hop.status_code) for hop in hops] == [
        ("authorize", 200),
        ("login", 302),
        ("token", 200),
    ]
    assert all(hop.duration_ms is not None and hop.duration_ms >= 0 for hop in hops)


@pytest.mark.django_db
def test_userinfo_is_recorded_for_the_tokens_account(client, nga, tokens):
    response = client.get(
        reverse("vneid:userinfo"), HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}"
    )
    assert response.status_code == 200
    assert _hops(account=nga)[-1].endpoint == "userinfo"


@pytest.mark.django_db
def test_wrong_password_is_recorded_for_the_accounts_owner(client, nga, rp, pkce):
    response = submit_login(client, authorize_params(rp, pkce), password="Sai@123456")
    assert response.status_code == 200
    (hop,) = _hops(account=nga)
    assert (hop.endpoint, hop.status_code) == ("login", 200)


@pytest.mark.django_db
def test_requests_of_nobody_in_particular_are_not_recorded(client, rp):
    client.post(reverse("vneid:token"), {"grant_type": "authorization_code", "code": "x"})
    client.get(reverse("vneid:userinfo"))
    assert _hops() == []


@pytest.mark.django_db
def test_another_browsers_login_page_is_not_attributed(client, nga, rp, pkce):
    client.get(authorize_url(authorize_params(rp, pkce, state="someone-else")))
    redirect_query(submit_login(client, authorize_params(rp, pkce)))
    assert [hop.endpoint for hop in _hops(account=nga)] == ["login"]
    assert _hops(account__isnull=True)[0].endpoint == "authorize"


@pytest.mark.django_db
def test_every_hop_names_the_service_that_sent_it(client, nga, rp, pkce):
    # A trainer's timeline tells the national portal's calls from the national login service's.
    params = authorize_params(rp, pkce)
    client.get(authorize_url(params))
    code = redirect_query(submit_login(client, params))["code"]
    tokens = exchange(client, rp, code, pkce.verifier).json()
    client.get(reverse("vneid:userinfo"), HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")

    hops = _hops(account=nga)
    assert [hop.endpoint for hop in hops] == ["authorize", "login", "token", "userinfo"]
    assert {hop.client.client_id for hop in hops} == {rp.client_id}
