"""Logging in as an organisation: the account chooser, the role checked twice, the claims."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import KeySet

from vneid import login_state
from vneid.keys import published_key_set
from vneid.models import (
    AccessToken,
    AuthorizationCode,
    LoginSession,
    OrganisationEid,
    QrLogin,
)
from vneid.services import create_client

from .flows import (
    PASSWORD,
    REDIRECT_URI,
    RelyingParty,
    authorize_params,
    authorize_url,
    exchange,
    redirect_query,
    submit_login,
)
from .organisation_fixtures import HOIAN_CODE
from .organisation_logins import ORGANISATION_SCOPES, make_organisation
from .receivers import start_receiver

CHOOSER_TITLE = "Chọn tài khoản đăng nhập"


def _params(rp, pkce, **overrides):
    return authorize_params(rp, pkce, scope=ORGANISATION_SCOPES, **overrides)


def _log_in(browser, account, params):
    return submit_login(browser, params, number=account.personal_id_number, password=PASSWORD)


def _choose(browser, params, choice):
    return browser.post(authorize_url(params), {"account_choice": choice})


def _claims(browser, rp, code, verifier):
    response = exchange(browser, rp, code, verifier)
    assert response.status_code == 200, response.content
    tokens = response.json()
    key_set = KeySet.import_key_set(browser.get(reverse("vneid:jwks")).json())
    id_token = jwt.decode(tokens["id_token"], key_set, algorithms=["RS256"]).claims
    userinfo = browser.get(
        reverse("vneid:userinfo"), HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}"
    )
    return id_token, userinfo, tokens


def _organisation_code(browser, account, organisation, rp, pkce, **overrides):
    params = _params(rp, pkce, **overrides)
    page = _log_in(browser, account, params)
    assert CHOOSER_TITLE in page.content.decode()
    return redirect_query(_choose(browser, params, organisation.sub))["code"]


def _current_login(browser):
    raw = browser.cookies[login_state.COOKIE_NAME].value
    return LoginSession.objects.get(key_hash=login_state.hash_secret(raw))


# The chooser.


def test_a_representative_is_shown_the_chooser_after_the_password(client, quang, dienban, rp, pkce):
    page = _log_in(client, quang, _params(rp, pkce))

    assert page.status_code == 200
    html = page.content.decode()
    assert CHOOSER_TITLE in html
    assert 'data-testid="vneid-account-personal"' in html
    assert f'data-testid="vneid-account-{dienban.sub}"' in html
    assert dienban.name in html
    # Masked, as everywhere a number is shown.
    assert dienban.tax_code not in html
    # The login is started (its cookie set) but no account is chosen and no code issued.
    assert _current_login(client).organisation is None
    assert not AuthorizationCode.objects.exists()


def test_choosing_the_organisation_returns_a_code_for_it(client, quang, dienban, rp, pkce):
    code = _organisation_code(client, quang, dienban, rp, pkce)

    assert _current_login(client).organisation == dienban
    assert AuthorizationCode.objects.get().organisation == dienban
    _claims(client, rp, code, pkce.verifier)
    assert AccessToken.objects.get().organisation == dienban


def test_an_organisation_login_speaks_for_the_organisation_in_the_id_token_and_userinfo(
    client, quang, dienban, rp, pkce
):
    code = _organisation_code(client, quang, dienban, rp, pkce)

    id_token, userinfo, _ = _claims(client, rp, code, pkce.verifier)

    assert userinfo.status_code == 200
    for claims in (id_token, userinfo.json()):
        assert claims["sub"] == dienban.sub
        assert claims["act"] == {"sub": quang.personal_id_number}
        assert claims["account_type"] == "organisation"
        assert claims["organisation_role"] == "legal_representative"
        assert "authorisation_scope" not in claims
        assert claims["name"] == dienban.name
        assert claims["organisation_name"] == dienban.name
        assert claims["tax_code"] == dienban.tax_code
        assert claims["legal_representative_id_number"] == quang.personal_id_number
        # The person's own attributes are not the organisation's.
        for personal in ("birthdate", "gender", "personal_id_number", "old_cmnd_number"):
            assert personal not in claims
    assert id_token["acr"] == "vneid:level2"
    assert id_token["sid"] == _current_login(client).sid


def test_choosing_the_personal_account_returns_the_persons_own_token(
    client, quang, dienban, rp, pkce
):
    params = _params(rp, pkce)
    _log_in(client, quang, params)

    code = redirect_query(_choose(client, params, "personal"))["code"]

    id_token, userinfo, _ = _claims(client, rp, code, pkce.verifier)
    assert id_token["sub"] == userinfo.json()["sub"] == quang.sub
    assert id_token["account_type"] == "citizen"
    assert "act" not in id_token
    assert userinfo.json()["personal_id_number"] == quang.personal_id_number
    assert AuthorizationCode.objects.get().organisation is None
    assert AccessToken.objects.get().organisation is None


def test_a_person_acting_for_no_organisation_is_not_asked(client, nga, rp, pkce):
    response = submit_login(client, _params(rp, pkce))

    assert "code" in redirect_query(response)


def test_a_client_not_allowed_the_scope_never_shows_the_chooser(
    client, quang, dienban, citizen_only_rp, pkce
):
    response = _log_in(client, quang, _params(citizen_only_rp, pkce))

    code = redirect_query(response)["code"]
    id_token, _, _ = _claims(client, citizen_only_rp, code, pkce.verifier)
    assert id_token["sub"] == quang.sub
    assert "account_type" not in id_token


def test_a_live_organisation_login_is_used_without_asking_again(client, quang, dienban, rp, pkce):
    _organisation_code(client, quang, dienban, rp, pkce)

    response = client.get(authorize_url(_params(rp, pkce, nonce="second")))

    assert "code" in redirect_query(response)
    assert AuthorizationCode.objects.filter(organisation=dienban).count() == 2


def test_prompt_select_account_shows_the_chooser_for_a_live_login(client, quang, dienban, rp, pkce):
    _organisation_code(client, quang, dienban, rp, pkce)

    page = client.get(authorize_url(_params(rp, pkce, nonce="n2", prompt="select_account")))

    assert page.status_code == 200
    assert CHOOSER_TITLE in page.content.decode()


def test_prompt_select_account_shows_the_chooser_even_without_organisations(client, nga, rp, pkce):
    params = _params(rp, pkce, prompt="select_account")
    page = submit_login(client, params)

    assert CHOOSER_TITLE in page.content.decode()
    assert 'data-testid="vneid-no-organisation"' in page.content.decode()
    assert "code" in redirect_query(_choose(client, params, "personal"))


def test_prompt_none_never_shows_the_chooser_and_uses_the_logins_choice(
    client, quang, dienban, rp, pkce
):
    _log_in(client, quang, _params(rp, pkce))  # chooser shown, nothing chosen yet

    personal = client.get(authorize_url(_params(rp, pkce, nonce="n2", prompt="none")))

    assert "code" in redirect_query(personal)
    assert AuthorizationCode.objects.get().organisation is None
    _choose(client, _params(rp, pkce, nonce="n3"), dienban.sub)
    chosen = client.get(authorize_url(_params(rp, pkce, nonce="n4", prompt="none")))
    assert "code" in redirect_query(chosen)
    assert AuthorizationCode.objects.filter(organisation=dienban).count() == 2


# Refusals.


def test_choosing_an_organisation_the_person_does_not_act_for_is_refused(
    client, quang, dienban, mai, rp, pkce
):
    params = _params(rp, pkce, prompt="select_account")
    submit_login(client, params, number=mai.personal_id_number, password=PASSWORD)

    response = _choose(client, params, dienban.sub)

    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="vneid-choice-error"' in html
    assert 'data-code="not_acting"' in html
    assert _current_login(client).organisation is None
    assert not AuthorizationCode.objects.exists()


def test_choosing_an_unknown_organisation_is_refused(client, quang, dienban, rp, pkce):
    params = _params(rp, pkce)
    _log_in(client, quang, params)

    response = _choose(client, params, "0" * 32)

    assert response.status_code == 403
    assert 'data-code="not_acting"' in response.content.decode()
    assert _current_login(client).organisation is None


def test_choosing_an_organisation_for_a_client_without_the_scope_is_refused(
    client, quang, dienban, citizen_only_rp, pkce
):
    _log_in(client, quang, _params(citizen_only_rp, pkce))

    # A new request (nonce): the login above already returned a code for the first.
    response = _choose(client, _params(citizen_only_rp, pkce, nonce="n2"), dienban.sub)

    assert response.status_code == 403
    assert 'data-code="scope_not_allowed"' in response.content.decode()


def test_an_authorisation_revoked_after_the_code_gets_invalid_grant(
    client, mai, mai_authorised, dienban, rp, pkce
):
    code = _organisation_code(client, mai, dienban, rp, pkce)
    mai_authorised.revoked_at = timezone.now()
    mai_authorised.save()

    response = exchange(client, rp, code, pkce.verifier)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert "authorisation_revoked" in response.json()["error_description"]
    assert not AccessToken.objects.exists()


def test_an_authorisation_expired_after_the_code_gets_invalid_grant(
    client, mai, mai_authorised, dienban, rp, pkce
):
    mai_authorised.valid_until = timezone.localdate()
    mai_authorised.save()
    code = _organisation_code(client, mai, dienban, rp, pkce)

    # The code is still fresh at midnight: only the authorisation has run out.
    tomorrow = timezone.localtime().replace(hour=0, minute=0, second=10) + timedelta(days=1)
    AuthorizationCode.objects.update(expires_at=tomorrow + timedelta(minutes=1))
    with time_machine.travel(tomorrow):
        response = exchange(client, rp, code, pkce.verifier)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()


def test_a_role_lost_since_the_choice_shows_the_chooser_again_with_the_reason(
    client, mai, mai_authorised, dienban, rp, pkce
):
    _organisation_code(client, mai, dienban, rp, pkce)
    mai_authorised.revoked_at = timezone.now()
    mai_authorised.save()

    page = client.get(authorize_url(_params(rp, pkce, nonce="n2")))
    refused = client.get(authorize_url(_params(rp, pkce, nonce="n3", prompt="none")))

    assert page.status_code == 403
    assert 'data-code="authorisation_revoked"' in page.content.decode()
    assert redirect_query(refused)["error"] == "account_selection_required"
    assert AuthorizationCode.objects.count() == 1


def test_userinfo_refuses_a_token_whose_authorisation_was_revoked(
    client, mai, mai_authorised, dienban, rp, pkce
):
    code = _organisation_code(client, mai, dienban, rp, pkce)
    _, userinfo, tokens = _claims(client, rp, code, pkce.verifier)
    assert userinfo.json()["authorisation_scope"] == "dossiers"
    mai_authorised.revoked_at = timezone.now()
    mai_authorised.save()

    again = client.get(
        reverse("vneid:userinfo"), HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}"
    )

    assert again.status_code == 401
    assert again.json()["error"] == "invalid_token"


def test_a_locked_organisation_is_refused_at_the_choice(client, quang, dienban, rp, pkce):
    params = _params(rp, pkce)
    _log_in(client, quang, params)
    OrganisationEid.objects.filter(pk=dienban.pk).update(status=OrganisationEid.Status.LOCKED)

    response = _choose(client, params, dienban.sub)

    assert response.status_code == 403
    assert 'data-code="organisation_inactive"' in response.content.decode()


# QR login and logout.


def test_a_qr_approved_as_the_organisation_logs_the_browser_in_as_it(
    client, quang, dienban, rp, pkce
):
    params = _params(rp, pkce)
    page = client.get(authorize_url(params)).content.decode()
    ticket = re.search(r'data-ticket="([^"]+)"', page).group(1)
    # What the app does when its login, switched to the organisation, approves the QR.
    QrLogin.objects.filter(ticket_hash=login_state.hash_secret(ticket)).update(
        status=QrLogin.Status.APPROVED, account=quang, organisation=dienban
    )

    response = client.post(authorize_url(params), {"qr_ticket": ticket})

    code = redirect_query(response)["code"]
    assert _current_login(client).organisation == dienban
    id_token, _, _ = _claims(client, rp, code, pkce.verifier)
    assert id_token["sub"] == dienban.sub
    assert id_token["act"] == {"sub": quang.personal_id_number}


def test_logout_with_an_organisation_id_token_hint_needs_no_confirmation(
    client, quang, dienban, rp, pkce
):
    code = _organisation_code(client, quang, dienban, rp, pkce)
    _, _, tokens = _claims(client, rp, code, pkce.verifier)

    response = client.get(
        reverse("vneid:end_session"),
        {"id_token_hint": tokens["id_token"], "client_id": rp.client_id},
    )

    assert response.status_code == 200
    assert "logout_confirm" not in [t.name for t in response.templates]
    assert LoginSession.objects.get().ended_at is not None


def test_two_organisations_are_each_offered(client, quang, dienban, rp, pkce):
    other = make_organisation(
        quang,
        name="Công ty TNHH Hội An Xanh",
        tax_code=HOIAN_CODE,
        enterprise_code=HOIAN_CODE,
    )

    page = _log_in(client, quang, _params(rp, pkce)).content.decode()

    assert f'data-testid="vneid-account-{dienban.sub}"' in page
    assert f'data-testid="vneid-account-{other.sub}"' in page


@pytest.fixture
def receiver():
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


def test_the_logout_token_of_an_organisation_login_names_the_organisation(
    client, quang, dienban, pkce, receiver
):
    registered, secret = create_client(
        name="Cổng Dịch vụ công Quốc gia",
        redirect_uris=[REDIRECT_URI],
        backchannel_logout_uri=receiver.uri("/portal"),
    )
    rp = RelyingParty(registered.client_id, secret)
    code = _organisation_code(client, quang, dienban, rp, pkce)
    _, _, tokens = _claims(client, rp, code, pkce.verifier)

    client.get(reverse("vneid:end_session"), {"id_token_hint": tokens["id_token"]})

    (token,) = receiver.tokens("/portal")
    claims = jwt.decode(token, published_key_set(), algorithms=["RS256"]).claims
    # The sub the client knows from its ID token, so that it finds the session to end.
    assert claims["sub"] == dienban.sub
    assert claims["sid"] == LoginSession.objects.get().sid


def test_a_client_that_saw_both_subjects_is_told_by_sid_alone(
    client, quang, dienban, pkce, receiver
):
    registered, secret = create_client(
        name="Cổng Dịch vụ công Quốc gia",
        redirect_uris=[REDIRECT_URI],
        backchannel_logout_uri=receiver.uri("/portal"),
    )
    rp = RelyingParty(registered.client_id, secret)
    params = _params(rp, pkce)
    _log_in(client, quang, params)
    redirect_query(_choose(client, params, "personal"))
    redirect_query(_choose(client, _params(rp, pkce, nonce="n2"), dienban.sub))

    client.post(reverse("vneid:end_session"), {"confirm": "yes"})

    (token,) = receiver.tokens("/portal")
    claims = jwt.decode(token, published_key_set(), algorithms=["RS256"]).claims
    assert "sub" not in claims
    assert claims["sid"] == LoginSession.objects.get().sid


def test_the_apps_switch_carries_through_a_qr_to_the_browsers_token(
    client, quang, dienban, rp, pkce
):
    phone = Client(HTTP_HOST="localhost", REMOTE_ADDR="10.0.0.2")
    params = _params(rp, pkce)
    page = client.get(authorize_url(params)).content.decode()
    link = re.search(r'value="([^"]+)"[^>]*data-testid="vneid-qr-link"', page).group(1)
    ticket = re.search(r'data-ticket="([^"]+)"', page).group(1)
    phone.post(link, {"personal_id_number": quang.personal_id_number, "password": PASSWORD})
    phone.post(reverse("vneid:app_switch"), {"account_choice": dienban.sub})
    phone.post(link, {"decision": "approve"})

    response = client.post(authorize_url(params), {"qr_ticket": ticket})

    id_token, userinfo, _ = _claims(client, rp, redirect_query(response)["code"], pkce.verifier)
    assert id_token["sub"] == userinfo.json()["sub"] == dienban.sub
    assert id_token["act"] == {"sub": quang.personal_id_number}
    assert id_token["amr"] == ["qr"]
