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
