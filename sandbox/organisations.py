"""Seeding the shipped organisations into every organisation of the sandbox that holds them.

An organisation (`persona_data.Organisation`) lives in four places: the business registry's
entry, its e-ID in VNeID (with the representatives' confirmations and the authorisations), and
the legacy organisation accounts the national and the provincial portal issued before 2025.
`restore_organisation` makes all four agree with the data (idempotent: a reset), and
`delete_organisations` removes them everywhere, for a workspace's deletion. The people an
organisation names are personas: their VNeID accounts are seeded first (`personas.py`).
"""

from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts import services as accounts
from accounts.models import AccountType, OrganisationProfile, User
from business_registry import services as business_registry
from business_registry.models import Enterprise
from portal import services as portal
from portal.models import Dossier
from provincial_portal import services as province
from vneid import organisations as vneid_organisations
from vneid import services as vneid
from vneid.models import VneidAccount

from .persona_data import (
    ORGANISATION_PASSWORD,
    ORGANISATIONS,
    ORGANISATIONS_BY_KEY,
    PERSONAS_BY_KEY,
    Organisation,
)
from .secret_hashes import hashed_secret

__all__ = [
    "ORGANISATIONS",
    "ORGANISATIONS_BY_KEY",
    "ORGANISATION_PASSWORD",
    "create_organisations",
    "delete_organisations",
    "ensure_organisations",
    "organisation_state",
    "organisation_taxes_taken",
    "reset_organisation",
    "restore_organisation",
]


def enterprise_seed(organisation: Organisation) -> business_registry.EnterpriseSeed:
    """Return the organisation's business registry entry as the registry's seeding takes it."""
    return business_registry.EnterpriseSeed(
        enterprise_code=organisation.tax_code,
        kind=organisation.kind,
        name=organisation.name,
        short_name=organisation.short_name,
        foreign_name=organisation.foreign_name,
        established_on=organisation.established_on,
        head_office_address=organisation.head_office_address,
        status=organisation.status,
        representatives=tuple(
            business_registry.RepresentativeSeed(
                cccd_number=rep.cccd_number,
                full_name=rep.full_name,
                position=rep.position,
                since=rep.since,
                until=rep.until,
            )
            for rep in organisation.representatives
        ),
    )


def _vneid_accounts(numbers: Iterable[str]) -> dict[str, VneidAccount]:
    """Return the VNeID accounts of these CCCDs, by CCCD (through VNeID's own lookup)."""
    found = {number: vneid.account_of_number(number) for number in set(numbers)}
    return {number: account for number, account in found.items() if account is not None}


def _number_of(organisation: Organisation, persona_key: str) -> str:
    """Return the CCCD the organisation's copy knows a persona by (its representatives' list)."""
    for rep in organisation.representatives:
        if rep.persona == persona_key:
            return rep.cccd_number
    raise KeyError(persona_key)


def _seed_eid(organisation: Organisation, grantee_numbers: Mapping[str, str]) -> None:
    """Make VNeID hold the organisation's e-ID as it starts: none, pending or active."""
    if organisation.eid is None:
        vneid_organisations.delete_organisations([organisation.tax_code])
        return
    eid = organisation.eid
    current = organisation.current_representatives
    people = _vneid_accounts([rep.cccd_number for rep in current] + list(grantee_numbers.values()))
    registered_by = people[_number_of(organisation, eid.registered_by)]
    seeded = vneid_organisations.seed_organisation(
        enterprise_code=organisation.tax_code,
        tax_code=organisation.tax_code,
        kind=organisation.kind,
        name=organisation.name,
        short_name=organisation.short_name,
        foreign_name=organisation.foreign_name,
        established_on=organisation.established_on,
        head_office_address=organisation.head_office_address,
        registered_by=registered_by,
        representatives=[
            vneid_organisations.RepresentativeSeat(
                cccd_number=rep.cccd_number,
                full_name=rep.full_name,
                position=rep.position,
                confirmed=rep.persona not in eid.unconfirmed,
            )
            for rep in current
        ],
    )
    # A trainee's own authorisations (given or revoked during the course) go with the reset.
    seeded.authorisations.all().delete()
    today = timezone.localdate()
    for authorisation in organisation.authorisations:
        vneid_organisations.seed_authorisation(
            organisation=seeded,
            grantee=people[grantee_numbers[authorisation.grantee]],
            granted_by=people[_number_of(organisation, authorisation.granted_by)],
            scope=authorisation.scope,
            valid_until=authorisation.until(today),
        )


def _registered_representative(organisation: Organisation) -> tuple[str, str]:
    """Return the representative the portals registered: the first in the registry's list.

    The accounts date from before 2025: for songhan that is Hùng, whom the registry has since
    replaced, which is what the persona shows.
    """
    first = organisation.representatives[0]
    return first.full_name, first.cccd_number


def _seed_national(organisation: Organisation) -> None:
    """Make the national portal hold the legacy account as issued, or none."""
    tax_code = organisation.tax_code
    # An account a VNeID organisation login created (no legacy one to inherit) goes too.
    existing = accounts.accounts_named([tax_code])
    if organisation.national_dossiers is None:
        if existing.exists():
            portal.delete_dossiers_of(existing)
            accounts.delete_by_usernames([tax_code])
        return
    account = accounts.restore_account(
        values=_account_values(organisation), password_hash=hashed_secret(ORGANISATION_PASSWORD)
    )
    OrganisationProfile.objects.update_or_create(
        account=account, defaults=_profile_values(organisation)
    )
    portal.replace_dossiers(owner=account, dossiers=_dossier_rows(organisation, account))


def _account_values(organisation: Organisation) -> dict[str, Any]:
    return {
        "username": organisation.tax_code,
        "account_type": AccountType.ORGANISATION,
        "full_name": organisation.name,
        "cmnd_number": "",
        "cccd_number": "",
        "is_active": True,
    }


def _profile_values(organisation: Organisation) -> dict[str, Any]:
    """Return the profile as the portal registered it: not inherited by anyone yet."""
    name, number = _registered_representative(organisation)
    return {
        "tax_code": organisation.tax_code,
        "enterprise_code": organisation.tax_code,
        "kind": organisation.kind,
        "name": organisation.name,
        "short_name": organisation.short_name,
        "foreign_name": organisation.foreign_name,
        "established_on": organisation.established_on,
        "head_office_address": organisation.head_office_address,
        "legal_representative_name": name,
        "legal_representative_cccd": number,
        "vneid_sub": "",
        "inherited_at": None,
        "inherited_by_number": "",
    }


def _dossier_rows(organisation: Organisation, account: User) -> list[Dossier]:
    return [
        Dossier(
            code=dossier.code,
            procedure_code=dossier.procedure_code,
            procedure_name=dossier.procedure_name,
            status=dossier.status,
            owner=account,
            submitted_at=_start_of(dossier.submitted_on),
            completed_at=(
                _start_of(dossier.submitted_on)
                if dossier.status == Dossier.Status.COMPLETED
                else None
            ),
        )
        for dossier in organisation.national_dossiers or ()
    ]


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _seed_provincial(organisation: Organisation) -> None:
    """Make Quảng Nam's portal hold the legacy organisation account as issued, or none."""
    seed = provincial_seed(organisation)
    if seed is None:
        province.delete_by_tax_codes([organisation.tax_code])
        return
    province.seed_organisation_accounts([seed])


def provincial_seed(organisation: Organisation) -> province.ProvincialOrganisationSeed | None:
    """Return the legacy account at Quảng Nam's portal as its seeding takes it (None: none)."""
    if organisation.provincial_dossiers is None:
        return None
    name, number = _registered_representative(organisation)
    return province.ProvincialOrganisationSeed(
        tax_code=organisation.tax_code,
        password=ORGANISATION_PASSWORD,
        name=organisation.name,
        short_name=organisation.short_name,
        foreign_name=organisation.foreign_name,
        kind=organisation.kind,
        established_on=organisation.established_on,
        head_office_address=organisation.head_office_address,
        representative_name=name,
        representative_number=number,
        dossiers=tuple(
            province.ProvincialDossierSeed(
                code=dossier.code,
                procedure=dossier.procedure,
                status=dossier.status,
                submitted_on=dossier.submitted_on,
            )
            for dossier in organisation.provincial_dossiers
        ),
    )


def _grantee_numbers(organisation: Organisation, cccd_of: Mapping[str, str]) -> dict[str, str]:
    """Return each grantee's CCCD in this copy (cccd_of: persona key → the copy's CCCD)."""
    return {
        authorisation.grantee: cccd_of.get(
            authorisation.grantee, PERSONAS_BY_KEY[authorisation.grantee].citizen["cccd_number"]
        )
        for authorisation in organisation.authorisations
    }


@transaction.atomic
def restore_organisation(
    organisation: Organisation, cccd_of: Mapping[str, str] | None = None
) -> Organisation:
    """Make every system hold the organisation (shipped or a copy) as it starts.

    cccd_of maps persona keys to the CCCDs of the copy's people (None: the shipped personas).
    Their VNeID accounts must exist: the personas are seeded first.
    """
    business_registry.seed_enterprise(enterprise_seed(organisation))
    _seed_eid(organisation, _grantee_numbers(organisation, cccd_of or {}))
    _seed_national(organisation)
    _seed_provincial(organisation)
    return organisation


@transaction.atomic
def reset_organisation(key: str) -> Organisation:
    """Put one shipped organisation back to its starting state everywhere."""
    return restore_organisation(ORGANISATIONS_BY_KEY[key])


@transaction.atomic
def create_organisations(
    organisations: Iterable[tuple[Organisation, Mapping[str, str]]],
) -> None:
    """Seed a class's copies, whose tax codes nobody holds yet, as restore_organisation would.

    Pairs of (organisation, persona key → the copy's CCCD). The portals' accounts in a few bulk
    statements whatever the class's size; the registry and VNeID one organisation at a time,
    through their own seeding.
    """
    pairs = list(organisations)
    for organisation, cccd_of in pairs:
        business_registry.seed_enterprise(enterprise_seed(organisation))
        if organisation.eid is not None:
            _seed_eid(organisation, _grantee_numbers(organisation, cccd_of))
    national = [org for org, _ in pairs if org.national_dossiers is not None]
    created = accounts.create_accounts(
        [_account_values(org) for org in national],
        password_hash=hashed_secret(ORGANISATION_PASSWORD),
    )
    OrganisationProfile.objects.bulk_create(
        OrganisationProfile(account=account, **_profile_values(org))
        for org, account in zip(national, created, strict=True)
    )
    portal.create_dossiers(
        row
        for org, account in zip(national, created, strict=True)
        for row in _dossier_rows(org, account)
    )
    province.seed_organisation_accounts(
        [seed for org, _ in pairs if (seed := provincial_seed(org)) is not None]
    )


@transaction.atomic
def delete_organisations(tax_codes: Collection[str]) -> None:
    """Delete these organisations everywhere: registry, e-IDs, both portals' accounts.

    The e-IDs go before the people's VNeID accounts, which they protect.
    """
    codes = list(tax_codes)
    if not codes:
        return
    vneid_organisations.delete_organisations(codes)
    business_registry.delete_enterprises(codes)
    national = accounts.accounts_named(codes).filter(account_type=AccountType.ORGANISATION)
    portal.delete_dossiers_of(national)
    accounts.delete_by_usernames(list(national.values_list("username", flat=True)))
    province.delete_by_tax_codes(codes)


def organisation_taxes_taken(codes: Collection[str]) -> set[str]:
    """Return the tax codes among codes that the registry, VNeID or a portal already holds."""
    codes = list(codes)
    taken = set(
        Enterprise.objects.filter(enterprise_code__in=codes).values_list(
            "enterprise_code", flat=True
        )
    )
    taken |= vneid_organisations.enterprise_codes_registered(codes)
    taken.update(accounts.accounts_named(codes).values_list("username", flat=True))
    taken.update(province.organisation_account_summaries(codes))
    return taken


def _missing(organisation: Organisation) -> bool:
    code = organisation.tax_code
    if not Enterprise.objects.filter(enterprise_code=code).exists():
        return True
    if organisation.eid is not None and vneid_organisations.organisation_of_code(code) is None:
        return True
    if organisation.national_dossiers is not None and not accounts.accounts_named([code]).exists():
        return True
    return (
        organisation.provincial_dossiers is not None
        and code not in province.organisation_account_summaries([code])
    )


@transaction.atomic
def ensure_organisations() -> list[str]:
    """Create every shipped organisation that is missing; leave the others as testers left them."""
    created = []
    for organisation in ORGANISATIONS:
        if _missing(organisation):
            restore_organisation(organisation)
            created.append(organisation.key)
    return created


def _persona_key_of(numbers: Mapping[str, str], cccd_number: str) -> str | None:
    return numbers.get(cccd_number)


def organisation_state(
    organisation: Organisation, persona_of: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Describe where an organisation stands now, for the console and `personas --json`.

    People are named by persona key (persona_of: CCCD → key; None: the shipped personas).
    """
    keys = persona_of or {
        persona.citizen["cccd_number"]: persona.key for persona in PERSONAS_BY_KEY.values()
    }
    code = organisation.tax_code
    eid = vneid_organisations.organisation_of_code(code)
    eid_state: dict[str, Any] | None = None
    if eid is not None:
        representatives = list(eid.representatives.all())
        eid_state = {
            "status": eid.status,
            "status_label": eid.get_status_display(),
            "eid_code": eid.eid_code,
            "identification_number": eid.identification_number,
            "sub": eid.sub,
            "registered_by": keys.get(eid.registered_by_number),
            "confirmed": [keys.get(rep.cccd_number) for rep in representatives if rep.confirmed_at],
            "pending": [
                keys.get(rep.cccd_number) for rep in representatives if not rep.confirmed_at
            ],
            "authorisations": [
                {
                    "grantee": keys.get(authorisation.grantee.citizen.cccd_number),
                    "granted_by": keys.get(authorisation.granted_by.citizen.cccd_number),
                    "scope": authorisation.scope,
                    "valid_until": authorisation.valid_until.isoformat(),
                    "revoked": authorisation.revoked_at is not None,
                }
                for authorisation in eid.authorisations.select_related(
                    "grantee__citizen", "granted_by__citizen"
                )
            ],
        }
    return {
        "key": organisation.key,
        "role": organisation.role,
        "name": organisation.name,
        "short_name": organisation.short_name,
        "tax_code": code,
        "enterprise_code": code,
        "kind": organisation.kind,
        "status": organisation.status,
        "representatives": [
            {
                "persona": rep.persona or None,
                "full_name": rep.full_name,
                "position": rep.position,
                "current": rep.current,
                "since": rep.since.isoformat(),
                "until": rep.until.isoformat() if rep.until else None,
            }
            for rep in organisation.representatives
        ],
        "eid": eid_state,
        "national": _national_state(organisation),
        "provincial": _provincial_state(organisation),
    }


def _national_state(organisation: Organisation) -> dict[str, Any] | None:
    account = (
        accounts.accounts_named([organisation.tax_code])
        .filter(account_type=AccountType.ORGANISATION)
        .select_related("organisation")
        .first()
    )
    if account is None:
        return None
    profile = getattr(account, "organisation", None)
    return {
        "username": account.username,
        # An account a VNeID login created has no password of the organisation's.
        "password": ORGANISATION_PASSWORD if organisation.national_dossiers is not None else None,
        "dossiers": account.dossiers.count(),
        "inherited": bool(profile and profile.inherited_at),
    }


def _provincial_state(organisation: Organisation) -> dict[str, Any] | None:
    summary = province.organisation_account_summaries([organisation.tax_code]).get(
        organisation.tax_code
    )
    if summary is None:
        return None
    return {
        "username": summary.tax_code,
        # An account a VNeID organisation login made has no password: it is reached by VNeID.
        "password": None if summary.created_by_vneid else ORGANISATION_PASSWORD,
        "dossiers": summary.dossier_count,
        "inherited": summary.inherited,
        "inherited_by_number": summary.inherited_by_number or None,
        "created_by_vneid": summary.created_by_vneid,
    }
