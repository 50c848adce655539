"""The third portal's pages: home, the login failure page, logout, the back-channel receiver."""

import logging
from typing import Any
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from .backend import SESSION_ACR, SESSION_CLAIMS, SESSION_SID
from .models import PortalSession

logger = logging.getLogger(__name__)
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
SESSION_ERROR = "national_login_error"


ASSURANCE_LEVELS = ("LoA1", "LoA2")


class Authenticate(OIDCAuthenticationRequestView):
    """The library's login start; `?acr=LoA2` for the services that need a level-2 citizen."""

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        params: dict[str, str] = dict(super().get_extra_params(request))
        if request.GET.get("acr") in ASSURANCE_LEVELS:
            params["acr_values"] = request.GET["acr"]
        return params


class Callback(OIDCAuthenticationCallbackView):
    """mozilla-django-oidc's callback, which also files the session under the service's `sid`."""

    def login_success(self) -> HttpResponse:
        response: HttpResponse = super().login_success()
        sid = self.request.session.get(SESSION_SID, "")
        if sid:
            self.request.session.save()
            PortalSession.objects.update_or_create(
                session_key=self.request.session.session_key, defaults={"sid": sid}
            )
        return response

    def login_failure(self) -> HttpResponse:
        error = self.request.GET.get("error", "")
        query = f"?{urlencode({'error': error})}" if error else ""
        return HttpResponseRedirect(self.failure_url + query)


def end_session_url(request: HttpRequest) -> str:
    """Return where to send the browser after the local logout: the service's end session."""
    claims = request.session.get(SESSION_CLAIMS, {})
    # The `logoutUri` attribute (dvcqg profile) is the end-session endpoint; the document's
    # path otherwise.
    endpoint = claims.get("logoutUri") or settings.NATIONAL_LOGIN_END_SESSION_ENDPOINT
    query = {
        "id_token_hint": request.session.get("oidc_id_token", ""),
        "post_logout_redirect_uri": request.build_absolute_uri("/"),
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "state": "third-portal-logout",
    }
    return f"{endpoint}?{urlencode(query)}"


def home(request: HttpRequest) -> HttpResponse:
    """Show who is logged in, with the attributes the service sent, or the login button."""
    claims = request.session.get(SESSION_CLAIMS) if request.user.is_authenticated else None
    # The name's attribute depends on the client's profile: dvcqg's HoVaTen or oidc's name.
    name = (claims.get("HoVaTen") or claims.get("name", "")) if claims else ""
    return render(
        request,
        "third_portal/home.html",
        {"claims": claims, "name": name, "acr": request.session.get(SESSION_ACR, "")},
    )


def me(request: HttpRequest) -> JsonResponse:
    """Answer the logged-in citizen's attributes as JSON, for the tests to read."""
    if not request.user.is_authenticated:
        return JsonResponse({"logged_in": False})
    return JsonResponse(
        {
            "logged_in": True,
            "userinfo": request.session.get(SESSION_CLAIMS, {}),
            "acr": request.session.get(SESSION_ACR, ""),
            "sid": request.session.get(SESSION_SID, ""),
        }
    )


def login_failed(request: HttpRequest) -> HttpResponse:
    """Say that the login did not finish, with the service's error code."""
    return render(
        request, "third_portal/failed.html", {"error": request.GET.get("error", "")}, status=200
    )


_keys: dict[str, KeySet] = {}


def _service_keys(*, refresh: bool = False) -> KeySet:
    if refresh or "keys" not in _keys:
        answer = requests.get(settings.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        answer.raise_for_status()
        _keys["keys"] = KeySet.import_key_set(answer.json())
    return _keys["keys"]


def _decode(token: str) -> dict[str, Any]:
    try:
        return dict(jwt.decode(token, _service_keys(), algorithms=["RS256"]).claims)
    except (JoseError, ValueError):
        # A key the portal has not seen yet: the service rotated; fetch the set once more.
        return dict(jwt.decode(token, _service_keys(refresh=True), algorithms=["RS256"]).claims)


def _refuse(description: str) -> JsonResponse:
    return JsonResponse(
        {"error": "invalid_request", "error_description": description},
        status=400,
        headers={"Cache-Control": "no-store"},
    )


@csrf_exempt
@require_POST
def backchannel_logout(request: HttpRequest) -> HttpResponse:
    """Check a logout token as the document says, then end every session of its `sid`."""
    token = request.POST.get("logout_token", "")
    try:
        claims = _decode(token)
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": settings.NATIONAL_LOGIN_ISSUER},
            aud={"essential": True, "value": settings.OIDC_RP_CLIENT_ID},
            iat={"essential": True},
            exp={"essential": True},
            jti={"essential": True},
            sid={"essential": True},
        ).validate(claims)
    except requests.RequestException:
        # Not the token's fault: the service's keys could not be fetched; it may try again.
        return JsonResponse(
            {"error": "temporarily_unavailable", "error_description": "keys unreachable"},
            status=503,
        )
    except (JoseError, ValueError) as error:
        return _refuse(f"logout token refused: {error}")
    if BACKCHANNEL_EVENT not in (claims.get("events") or {}):
        return _refuse("logout token without the back-channel logout event")
    if "nonce" in claims:
        return _refuse("a logout token carries no nonce")
    rows = PortalSession.objects.filter(sid=claims["sid"])
    keys = list(rows.values_list("session_key", flat=True))
    ended, _ = Session.objects.filter(session_key__in=keys).delete()
    rows.delete()
    logger.info("back-channel logout: %s session(s) ended", ended)
    return HttpResponse(status=200, headers={"Cache-Control": "no-store"})
