"""Any input to VNeID's endpoints gets a 4xx in the endpoint's own format, never a 500."""

import json
from urllib.parse import quote

from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .flows import NGA_CCCD, PASSWORD, REDIRECT_URI, authorize_params

# Generated requests per run: enough to reach every branch above, well under a minute.
EXAMPLES = 600

# Endpoints that speak JSON: every refusal must be a JSON object, with `error` when it has a body.
JSON_ENDPOINTS = {"token", "userinfo", "discovery", "jwks", "qr_status"}

PARAMETER_NAMES = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "prompt",
    "max_age",
    "response_mode",
    "request",
    "request_uri",
    "acr_values",
    "claims",
    "grant_type",
    "code",
    "code_verifier",
    "client_secret",
    "access_token",
    "id_token_hint",
    "post_logout_redirect_uri",
    "confirm",
    "ticket",
    "qr_ticket",
    "qr_link",
    "personal_id_number",
    "password",
)

# Values that broke the endpoints once, or that reach deeper branches than random text does.
TRICKY_VALUES = (
    "",
    "\x00",
    "%00",
    "cb\x00",
    "\n",
    "\r\n",
    '"',
    "\\",
    "ü",
    "Tô Thị Nga",
    "x" * 300,
    "-1",
    "1e3",
    "0",
    "99999999999999999999",
    "openid",
    "openid profile vneid_identity",
    "code",
    "token",
    "S256",
    "plain",
    "none",
    "login",
    "query",
    "form_post",
    "fragment",
    "authorization_code",
    "yes",
    REDIRECT_URI,
    REDIRECT_URI + "\x00",
    REDIRECT_URI + "\n",
    "http://127.0.0.1:9999/cb\x00",
    NGA_CCCD,
    PASSWORD,
    "a.b.c",
    "eyJhbGciOiJub25lIn0.e30.",
)


def _values(extra=()):
    return st.one_of(st.sampled_from(TRICKY_VALUES + tuple(extra)), st.text(max_size=30))


def _parameters(extra_values=()):
    names = st.one_of(st.sampled_from(PARAMETER_NAMES), st.text(min_size=1, max_size=12))
    return st.dictionaries(names, _values(extra_values), max_size=8)


def _request_strategy(valid_authorize, values):
    """Return a strategy of (endpoint, method, path, data, headers) over every VNeID endpoint."""
    parameters = _parameters(values)
    # Half the requests start from a well-formed one, so the deeper checks are reached too.
    authorize_query = st.one_of(
        parameters, parameters.map(lambda changes: {**valid_authorize, **changes})
    )
    headers = st.one_of(
        st.just({}),
        _values(values).map(lambda token: {"HTTP_AUTHORIZATION": f"Bearer {token}"}),
        _values(values).map(lambda text: {"HTTP_AUTHORIZATION": text}),
    )
    path_token = st.one_of(st.text(min_size=1, max_size=20), st.sampled_from(("%00", "x" * 300)))

    def endpoint(name, method, data=parameters, path=None, header=st.just({})):
        path_strategy = st.just(reverse(f"vneid:{name}")) if path is None else path
        return st.tuples(st.just(name), st.just(method), path_strategy, data, header)

    scan_paths = path_token.map(
        lambda token: reverse("vneid:app_scan", args=["x"])[:-1] + quote(token, safe="")
    )
    return st.one_of(
        endpoint("authorize", "get", authorize_query),
        endpoint("authorize", "post", authorize_query),
        endpoint("authorize_cancel", "get", authorize_query),
        endpoint("token", "post", header=headers),
        endpoint("userinfo", "get", header=headers),
        endpoint("userinfo", "post", header=headers),
        endpoint("end_session", "get"),
        endpoint("end_session", "post"),
        endpoint("discovery", "get"),
        endpoint("discovery", "head"),
        endpoint("jwks", "get"),
        endpoint("jwks", "head"),
        endpoint("qr_status", "post"),
        *(endpoint(name, method) for name in JSON_ENDPOINTS for method in ("put", "delete")),
        endpoint("app_home", "post"),
        endpoint("app_scan", "get", path=scan_paths),
        endpoint("app_scan", "post", path=scan_paths),
    )


def _send(browser, method, path, data, headers):
    if method in ("get", "head") or path.startswith(reverse("vneid:authorize")):
        # Authorization parameters travel in the query string, also under the login form.
        query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in data.items())
        url = f"{path}?{query}" if query else path
        body = {"personal_id_number": NGA_CCCD, "password": PASSWORD}
        if method == "post":
            return browser.post(url, {**body, **data}, **headers)
        return getattr(browser, method)(url, **headers)
    return getattr(browser, method)(path, data, **headers)


def _assert_answer_in_format(name, method, response):
    assert response.status_code < 500, response.content[:300]
    if name in JSON_ENDPOINTS and method in ("put", "delete"):
        assert response.status_code == 405
    if name in JSON_ENDPOINTS and method != "head" and response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json")
        body = json.loads(response.content)
        assert isinstance(body, dict)
        assert not body or "error" in body


def test_vneid_endpoints_answer_every_input_without_a_server_error(db, nga, rp, pkce, tokens):
    browser = Client(HTTP_HOST="localhost", raise_request_exception=False)
    # Real values let generated requests get past the first checks.
    known = (rp.client_id, rp.secret, tokens["access_token"], tokens["id_token"], pkce.verifier)
    tried = set()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(_request_strategy(authorize_params(rp, pkce), known))
    def every_request(generated):
        name, method, path, data, headers = generated
        tried.add(repr(generated))
        response = _send(browser, method, path, data, headers)
        _assert_answer_in_format(name, method, response)

    every_request()
    print(f"\nVNeID endpoints: {len(tried)} distinct requests, none answered 5xx")
    assert len(tried) > EXAMPLES // 2


def test_json_endpoints_refuse_other_methods_in_json(client, db):
    response = client.get(reverse("vneid:token"))

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["error"] == "invalid_request"
