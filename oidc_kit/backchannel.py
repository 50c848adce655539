"""Delivering logout tokens to clients, and answering them as a client (Back-Channel Logout 1.0).

A provider ends a session once and tells every client of it at the same time: the deliveries go
out in parallel, each bounded by the timeout, so one client that is down costs the others
nothing and the citizen's logout never waits longer than the slowest timeout.
"""

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from api_kit.server import ApiError, json_response

from .errors import OAUTH_ERRORS
from .logout_token import (
    CLOCK_LEEWAY_SECONDS,
    MAX_AGE_SECONDS,
    KeysUnavailable,
    LogoutClaims,
    LogoutTokenInvalid,
)

logger = logging.getLogger(__name__)

# Enough threads for every client of one session in one round; more would only queue.
MAX_PARALLEL_DELIVERIES = 8
RETRY_AFTER_SECONDS = 30

# One pooled session for every delivery: a keep-alive connection to each client is reused.
_session = requests.Session()
_session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=MAX_PARALLEL_DELIVERIES))
_session.mount("https://", requests.adapters.HTTPAdapter(pool_maxsize=MAX_PARALLEL_DELIVERIES))


@dataclass(frozen=True)
class LogoutDelivery:
    """One logout token for one client's back-channel URI (sub and sid kept for a retry)."""

    client_id: str
    uri: str
    logout_token: str
    sub: str = ""
    sid: str = ""


@dataclass(frozen=True)
class DeliveryOutcome:
    delivery: LogoutDelivery
    delivered: bool
    status_code: int | None
    error: str
    duration_ms: int


def _deliver(delivery: LogoutDelivery, timeout: float) -> DeliveryOutcome:
    started = time.monotonic()
    status: int | None = None
    try:
        response = _session.post(
            delivery.uri,
            data={"logout_token": delivery.logout_token},
            timeout=timeout,
            allow_redirects=False,
        )
        status = response.status_code
        # Spec 2.8: 200 on success; any other answer means the client did not log out.
        error = "" if 200 <= status < 300 else f"HTTP {status}"
    except requests.Timeout:
        error = "timeout"
    except requests.RequestException as exc:
        error = type(exc).__name__
    duration_ms = round((time.monotonic() - started) * 1000)
    if error:
        logger.warning("Back-channel logout to client %s failed: %s", delivery.client_id, error)
    return DeliveryOutcome(
        delivery=delivery,
        delivered=not error,
        status_code=status,
        error=error,
        duration_ms=duration_ms,
    )


def deliver_all(deliveries: Sequence[LogoutDelivery], *, timeout: float) -> list[DeliveryOutcome]:
    """POST every logout token to its client at once; return the outcomes in the same order."""
    if not deliveries:
        return []
    if len(deliveries) == 1:
        return [_deliver(deliveries[0], timeout)]
    workers = min(len(deliveries), MAX_PARALLEL_DELIVERIES)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="logout") as pool:
        return list(pool.map(lambda delivery: _deliver(delivery, timeout), deliveries))


def frontchannel_logout_url(uri: str, *, issuer: str, sid: str) -> str:
    """Return a client's front-channel logout URI with `iss` and `sid` (Front-Channel 1.0 §2)."""
    separator = "&" if "?" in uri else "?"
    return f"{uri}{separator}{urlencode({'iss': issuer, 'sid': sid})}"


def _refusal(code: str, message: str, status: int = 400) -> JsonResponse:
    return OAUTH_ERRORS.response(ApiError(status, code, message))


def _jti_key(claims: LogoutClaims) -> str:
    return f"oidc_kit:logout-jti:{claims.iss}:{claims.jti}"


def _first_delivery(claims: LogoutClaims) -> bool:
    # Spec 2.6 step 8 recommends refusing a jti seen before: a captured token is not replayed.
    added: bool = cache.add(_jti_key(claims), 1, timeout=MAX_AGE_SECONDS + CLOCK_LEEWAY_SECONDS)
    return added


def backchannel_logout_view(
    *,
    verify: Callable[[str], LogoutClaims],
    end_sessions: Callable[[LogoutClaims], int],
) -> Callable[[HttpRequest], JsonResponse]:
    """Return a client's back-channel logout endpoint.

    verify(token) checks the token against the provider's keys (raising LogoutTokenInvalid or
    KeysUnavailable); end_sessions(claims) ends the client's sessions of that sid and returns
    how many it ended. None ended is still a success: the session may have ended already.
    """

    @csrf_exempt
    @never_cache
    def receive(request: HttpRequest) -> JsonResponse:
        if request.method != "POST":
            refusal = OAUTH_ERRORS.method_not_allowed(["POST"])
            return OAUTH_ERRORS.response(refusal)
        token = request.POST.get("logout_token", "")
        if not token:
            return _refusal("invalid_request", "Missing 'logout_token'.")
        try:
            claims = verify(token)
        except LogoutTokenInvalid as invalid:
            logger.info("Back-channel logout refused: %s", invalid.code)
            return _refusal("invalid_request", invalid.message)
        except KeysUnavailable:
            logger.warning("Back-channel logout: the provider's keys could not be fetched")
            return OAUTH_ERRORS.response(
                ApiError(
                    503,
                    "temporarily_unavailable",
                    "The provider's signing keys could not be fetched; retry later.",
                    headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
                )
            )
        if not _first_delivery(claims):
            return _refusal("invalid_request", "This logout token was already used.")
        try:
            ended = end_sessions(claims)
        except Exception:
            # Nothing ended: the provider's retry with the same token must still be accepted.
            cache.delete(_jti_key(claims))
            raise
        logger.info("Back-channel logout ended %d session(s)", ended)
        return json_response({}, status=200)

    return receive
