"""What one login keeps between its requests, named by a cookie of its own.

The secrets of the authorization request (state, nonce, PKCE verifier) wait for the callback,
which consumes them once: a replayed callback finds nothing. When the citizen must say whether
they had an old account, the same row keeps what the national service said until they decide.
"""

import secrets
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .models import LoginFlow
from .national_login import CitizenAttributes
from .sessions import key_hash

COOKIE_NAME = "qnam_login"
COOKIE_PATH = "/quang-nam/dang-nhap/"
# A login started longer ago than this, or an offer left longer, starts again.
FLOW_SECONDS = 600


class FlowExpired(Exception):
    """No login under way in this browser, it was already answered, or it is too old."""


class StateMismatch(Exception):
    """The callback's state is not the one this browser's login was started with."""


def begin(request: HttpRequest, response: HttpResponse, *, redirect_uri: str) -> LoginFlow:
    """Start a login and name it in response's cookie (replacing an abandoned one)."""
    raw = secrets.token_urlsafe(32)
    old = request.COOKIES.get(COOKIE_NAME)
    if old:
        LoginFlow.objects.filter(key_hash=key_hash(old)).delete()
    # Old rows of browsers that never came back.
    LoginFlow.objects.filter(
        started_at__lt=timezone.now() - timedelta(seconds=FLOW_SECONDS * 6)
    ).delete()
    flow = LoginFlow.objects.create(
        key_hash=key_hash(raw),
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),
        redirect_uri=redirect_uri,
    )
    response.set_cookie(
        COOKIE_NAME,
        raw,
        max_age=FLOW_SECONDS,
        path=COOKIE_PATH,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    return flow


def digest(request: HttpRequest) -> str:
    """Return a short digest naming this browser's login in the hops, or ""."""
    raw = request.COOKIES.get(COOKIE_NAME, "")
    return key_hash(raw)[:16] if raw else ""


def _live(request: HttpRequest) -> LoginFlow:
    raw = request.COOKIES.get(COOKIE_NAME, "")
    flow = LoginFlow.objects.filter(key_hash=key_hash(raw)).first() if raw else None
    if flow is None:
        raise FlowExpired()
    if flow.started_at < timezone.now() - timedelta(seconds=FLOW_SECONDS):
        flow.delete()
        raise FlowExpired()
    return flow


def take_for_callback(request: HttpRequest, state: str) -> LoginFlow:
    """Consume the login the callback answers; raise FlowExpired or StateMismatch.

    Only the first callback gets it: the row is marked answered in the same statement that
    checks it was not, so two callbacks racing with one code cannot both go on.
    """
    flow = _live(request)
    if not secrets.compare_digest(state, flow.state):
        flow.delete()
        raise StateMismatch()
    answered = LoginFlow.objects.filter(pk=flow.pk, answered_at__isnull=True).update(
        answered_at=timezone.now()
    )
    if answered != 1:
        raise FlowExpired()
    return flow


def offer(flow: LoginFlow, *, attributes: CitizenAttributes, id_token: str) -> None:
    """Keep what the service said until the citizen decides about an old account."""
    flow.attributes = attributes.as_json()
    flow.id_token = id_token
    flow.save(update_fields=["attributes", "id_token"])


def pending_offer(request: HttpRequest) -> tuple[LoginFlow, CitizenAttributes]:
    """Return the login waiting for the citizen's decision, or raise FlowExpired."""
    flow = _live(request)
    if flow.attributes is None:
        raise FlowExpired()
    return flow, CitizenAttributes.from_json(flow.attributes)


def finish(flow: LoginFlow, response: HttpResponse) -> None:
    """Forget the login once it ended (logged in, refused, or failed)."""
    LoginFlow.objects.filter(pk=flow.pk).delete()
    forget_cookie(response)


def forget_cookie(response: HttpResponse) -> None:
    """Remove the login's cookie from the browser."""
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, samesite="Lax")
