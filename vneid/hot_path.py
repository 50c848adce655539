"""The reads and writes on the authorize and token path, each one ORM query.

Speed comes from asking less, not from bypassing the ORM: related rows arrive with
`select_related` in the same query (a login with its account and citizen, a code with its
account and citizen), existence checks are `exists()`, and the used mark is one `update()`.
The lookups by a single key that every request makes (client, signing key, fault row) are
plain querysets too: compiling them once and running them with `raw()` made no difference that
`make bench` could measure (see the README's benchmarks), so they stay ORM queries.
"""

from typing import TypeVar

from django.db import connection
from django.db.models import Model, QuerySet
from django.utils import timezone

from .models import (
    AuthorizationCode,
    LoginSession,
    OidcClient,
    OrganisationAuthorisation,
    OrganisationEid,
    ServiceFault,
    SigningKey,
    VneidAccount,
)
from .organisations import AUTHORISED_PERSON, LEGAL_REPRESENTATIVE, Acting

M = TypeVar("M", bound=Model)


def _one(queryset: QuerySet[M]) -> M | None:
    """Return the only row of a lookup by a unique key, or None (no ORDER BY, no count)."""
    rows = list(queryset[:1])
    return rows[0] if rows else None


def active_client(client_id: str) -> OidcClient | None:
    """Return the active client with this client_id, or None."""
    return _one(OidcClient.objects.filter(client_id=client_id, is_active=True))


def account_with_citizen(account_id: int) -> VneidAccount | None:
    """Return the VNeID account with its citizen loaded, or None."""
    return _one(VneidAccount.objects.select_related("citizen").filter(pk=account_id))


def live_login(key_hash: str) -> LoginSession | None:
    """Return the unexpired, unended login behind a cookie's hash, for an active account.

    The organisation it acts for, if any, comes in the same query (a LEFT JOIN).
    """
    return _one(
        LoginSession.objects.select_related("account__citizen", "organisation").filter(
            key_hash=key_hash,
            ended_at__isnull=True,
            expires_at__gt=timezone.now(),
            account__status=VneidAccount.Status.ACTIVE,
        )
    )


def nonce_used(client_id: int, nonce: str) -> bool:
    """Return whether this client already sent this nonce (a replayed authorization request)."""
    return AuthorizationCode.objects.filter(client_id=client_id, nonce=nonce).exists()


def code_for_exchange(code_hash: str, client: OidcClient) -> AuthorizationCode | None:
    """Return the code with this hash issued to client, locked for the exchange, or None."""
    # The login comes along for its `sid`, which the ID token carries; the organisation (a
    # LEFT JOIN, nothing more for a citizen's code) for an organisation login's claims.
    codes = AuthorizationCode.objects.select_related(
        "account__citizen", "login", "organisation"
    ).filter(code_hash=code_hash, client=client)
    if connection.features.has_select_for_update_of:
        # A second use of the code waits here until the first has saved its token; only the
        # code's row is locked, not the account or the citizen joined to it.
        codes = codes.select_for_update(of=("self",))
    code = _one(codes)
    if code is not None:
        code.client = client
    return code


def acting_role(account: VneidAccount, organisation_id: int) -> Acting | None:
    """Return how account may act for the organisation now; None when it may not.

    The same rule as `organisations.acting_for` (tests hold them equal), asked with plain
    lookups for the code issue and exchange of an organisation login: one query for a
    representative, two for an authorised person. (One query with two subqueries cost more:
    Django compiles subqueries slowly.) None does not say why: `acting_for` does, with the
    refusal the person reads.
    """
    if account.assurance_level != VneidAccount.Level.LEVEL_2 or not account.is_active:
        return None
    active = OrganisationEid.Status.ACTIVE
    represented = _one(
        OrganisationEid.objects.filter(
            pk=organisation_id,
            status=active,
            representatives__account=account,
            representatives__confirmed_at__isnull=False,
        )
    )
    if represented is not None:
        return Acting(represented, LEGAL_REPRESENTATIVE, "")
    # acting_for's choice among several valid authorisations: the one given last.
    authorisation = _one(
        OrganisationAuthorisation.objects.select_related("organisation")
        .filter(
            organisation_id=organisation_id,
            organisation__status=active,
            grantee=account,
            revoked_at__isnull=True,
            valid_until__gte=timezone.localdate(),
        )
        .order_by("-created_at")
    )
    if authorisation is None:
        return None
    return Acting(authorisation.organisation, AUTHORISED_PERSON, authorisation.scope)


def active_signing_key() -> SigningKey | None:
    """Return the SigningKey that signs now, or None before the first one exists."""
    return _one(SigningKey.objects.filter(is_active=True))


def insert(instance: Model) -> None:
    """Insert a new, unsaved model instance: one INSERT, no prior existence check."""
    instance.save(force_insert=True)


def mark_code_used(code: AuthorizationCode) -> None:
    """Record that a code was exchanged, so a second presentation is recognised."""
    code.used_at = timezone.now()
    AuthorizationCode.objects.filter(pk=code.pk).update(used_at=code.used_at, issuer=code.issuer)


def current_service_fault() -> ServiceFault | None:
    """Return the sandbox's fault row for VNeID, or None when it was never switched."""
    return _one(ServiceFault.objects.order_by("pk"))
