"""The reads and writes on the authorize and token path, each one ORM query.

Speed comes from asking less, not from bypassing the ORM: related rows arrive with
`select_related` in the same query (a login with its account and citizen, a code with its
account and citizen), existence checks are `exists()`, and the used mark is one `update()`.
`make bench` compares the whole round trip with MockPass's login in the same run.
"""

from django.db import connection
from django.utils import timezone

from .models import (
    AuthorizationCode,
    LoginSession,
    OidcClient,
    ServiceFault,
    SigningKey,
    VneidAccount,
)


def _one(queryset):
    """Return the only row of a lookup by a unique key, or None (no ORDER BY, no count)."""
    rows = list(queryset[:1])
    return rows[0] if rows else None


def active_client(client_id):
    """Return the active client with this client_id, or None."""
    return _one(OidcClient.objects.filter(client_id=client_id, is_active=True))


def account_with_citizen(account_id):
    """Return the VNeID account with its citizen loaded, or None."""
    return _one(VneidAccount.objects.select_related("citizen").filter(pk=account_id))


def live_login(key_hash):
    """Return the unexpired, unended login behind a cookie's hash, for an active account."""
    return _one(
        LoginSession.objects.select_related("account__citizen").filter(
            key_hash=key_hash,
            ended_at__isnull=True,
            expires_at__gt=timezone.now(),
            account__status=VneidAccount.Status.ACTIVE,
        )
    )


def nonce_used(client_id, nonce):
    """Return whether this client already sent this nonce (a replayed authorization request)."""
    return AuthorizationCode.objects.filter(client_id=client_id, nonce=nonce).exists()


def code_for_exchange(code_hash, client):
    """Return the code with this hash issued to client, locked for the exchange, or None."""
    codes = AuthorizationCode.objects.select_related("account__citizen").filter(
        code_hash=code_hash, client=client
    )
    if connection.features.has_select_for_update_of:
        # A second use of the code waits here until the first has saved its token; only the
        # code's row is locked, not the account or the citizen joined to it.
        codes = codes.select_for_update(of=("self",))
    code = _one(codes)
    if code is not None:
        code.client = client
    return code


def active_signing_key():
    """Return the SigningKey that signs now, or None before the first one exists."""
    return _one(SigningKey.objects.filter(is_active=True))


def insert(instance):
    """Insert a new, unsaved model instance: one INSERT, no prior existence check."""
    instance.save(force_insert=True)


def mark_code_used(code):
    """Record that a code was exchanged, so a second presentation is recognised."""
    code.used_at = timezone.now()
    AuthorizationCode.objects.filter(pk=code.pk).update(used_at=code.used_at)


def current_service_fault():
    """Return the sandbox's fault row for VNeID, or None when it was never switched."""
    return ServiceFault.objects.order_by("pk").first()
