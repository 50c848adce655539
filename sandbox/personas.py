"""Seeding the shipped personas: make the database agree with their data, through each organisation.

The data lives in `personas.toml` (read by `persona_data`); `ensure_personas` creates the
missing ones (idempotent), `reset_persona` puts one back to its starting state after a tester
changed it, and `create_personas` seeds a class's copies in a few bulk statements.
"""

import base64
from collections.abc import Iterable
from dataclasses import fields
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts
from accounts.conf import operator_settings, registry_settings
from accounts.models import User
from accounts.registry_client import CitizenRecord
from accounts.services import save_cccd_link
from business_registry.services import ensure_api_client as ensure_business_registry_client
from certificate_authority import services as ca
from citizen_registry import services as registry
from citizen_registry.models import Citizen
from citizen_registry.services import ensure_api_client
from identity.national_login import services as national_login
from identity.national_login.conf import login_settings
from identity.relying_party.conf import vneid_settings
from mobile_operator.services import ensure_api_client as ensure_operator_client
from mobile_operator.services import provision_new_sims
from portal import services as portal
from portal.models import Dossier
from provincial_portal import services as province
from vneid import services as vneid
from vneid.conf import provider_settings as vneid_provider_settings
from vneid.services import ensure_client

from .organisations import ensure_organisations
from .persona_data import (
    PASSWORD,
    PERSONAS,
    PERSONAS_BY_KEY,
    PROVINCIAL_PASSWORD,
    VNEID_PASSWORD,
    Persona,
)
from .secret_hashes import hashed_secret
from .signing_sims import certificate_order as sim_certificate
from .signing_sims import reset_signing_sim, signing_sim_state, sim_missing, sim_order, sim_phone
from .usb_tokens import certificate_order as usb_certificate
from .usb_tokens import persona_token, reset_usb_token, token_order, usb_token_state

# The data's names, for the modules and tests that seed and read personas through this one.
__all__ = [
    "PASSWORD",
    "PERSONAS",
    "PERSONAS_BY_KEY",
    "PROVINCIAL_PASSWORD",
    "VNEID_PASSWORD",
    "Persona",
    "create_personas",
    "ensure_personas",
    "persona_state",
    "record_of",
    "register_national_login",
    "register_portal",
    "reset_persona",
    "restore_persona",
    "totp_key_hex",
]

PORTAL_NAME = "Cổng Dịch vụ công Quốc gia"
# The portal asks the registry for every citizen it serves, all from one address.
PORTAL_REGISTRY_RATE_LIMIT_PER_MINUTE = 6000


def _dossier_rows(persona: Persona, account: User) -> list[Dossier]:
    """Return the persona's starting dossiers, unsaved, owned by account."""
    rows = []
    for dossier in persona.dossiers:
        submitted = timezone.make_aware(datetime.combine(dossier.submitted_on, datetime.min.time()))
        rows.append(
            Dossier(
                code=dossier.code,
                procedure_code=dossier.procedure_code,
                procedure_name=dossier.procedure_name,
                status=dossier.status,
                owner=account,
                submitted_at=submitted,
                completed_at=submitted if dossier.status == Dossier.Status.COMPLETED else None,
            )
        )
    return rows


def record_of(citizen: Citizen) -> CitizenRecord:
    """Return a registry row as the record the portal receives from the registry's API."""
    return CitizenRecord(
        **{field.name: getattr(citizen, field.name) for field in fields(CitizenRecord)}
    )


def totp_key_hex(secret: str) -> str:
    """Return the hex key django-otp stores for a base32 secret as authenticator apps show it."""
    return base64.b32decode(secret.upper()).hex()


def _totp_key(persona: Persona) -> str | None:
    return totp_key_hex(persona.totp_secret) if persona.totp_secret else None


def _link(persona: Persona, account: User, citizen: Citizen) -> User:
    """Link the account's CCCD as the persona starts with it, through the portal's own link."""
    if not _account(persona)["cccd_number"] or account.cccd_number:
        return account
    # Through save_cccd_link, so a seeded link leaves the audit rows a real one does.
    return save_cccd_link(account=account, record=record_of(citizen), actor=account)


def _restore_account(persona: Persona, citizen: Citizen) -> User:
    account = accounts.restore_account(
        values=_account(persona), password_hash=hashed_secret(PASSWORD)
    )
    account = _link(persona, account, citizen)
    portal.replace_dossiers(owner=account, dossiers=_dossier_rows(persona, account))
    accounts.restore_official(account=account, roles=persona.roles, totp_key=_totp_key(persona))
    return account


def provincial_seed(persona: Persona) -> province.ProvincialAccountSeed | None:
    """Return the persona's provincial account as the province's seeding API takes it."""
    account = persona.provincial
    if account is None:
        return None
    return province.ProvincialAccountSeed(
        username=account.username,
        password=account.password,
        full_name=account.full_name,
        birth_date=account.birth_date,
        cmnd_number=account.cmnd_number,
        cccd_number=account.cccd_number,
        dossiers=tuple(
            province.ProvincialDossierSeed(
                code=dossier.code,
                procedure=dossier.procedure,
                status=dossier.status,
                submitted_on=dossier.submitted_on,
            )
            for dossier in account.dossiers
        ),
    )


def _seed_province(personas: Iterable[Persona]) -> None:
    """Give the province every provincial account of personas, in one bulk call."""
    seeds = [seed for persona in personas if (seed := provincial_seed(persona)) is not None]
    if seeds:
        province.seed_accounts(seeds)


def _citizen_numbers(persona: Persona) -> list[str]:
    citizen = persona.citizen
    return [number for number in (citizen["cccd_number"], citizen["cmnd_number"]) if number]


def _restore_province(persona: Persona) -> None:
    """Put the persona's provincial account back as it starts: also none, for one who had none.

    A first VNeID login at the province makes an account for a citizen who had none, or marks
    an old one inherited; a reset removes what the citizen's numbers hold there and seeds afresh.
    """
    province.delete_by_numbers(_citizen_numbers(persona))
    _seed_province([persona])


@transaction.atomic
def reset_persona(key: str) -> Persona:
    """Put one persona's registry record, account and dossiers back to their starting state."""
    return restore_persona(PERSONAS_BY_KEY[key])


@transaction.atomic
def restore_persona(persona: Persona) -> Persona:
    """Make the database hold this persona (shipped or a workspace's copy) as it starts."""
    citizen = registry.restore_record(persona.citizen)
    if persona.vneid_level is not None:
        vneid.ensure_vneid_account(
            citizen,
            password=VNEID_PASSWORD,
            password_hash=hashed_secret(VNEID_PASSWORD),
            level=persona.vneid_level,
        )
    if persona.account is not None:
        _restore_account(persona, citizen)
        reset_usb_token(persona)
        reset_signing_sim(persona)
    _restore_province(persona)
    return persona


# A class's copies, seeded one organisation at a time: (persona, its citizen) pairs in, and for
# those with a portal account, (persona, account) pairs out.
Holders = list[tuple[Persona, User]]


def _seed_registry(personas: list[Persona]) -> list[Citizen]:
    return registry.create_records(persona.citizen for persona in personas)


def _seed_vneid(personas: list[Persona], citizens: list[Citizen]) -> None:
    vneid.create_vneid_accounts(
        [
            (citizen, persona.vneid_level)
            for persona, citizen in zip(personas, citizens, strict=True)
            if persona.vneid_level is not None
        ],
        password_hash=hashed_secret(VNEID_PASSWORD),
    )


def _account(persona: Persona) -> dict[str, Any]:
    """Return the persona's portal account data; only for a persona who has one."""
    assert persona.account is not None
    return persona.account


def _seed_accounts(personas: list[Persona], citizens: list[Citizen]) -> Holders:
    """Create the portal accounts and link those that start linked."""
    pairs = [(p, c) for p, c in zip(personas, citizens, strict=True) if p.account is not None]
    created = accounts.create_accounts(
        [_account(persona) for persona, _ in pairs], password_hash=hashed_secret(PASSWORD)
    )
    return [
        (persona, _link(persona, account, citizen))
        for (persona, citizen), account in zip(pairs, created, strict=True)
    ]


def _seed_portal(personas: list[Persona], citizens: list[Citizen]) -> Holders:
    """Create the accounts as they start, file their dossiers, enrol the officials."""
    holders = _seed_accounts(personas, citizens)
    portal.create_dossiers(
        row for persona, account in holders for row in _dossier_rows(persona, account)
    )
    accounts.create_officials(
        [
            (account, persona.roles, _totp_key(persona))
            for persona, account in holders
            if persona.roles or persona.totp_secret
        ]
    )
    return holders


def _seed_usb_tokens(holders: Holders) -> None:
    personas = [persona for persona, _ in holders]
    certificates = ca.issue_certificates([usb_certificate(p) for p in personas])
    ca.create_usb_tokens([token_order(p, c) for p, c in zip(personas, certificates, strict=True)])


def _seed_signing_sims(holders: Holders) -> None:
    personas = [persona for persona, _ in holders if sim_phone(persona)]
    orders = [sim_certificate(persona) for persona in personas]
    certificates = ca.issue_certificates(orders)
    provision_new_sims(
        [
            sim_order(persona, certificate, order.private_key)
            for persona, certificate, order in zip(personas, certificates, orders, strict=True)
        ]
    )


@transaction.atomic
def create_personas(personas: Iterable[Persona]) -> list[Persona]:
    """Make the database hold new personas as restore_persona would, organisation by organisation.

    For a class's copies, whose numbers nobody holds yet: a few INSERTs per table instead of
    dozens of statements per persona. Links still go through the portal's save_cccd_link, so a
    seeded link leaves the audit rows a real one does.
    """
    personas = list(personas)
    citizens = _seed_registry(personas)
    _seed_vneid(personas, citizens)
    holders = _seed_portal(personas, citizens)
    _seed_usb_tokens(holders)
    _seed_signing_sims(holders)
    _seed_province(personas)
    return personas


def _missing(persona: Persona) -> bool:
    """Return whether any organisation lacks something the persona starts with."""
    cccd_number = persona.citizen["cccd_number"]
    if not registry.holds_record(cccd_number):
        return True
    if persona.vneid_level is not None and not vneid.has_account(cccd_number):
        return True
    return persona.account is not None and _account_missing(persona)


def _account_missing(persona: Persona) -> bool:
    """Return whether the portal, the CA or the operator lacks the persona's account or device."""
    username = _account(persona)["username"]
    return (
        not accounts.accounts_named([username]).exists()
        or (persona.totp_secret is not None and not accounts.has_confirmed_totp(username))
        or persona_token(persona) is None
        or sim_missing(persona)
    )


@transaction.atomic
def ensure_personas() -> list[str]:
    """Create every persona and organisation that is missing; leave the others as they are.

    The organisations after the personas: their e-IDs point at the people's VNeID accounts.
    Return the keys created (an organisation's key among them when it was).
    """
    created = _ensure_citizens()
    return created + ensure_organisations()


def _ensure_citizens() -> list[str]:
    created = []
    for persona in PERSONAS:
        if _missing(persona):
            reset_persona(persona.key)
            created.append(persona.key)
        elif _provincial_missing(persona):
            # Only the province lacks it (a database seeded before the province existed): the
            # persona's other state stays as testers left it.
            _seed_province([persona])
            created.append(persona.key)
    return created


def _provincial_missing(persona: Persona) -> bool:
    account = persona.provincial
    return account is not None and not province.account_summaries(account.numbers)


def persona_state(persona: Persona) -> dict[str, Any]:
    """Describe where a persona stands now, for the console and `personas --json`."""
    account = None
    if persona.account is not None:
        account = accounts.account_named(persona.account["username"])
    return {
        "key": persona.key,
        "role": persona.role,
        "full_name": persona.full_name,
        "password": PASSWORD if persona.account else None,
        "username": persona.account["username"] if persona.account else None,
        "cmnd_number": persona.citizen["cmnd_number"] or None,
        "cccd_number": persona.citizen["cccd_number"],
        "birth_date": persona.citizen["birth_date"].isoformat(),
        "has_portal_account": account is not None,
        "linked": bool(account and account.cccd_number),
        "active": bool(account and account.is_active),
        "is_official": bool(account and account.is_staff),
        "official_roles": list(persona.roles),
        "totp_secret": persona.totp_secret,
        "dossiers": account.dossiers.count() if account else 0,
        "vneid": _vneid_state(persona),
        "usb_token": usb_token_state(persona),
        "sim": signing_sim_state(persona),
        "provincial": provincial_state(persona),
    }


def provincial_state(persona: Persona) -> dict[str, Any] | None:
    """Describe the persona's account at the provincial portal now; None: it holds none."""
    numbers = _citizen_numbers(persona)
    summaries = province.account_summaries(numbers)
    summary = next((summaries[number] for number in numbers if number in summaries), None)
    if summary is None:
        return None
    shipped = persona.provincial
    return {
        "username": summary.username,
        # An account the first VNeID login made has no password: it is reached through VNeID.
        "password": (
            shipped.password
            if shipped is not None and shipped.username == summary.username
            else None
        ),
        "full_name": summary.full_name,
        "has_cccd": summary.has_cccd,
        "dossiers": summary.dossier_count,
        "inherited": summary.inherited,
        "created_by_vneid": summary.created_by_vneid,
    }


def _vneid_state(persona: Persona) -> dict[str, Any] | None:
    vneid_account = vneid.account_of_number(persona.citizen["cccd_number"])
    if vneid_account is None:
        return None
    return {
        "personal_id_number": persona.citizen["cccd_number"],
        "password": VNEID_PASSWORD,
        "level": int(vneid_account.assurance_level),
        "active": vneid_account.is_active,
    }


# VNeID's name as a consuming system of the business registry.
VNEID_NAME = "VNeID — Bộ Công an (mô phỏng)"


def register_portal(*, base_urls: Iterable[str]) -> None:
    """Register the portal, with the keys in its settings, at the registry and at VNeID.

    VNeID, with the key in its own settings, is registered at the business registry.
    """
    if registry_settings.API_KEY:
        ensure_api_client(
            name=PORTAL_NAME,
            raw_key=registry_settings.API_KEY,
            can_read_records=True,
            rate_limit_per_minute=PORTAL_REGISTRY_RATE_LIMIT_PER_MINUTE,
        )
    if operator_settings.API_KEY:
        ensure_operator_client(name=PORTAL_NAME, raw_key=operator_settings.API_KEY)
    if vneid_provider_settings.BUSINESS_REGISTRY_API_KEY:
        # VNeID checks organisations against the business registry with its own key.
        ensure_business_registry_client(
            name=VNEID_NAME,
            raw_key=vneid_provider_settings.BUSINESS_REGISTRY_API_KEY,
            can_read_records=True,
        )
    if vneid_settings.CLIENT_ID and vneid_settings.CLIENT_SECRET:
        bases = [url.rstrip("/") for url in base_urls]
        ensure_client(
            client_id=vneid_settings.CLIENT_ID,
            client_secret=vneid_settings.CLIENT_SECRET,
            name=PORTAL_NAME,
            redirect_uris=[f"{base}{reverse('vneid_login:callback')}" for base in bases],
            post_logout_redirect_uris=[f"{base}{reverse('portal:home')}" for base in bases],
            backchannel_logout_uri=f"{bases[0]}{reverse('vneid_login:backchannel_logout')}",
        )
    register_national_login(base_urls=base_urls)


NATIONAL_LOGIN_NAME = "Hệ thống xác thực — Văn phòng Chính phủ (mô phỏng)"
PROVINCIAL_PORTAL_NAME = "Cổng Dịch vụ công tỉnh Quảng Nam (mô phỏng)"


def register_national_login(*, base_urls: Iterable[str]) -> None:
    """Register the national login service at VNeID, and the provincial portal at the service.

    Both with the credentials in their own settings (NATIONAL_LOGIN, PROVINCIAL_PORTAL), at
    every address the sandbox answers on.
    """
    bases = [url.rstrip("/") for url in base_urls]
    if login_settings.VNEID_CLIENT_ID and login_settings.VNEID_CLIENT_SECRET:
        # One back-channel URI per client: the first address's.
        ensure_client(
            client_id=login_settings.VNEID_CLIENT_ID,
            client_secret=login_settings.VNEID_CLIENT_SECRET,
            name=NATIONAL_LOGIN_NAME,
            redirect_uris=[f"{base}{reverse('national_login:vneid_callback')}" for base in bases],
            post_logout_redirect_uris=[
                f"{base}{reverse('national_login:vneid_logged_out')}" for base in bases
            ],
            backchannel_logout_uri=(f"{bases[0]}{reverse('national_login:backchannel_logout')}"),
        )
    # Read from settings, not imported: the province is another organisation.
    province: dict[str, Any] = getattr(settings, "PROVINCIAL_PORTAL", None) or {}
    if province.get("CLIENT_ID") and province.get("CLIENT_SECRET"):
        national_login.ensure_client(
            client_id=province["CLIENT_ID"],
            client_secret=province["CLIENT_SECRET"],
            name=PROVINCIAL_PORTAL_NAME,
            redirect_uris=[f"{base}/quang-nam/dang-nhap/callback/" for base in bases],
            post_logout_redirect_uris=[f"{base}/quang-nam/" for base in bases],
            backchannel_logout_uri=f"{bases[0]}/quang-nam/backchannel-logout",
            frontchannel_logout_uri=f"{bases[0]}/quang-nam/frontchannel-logout",
            attribute_profile="dvcqg",
        )
