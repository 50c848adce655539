"""The reads and writes on the authorize and token path, each one ORM query.

Speed comes from asking less, not from bypassing the ORM: related rows arrive with
`select_related` in the same query (a login with its account and citizen, a code with its
account and citizen), existence checks are `exists()`, and the used mark is one `update()`.
The lookups by a single key that every request makes (client, signing key, fault row) are
prepared lookups: the ORM compiles them once and `raw()` runs them. `make bench` compares the
whole round trip with MockPass's login in the same run.
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
    return ACTIVE_CLIENT.first(client_id=client_id)


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
    return ACTIVE_SIGNING_KEY.first()


def insert(instance):
    """Insert a new, unsaved model instance: one INSERT, no prior existence check."""
    instance.save(force_insert=True)


def mark_code_used(code):
    """Record that a code was exchanged, so a second presentation is recognised."""
    code.used_at = timezone.now()
    AuthorizationCode.objects.filter(pk=code.pk).update(used_at=code.used_at)


def current_service_fault():
    """Return the sandbox's fault row for VNeID, or None when it was never switched."""
    return SERVICE_FAULT.first()


class PreparedLookup:
    """An ORM queryset compiled to SQL once per process; each call runs it through raw().

    Compiling a queryset costs several times what the database takes to answer these lookups
    by a unique key (see `make bench`). The ORM still writes the SQL (from `build`, called
    with placeholder values) and `raw()` still turns rows into instances; only the compiling
    is done once. Placeholders must reach the SQL unchanged: text compared exactly.
    """

    def __init__(self, build, *names):
        self.build = build
        self.placeholders = {f"\x1fprepared:{name}\x1f": name for name in names}
        self.compiled = {}

    def _compile(self):
        queryset = self.build(**{name: slot for slot, name in self.placeholders.items()})
        sql, params = queryset.query.sql_with_params()
        return queryset.model, sql, params

    def first(self, **values):
        """Return the first row for these values, or None."""
        if connection.vendor not in self.compiled:
            self.compiled[connection.vendor] = self._compile()
        model, sql, params = self.compiled[connection.vendor]
        arguments = [
            values[self.placeholders[param]] if param in self.placeholders else param
            for param in params
        ]
        return next(iter(model.objects.raw(sql, arguments)), None)


ACTIVE_CLIENT = PreparedLookup(
    lambda client_id: OidcClient.objects.filter(client_id=client_id, is_active=True)[:1],
    "client_id",
)
ACTIVE_SIGNING_KEY = PreparedLookup(lambda: SigningKey.objects.filter(is_active=True)[:1])
SERVICE_FAULT = PreparedLookup(lambda: ServiceFault.objects.order_by("pk")[:1])
