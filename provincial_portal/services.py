"""What the provincial portal lets the sandbox do: seed personas, remove them, read their state.

The training sandbox gives each persona a provincial state through these functions only (a
test forbids sandbox modules touching other apps' models). Changes join the caller's
transaction without a savepoint, as a class resets or removes hundreds of personas in one.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from idnumbers.numbers import mask_number
from idnumbers.tax_codes import tax_code_problem

from .conf import provincial_settings
from .models import AuditEvent, OrganisationLoginSwitch, ProvincialAccount, ProvincialDossier

ORGANISATION_SWITCH_CACHE_KEY = "provincial_portal.organisation_legacy_login"
# Each server process may keep its own cache (local memory): this bounds how long another
# process serves the previous switch, as the national portal's login policy does.
ORGANISATION_SWITCH_CACHE_SECONDS = 10
# Cached for "no row", so that the setting then applies without a query either.
_NO_ROW = ""


@dataclass(frozen=True)
class ProvincialDossierSeed:
    """A dossier a seeded account holds."""

    code: str  # e.g. "000.00.QNA.H47-240312-0001"
    procedure: str  # Vietnamese name of the procedure
    status: str  # one of ProvincialDossier.Status values
    submitted_on: date


@dataclass(frozen=True)
class ProvincialAccountSeed:
    """An account the province issued before 2024, as a persona has it."""

    username: str
    password: str  # raw; hashed when seeded
    full_name: str
    birth_date: date
    cmnd_number: str = ""
    cccd_number: str = ""
    dossiers: tuple[ProvincialDossierSeed, ...] = ()


@dataclass(frozen=True)
class ProvincialAccountSummary:
    """A persona's provincial state, for `personas --json`, the console and seat cards."""

    username: str
    full_name: str
    has_cccd: bool
    dossier_count: int
    # A legacy account already tied to a national login (matched by CCCD or linked).
    inherited: bool
    # A new, empty account made at the first login through VNeID.
    created_by_vneid: bool


@dataclass(frozen=True)
class ProvincialOrganisationSeed:
    """An organisation account the province issued before the cut-off (login: the tax code)."""

    tax_code: str  # 10 digits (or 13 for a branch), valid check digit
    password: str  # raw; hashed when seeded
    name: str
    short_name: str = ""
    foreign_name: str = ""
    kind: str = ""  # the business registry's kind: llc_single, joint_stock, household_business…
    established_on: date | None = None
    head_office_address: str = ""
    representative_name: str = ""
    representative_number: str = ""  # 12 digits, or ""
    dossiers: tuple[ProvincialDossierSeed, ...] = ()


@dataclass(frozen=True)
class ProvincialOrganisationSummary:
    """An organisation persona's provincial state, for `personas --json` and the console."""

    tax_code: str
    name: str
    dossier_count: int
    # A legacy organisation account already taken over through a VNeID organisation login.
    inherited: bool
    # The masked number of the person who took it over ("" when not inherited).
    inherited_by_number: str
    # A new, empty organisation account made at the first VNeID organisation login.
    created_by_vneid: bool


@dataclass(frozen=True)
class AnsweredRequest:
    """One request the provincial portal answered on a login's way, for the trainer's timeline."""

    at: datetime
    endpoint: str
    status_code: int | None
    duration_ms: int | None
    masked_number: str
    personal_id_number: str


@dataclass(frozen=True)
class ClientRegistration:
    """What the national login service must know of this portal (its `ensure_client` fields)."""

    client_id: str
    client_secret: str
    name: str
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...]
    backchannel_logout_uri: str
    frontchannel_logout_uri: str


def client_registration(base_urls: Sequence[str]) -> ClientRegistration:
    """Return the registration of the provincial portal served at these addresses.

    The first address receives the service's logouts (a client has one URI of each kind).
    """
    bases = [base.rstrip("/") for base in base_urls]
    if not bases:
        raise ValueError("The provincial portal needs at least one address to be registered.")
    return ClientRegistration(
        client_id=provincial_settings.CLIENT_ID,
        client_secret=provincial_settings.CLIENT_SECRET,
        name="Cổng Dịch vụ công tỉnh Quảng Nam (mô phỏng)",
        redirect_uris=tuple(f"{base}/quang-nam/dang-nhap/callback/" for base in bases),
        post_logout_redirect_uris=tuple(f"{base}/quang-nam/" for base in bases),
        backchannel_logout_uri=f"{bases[0]}/quang-nam/backchannel-logout",
        frontchannel_logout_uri=f"{bases[0]}/quang-nam/frontchannel-logout",
    )


@transaction.atomic(savepoint=False)
def seed_accounts(seeds: Sequence[ProvincialAccountSeed]) -> None:
    """Create or reset these legacy accounts with their dossiers; idempotent by username.

    A reset account is as the province issued it: not inherited, its dossiers those of the seed.
    """
    if not seeds:
        return
    usernames = [seed.username for seed in seeds]
    numbers = [n for seed in seeds for n in (seed.cccd_number, seed.cmnd_number) if n]
    # A persona's number may have moved to a new account (created from VNeID) in an earlier
    # run: the reset gives the number back to the seeded account.
    stale = ProvincialAccount.objects.filter(
        Q(cccd_number__in=numbers) | Q(cmnd_number__in=numbers),
        origin=ProvincialAccount.Origin.VNEID,
    )
    _delete_accounts(stale)
    hashes = _hashes(seed.password for seed in seeds)
    existing = {
        account.username: account
        for account in ProvincialAccount.objects.select_for_update().filter(username__in=usernames)
    }
    ProvincialDossier.objects.filter(account__in=existing.values()).delete()
    accounts = []
    for seed in seeds:
        account = existing.get(seed.username) or ProvincialAccount(username=seed.username)
        account.password = hashes[seed.password]
        account.full_name = seed.full_name
        account.birth_date = seed.birth_date
        account.cmnd_number = seed.cmnd_number
        account.cccd_number = seed.cccd_number
        account.national_sub = ""
        account.origin = ProvincialAccount.Origin.LEGACY
        account.is_active = True
        account.inherited_at = None
        account.last_login_at = None
        accounts.append(account)
    ProvincialAccount.objects.bulk_create([account for account in accounts if account.pk is None])
    ProvincialAccount.objects.bulk_update(
        [account for account in accounts if account.username in existing],
        [
            "password",
            "full_name",
            "birth_date",
            "cmnd_number",
            "cccd_number",
            "national_sub",
            "origin",
            "is_active",
            "inherited_at",
            "last_login_at",
        ],
    )
    by_username = {
        account.username: account
        for account in ProvincialAccount.objects.filter(username__in=usernames)
    }
    ProvincialDossier.objects.bulk_create(
        [
            ProvincialDossier(
                account=by_username[seed.username],
                code=dossier.code,
                procedure=dossier.procedure,
                status=dossier.status,
                submitted_on=dossier.submitted_on,
            )
            for seed in seeds
            for dossier in seed.dossiers
        ]
    )


@transaction.atomic(savepoint=False)
def delete_by_numbers(numbers: Collection[str]) -> int:
    """Delete the accounts holding any of these CCCD or CMND numbers; return how many."""
    if not numbers:
        return 0
    return _delete_accounts(
        ProvincialAccount.objects.filter(Q(cccd_number__in=numbers) | Q(cmnd_number__in=numbers))
    )


def _hashes(passwords: Iterable[str]) -> dict[str, str]:
    """Return one hash per distinct password of a seeding call.

    The seeds' passwords are the sandbox's published ones, the same for every persona: hashing
    each once (not once per account) keeps a class of 40 seats from spending most of its
    creation in argon2; a shared salt hides nothing that is not printed on the seat cards.
    """
    return {password: make_password(password) for password in set(passwords)}


def _delete_accounts(accounts: QuerySet[ProvincialAccount]) -> int:
    ids = list(accounts.values_list("pk", flat=True))
    if not ids:
        return 0
    # Audit rows outlive nothing they describe: they go with the accounts.
    AuditEvent.objects.filter(account_id__in=ids).delete()
    ProvincialAccount.objects.filter(pk__in=ids).delete()
    return len(ids)


def account_summaries(numbers: Collection[str]) -> dict[str, ProvincialAccountSummary]:
    """Return the provincial state of the citizens with these numbers, keyed by the number.

    A number held as CCCD by one account and as CMND by another is the CCCD's: the account that
    a login through VNeID would use.
    """
    accounts = ProvincialAccount.objects.filter(
        Q(cccd_number__in=numbers) | Q(cmnd_number__in=numbers)
    ).annotate(dossier_count=Count("dossiers"))
    found: dict[str, ProvincialAccountSummary] = {}
    by_cmnd: dict[str, ProvincialAccountSummary] = {}
    for account in accounts:
        summary = ProvincialAccountSummary(
            username=account.username,
            full_name=account.full_name,
            has_cccd=bool(account.cccd_number),
            dossier_count=account.dossier_count,
            inherited=account.inherited,
            created_by_vneid=account.origin == ProvincialAccount.Origin.VNEID,
        )
        if account.cccd_number in numbers:
            found[account.cccd_number] = summary
        if account.cmnd_number in numbers:
            by_cmnd[account.cmnd_number] = summary
    return {**by_cmnd, **found}


@transaction.atomic(savepoint=False)
def seed_organisation_accounts(seeds: Sequence[ProvincialOrganisationSeed]) -> None:
    """Create or reset these legacy organisation accounts with their dossiers; idempotent by tax
    code (also their login name).

    A reset account is as the province issued it: not taken over, its dossiers those of the
    seed; an account a VNeID organisation login made for the same tax code in an earlier run
    is removed, so that the next login takes over the seeded one again.
    """
    if not seeds:
        return
    for seed in seeds:
        problem = tax_code_problem(seed.tax_code)
        if problem is not None:
            raise ValueError(f"{mask_number(seed.tax_code)}: {problem}")
    tax_codes = [seed.tax_code for seed in seeds]
    _delete_accounts(
        ProvincialAccount.objects.filter(
            tax_code__in=tax_codes, origin=ProvincialAccount.Origin.VNEID
        )
    )
    hashes = _hashes(seed.password for seed in seeds)
    existing = {
        account.tax_code: account
        for account in ProvincialAccount.objects.select_for_update().filter(tax_code__in=tax_codes)
    }
    ProvincialDossier.objects.filter(account__in=existing.values()).delete()
    fields = [
        "username",
        "password",
        "full_name",
        "account_type",
        "short_name",
        "foreign_name",
        "organisation_kind",
        "established_on",
        "head_office_address",
        "representative_name",
        "representative_number",
        "national_sub",
        "origin",
        "is_active",
        "inherited_at",
        "inherited_by_number",
        "last_login_at",
    ]
    accounts = []
    for seed in seeds:
        account = existing.get(seed.tax_code) or ProvincialAccount(tax_code=seed.tax_code)
        account.username = seed.tax_code
        account.password = hashes[seed.password]
        account.full_name = seed.name
        account.account_type = ProvincialAccount.AccountType.ORGANISATION
        account.short_name = seed.short_name
        account.foreign_name = seed.foreign_name
        account.organisation_kind = seed.kind
        account.established_on = seed.established_on
        account.head_office_address = seed.head_office_address
        account.representative_name = seed.representative_name
        account.representative_number = seed.representative_number
        account.national_sub = ""
        account.origin = ProvincialAccount.Origin.LEGACY
        account.is_active = True
        account.inherited_at = None
        account.inherited_by_number = ""
        account.last_login_at = None
        accounts.append(account)
    ProvincialAccount.objects.bulk_create([account for account in accounts if account.pk is None])
    ProvincialAccount.objects.bulk_update(
        [account for account in accounts if account.tax_code in existing], fields
    )
    by_tax_code = {
        account.tax_code: account
        for account in ProvincialAccount.objects.filter(tax_code__in=tax_codes)
    }
    ProvincialDossier.objects.bulk_create(
        [
            ProvincialDossier(
                account=by_tax_code[seed.tax_code],
                code=dossier.code,
                procedure=dossier.procedure,
                status=dossier.status,
                submitted_on=dossier.submitted_on,
            )
            for seed in seeds
            for dossier in seed.dossiers
        ]
    )


@transaction.atomic(savepoint=False)
def delete_by_tax_codes(tax_codes: Collection[str]) -> int:
    """Delete the organisation accounts holding any of these tax codes; return how many."""
    if not tax_codes:
        return 0
    return _delete_accounts(ProvincialAccount.objects.filter(tax_code__in=tax_codes))


def tax_codes_in_use(tax_codes: Collection[str]) -> set[str]:
    """Return which of these tax codes an account of the province holds (legacy or from VNeID)."""
    return set(
        ProvincialAccount.objects.filter(tax_code__in=tax_codes).values_list("tax_code", flat=True)
    )


def organisation_account_summaries(
    tax_codes: Collection[str],
) -> dict[str, ProvincialOrganisationSummary]:
    """Return the provincial state of the organisations with these tax codes, keyed by it."""
    accounts = ProvincialAccount.objects.filter(
        tax_code__in=tax_codes, account_type=ProvincialAccount.AccountType.ORGANISATION
    ).annotate(dossier_count=Count("dossiers"))
    return {
        account.tax_code: ProvincialOrganisationSummary(
            tax_code=account.tax_code,
            name=account.full_name,
            dossier_count=account.dossier_count,
            inherited=account.inherited,
            inherited_by_number=account.inherited_by_number,
            created_by_vneid=account.origin == ProvincialAccount.Origin.VNEID,
        )
        for account in accounts
    }


def requests_answered(numbers: Collection[str], *, since: datetime) -> list[AnsweredRequest]:
    """Return the requests answered since then for the accounts with these numbers, newest first."""
    events = (
        AuditEvent.objects.filter(
            Q(account__cccd_number__in=numbers) | Q(account__cmnd_number__in=numbers),
            kind=AuditEvent.Kind.REQUEST_ANSWERED,
            created_at__gte=since,
        )
        .select_related("account")
        .order_by("-created_at", "-id")
    )
    answered = []
    for event in events:
        assert event.account is not None
        number = (
            event.account.cccd_number
            if event.account.cccd_number in numbers
            else event.account.cmnd_number
        )
        answered.append(
            AnsweredRequest(
                at=event.created_at,
                endpoint=event.endpoint,
                status_code=event.status_code,
                duration_ms=event.duration_ms,
                masked_number=mask_number(number),
                personal_id_number=number,
            )
        )
    return answered


@dataclass(frozen=True)
class OrganisationEvent:
    """One thing the province recorded of an organisation account, for the trainer's dashboard."""

    tax_code: str
    kind: str  # an AuditEvent.Kind of the organisation walk (ORGANISATION_EVENT_KINDS)
    at: datetime


ORGANISATION_EVENT_KINDS = (
    AuditEvent.Kind.LEGACY_ORG_LOGIN,
    AuditEvent.Kind.LEGACY_ORG_REFUSED,
    AuditEvent.Kind.ORGANISATION_LOGIN,
    AuditEvent.Kind.ORGANISATION_TAKEOVER,
    AuditEvent.Kind.TAKEOVER_REFUSED,
)


def organisation_events(tax_codes: Collection[str], *, since: datetime) -> list[OrganisationEvent]:
    """Return the organisation walk's events on these tax codes' accounts since, oldest first."""
    rows = (
        AuditEvent.objects.filter(
            account__tax_code__in=list(tax_codes),
            kind__in=ORGANISATION_EVENT_KINDS,
            created_at__gte=since,
        )
        .order_by("created_at", "id")
        .values_list("account__tax_code", "kind", "created_at")
    )
    return [OrganisationEvent(tax_code, kind, at) for tax_code, kind, at in rows]


def organisation_legacy_login_allowed() -> bool:
    """Whether legacy organisation accounts (tax code + password) may log in at the province.

    The run-time switch if set, else the PROVINCIAL_PORTAL setting ORGANISATION_LEGACY_LOGIN.
    """
    cached = cache.get(ORGANISATION_SWITCH_CACHE_KEY)
    if cached is None:
        row = (
            OrganisationLoginSwitch.objects.filter(pk=OrganisationLoginSwitch.SINGLETON_PK)
            .values_list("legacy_login_allowed", flat=True)
            .first()
        )
        cached = _NO_ROW if row is None else ("1" if row else "0")
        cache.set(ORGANISATION_SWITCH_CACHE_KEY, cached, ORGANISATION_SWITCH_CACHE_SECONDS)
    if cached == _NO_ROW:
        return bool(provincial_settings.ORGANISATION_LEGACY_LOGIN)
    return bool(cached == "1")


@transaction.atomic
def set_organisation_legacy_login(allowed: bool, *, changed_by: str = "") -> None:
    """Allow or refuse (from 01/7/2025) legacy organisation logins until changed again."""
    OrganisationLoginSwitch.objects.update_or_create(
        pk=OrganisationLoginSwitch.SINGLETON_PK,
        defaults={
            "legacy_login_allowed": allowed,
            "changed_at": timezone.now(),
            "changed_by": changed_by,
        },
    )
    _forget_switch()


@transaction.atomic
def clear_organisation_legacy_login() -> None:
    """Drop the run-time switch: the setting applies again."""
    OrganisationLoginSwitch.objects.filter(pk=OrganisationLoginSwitch.SINGLETON_PK).delete()
    _forget_switch()


def _forget_switch() -> None:
    cache.delete(ORGANISATION_SWITCH_CACHE_KEY)
    # Again after commit: a request reading meanwhile may have cached the old row.
    transaction.on_commit(lambda: cache.delete(ORGANISATION_SWITCH_CACHE_KEY))
