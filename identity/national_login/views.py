"""HTTP endpoints of the national login service (`/xacthuc/`): provider, chooser, VNeID leg.

A portal sends the citizen to `oauth2/authorize`. Without a login of its own the service first
asks VNeID silently (`prompt=none`): a citizen already logged in there, on the national portal
say, comes straight back with a code. Otherwise the chooser offers VNeID or an issued account.
Either way the service starts its own login (cookie `xacthuc_session`, path `/xacthuc/`) and
resumes the portal's request, so the next portal skips VNeID too.
"""

import copy
import logging
from typing import Any

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749.errors import AccessDeniedError, InvalidRequestError
from authlib.oidc.core.errors import LoginRequiredError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from api_kit.keys import hash_secret
from api_kit.server import api_view, json_response
from identity.relying_party.client import VneidError
from identity.relying_party.protocol import IssuerMismatch, check_issuer
from idnumbers.numbers import mask_number
from oidc_kit.discovery import discovery_document
from oidc_kit.errors import OAUTH_ERRORS
from oidc_kit.provider import bearer_error, presented_bearer_tokens

from . import faults, hops, issued, keys, login_state, pending, services, vneid_leg
from .claims import ActingPerson, acting_of, claims_for, claims_supported
from .forms import IssuedAccountForm
from .models import (
    LEVEL_BY_ACR,
    LOA1,
    LOA2,
    AccessToken,
    AuditEvent,
    Idp,
    LoginSession,
    NationalClient,
    PendingAuthorization,
    SessionClient,
    Subject,
)
from .server import (
    SCOPES_SUPPORTED,
    NationalCodeGrant,
    absolute,
    issuer_for,
    issuer_path,
    server,
)

logger = logging.getLogger(__name__)

ERROR_PAGE_MESSAGES = {
    "invalid_client": (
        "Cổng dịch vụ công yêu cầu đăng nhập chưa được đăng ký với Hệ thống xác thực hoặc đã "
        "ngừng kết nối."
    ),
    "invalid_request": (
        "Yêu cầu đăng nhập không hợp lệ: địa chỉ quay lại cổng dịch vụ công (redirect_uri) bị "
        "thiếu hoặc không trùng với địa chỉ đã đăng ký."
    ),
    "expired": (
        "Phiên đăng nhập đã hết hạn hoặc được mở từ một trình duyệt khác. Vui lòng quay lại "
        "cổng dịch vụ công và bấm “Đăng nhập” lại."
    ),
    "vneid_unavailable": (
        "Hệ thống xác thực chưa kết nối được tới VNeID. Đây là sự cố của hệ thống, không phải "
        "lỗi của bạn. Vui lòng thử lại sau ít phút."
    ),
    "vneid_bad_organisation": (
        "VNeID đã trả về thông tin đăng nhập tài khoản tổ chức không đầy đủ (thiếu người thực "
        "hiện hoặc vai trò của người đó), nên Hệ thống xác thực không thể đăng nhập cho tổ chức. "
        "Đây là sự cố của hệ thống, không phải lỗi của bạn. Vui lòng thử lại sau ít phút hoặc "
        "đăng nhập bằng tài khoản cá nhân."
    ),
}
ORGANISATION_SCOPE_REFUSED = (
    "VNeID chưa cho phép Hệ thống xác thực đăng nhập bằng tài khoản định danh điện tử tổ chức. "
    "Đây là sự cố cấu hình của hệ thống, không phải lỗi của bạn. Vui lòng thử lại sau, hoặc "
    "đăng nhập bằng tài khoản cá nhân nếu thủ tục cho phép."
)
DEFAULT_ERROR_PAGE_MESSAGE = "Yêu cầu đăng nhập không hợp lệ."
LEVEL_NAMES = {1: "mức 1", 2: "mức 2"}


@api_view(OAUTH_ERRORS, "GET", "HEAD", exempt_csrf=False)
@faults.honours_fault()
def discovery(request: HttpRequest) -> JsonResponse:
    """`GET /xacthuc/.well-known/openid-configuration`: the provider's metadata (Discovery 1.0).

    Names every endpoint, the supported scopes (`openid`), `acr_values` (`LoA1`, `LoA2`),
    prompts (`none`, `login`), client authentication (`client_secret_basic`,
    `client_secret_post`), PKCE (`S256`), and back- and front-channel logout with `sid`.
    """
    document = discovery_document(
        issuer_for(request),
        namespace="national_login",
        issuer_path=issuer_path(),
        scopes=SCOPES_SUPPORTED,
        claims=claims_supported(),
        acr_values=[LOA1, LOA2],
    )
    return json_response(document, cache="public, max-age=300")


@api_view(OAUTH_ERRORS, "GET", "HEAD", exempt_csrf=False)
@faults.honours_fault()
def jwks(request: HttpRequest) -> JsonResponse:
    """`GET /xacthuc/oauth2/jwks`: the public keys of ID and logout tokens, the active first."""
    return json_response(keys.public_jwks(), cache="public, max-age=300")


def error_page(request: HttpRequest, error_code: str, *, status: int = 400) -> HttpResponse:
    """Show the service's error page; only the code is echoed, never attacker-chosen text."""
    message = ERROR_PAGE_MESSAGES.get(error_code, DEFAULT_ERROR_PAGE_MESSAGE)
    context = {"message": message, "error": error_code}
    return render(request, "national_login/error.html", context, status=status)


def _oauth_error(request: HttpRequest, error: OAuth2Error) -> HttpResponse:
    """Send an error back to a validated redirect URI, or show it when there is none."""
    if error.redirect_uri:
        return server.handle_error_response(request, error)
    return error_page(request, error.error)


def _requested_level(grant: NationalCodeGrant) -> int:
    values = str(grant.request.payload.data.get("acr_values", "")).split()
    # Voluntary acr_values (Core 3.1.2.1): the highest one the service knows; LoA1 by default.
    return max([LEVEL_BY_ACR[value] for value in values if value in LEVEL_BY_ACR] or [1])


def _prompts(grant: NationalCodeGrant) -> set[str]:
    return set(str(grant.request.payload.data.get("prompt", "")).split())


def denied_url(request: HttpRequest, *, redirect_uri: str, state: str) -> str:
    """Return the portal's redirect URI with `error=access_denied` (a validated URI only)."""
    params = [("error", "access_denied"), ("iss", issuer_for(request))]
    if state:
        params.insert(1, ("state", state))
    url: str = add_params_to_uri(redirect_uri, params)
    return url


def level_refusal(
    request: HttpRequest,
    *,
    subject: Subject,
    client: NationalClient,
    redirect_uri: str,
    state: str,
    required: int,
) -> HttpResponse:
    """Explain that the portal needs a higher level than this login has; 403."""
    AuditEvent.record(
        kind=AuditEvent.Kind.LEVEL_REFUSED,
        subject=subject,
        client=client,
        detail=f"LoA{required} requested, LoA{subject.level if subject.idp == Idp.VNEID else 1}",
    )
    context = {
        "client": client,
        "subject": subject,
        "issued": subject.idp == Idp.ISSUED,
        "level_name": LEVEL_NAMES.get(subject.level, f"mức {subject.level}"),
        "required_name": LEVEL_NAMES.get(required, f"mức {required}"),
        "back_url": denied_url(request, redirect_uri=redirect_uri, state=state),
    }
    return render(request, "national_login/level_refused.html", context, status=403)


def _issue_code(
    request: HttpRequest, grant: NationalCodeGrant, login: LoginSession
) -> HttpResponse:
    grant.session = login
    hops.note_subject(login.subject)
    SessionClient.objects.update_or_create(
        session=login, client=grant.client, defaults={"issuer": issuer_for(request)}
    )
    return server.create_authorization_response(request, grant_user=login.subject, grant=grant)


def _start_pending(
    request: HttpRequest, grant: NationalCodeGrant, *, level: int, fresh: bool
) -> HttpResponse:
    """Keep the request while the citizen logs in: first VNeID silently, or the chooser."""
    browser, new_browser = login_state.browser_secret(request)
    kept = pending.create(
        client=grant.client,
        query=request.GET,
        browser=browser,
        requested_level=level,
        fresh_login=fresh,
    )
    response: HttpResponse
    if fresh:
        response = redirect(_chooser_url(kept))
    else:
        try:
            with vneid_leg.client() as vneid:
                url = vneid_leg.authorization_url(request, kept, prompt="none", vneid=vneid)
        except VneidError as error:
            # VNeID unreachable: the chooser still offers both; choosing VNeID then explains.
            logger.warning("national login: VNeID silent login skipped: %r", error)
            url = _chooser_url(kept)
        response = redirect(url)
    if new_browser:
        login_state.set_browser_cookie(response, request, browser)
    return response


def _chooser_url(kept: PendingAuthorization) -> str:
    return f"{reverse('national_login:chooser')}?sessionDataKey={kept.key}"


@never_cache
@require_GET
@hops.records_hop("authorize")
@faults.honours_fault(page=True)
def authorize(request: HttpRequest) -> HttpResponse:
    """`GET /xacthuc/oauth2/authorize`: authenticate the citizen for a portal; return a code.

    Parameters: `response_type=code`, `client_id`, `redirect_uri` (registered exactly), `scope`
    (must contain `openid`), `state`, `nonce`, optional `code_challenge` +
    `code_challenge_method=S256`, `acr_values` (`LoA1` default, `LoA2`), `prompt` (`none`:
    `login_required` unless logged in; `login`: ask again). An unknown client or a wrong
    redirect URI stop on the service's page (400); every other error returns to the portal.
    """
    login = login_state.current_login(request)
    try:
        grant = server.get_consent_grant(request, end_user=login.subject if login else None)
        hops.note_flow(hops.flow_digest(grant.client.client_id, request.GET.get("state", "")))
        prompts = _prompts(grant)
        where = {"redirect_uri": grant.redirect_uri, "state": grant.request.payload.state}
        if {"none", "login"} <= prompts:
            raise InvalidRequestError("'prompt=none' cannot be combined with 'login'.", **where)
        needs_login = login is None or "login" in prompts
        if needs_login and "none" in prompts:
            raise LoginRequiredError(**where)
    except OAuth2Error as error:
        return _oauth_error(request, error)
    level = _requested_level(grant)
    if needs_login or login is None:
        return _start_pending(request, grant, level=level, fresh="login" in prompts)
    if level > LEVEL_BY_ACR[login.acr] and "none" in prompts:
        # No page may be shown under prompt=none: the portal hears the refusal instead.
        refusal = AccessDeniedError(
            description=f"The login is at {login.acr}; LoA{level} was requested.",
            redirect_uri=grant.redirect_uri,
            state=grant.request.payload.state,
        )
        return _oauth_error(request, refusal)
    if level > LEVEL_BY_ACR[login.acr]:
        return level_refusal(
            request,
            subject=login.subject,
            client=grant.client,
            redirect_uri=grant.redirect_uri,
            state=request.GET.get("state", ""),
            required=level,
        )
    return _issue_code(request, grant, login)


def _resumed_request(request: HttpRequest, kept: PendingAuthorization) -> HttpRequest:
    """Return request as the portal's original authorization request (a GET to authorize).

    Answering it here, instead of redirecting the browser back to `oauth2/authorize`, saves the
    citizen one round trip on every login.
    """
    query = pending.resume_query(kept)
    resumed = copy.copy(request)
    resumed.method = "GET"
    resumed.path = resumed.path_info = reverse("national_login:authorize")
    resumed.META = {**request.META, "REQUEST_METHOD": "GET", "QUERY_STRING": query}
    resumed.GET = QueryDict(query)
    resumed.POST = QueryDict()
    return resumed


def _resume(request: HttpRequest, kept: PendingAuthorization, login: LoginSession) -> HttpResponse:
    """Answer the portal's authorization request, now that the service has its login."""
    resumed = _resumed_request(request, kept)
    response: HttpResponse
    try:
        grant = server.get_consent_grant(resumed, end_user=login.subject)
    except OAuth2Error as error:
        response = _oauth_error(resumed, error)
    else:
        response = _issue_code(resumed, grant, login)
    kept.delete()
    login_state.set_cookie(response, request, login)
    return response


def _log_in(
    request: HttpRequest,
    kept: PendingAuthorization,
    person: services.Person | services.Organisation,
    *,
    amr: str,
    vneid_sid: str = "",
    vneid_id_token: str = "",
    acting: ActingPerson | None = None,
) -> HttpResponse:
    """Start the service's login for person and resume the request, or refuse the level.

    person is an Organisation (with acting, who logs in for it) after the chooser's organisation
    option; its login then serves every portal that asks until it ends, as a personal one does.
    """
    with transaction.atomic():
        if isinstance(person, services.Organisation):
            subject = services.subject_for_organisation(person)
            detail = f"{amr}; act {mask_number(acting.number) if acting else '?'}"
        else:
            subject = services.subject_for(person)
            detail = amr
        login = login_state.start_login(
            request,
            subject=subject,
            idp=subject.idp,
            amr=amr,
            vneid_sid=vneid_sid,
            vneid_id_token=vneid_id_token,
            acting=acting,
        )
        AuditEvent.record(
            kind=AuditEvent.Kind.LOGIN_SUCCEEDED, subject=subject, client=kept.client, detail=detail
        )
    hops.note_subject(subject)
    if kept.requested_level > LEVEL_BY_ACR[login.acr]:
        response = level_refusal(
            request,
            subject=subject,
            client=kept.client,
            redirect_uri=pending.parameter(kept, "redirect_uri"),
            state=pending.parameter(kept, "state"),
            required=kept.requested_level,
        )
        # The login stands for portals that ask less; this portal's request is over.
        login_state.set_cookie(response, request, login)
        kept.delete()
        return response
    return _resume(request, kept, login)


def _render_chooser(
    request: HttpRequest,
    kept: PendingAuthorization,
    form: IssuedAccountForm,
    *,
    refusal: str = "",
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "client": kept.client,
        "form": form,
        "session_data_key": kept.key,
        "issued_allowed": issued.allowed(),
        # Organisations log in with VNeID only (their e-ID); the issued tab is for people.
        "vneid_only_message": issued.VNEID_ONLY_MESSAGE,
        "refusal": refusal,
        "notice": notice,
        "needs_level_2": kept.requested_level >= 2,
        "cancel_url": denied_url(
            request,
            redirect_uri=pending.parameter(kept, "redirect_uri"),
            state=pending.parameter(kept, "state"),
        ),
    }
    return render(request, "national_login/chooser.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@hops.records_hop("chooser", post_endpoint="chooser_login")
@faults.honours_fault(page=True)
def chooser(request: HttpRequest) -> HttpResponse:
    """`/xacthuc/authenticationendpoint/login?sessionDataKey=…`: choose how to log in.

    GET shows "CÔNG DÂN – Tài khoản Định danh điện tử (VNeID)", "TỔ CHỨC – Tài khoản định danh
    điện tử tổ chức (VNeID)" and "TÀI KHOẢN ĐƯỢC CẤP". POST `method=vneid` goes to VNeID;
    POST `method=organisation` goes to VNeID asking for `vneid_organisation` with
    `prompt=select_account`; POST `method=issued` with `username` and `password`
    checks an account the national portal issued (django-axes throttling, 429 when locked;
    403 under the `vneid_only` login policy, without checking the password).
    """
    params = request.POST if request.method == "POST" else request.GET
    kept = pending.find(request, params.get("sessionDataKey"))
    if kept is None:
        return error_page(request, "expired")
    hops.note_flow(hops.flow_digest(kept.client.client_id, pending.parameter(kept, "state")))
    if request.method == "GET":
        return _render_chooser(request, kept, IssuedAccountForm())
    method = request.POST.get("method")
    if method in ("vneid", "organisation"):
        try:
            with vneid_leg.client() as vneid:
                prompt = "login" if kept.fresh_login else ""
                return redirect(
                    vneid_leg.authorization_url(
                        request,
                        kept,
                        prompt=prompt,
                        vneid=vneid,
                        organisation=method == "organisation",
                    )
                )
        except VneidError as error:
            logger.warning("national login: VNeID unreachable: %r", error)
            return _render_chooser(
                request,
                kept,
                IssuedAccountForm(),
                refusal=ERROR_PAGE_MESSAGES["vneid_unavailable"],
                status=502,
            )
    if not issued.allowed():
        # Refused before the form runs: no password is checked and no failure counted.
        AuditEvent.record(
            kind=AuditEvent.Kind.LOGIN_REFUSED, client=kept.client, detail="vneid_only"
        )
        return _render_chooser(
            request, kept, IssuedAccountForm(), refusal=issued.VNEID_ONLY_MESSAGE, status=403
        )
    form = IssuedAccountForm(request.POST)
    if not form.is_valid():
        return _render_chooser(request, kept, form)
    try:
        person = issued.authenticate_issued(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
    except issued.IssuedLoginRefused as refusal:
        AuditEvent.record(kind=AuditEvent.Kind.LOGIN_FAILED, client=kept.client)
        return _render_chooser(request, kept, form, refusal=refusal.message, status=refusal.status)
    return _log_in(request, kept, person, amr="pwd")


# VNeID's answers to a silent login that mean "ask the citizen".
INTERACTION_NEEDED = {
    "login_required",
    "interaction_required",
    "consent_required",
    "account_selection_required",
}


@never_cache
@require_GET
@hops.records_hop("vneid_callback")
@faults.honours_fault(page=True)
def vneid_callback(request: HttpRequest) -> HttpResponse:
    """`GET /xacthuc/vneid/callback`: VNeID's answer (registered redirect URI at VNeID).

    `login_required` from the silent attempt shows the chooser; `access_denied` (the citizen
    pressed "Huỷ" at VNeID) shows it again with a note; a code is exchanged, its ID token
    validated, the service's login started and the portal's request resumed.
    """
    kept = pending.find_by_vneid_state(request, request.GET.get("state"))
    if kept is None:
        return error_page(request, "expired")
    hops.note_flow(hops.flow_digest(kept.client.client_id, pending.parameter(kept, "state")))
    vneid = vneid_leg.client()
    try:
        check_issuer(request.GET.get("iss"), client=vneid)
        error = request.GET.get("error", "")
        if error in INTERACTION_NEEDED:
            return redirect(_chooser_url(kept))
        if error == "access_denied":
            notice = "Bạn đã huỷ đăng nhập bằng VNeID. Vui lòng chọn lại cách đăng nhập."
            return _render_chooser(request, kept, IssuedAccountForm(), notice=notice)
        if error == "invalid_scope" and kept.vneid_leg.get("organisation"):
            # VNeID does not let the service ask for organisations: its registration there
            # lacks vneid_organisation. The service's fault; the personal option still works.
            logger.warning("national login: VNeID refused the vneid_organisation scope")
            return _render_chooser(
                request,
                kept,
                IssuedAccountForm(),
                refusal=ORGANISATION_SCOPE_REFUSED,
                status=502,
            )
        if error:
            logger.warning("national login: VNeID answered error %r", error[:64])
            return error_page(request, "vneid_unavailable", status=502)
        completed = vneid_leg.complete(kept, code=request.GET.get("code", ""), vneid=vneid)
    except IssuerMismatch:
        return error_page(request, "invalid_request")
    except vneid_leg.BadOrganisationLogin as failure:
        logger.warning("national login: VNeID organisation login unusable: %r", failure)
        AuditEvent.record(
            kind=AuditEvent.Kind.LOGIN_REFUSED, client=kept.client, detail=f"vneid: {failure}"
        )
        return error_page(request, "vneid_bad_organisation", status=502)
    except VneidError as failure:
        logger.warning("national login: VNeID login failed: %r", failure)
        return error_page(request, "vneid_unavailable", status=502)
    finally:
        vneid.close()
    if isinstance(completed, vneid_leg.CompletedOrganisationLogin):
        return _log_in(
            request,
            kept,
            completed.organisation,
            amr=" ".join(completed.amr) or "pwd",
            vneid_sid=completed.sid,
            vneid_id_token=completed.id_token,
            acting=completed.acting,
        )
    identity = completed.identity
    person = services.Person(
        idp=Idp.VNEID,
        idp_subject=identity.sub,
        personal_id_number=identity.personal_id_number,
        cmnd_number=identity.old_cmnd_number,
        full_name=identity.full_name,
        birth_date=identity.birth_date,
        # A level VNeID did not state is never taken for more than level 1.
        level=identity.level or 1,
    )
    return _log_in(
        request,
        kept,
        person,
        amr=" ".join(completed.amr) or "pwd",
        vneid_sid=identity.sid,
        vneid_id_token=completed.id_token,
    )


@api_view(OAUTH_ERRORS, "POST")
@hops.records_hop("token")
@faults.honours_fault()
def token(request: HttpRequest) -> HttpResponse:
    """`POST /xacthuc/oauth2/token`: exchange a code, once, for an access and an ID token.

    `grant_type=authorization_code`, `code`, `redirect_uri`, `code_verifier` when a challenge was
    sent; client authentication `client_secret_basic` or `client_secret_post`. A code of another
    client, a used code (whose tokens are then revoked) or an expired one: `invalid_grant`.
    """
    with transaction.atomic():
        return server.create_token_response(request)


def _bearer_error(
    status: int, error: str | None = None, description: str | None = None
) -> JsonResponse:
    return bearer_error(status, realm="xacthuc", error=error, description=description)


@api_view(OAUTH_ERRORS, "GET", "POST")
@hops.records_hop("userinfo")
@faults.honours_fault()
def userinfo(request: HttpRequest) -> JsonResponse:
    """`GET|POST /xacthuc/oauth2/userinfo` (Bearer): the citizen's attributes.

    In the client's `attribute_profile`: `dvcqg` (sub, TechID, LoaiTaiKhoan, HoVaTen, SoDinhDanh,
    NgayThangNamSinh, loginIdp, userProfileUri, logoutUri) or `oidc` (sub, name, birthdate,
    personal_id_number, acr). 401 `invalid_token` for an unknown, expired or revoked token.
    """
    presented = presented_bearer_tokens(request)
    if not presented:
        return _bearer_error(401)
    if len(presented) > 1:
        return _bearer_error(400, "invalid_request", "Send the access token one way only.")
    access_token = (
        AccessToken.objects.select_related("subject", "client", "authorization_code")
        .filter(token_hash=hash_secret(presented[0]))
        .first()
    )
    if access_token is None or not access_token.is_usable() or not access_token.client.is_active:
        return _bearer_error(401, "invalid_token", "The access token is invalid or expired.")
    hops.note_subject(access_token.subject)
    code = access_token.authorization_code
    acr = code.acr if code is not None else access_token.subject.acr
    subject = access_token.subject
    acting = acting_of(code) if code is not None else None
    if subject.is_organisation and acting is None:
        # Who acted is known only through the code: without it nobody may speak for the
        # organisation (the code was purged while the token lived).
        return _bearer_error(401, "invalid_token", "The access token is invalid or expired.")
    claims = claims_for(
        subject,
        profile=access_token.client.attribute_profile,
        acr=acr,
        profile_uri=request.build_absolute_uri(reverse("accounts:account")),
        logout_uri=absolute(request, reverse("national_login:end_session")),
        acting=acting,
    )
    return json_response(claims)
