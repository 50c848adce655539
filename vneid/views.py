"""HTTP endpoints of the simulated VNeID: discovery, JWKS, authorize, token, userinfo."""

import time
from typing import Any
from urllib.parse import urlsplit

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749.errors import (
    InvalidClientError,
    InvalidRequestError,
    UnsupportedResponseTypeError,
)
from authlib.oidc.core.errors import LoginRequiredError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from api_kit.keys import hash_secret
from api_kit.server import api_view, json_response
from oidc_kit.discovery import discovery_document
from oidc_kit.logout import LogoutRequestInvalid
from oidc_kit.provider import bearer_error, presented_bearer_tokens

from . import faults, hops, keys, login_state, qr, services, single_logout, throttling
from .claims import (
    ACR_VALUES_SUPPORTED,
    SCOPE_OPENID,
    SCOPES_SUPPORTED,
    claims_for,
    claims_supported,
)
from .cors import allow_any_origin
from .errors import OAUTH_ERRORS
from .forms import LoginForm
from .logout import parse_logout_request
from .models import AccessToken, LoginSession, OidcClient, VneidAccount
from .parameters import unechoable_authorize_parameter
from .server import (
    VneidCodeGrant,
    issuer_for,
    issuer_path,
    server,
)
from .services import LoginAttempt, LoginRefused, authenticate_password
from .way_back import service_home

# What the citizen reads when a request cannot be sent back to the service that made it.
ERROR_PAGE_MESSAGES = {
    "invalid_client": (
        "Dịch vụ yêu cầu đăng nhập chưa được đăng ký với VNeID hoặc đã ngừng kết nối."
    ),
    "invalid_request": (
        "Yêu cầu đăng nhập không hợp lệ: địa chỉ quay lại dịch vụ (redirect_uri) bị thiếu hoặc "
        "không trùng với địa chỉ đã đăng ký."
    ),
}
DEFAULT_ERROR_PAGE_MESSAGE = "Yêu cầu đăng nhập không hợp lệ."


# Which error a malformed parameter stands for on VNeID's own error page.
MALFORMED_PARAMETER_ERRORS = {
    "client_id": InvalidClientError.error,
    "redirect_uri": InvalidRequestError.error,
    "response_type": UnsupportedResponseTypeError.error,
}


@allow_any_origin("GET", "HEAD")
@api_view(OAUTH_ERRORS, "GET", "HEAD", exempt_csrf=False)
@faults.honours_fault()
def discovery(request: HttpRequest) -> JsonResponse:
    """Describe the provider (OpenID Connect Discovery 1.0): exactly what it supports."""
    document = discovery_document(
        issuer_for(request),
        namespace="vneid",
        issuer_path=issuer_path(),
        scopes=SCOPES_SUPPORTED,
        claims=claims_supported(),
        acr_values=list(ACR_VALUES_SUPPORTED),
    )
    return json_response(document, cache="public, max-age=300")


@allow_any_origin("GET", "HEAD")
@api_view(OAUTH_ERRORS, "GET", "HEAD", exempt_csrf=False)
@faults.honours_fault()
def jwks(request: HttpRequest) -> JsonResponse:
    """Publish the public signing keys, the active one first."""
    # Short-lived in caches: after a rotation, relying parties must see the new key soon.
    return json_response(keys.public_jwks(), cache="public, max-age=300")


def _error_page(request: HttpRequest, error_code: str) -> HttpResponse:
    message = ERROR_PAGE_MESSAGES.get(error_code, DEFAULT_ERROR_PAGE_MESSAGE)
    # Only the error code: the description may echo attacker-chosen text such as the URI.
    context = {"message": message, "error": error_code, "service_home": service_home(request)}
    return render(request, "vneid/error.html", context, status=400)


def _oauth_error(request: HttpRequest, error: OAuth2Error) -> HttpResponse:
    """Send an error back to a validated redirect URI, or show it when there is none."""
    if error.redirect_uri:
        return server.handle_error_response(request, error)
    return _error_page(request, error.error)


def _login_is_too_old(grant: VneidCodeGrant, login: LoginSession) -> bool:
    # The grant's validation made sure max_age, if present, is a number of seconds.
    max_age = grant.request.payload.data.get("max_age")
    if max_age is None:
        return False
    return time.time() - login.auth_time.timestamp() > int(max_age)


def _malformed_request_page(request: HttpRequest) -> HttpResponse | None:
    """Refuse, on VNeID's page, a request whose client or redirect URI cannot be trusted."""
    name = unechoable_authorize_parameter(request.GET)
    if name is None:
        return None
    return _error_page(request, MALFORMED_PARAMETER_ERRORS[name])


def _cancel_url(request: HttpRequest) -> str:
    return f"{reverse('vneid:authorize_cancel')}?{request.GET.urlencode()}"


def _absolute(request: HttpRequest, path: str) -> str:
    return issuer_for(request) + path.removeprefix(issuer_path())


def _render_login(
    request: HttpRequest,
    grant: VneidCodeGrant,
    form: LoginForm,
    *,
    refusal: LoginRefused | qr.QrProblem | None = None,
    status: int = 200,
) -> HttpResponse:
    _, qr_token, ticket = qr.start(client=grant.client)
    qr_link = _absolute(request, qr.scan_path(qr_token))
    context = {
        "form": form,
        "client": grant.client,
        "cancel_url": _cancel_url(request),
        "refusal": refusal,
        "qr_svg": qr.svg(qr_link),
        "qr_link": qr_link,
        "qr_ticket": ticket,
        "qr_lifetime_seconds": int(qr.LIFETIME.total_seconds()),
    }
    return render(request, "vneid/login.html", context, status=status)


def _issue_code(request: HttpRequest, grant: VneidCodeGrant, login: LoginSession) -> HttpResponse:
    grant.login = login
    hops.note_account(login.account)
    return server.create_authorization_response(request, grant_user=login.account, grant=grant)


def _password_login(request: HttpRequest, grant: VneidCodeGrant) -> HttpResponse:
    form = LoginForm(request.POST)
    if not form.is_valid():
        return _render_login(request, grant, form)
    attempt = LoginAttempt(
        personal_id_number=form.cleaned_data["personal_id_number"],
        password=form.cleaned_data["password"],
        ip_address=throttling.client_ip(request),
    )
    try:
        account = authenticate_password(attempt)
    except LoginRefused as refusal:
        status = 429 if refusal.code == "throttled" else 200
        return _render_login(request, grant, form, refusal=refusal, status=status)
    login = login_state.start_login(request, account=account, amr="pwd")
    response = _issue_code(request, grant, login)
    login_state.set_cookie(response, request, login)
    return response


def _qr_login(request: HttpRequest, grant: VneidCodeGrant) -> HttpResponse:
    try:
        approved = qr.redeem(ticket=request.POST.get("qr_ticket"), client=grant.client)
    except qr.QrProblem as problem:
        return _render_login(request, grant, LoginForm(), refusal=problem)
    # redeem() refuses a QR login without an active account.
    assert approved.account is not None
    login = login_state.start_login(
        request, account=approved.account, amr="qr", approved_by=approved.approved_in
    )
    response = _issue_code(request, grant, login)
    login_state.set_cookie(response, request, login)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@hops.records_hop("authorize", login_endpoint="login")
@faults.honours_fault(page=True)
def authorize(request: HttpRequest) -> HttpResponse:
    """Authenticate the citizen (password, QR, or the live VNeID login) and return a code."""
    malformed = _malformed_request_page(request)
    if malformed is not None:
        return malformed
    login = login_state.current_login(request)
    try:
        grant = server.get_consent_grant(request, end_user=login.account if login else None)
        hops.note_client(grant.client)
        if request.method == "POST" and "qr_ticket" in request.POST:
            return _qr_login(request, grant)
        if request.method == "POST":
            return _password_login(request, grant)
        needs_login = login is None or grant.prompt == "login" or _login_is_too_old(grant, login)
        if needs_login and "none" in grant.request.payload.data.get("prompt", "").split():
            raise LoginRequiredError(
                redirect_uri=grant.redirect_uri, state=grant.request.payload.state
            )
    except OAuth2Error as error:
        return _oauth_error(request, error)
    # needs_login already holds when login is None; the test says so to the type checker.
    if needs_login or login is None:
        return _render_login(request, grant, LoginForm())
    return _issue_code(request, grant, login)


@never_cache
@require_GET
def authorize_cancel(request: HttpRequest) -> HttpResponse:
    """Return `access_denied` to the service: the citizen chose "Huỷ"."""
    malformed = _malformed_request_page(request)
    if malformed is not None:
        return malformed
    try:
        grant = server.get_consent_grant(request, end_user=None)
    except OAuth2Error as error:
        return _oauth_error(request, error)
    return server.create_authorization_response(request, grant_user=None, grant=grant)


@never_cache
@api_view(OAUTH_ERRORS, "POST")
def qr_status(request: HttpRequest) -> JsonResponse:
    """Tell the waiting login page whether its QR was approved in the app."""
    # Exempt from CSRF: it changes nothing, and the ticket it needs is the page's own secret.
    state = qr.status(request.POST.get("ticket"))
    return json_response({"status": state, "message": qr.MESSAGES.get(state, "")})


@allow_any_origin("POST")
@api_view(OAUTH_ERRORS, "POST")
@hops.records_hop("token")
@faults.honours_fault()
def token(request: HttpRequest) -> HttpResponse:
    """Exchange a code, once, for an access token and an ID token."""
    with transaction.atomic():
        return server.create_token_response(request)


def _bearer_error(
    status: int, error: str | None = None, description: str | None = None
) -> JsonResponse:
    return bearer_error(status, realm="vneid", error=error, description=description)


@allow_any_origin("GET", "POST")
@api_view(OAUTH_ERRORS, "GET", "POST")
@hops.records_hop("userinfo")
@faults.honours_fault()
def userinfo(request: HttpRequest) -> JsonResponse:
    """Return the claims the bearer token's scope releases."""
    # Written here rather than Authlib's UserInfoEndpoint, which fails with Django's request.
    presented = presented_bearer_tokens(request)
    if not presented:
        return _bearer_error(401)
    if len(presented) > 1:
        # RFC 6750 3.1: more than one way of sending the token is a malformed request.
        return _bearer_error(400, "invalid_request", "Send the access token one way only.")
    access_token = (
        AccessToken.objects.select_related("account__citizen", "client")
        .filter(token_hash=hash_secret(presented[0]))
        .first()
    )
    if (
        access_token is None
        or not access_token.is_usable()
        or not access_token.client.is_active
        or access_token.account.status != VneidAccount.Status.ACTIVE
    ):
        return _bearer_error(401, "invalid_token", "The access token is invalid or expired.")
    hops.note_account(access_token.account)
    hops.note_client(access_token.client)
    if SCOPE_OPENID not in access_token.scope.split():
        return _bearer_error(403, "insufficient_scope", "The 'openid' scope is required.")
    return json_response(claims_for(access_token.account, access_token.scope))


LOGOUT_PARAMETERS = ("id_token_hint", "client_id", "post_logout_redirect_uri", "state")


@never_cache
@require_http_methods(["GET", "POST"])
def end_session(request: HttpRequest) -> HttpResponse:
    """End the VNeID login at a relying party's request, then return to it if registered."""
    params = request.POST if request.method == "POST" else request.GET
    try:
        logout = parse_logout_request(params, issuer=issuer_for(request))
    except LogoutRequestInvalid as refusal:
        context: dict[str, Any] = {"message": refusal.message, "error": "invalid_request"}
        return render(request, "vneid/error.html", context, status=400)
    login = login_state.current_login(request)
    confirmed = request.method == "POST" and params.get("confirm") == "yes"
    # A valid hint for someone else than the citizen logged in here is no proof of intent.
    hint_matches = logout.id_token_claims is not None and (
        login is None or logout.id_token_claims.get("sub") == login.account.sub
    )
    if login is not None and not (confirmed or hint_matches):
        context = {
            "client": logout.client,
            "account": login.account,
            "hidden": [(name, params[name]) for name in LOGOUT_PARAMETERS if params.get(name)],
            "return_url": logout.redirect_uri,
        }
        return render(request, "vneid/logout_confirm.html", context)
    with transaction.atomic():
        if login is not None:
            services.revoke_tokens_of_login(login=login)
        login_state.end(request)
    # After the commit: the clients' back-channel endpoints see the login ended.
    frontchannel = (
        single_logout.login_ended(login, fallback_issuer=issuer_for(request))
        if login is not None
        else []
    )
    response = _logged_out(request, logout.client, logout.redirect_uri, frontchannel)
    login_state.clear_cookie(response)
    return response


def _logged_out(
    request: HttpRequest,
    client: OidcClient | None,
    redirect_uri: str | None,
    frontchannel: list[str],
) -> HttpResponse:
    """Return to the client, or say goodbye; first load the front-channel clients' iframes."""
    if redirect_uri and not frontchannel:
        return redirect(redirect_uri)
    context = {"client": client, "frontchannel_urls": frontchannel, "return_url": redirect_uri}
    response = render(request, "vneid/logged_out.html", context)
    if frontchannel:
        # The iframes load the clients' own pages, on origins of their own.
        origins = sorted({_origin(url) for url in frontchannel})
        response._csp_update = {"frame-src": origins}  # type: ignore[attr-defined]
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
