"""Helpers that drive real VNeID flows through Django's test client, and the test personas."""

import base64
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from django.urls import reverse

# Tô Thị Nga, the citizen of the guide: level 2, with an old CMND in the registry.
from tests.personas import NGA_CCCD, NGA_CMND, VNEID_PASSWORD  # noqa: F401  (for the tests)

PASSWORD = VNEID_PASSWORD
REDIRECT_URI = "https://rp.example/callback"
OTHER_REDIRECT_URI = "https://rp.example/other-callback"
POST_LOGOUT_URI = "https://rp.example/logged-out"
ALL_SCOPES = "openid profile vneid_identity"


@dataclass
class Pkce:
    verifier: str
    challenge: str


@dataclass
class RelyingParty:
    client_id: str
    secret: str


def authorize_params(rp, pkce, **overrides):
    """Return the query of a well-formed authorization request; None values are dropped."""
    params = {
        "response_type": "code",
        "client_id": rp.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": ALL_SCOPES,
        "state": "state-123",
        "nonce": "nonce-abc",
        "code_challenge": pkce.challenge,
        "code_challenge_method": "S256",
    }
    params.update(overrides)
    return {key: value for key, value in params.items() if value is not None}


def authorize_url(params):
    return f"{reverse('vneid:authorize')}?{urlencode(params)}"


def submit_login(browser, params, *, number=NGA_CCCD, password=PASSWORD, **extra):
    """Post the login form of the authorization page."""
    return browser.post(
        authorize_url(params), {"personal_id_number": number, "password": password}, **extra
    )


def redirect_query(response):
    """Return the query parameters of a redirect to the relying party."""
    assert response.status_code == 302, response.content[:500]
    location = response["Location"]
    assert location.startswith(REDIRECT_URI) or location.startswith(OTHER_REDIRECT_URI)
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def exchange(browser, rp, code, verifier, *, redirect_uri=REDIRECT_URI, auth="basic", secret=None):
    """Call the token endpoint as the relying party would."""
    secret = rp.secret if secret is None else secret
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if verifier is not None:
        data["code_verifier"] = verifier
    headers = {}
    if auth == "basic":
        raw = f"{rp.client_id}:{secret}".encode()
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(raw).decode()
    else:
        data.update(client_id=rp.client_id, client_secret=secret)
    return browser.post(reverse("vneid:token"), data, **headers)


def log_in_and_get_code(browser, rp, pkce, **overrides):
    """Drive the password login of an authorization request; return the code."""
    response = submit_login(browser, authorize_params(rp, pkce, **overrides))
    return redirect_query(response)["code"]
