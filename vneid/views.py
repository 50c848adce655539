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
from authlib.oidc.core.errors import AccountSelectionRequiredError, LoginRequiredError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from api_kit.keys import hash_secret
from api_kit.server import api_view, json_response
from idnumbers.numbers import mask_number
from oidc_kit.discovery import discovery_document
from oidc_kit.logout import LogoutRequestInvalid
from oidc_kit.provider import bearer_error, presented_bearer_tokens

from . import faults, hops, keys, login_state, qr, services, single_logout, throttling
from .claims import (
    ACR_VALUES_SUPPORTED,
    SCOPE_OPENID,
    SCOPES_SUPPORTED,
    asks_for_organisation,
    claims_for,
    claims_supported,
)
from .cors import allow_any_origin
from .errors import OAUTH_ERRORS
from .forms import LoginForm
from .logout import parse_logout_request
from .models import AccessToken, LoginSession, OidcClient, VneidAccount
from .organisations import (
    Acting,
    OrganisationRefused,
    organisations_acted_for,
    switch_login,
)
from .parameters import unechoable_authorize_parameter
from .server import (
    VneidCodeGrant,
    issuer_for,
    issuer_path,
    role_now,
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

# The account chooser ("Chọn tài khoản đăng nhập"): the value of the person's own account.
PERSONAL_CHOICE = "personal"
SELECT_ACCOUNT = "select_account"
PROMPT_VALUES_SUPPORTED = ("none", "login", SELECT_ACCOUNT)


class AccountChoiceRefused(Exception):
    """A choice on the account chooser that cannot be honoured; nothing was changed."""

    messages = {
        "scope_not_allowed": (
            "Dịch vụ này chưa được phép đăng nhập bằng tài khoản định danh điện tử tổ chức. "
            "Vui lòng chọn tài khoản cá nhân, hoặc liên hệ đơn vị quản lý dịch vụ."
        ),
    }

    def __init__(self, code: str, *, message: str = "", status: int = 403) -> None:
        super().__init__(code)
        self.code = code
        self.message = message or self.messages[code]
        self.status = status

    @classmethod
    def of(cls, refusal: OrganisationRefused) -> "AccountChoiceRefused":
        """Return the chooser's refusal for a role the person does not hold (acting_for)."""
        # Always 403 on the chooser: the person asked to act for an organisation they may not.
        return cls(refusal.code, message=refusal.message)


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
        prompt_values=PROMPT_VALUES_SUPPORTED,
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


def _prompts(grant: VneidCodeGrant) -> list[str]:
    prompt: str = grant.request.payload.data.get("prompt", "")
    return prompt.split()


def _allows_organisation(grant: VneidCodeGrant) -> bool:
    """Return whether this request may end in an organisation login (scope asked and allowed)."""
    return asks_for_organisation(grant.client.get_allowed_scope(grant.request.scope))


def _render_chooser(
    request: HttpRequest,
    grant: VneidCodeGrant,
    login: LoginSession,
    choices: list[Acting],
    *,
    refusal: AccountChoiceRefused | None = None,
) -> HttpResponse:
    account = login.account
    options = [
        {
            "sub": acting.organisation.sub,
            "name": acting.organisation.name,
            "tax_code": mask_number(acting.organisation.tax_code),
            "role": acting.role_label,
            "scope": acting.scope,
            "chosen": login.organisation_id == acting.organisation.pk,
        }
        for acting in choices
    ]
    context = {
        "client": grant.client,
        "cancel_url": _cancel_url(request),
        "person_name": account.citizen.full_name,
        "person_number": mask_number(account.personal_id_number),
        "personal_chosen": login.organisation_id is None,
        "options": options,
        "personal_choice": PERSONAL_CHOICE,
        "refusal": refusal,
    }
    status = refusal.status if refusal is not None else 200
    return render(request, "vneid/choose_account.html", context, status=status)


def _continue(request: HttpRequest, grant: VneidCodeGrant, login: LoginSession) -> HttpResponse:
    """Issue the code, or first show the account chooser when the request and person call for it.

    It is shown when the client may ask for an organisation login and either asks to choose
    (prompt=select_account) or the login acts for no organisation yet while the person acts for
    at least one; never with prompt=none.
    """
    prompts = _prompts(grant)
    if "none" not in prompts and _allows_organisation(grant):
        selecting = SELECT_ACCOUNT in prompts
        if selecting or login.organisation_id is None:
            choices = organisations_acted_for(login.account)
            if selecting or choices:
                return _render_chooser(request, grant, login, choices)
    return _issue_code(request, grant, login)


def _issue_code(
    request: HttpRequest,
    grant: VneidCodeGrant,
    login: LoginSession,
    *,
    acting: Acting | None = None,
) -> HttpResponse:
    """Return the code; an organisation login's role is checked again first (acting_for).

    acting is the role the caller has just checked, so it is not asked twice.
    """
    if acting is None and login.organisation is not None and _allows_organisation(grant):
        try:
            acting = role_now(login.account, login.organisation)
        except OrganisationRefused as refusal:
            return _role_lost(request, grant, login, refusal)
    grant.login = login
    grant.acting = acting if _allows_organisation(grant) else None
    hops.note_account(login.account)
    return server.create_authorization_response(request, grant_user=login.account, grant=grant)


def _role_lost(
    request: HttpRequest, grant: VneidCodeGrant, login: LoginSession, refusal: OrganisationRefused
) -> HttpResponse:
    """Answer a login whose organisation the person no longer acts for: choose again."""
    if "none" in _prompts(grant):
        # OpenID Connect Core 3.1.2.6: the person must choose, and may not be asked here.
        error = AccountSelectionRequiredError(
            redirect_uri=grant.redirect_uri, state=grant.request.payload.state
        )
        return _oauth_error(request, error)
    choices = organisations_acted_for(login.account)
    return _render_chooser(request, grant, login, choices, refusal=AccountChoiceRefused.of(refusal))


def _choose_account(
    request: HttpRequest, grant: VneidCodeGrant, login: LoginSession
) -> HttpResponse:
    """Take the chooser's answer: the person's own account, or an organisation they act for."""
    choice = request.POST.get("account_choice", "")
    try:
        if choice != PERSONAL_CHOICE and not _allows_organisation(grant):
            raise AccountChoiceRefused("scope_not_allowed")
        # The one way a login's organisation is set: switch_login checks acting_for first, and
        # a refusal leaves the login as it was. An unknown `sub` is "not acting" too.
        organisation = None if choice == PERSONAL_CHOICE else choice
        try:
            acting = switch_login(login=login, organisation=organisation)
        except OrganisationRefused as refusal:
            raise AccountChoiceRefused.of(refusal) from refusal
    except AccountChoiceRefused as refusal:
        choices = organisations_acted_for(login.account)
        return _render_chooser(request, grant, login, choices, refusal=refusal)
    return _issue_code(request, grant, login, acting=acting)


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
    response = _continue(request, grant, login)
    login_state.set_cookie(response, request, login)
    return response


def _qr_login(request: HttpRequest, grant: VneidCodeGrant) -> HttpResponse:
    try:
        approved = qr.redeem(ticket=request.POST.get("qr_ticket"), client=grant.client)
    except qr.QrProblem as problem:
        return _render_login(request, grant, LoginForm(), refusal=problem)
    # redeem() refuses a QR login without an active account.
    assert approved.account is not None
    # The account chosen in the app (its switch) is the login's choice: the chooser is skipped.
    login = login_state.start_login(
        request,
        account=approved.account,
        amr="qr",
        approved_by=approved.approved_in,
        organisation=approved.organisation,
    )
    response = _continue(request, grant, login)
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
        if request.method == "POST" and "account_choice" in request.POST:
            if login is None:
                # The login ended while the chooser was shown: authenticate again.
                return _render_login(request, grant, LoginForm())
            return _choose_account(request, grant, login)
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
    return _continue(request, grant, login)


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
        AccessToken.objects.select_related("account__citizen", "client", "organisation")
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
    acting = None
    if access_token.organisation is not None:
        # The token speaks for the organisation only while the person still acts for it.
        try:
            acting = role_now(access_token.account, access_token.organisation)
        except OrganisationRefused as refusal:
            return _bearer_error(
                401,
                "invalid_token",
                f"The person no longer acts for the organisation ({refusal.code}).",
            )
    return json_response(claims_for(access_token.account, access_token.scope, acting))


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
        login is None or logout.id_token_claims.get("sub") in _subjects(login)
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


def _subjects(login: LoginSession) -> set[str]:
    """Return the `sub` values this login's ID tokens carry: the person's, its organisation's."""
    subjects = {login.account.sub}
    if login.organisation is not None:
        subjects.add(login.organisation.sub)
    return subjects


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
