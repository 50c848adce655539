"""State changes of the VNeID provider: accounts, clients, logins, codes and tokens."""

import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from citizen_registry.models import Citizen
from idnumbers.numbers import mask_number, normalize_number
from oidc_kit.clients import Actor, ClientRegistry, clean_uris, stored_redirect_uris

from . import hops, single_logout, throttling
from .claims import SCOPES_SUPPORTED
from .models import (
    AccessToken,
    AuditEvent,
    AuthorizationCode,
    LoginSession,
    OidcClient,
    VneidAccount,
)


@transaction.atomic
def ensure_vneid_account(
    citizen: Citizen,
    *,
    password: str,
    level: int = VneidAccount.Level.LEVEL_2,
    password_hash: str | None = None,
) -> VneidAccount:
    """Make citizen hold an active VNeID account with this password and level; return it."""
    # Idempotent, for seeding; `sub` is never touched, so relying parties keep recognising it.
    level = VneidAccount.Level(level)
    account = VneidAccount.objects.select_for_update().filter(citizen=citizen).first()
    if account is None:
        account = VneidAccount(citizen=citizen)
    # A caller seeding many accounts with one published password hashes it once.
    account.password = password_hash or make_password(password)
    account.assurance_level = level
    account.status = VneidAccount.Status.ACTIVE
    account.save()
    _audit_saved([account])
    return account


@transaction.atomic
def create_vneid_accounts(
    citizens_and_levels: Iterable[tuple[Citizen, int]], *, password_hash: str
) -> list[VneidAccount]:
    """Give each (citizen, level), none of whom has one yet, an active account, in one INSERT."""
    accounts = VneidAccount.objects.bulk_create(
        VneidAccount(
            citizen=citizen,
            password=password_hash,
            assurance_level=VneidAccount.Level(level),
            status=VneidAccount.Status.ACTIVE,
        )
        for citizen, level in citizens_and_levels
    )
    _audit_saved(accounts)
    return accounts


def _audit_saved(accounts: Iterable[VneidAccount]) -> None:
    AuditEvent.record_many(
        {
            "kind": AuditEvent.Kind.ACCOUNT_SAVED,
            "account": account,
            "detail": f"level {int(account.assurance_level)}",
        }
        for account in accounts
    )


@transaction.atomic
def set_account_status(*, account: VneidAccount, status: str) -> None:
    """Lock or unlock a VNeID account; locking ends its logins and tells their clients."""
    account.status = VneidAccount.Status(status)
    account.save(update_fields=["status"])
    AuditEvent.record(kind=AuditEvent.Kind.ACCOUNT_SAVED, account=account, detail=status)
    if account.status == VneidAccount.Status.LOCKED:
        ended = single_logout.end_live_logins(account)
        # After the commit: the clients' calls back must see the login ended, and must not
        # wait on this transaction's locks.
        transaction.on_commit(lambda: [single_logout.login_ended(login) for login in ended])


# The settings of a client an official may change, audited field by field.
CLIENT_FIELDS = (
    "name",
    "redirect_uris",
    "post_logout_redirect_uris",
    "backchannel_logout_uri",
    "frontchannel_logout_uri",
    "allowed_scopes",
    "is_active",
)


CLIENTS = ClientRegistry(OidcClient, AuditEvent, CLIENT_FIELDS)
set_client_secret = CLIENTS.set_secret
register_client = CLIENTS.register
change_client = CLIENTS.change
issue_new_client_secret = CLIENTS.issue_new_secret


def _client_settings(
    redirect_uris: Iterable[str],
    post_logout_redirect_uris: Iterable[str],
    scopes: Iterable[str],
    *,
    backchannel_logout_uri: str = "",
    frontchannel_logout_uri: str = "",
) -> dict[str, str]:
    """Return a client's URI and scope fields as stored; raise ValueError for unusable ones."""
    stored_redirects = stored_redirect_uris(redirect_uris)
    for uri in (backchannel_logout_uri, frontchannel_logout_uri):
        if uri.strip() and not uri.strip().startswith(("http://", "https://")):
            raise ValueError(f"A logout URI must be an http(s) URL: {uri!r}.")
    wanted = set(scopes)
    unknown = wanted - set(SCOPES_SUPPORTED)
    if unknown:
        raise ValueError(f"Unsupported scopes: {', '.join(sorted(unknown))}.")
    return {
        "redirect_uris": stored_redirects,
        "post_logout_redirect_uris": "\n".join(clean_uris(post_logout_redirect_uris)),
        "backchannel_logout_uri": backchannel_logout_uri.strip(),
        "frontchannel_logout_uri": frontchannel_logout_uri.strip(),
        "allowed_scopes": " ".join(scope for scope in SCOPES_SUPPORTED if scope in wanted),
    }


def create_client(
    *,
    name: str,
    redirect_uris: Iterable[str],
    post_logout_redirect_uris: Iterable[str] = (),
    scopes: Iterable[str] = SCOPES_SUPPORTED,
    backchannel_logout_uri: str = "",
    frontchannel_logout_uri: str = "",
) -> tuple[OidcClient, str]:
    """Register a relying party; return (client, raw_secret), the secret being shown only once."""
    fields = _client_settings(
        redirect_uris,
        post_logout_redirect_uris,
        scopes,
        backchannel_logout_uri=backchannel_logout_uri,
        frontchannel_logout_uri=frontchannel_logout_uri,
    )
    return CLIENTS.create(name, fields)


@transaction.atomic
def ensure_client(
    *,
    client_id: str,
    client_secret: str,
    name: str,
    redirect_uris: Iterable[str],
    post_logout_redirect_uris: Iterable[str] = (),
    scopes: Iterable[str] = SCOPES_SUPPORTED,
    backchannel_logout_uri: str = "",
    frontchannel_logout_uri: str = "",
) -> OidcClient:
    """Make the client with this id hold exactly these settings and secret; return it."""
    # For seeding a relying party whose credentials live in its own settings (the portal's).
    if not client_id or not client_secret:
        raise ValueError("Seeding a client needs both its client_id and its client_secret.")
    fields = _client_settings(
        redirect_uris,
        post_logout_redirect_uris,
        scopes,
        backchannel_logout_uri=backchannel_logout_uri,
        frontchannel_logout_uri=frontchannel_logout_uri,
    )
    return CLIENTS.ensure(
        client_id=client_id, client_secret=client_secret, name=name, settings=fields
    )


class LoginRefused(Exception):
    """A password login that must not succeed; `code` says why, `message` says it in Vietnamese."""

    messages = {
        "invalid": "Số định danh cá nhân hoặc mật khẩu không đúng.",
        "locked": (
            "Tài khoản định danh điện tử này đang bị khoá. Vui lòng liên hệ cơ quan Công an "
            "nơi cư trú hoặc tổng đài 1900.0368 để được hỗ trợ."
        ),
        "throttled": throttling.LOCKOUT_MESSAGE,
    }

    def __init__(self, code: str, *, message: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.message = message or self.messages[code]


@dataclass(frozen=True)
class LoginAttempt:
    personal_id_number: str
    password: str
    ip_address: str | None


# Hashed once so that a login for an unknown number costs as much as one for a known number.
_DUMMY_PASSWORD_HASH: str | None = None


def _run_dummy_hasher(password: str) -> None:
    global _DUMMY_PASSWORD_HASH
    if _DUMMY_PASSWORD_HASH is None:
        _DUMMY_PASSWORD_HASH = make_password(secrets.token_urlsafe(16))
    VneidAccount(password=_DUMMY_PASSWORD_HASH).check_password(password)


def authenticate_password(attempt: LoginAttempt) -> VneidAccount:
    """Return the active account for a number and password, or raise LoginRefused."""
    # Not atomic: the failure count and audit rows must survive the refusal being raised.
    number = normalize_number(attempt.personal_id_number)
    counted, lockout = throttling.admit_attempt(
        personal_id_number=number, ip_address=attempt.ip_address
    )
    if counted is None:
        AuditEvent.record(kind=AuditEvent.Kind.LOGIN_THROTTLED, detail=mask_number(number))
        raise LoginRefused("throttled", message=lockout)
    account = (
        VneidAccount.objects.select_related("citizen").filter(citizen__cccd_number=number).first()
    )
    if account is None:
        # Same work as a wrong password, so response time does not reveal which numbers exist.
        _run_dummy_hasher(attempt.password)
    # A failed login is the account owner's to see on their timeline, like a successful one.
    hops.note_account(account)
    if account is None or not account.check_password(attempt.password):
        throttling.confirm_failure(counted)
        AuditEvent.record(
            kind=AuditEvent.Kind.LOGIN_FAILED, account=account, detail=mask_number(number)
        )
        raise LoginRefused("invalid")
    if not account.is_active:
        throttling.withdraw_attempt(counted)
        AuditEvent.record(kind=AuditEvent.Kind.LOGIN_LOCKED_ACCOUNT, account=account)
        raise LoginRefused("locked")
    throttling.reset_failures(personal_id_number=number)
    account.last_login_at = timezone.now()
    account.save(update_fields=["last_login_at"])
    AuditEvent.record(kind=AuditEvent.Kind.LOGIN_SUCCEEDED, account=account)
    return account


def revoke_tokens_of_reused_code(*, code: AuthorizationCode) -> int:
    """Revoke every token issued from a code presented a second time, and record it."""
    revoked = AccessToken.objects.filter(authorization_code=code, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    AuditEvent.record(
        kind=AuditEvent.Kind.CODE_REUSED,
        account=code.account,
        client=code.client,
        detail=f"{revoked} token(s) revoked",
    )
    return revoked


def revoke_tokens_of_login(*, login: LoginSession) -> int:
    """Revoke the access tokens issued in a browser login that the citizen ended."""
    return AccessToken.objects.filter(
        authorization_code__login=login, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


# Seeding and removing accounts by their citizens' numbers, for the sandbox's workspaces.
# Changes join the caller's transaction without a savepoint, as a class resets or removes
# hundreds of personas in one.


def account_of_number(cccd_number: str) -> VneidAccount | None:
    """Return the account of the citizen with this CCCD (level and status only), or None."""
    account: VneidAccount | None = (
        VneidAccount.objects.filter(citizen__cccd_number=cccd_number)
        .only("assurance_level", "status")
        .first()
    )
    return account


def has_account(cccd_number: str) -> bool:
    """Return whether the citizen with this CCCD has an account."""
    return VneidAccount.objects.filter(citizen__cccd_number=cccd_number).exists()


def events_of_numbers(
    cccd_numbers: Collection[str], *, since: datetime
) -> QuerySet[AuditEvent, tuple[str, str, datetime]]:
    """Return (CCCD, kind, when) of the events on these citizens' accounts since then."""
    return AuditEvent.objects.filter(
        account__citizen__cccd_number__in=cccd_numbers, created_at__gte=since
    ).values_list("account__citizen__cccd_number", "kind", "created_at")


def requests_answered(
    cccd_numbers: Collection[str], *, since: datetime, endpoints: Collection[str]
) -> QuerySet[AuditEvent]:
    """Return the requests answered since then at these endpoints for these citizens' accounts."""
    return AuditEvent.objects.filter(
        kind=AuditEvent.Kind.REQUEST_ANSWERED,
        account__citizen__cccd_number__in=cccd_numbers,
        created_at__gte=since,
        endpoint__in=endpoints,
    ).select_related("account__citizen", "client")


@transaction.atomic(savepoint=False)
def delete_by_numbers(cccd_numbers: Collection[str], *, actors: Actor) -> None:
    """Delete the accounts of these citizens with their events, and the events actors caused."""
    # Audit rows protect what they point at; they go with the accounts they describe.
    AuditEvent.objects.filter(actor__in=actors).delete()
    AuditEvent.objects.filter(account__citizen__cccd_number__in=cccd_numbers).delete()
    VneidAccount.objects.filter(citizen__cccd_number__in=cccd_numbers).delete()
