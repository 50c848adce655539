"""The service's logout endpoints: RP-initiated logout, the way back from VNeID, the receiver."""

import logging
from typing import Any
from urllib.parse import urlsplit

from django.core import signing
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from identity.relying_party.client import VneidError
from oidc_kit.backchannel import backchannel_logout_view
from oidc_kit.logout import LogoutRequestInvalid
from oidc_kit.logout_token import LogoutClaims

from . import faults, hops, login_state, vneid_leg
from .logout import end_login, parse_logout_request
from .models import Idp, LoginSession, SubjectKind
from .server import issuer_for

logger = logging.getLogger(__name__)

LOGOUT_PARAMETERS = ("id_token_hint", "client_id", "post_logout_redirect_uri", "state")
# Where the citizen goes after VNeID's logout travels through VNeID as a signed `state`.
RETURN_SALT = "national_login.logout.return"
RETURN_MAX_AGE_SECONDS = 900
# How long the page with the front-channel iframes waits before it moves on.
FRONTCHANNEL_WAIT_SECONDS = 2


def _next_after_service_logout(
    request: HttpRequest, login: LoginSession | None, final_url: str
) -> str:
    """Return VNeID's logout URL when the login came from VNeID, else final_url."""
    if login is None or login.idp != Idp.VNEID or not login.vneid_id_token:
        return final_url
    state = signing.dumps(final_url, salt=RETURN_SALT, compress=True)
    try:
        url = vneid_leg.end_session_url(request, id_token=login.vneid_id_token, state=state)
    except VneidError as error:
        logger.warning("national login: VNeID logout skipped: %r", error)
        url = ""
    return url or final_url


@never_cache
@require_http_methods(["GET", "POST"])
@hops.records_hop("logout")
@faults.honours_fault(page=True)
def end_session(request: HttpRequest) -> HttpResponse:
    """`GET|POST /xacthuc/oauth2/logout`: RP-initiated logout (also the `logoutUri` attribute).

    Parameters: `id_token_hint` (an ID token the service issued; without a valid one for the
    citizen logged in, the service asks to confirm), `client_id`, `post_logout_redirect_uri`
    (registered for the client) and `state` (returned with it). Ends the service's login,
    sends logout tokens to every portal of the session with a back-channel URI, loads the
    front-channel URIs of the others in iframes, then — for a VNeID login — logs out at VNeID,
    which sends the browser back here (`oauth2/logout/vneid`) and on to the portal.
    """
    params = request.POST if request.method == "POST" else request.GET
    issuer = issuer_for(request)
    try:
        logout = parse_logout_request(params, issuer=issuer)
    except LogoutRequestInvalid as refusal:
        context: dict[str, Any] = {"message": refusal.message, "error": "invalid_request"}
        return render(request, "national_login/error.html", context, status=400)
    login = login_state.current_login(request)
    hops.note_subject(login.subject if login is not None else None)
    confirmed = request.method == "POST" and params.get("confirm") == "yes"
    hint_matches = logout.id_token_claims is not None and (
        login is None or logout.id_token_claims.get("sub") == login.subject.sub
    )
    if login is not None and not (confirmed or hint_matches):
        context = {
            "client": logout.client,
            "subject": login.subject,
            "hidden": [(name, params[name]) for name in LOGOUT_PARAMETERS if params.get(name)],
            "return_url": logout.redirect_uri,
        }
        return render(request, "national_login/logout_confirm.html", context)
    final_url = logout.redirect_uri or reverse("national_login:logged_out")
    frontchannel: list[str] = []
    if login is not None:
        frontchannel = end_login(login, issuer=issuer)
    next_url = _next_after_service_logout(request, login, final_url)
    response: HttpResponse
    if frontchannel:
        context = {
            "frontchannel_urls": frontchannel,
            "next_url": next_url,
            "wait_seconds": FRONTCHANNEL_WAIT_SECONDS,
        }
        response = render(request, "national_login/frontchannel_logout.html", context)
        # The portals' front-channel pages load in iframes: allow exactly their origins.
        origins = sorted({_origin(url) for url in frontchannel})
        response._csp_update = {"frame-src": ["'self'", *origins]}  # type: ignore[attr-defined]
    else:
        response = redirect(next_url)
    login_state.clear_cookie(response)
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@never_cache
@require_GET
def vneid_logged_out(request: HttpRequest) -> HttpResponse:
    """`GET /xacthuc/oauth2/logout/vneid`: back from VNeID's logout; on to the portal.

    The `state` the service gave VNeID holds the portal's post-logout URI, signed; anything
    else shows the service's own "logged out" page.
    """
    try:
        final_url = signing.loads(
            request.GET.get("state", ""), salt=RETURN_SALT, max_age=RETURN_MAX_AGE_SECONDS
        )
    except signing.BadSignature:
        final_url = None
    if not isinstance(final_url, str) or not final_url:
        return redirect("national_login:logged_out")
    return redirect(final_url)


@never_cache
@require_GET
def logged_out(request: HttpRequest) -> HttpResponse:
    """`GET /xacthuc/oauth2/logout/done`: the service's "you are logged out" page."""
    return render(request, "national_login/logged_out.html")


def _verify_vneid_token(token: str) -> LogoutClaims:
    """Check a logout token against VNeID's published keys, fetched over HTTP."""
    with vneid_leg.client() as vneid:
        return vneid.verify_logout_token(token)


def _end_vneid_sessions(claims: LogoutClaims, *, issuer: str) -> int:
    """End the service's logins that came from VNeID session claims.sid, and tell their portals."""
    logins = LoginSession.objects.select_related("subject").filter(
        vneid_sid=claims.sid, idp=Idp.VNEID, ended_at__isnull=True
    )
    if claims.sub:
        # An organisation login's subject is the organisation, while VNeID's logout token may
        # name the person who acted (VNeID's login is theirs): the sid, one VNeID login, is
        # enough for it (Back-Channel Logout 1.0 §2.4 makes sub optional when sid is there).
        logins = logins.filter(
            Q(subject__idp_subject=claims.sub) | Q(subject__kind=SubjectKind.ORGANISATION)
        )
    ended = 0
    for login in logins:
        hops.note_subject(login.subject)
        # No browser is here to load front-channel iframes: only back-channel portals hear it.
        end_login(login, issuer=issuer)
        ended += 1
    return ended


@csrf_exempt
@hops.records_hop("backchannel_logout")
@faults.honours_fault()
def backchannel_logout(request: HttpRequest) -> JsonResponse:
    """`POST /xacthuc/oauth2/backchannel-logout`: VNeID's logout tokens (Back-Channel 1.0).

    Form field `logout_token`, signed by VNeID (its JWKS), `iss` VNeID, `aud` the service's
    client id at VNeID, the back-channel `events` member, `sid` required, no `nonce`, a `jti`
    not seen before. 200 once the service's logins of that VNeID session have ended and their
    portals were told; 400 `invalid_request` otherwise; 503 when VNeID's keys cannot be fetched.
    """
    issuer = issuer_for(request)
    receive = backchannel_logout_view(
        verify=_verify_vneid_token,
        end_sessions=lambda claims: _end_vneid_sessions(claims, issuer=issuer),
    )
    return receive(request)
