"""A generic OpenID Connect client, configured only from discovery, logs in over real HTTP."""

import re
import secrets
from urllib.parse import parse_qs, urlsplit

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

from vneid.services import create_client

from .flows import NGA_CCCD, NGA_CMND, PASSWORD

CALLBACK = "https://rp.example/interop/callback"
TIMEOUT = 10


def _browser_logs_in(authorization_url):
    """Play the citizen's browser: open the login page, post the form, stop at the redirect."""
    with requests.Session() as browser:
        page = browser.get(authorization_url, timeout=TIMEOUT)
        assert page.status_code == 200
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        form = {"csrfmiddlewaretoken": csrf, "personal_id_number": NGA_CCCD, "password": PASSWORD}
        response = browser.post(
            authorization_url, data=form, allow_redirects=False, timeout=TIMEOUT
        )
    assert response.status_code == 302, response.text[:300]
    return response.headers["Location"]


def test_generic_client_completes_the_code_flow_from_the_discovery_url(live_server, nga, request):
    client, secret = create_client(name="Ứng dụng tích hợp", redirect_uris=[CALLBACK])
    discovery_url = f"{live_server.url}/vneid/.well-known/openid-configuration"
    metadata = requests.get(discovery_url, timeout=TIMEOUT).json()
    session = OAuth2Session(
        client.client_id,
        secret,
        scope="openid profile vneid_identity",
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )
    # Closed at the end: a kept-alive connection would outlive the live server's thread.
    request.addfinalizer(session.close)
    verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(16)
    url, state = session.create_authorization_url(
        metadata["authorization_endpoint"], nonce=nonce, code_verifier=verifier
    )

    callback = _browser_logs_in(url)
    # RFC 9207: the response names its issuer, as discovery announces.
    assert metadata["authorization_response_iss_parameter_supported"] is True
    assert parse_qs(urlsplit(callback).query)["iss"] == [metadata["issuer"]]
    token = session.fetch_token(
        metadata["token_endpoint"],
        authorization_response=callback,
        state=state,
        code_verifier=verifier,
    )

    jwks = KeySet.import_key_set(requests.get(metadata["jwks_uri"], timeout=TIMEOUT).json())
    id_token = jwt.decode(token["id_token"], jwks, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": metadata["issuer"]},
        aud={"essential": True, "value": client.client_id},
        nonce={"essential": True, "value": nonce},
        sub={"essential": True},
        exp={"essential": True},
    ).validate(id_token.claims)
    assert id_token.header["kid"] in {key.kid for key in jwks.keys}
    userinfo = session.get(metadata["userinfo_endpoint"], timeout=TIMEOUT).json()
    assert userinfo["sub"] == id_token.claims["sub"] == nga.sub
    assert userinfo["personal_id_number"] == NGA_CCCD
    assert userinfo["old_cmnd_number"] == NGA_CMND

    # OpenID Connect Core 5.3.1 / RFC 6750 2.2, pyoidc's default: the token in a POST body.
    body_session = OAuth2Session(client.client_id, token=token, token_placement="body")
    request.addfinalizer(body_session.close)
    posted = body_session.post(
        metadata["userinfo_endpoint"],
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=TIMEOUT,
    )
    assert posted.status_code == 200, posted.text
    assert posted.json()["sub"] == nga.sub


def _browser_logs_in_as_organisation(authorization_url, account, organisation_sub):
    """Play the person's browser: log in, choose the organisation on VNeID's chooser."""
    with requests.Session() as browser:
        page = browser.get(authorization_url, timeout=TIMEOUT)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        form = {
            "csrfmiddlewaretoken": csrf,
            "personal_id_number": account.personal_id_number,
            "password": PASSWORD,
        }
        chooser = browser.post(authorization_url, data=form, timeout=TIMEOUT)
        assert chooser.status_code == 200
        assert f'data-testid="vneid-account-{organisation_sub}"' in chooser.text
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', chooser.text).group(1)
        choice = {"csrfmiddlewaretoken": csrf, "account_choice": organisation_sub}
        response = browser.post(
            authorization_url, data=choice, allow_redirects=False, timeout=TIMEOUT
        )
    assert response.status_code == 302, response.text[:300]
    return response.headers["Location"]


def test_generic_client_logs_in_as_an_organisation_and_reads_act_and_its_claims(
    live_server, mai, mai_authorised, dienban, request
):
    client, secret = create_client(name="Ứng dụng tích hợp", redirect_uris=[CALLBACK])
    discovery_url = f"{live_server.url}/vneid/.well-known/openid-configuration"
    metadata = requests.get(discovery_url, timeout=TIMEOUT).json()
    assert "vneid_organisation" in metadata["scopes_supported"]
    assert "select_account" in metadata["prompt_values_supported"]
    session = OAuth2Session(
        client.client_id,
        secret,
        scope="openid profile vneid_organisation",
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )
    request.addfinalizer(session.close)
    verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(16)
    url, state = session.create_authorization_url(
        metadata["authorization_endpoint"],
        nonce=nonce,
        code_verifier=verifier,
        prompt="select_account",
    )

    callback = _browser_logs_in_as_organisation(url, mai, dienban.sub)
    token = session.fetch_token(
        metadata["token_endpoint"],
        authorization_response=callback,
        state=state,
        code_verifier=verifier,
    )

    jwks = KeySet.import_key_set(requests.get(metadata["jwks_uri"], timeout=TIMEOUT).json())
    id_token = jwt.decode(token["id_token"], jwks, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": metadata["issuer"]},
        aud={"essential": True, "value": client.client_id},
        nonce={"essential": True, "value": nonce},
        sub={"essential": True, "value": dienban.sub},
        acr={"essential": True, "value": "vneid:level2"},
    ).validate(id_token.claims)
    userinfo = session.get(metadata["userinfo_endpoint"], timeout=TIMEOUT).json()
    for claims in (id_token.claims, userinfo):
        assert claims["sub"] == dienban.sub
        assert claims["act"] == {"sub": mai.personal_id_number}
        assert claims["account_type"] == "organisation"
        assert claims["organisation_role"] == "authorised_person"
        assert claims["authorisation_scope"] == "dossiers"
        assert claims["organisation_name"] == claims["name"] == dienban.name
        assert claims["tax_code"] == claims["enterprise_code"] == dienban.tax_code
        assert claims["organisation_eid"] == dienban.eid_code
        assert claims["legal_representative_id_number"] == dienban.registered_by_number
        assert "personal_id_number" not in claims
        # Everything released is announced.
        assert set(claims) - {"iss", "aud", "exp", "iat", "nonce"} <= set(
            metadata["claims_supported"]
        )
