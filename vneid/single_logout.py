"""Single logout at VNeID: when a login ends, every client that took part in it is told.

A client took part when it received an authorization code in that login. A client with a
back-channel URI gets a logout token (Back-Channel Logout 1.0), all of them at once and each
within the timeout; a client with only a front-channel URI is loaded in an iframe of the
logged-out page (Front-Channel Logout 1.0). A token a client did not accept is kept as an
`UndeliveredLogout` and sent again, freshly minted, by `retry_logout_deliveries`.

Nothing here may make the citizen's logout fail: the login has already ended when it runs.
"""

import logging
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from oidc_kit.backchannel import (
    DeliveryOutcome,
    LogoutDelivery,
    deliver_all,
    frontchannel_logout_url,
)
from oidc_kit.models import ERROR_LENGTH, MAX_ATTEMPTS

from . import keys
from .conf import provider_settings
from .models import (
    AccessToken,
    AuditEvent,
    AuthorizationCode,
    LoginSession,
    OidcClient,
    UndeliveredLogout,
    VneidAccount,
)

logger = logging.getLogger(__name__)

# The audit events' `endpoint`: the client's endpoint VNeID called, not one of its own.
ENDPOINT = "backchannel_logout"


def timeout_seconds() -> float:
    """Return how long each back-channel call may take (all run at once)."""
    return float(provider_settings.BACKCHANNEL_LOGOUT_TIMEOUT_SECONDS)


def clients_of(login: LoginSession) -> list[tuple[OidcClient, str]]:
    """Return the active clients that received a code in this login, each with the issuer its
    ID token named ("" when it never exchanged the code), oldest client first."""
    codes = (
        AuthorizationCode.objects.filter(login=login, client__is_active=True)
        .select_related("client")
        .order_by("client_id", "-used_at", "-pk")
    )
    issuers: dict[int, tuple[OidcClient, str]] = {}
    for code in codes:
        if code.client_id not in issuers or (code.issuer and not issuers[code.client_id][1]):
            issuers[code.client_id] = (code.client, code.issuer)
    return list(issuers.values())


def subjects_of(login: LoginSession) -> dict[int, str]:
    """Return, per client of this login, the `sub` its ID tokens named, "" when it had two.

    An organisation login's tokens name the organisation, not the person: the logout token
    must name the subject the client knows (Back-Channel Logout 1.0 §2.4). A client that got
    both the person's and an organisation's token in one login is told by `sid` alone.
    """
    codes = AuthorizationCode.objects.filter(login=login).values_list(
        "client_id", "account__sub", "organisation__sub"
    )
    subjects: dict[int, set[str]] = {}
    for client_id, account_sub, organisation_sub in codes:
        subjects.setdefault(client_id, set()).add(organisation_sub or account_sub)
    return {
        client_id: next(iter(named)) if len(named) == 1 else ""
        for client_id, named in subjects.items()
    }


def mint(*, client_id: str, issuer: str, sub: str, sid: str) -> str:
    """Return a fresh logout token for client_id, signed with VNeID's active key."""
    return keys.SIGNING_KEYS.logout_token(issuer=issuer, client_id=client_id, sub=sub, sid=sid)


def login_ended(login: LoginSession, *, fallback_issuer: str = "") -> list[str]:
    """Tell the clients of a login that ended; return the front-channel URLs to load.

    Back-channel clients are called before this returns (at most the timeout); a failure is
    logged, audited and kept for a retry, never raised.
    """
    default_issuer = login.issuer or fallback_issuer
    try:
        took_part = [
            (client, issuer or default_issuer)
            for client, issuer in clients_of(login)
            if issuer or default_issuer
        ]
        account = login.account
        subjects = subjects_of(login) if any(c.backchannel_logout_uri for c, _ in took_part) else {}
        deliveries = [
            LogoutDelivery(
                client_id=client.client_id,
                uri=client.backchannel_logout_uri,
                logout_token=mint(
                    client_id=client.client_id,
                    issuer=issuer,
                    sub=subjects.get(client.pk, account.sub),
                    sid=login.sid,
                ),
                sub=subjects.get(client.pk, account.sub),
                sid=login.sid,
            )
            for client, issuer in took_part
            if client.backchannel_logout_uri
        ]
        issuers = {client.client_id: issuer for client, issuer in took_part}
        _settle(deliveries, issuers=issuers, account=account, clients=[c for c, _ in took_part])
    except Exception:
        # The citizen is logged out of VNeID whatever happens to the notices.
        logger.exception("Back-channel logout of login %s failed before delivery", login.pk)
        return []
    return [
        frontchannel_logout_url(client.frontchannel_logout_uri, issuer=issuer, sid=login.sid)
        for client, issuer in took_part
        if client.frontchannel_logout_uri and not client.backchannel_logout_uri
    ]


def _settle(
    deliveries: Sequence[LogoutDelivery],
    *,
    issuers: dict[str, str],
    account: VneidAccount,
    clients: Iterable[OidcClient],
) -> list[DeliveryOutcome]:
    """Deliver, audit each outcome, and keep the failures for a retry."""
    outcomes = deliver_all(deliveries, timeout=timeout_seconds())
    _audit(outcomes, account=account, clients=clients)
    UndeliveredLogout.objects.bulk_create(
        UndeliveredLogout(
            client_id=outcome.delivery.client_id,
            uri=outcome.delivery.uri,
            sub=outcome.delivery.sub,
            sid=outcome.delivery.sid,
            issuer=issuers[outcome.delivery.client_id],
            last_error=outcome.error[:ERROR_LENGTH],
        )
        for outcome in outcomes
        if not outcome.delivered
    )
    return outcomes


def _audit(
    outcomes: Sequence[DeliveryOutcome],
    *,
    account: VneidAccount | None,
    clients: Iterable[OidcClient],
) -> None:
    by_id = {client.client_id: client for client in clients}
    AuditEvent.record_many(
        {
            "kind": AuditEvent.Kind.LOGOUT_DELIVERED
            if outcome.delivered
            else AuditEvent.Kind.LOGOUT_FAILED,
            "account": account,
            "client": by_id.get(outcome.delivery.client_id),
            "endpoint": ENDPOINT,
            "status_code": outcome.status_code,
            "duration_ms": outcome.duration_ms,
            "detail": _detail(outcome),
        }
        for outcome in outcomes
    )


def _detail(outcome: DeliveryOutcome) -> str:
    text = (
        outcome.delivery.uri if outcome.delivered else f"{outcome.delivery.uri} — {outcome.error}"
    )
    return text[:ERROR_LENGTH]


@transaction.atomic
def end_live_logins(account: VneidAccount) -> list[LoginSession]:
    """End every live login of an account (it was locked); return them for login_ended."""
    now = timezone.now()
    live: QuerySet[LoginSession] = LoginSession.objects.select_for_update().filter(
        account=account, ended_at__isnull=True, expires_at__gt=now
    )
    logins = list(live)
    LoginSession.objects.filter(pk__in=[login.pk for login in logins]).update(ended_at=now)
    return logins


def end_logins_approved_by(app_login: LoginSession) -> list[LoginSession]:
    """End the live browser logins the app's login approved by QR, their tokens revoked."""
    approved = list(
        LoginSession.objects.select_for_update()
        .select_related("account")
        .filter(approved_by=app_login, ended_at__isnull=True)
    )
    now = timezone.now()
    LoginSession.objects.filter(pk__in=[login.pk for login in approved]).update(ended_at=now)
    AccessToken.objects.filter(
        authorization_code__login__in=approved, revoked_at__isnull=True
    ).update(revoked_at=now)
    return approved


def retry_undelivered(*, max_attempts: int = MAX_ATTEMPTS) -> tuple[int, int]:
    """Send a fresh token for every undelivered logout; return (delivered, still failing).

    A row whose client is gone, inactive or without a back-channel URI is dropped; a client
    whose URI changed gets the token at its new URI.
    """
    rows = list(
        UndeliveredLogout.objects.filter(delivered_at__isnull=True, attempts__lt=max_attempts)
    )
    clients = {
        client.client_id: client
        for client in OidcClient.objects.filter(
            client_id__in={row.client_id for row in rows}, is_active=True
        )
    }
    accounts = {
        account.sub: account
        for account in VneidAccount.objects.filter(sub__in={row.sub for row in rows})
    }
    tried: list[UndeliveredLogout] = []
    deliveries: list[LogoutDelivery] = []
    for row in rows:
        client = clients.get(row.client_id)
        if client is None or not client.backchannel_logout_uri:
            row.delete()
            continue
        row.uri = client.backchannel_logout_uri
        token = mint(client_id=row.client_id, issuer=row.issuer, sub=row.sub, sid=row.sid)
        deliveries.append(
            LogoutDelivery(
                client_id=row.client_id, uri=row.uri, logout_token=token, sub=row.sub, sid=row.sid
            )
        )
        tried.append(row)
    outcomes = deliver_all(deliveries, timeout=timeout_seconds())
    now = timezone.now()
    for row, outcome in zip(tried, outcomes, strict=True):
        row.attempts += 1
        row.last_attempt_at = now
        if outcome.delivered:
            row.delivered_at = now
        else:
            row.last_error = outcome.error[:ERROR_LENGTH]
        _audit([outcome], account=accounts.get(row.sub), clients=clients.values())
    UndeliveredLogout.objects.bulk_update(
        tried, ["uri", "attempts", "last_attempt_at", "delivered_at", "last_error"]
    )
    delivered = sum(outcome.delivered for outcome in outcomes)
    return delivered, len(tried) - delivered
