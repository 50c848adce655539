"""A portal's authorization request kept while the citizen logs in, bound to their browser."""

import secrets
from datetime import timedelta
from urllib.parse import urlencode

from django.http import HttpRequest, QueryDict
from django.utils import timezone

from api_kit.keys import hash_secret

from . import login_state
from .models import NationalClient, PendingAuthorization

LIFETIME = timedelta(minutes=15)
# Parameters that asked for the login itself: a resumed request must not ask again.
LOGIN_PARAMETERS = ("prompt", "max_age")


def create(
    *,
    client: NationalClient,
    query: QueryDict,
    browser: str,
    requested_level: int,
    fresh_login: bool,
) -> PendingAuthorization:
    """Keep an authorization request that needs a login; return it."""
    now = timezone.now()
    # Abandoned requests of the same browser go: one login at a time per browser and client.
    PendingAuthorization.objects.filter(expires_at__lt=now).delete()
    return PendingAuthorization.objects.create(
        key=secrets.token_urlsafe(24),
        browser_hash=hash_secret(browser),
        query=query.urlencode(),
        client=client,
        requested_level=requested_level,
        fresh_login=fresh_login,
        created_at=now,
        expires_at=now + LIFETIME,
    )


def find(request: HttpRequest, key: str | None) -> PendingAuthorization | None:
    """Return the live pending request with this key started in this browser, or None."""
    browser = request.COOKIES.get(login_state.BROWSER_COOKIE_NAME, "")
    if not key or not browser or "\x00" in key:
        return None
    return (
        PendingAuthorization.objects.select_related("client")
        .filter(
            key=key,
            browser_hash=hash_secret(browser),
            expires_at__gt=timezone.now(),
            client__is_active=True,
        )
        .first()
    )


def find_by_vneid_state(request: HttpRequest, state: str | None) -> PendingAuthorization | None:
    """Return the pending request whose VNeID leg has this state, in this browser, or None."""
    browser = request.COOKIES.get(login_state.BROWSER_COOKIE_NAME, "")
    if not state or not browser or "\x00" in state:
        return None
    return (
        PendingAuthorization.objects.select_related("client")
        .filter(
            vneid_state_hash=hash_secret(state),
            browser_hash=hash_secret(browser),
            expires_at__gt=timezone.now(),
        )
        .first()
    )


def resume_query(pending: PendingAuthorization) -> str:
    """Return the portal's original query without the parameters that asked for a login."""
    query = QueryDict(pending.query, mutable=True)
    for name in LOGIN_PARAMETERS:
        query.pop(name, None)
    return urlencode(list(query.lists()), doseq=True)


def parameter(pending: PendingAuthorization, name: str) -> str:
    """Return one parameter of the portal's original request, or ""."""
    return QueryDict(pending.query).get(name, "")
