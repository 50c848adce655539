"""Workspaces: one seat's full, fresh copy of every shipped persona, with its own numbers.

A copy keeps the shipped persona's name, role, state, dossiers, VNeID level, USB token and
SIM, but gets fictional numbers of its own: a CCCD with the same province code, century and
gender digit and birth year (only the 6-digit tail changes), a CMND, a phone number and
dossier codes, all unique across the sandbox. What one seat does therefore never touches
another's rows, and the guide's own numbers stay with the shipped personas.
"""

import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, TypedDict

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from accounts import services as accounts
from certificate_authority import services as ca
from citizen_registry import services as registry
from idnumbers.tax_codes import with_check_digit
from mobile_operator import services as operator
from portal import services as portal
from provincial_portal import services as province
from vneid import services as vneid

from .models import TrainingClass, Workspace, WorkspaceOrganisation, WorkspacePersona
from .organisations import (
    create_organisations,
    delete_organisations,
    organisation_state,
    organisation_taxes_taken,
    restore_organisation,
)
from .persona_data import (
    ORGANISATIONS,
    ORGANISATIONS_BY_KEY,
    PERSONAS,
    PERSONAS_BY_KEY,
    Organisation,
    Persona,
    ProvincialAccount,
    organisation_copy,
)
from .personas import create_personas, persona_state, restore_persona

# Easy to read aloud and to type from a printed card: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
# The seat page (h11's trainee card) lives at this address under the sandbox's base URL.
SEAT_PATH = "/sandbox/cho-ngoi/{code}/"
CLASS_PATH = "/sandbox/lop/{id}/"
# The seat a browser sits at (set when its seat page opens): the simulated devices it holds.
SEAT_SESSION_KEY = "sandbox_seat"


class Candidate(TypedDict):
    """The numbers drawn for one copy of a persona: a WorkspacePersona's fields."""

    key: str
    cccd_number: str
    cmnd_number: str
    username: str
    phone: str
    dossier_codes: list[str]
    provincial_dossier_codes: list[str]


class WorkspaceError(ValueError):
    """A request for workspaces that cannot be served, with the Vietnamese reason."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def base_url() -> str:
    """Return the address trainees type to reach the sandbox, without a trailing slash."""
    url: str = settings.SANDBOX_BASE_URL
    return url.rstrip("/")


def seat_url(workspace: Workspace) -> str:
    return base_url() + SEAT_PATH.format(code=workspace.code)


def class_url(training_class: TrainingClass) -> str:
    return base_url() + CLASS_PATH.format(id=training_class.pk)


def check_seat_count(seats: int) -> None:
    """Refuse a seat count outside 1..SANDBOX_CLASS_SEAT_LIMIT with a sentence saying why."""
    limit = settings.SANDBOX_CLASS_SEAT_LIMIT
    if not isinstance(seats, int) or isinstance(seats, bool) or seats <= 0:
        raise WorkspaceError(
            "Số chỗ ngồi phải là một số nguyên lớn hơn 0 (ví dụ --seats 30).", code="seats"
        )
    if seats > limit:
        raise WorkspaceError(
            f"Một lớp có tối đa {limit} chỗ ngồi (bạn yêu cầu {seats}). Hãy chia thành nhiều "
            "lớp, hoặc đặt SANDBOX_CLASS_SEAT_LIMIT lớn hơn nếu máy chủ đủ sức.",
            code="seats",
        )


def _random_tail(prefix: str, length: int) -> str:
    digits = "".join(str(secrets.randbelow(10)) for _ in range(length - len(prefix)))
    return prefix + digits


def _candidate(persona: Persona) -> Candidate:
    """Draw one set of fresh numbers for a copy of persona."""
    citizen = persona.citizen
    # Digits 1–6 carry the province, the century/gender digit and the birth year: keep them.
    cccd = _random_tail(citizen["cccd_number"][:6], 12)
    cmnd = _random_tail(citizen["cmnd_number"][:3], 9) if citizen["cmnd_number"] else ""
    account = persona.account
    phone = ""
    username = ""
    if account is not None:
        phone = (
            _random_tail(account["phone"][:3], len(account["phone"])) if account["phone"] else ""
        )
        username = cccd if account["username"] == citizen["cccd_number"] else cmnd
    dossiers = [_random_tail(dossier.code[:-6], len(dossier.code)) for dossier in persona.dossiers]
    # The province's codes end in the filing date and a 4-digit sequence: only the sequence moves.
    provincial = persona.provincial.dossiers if persona.provincial else ()
    provincial_dossiers = [
        _random_tail(dossier.code[:-4], len(dossier.code)) for dossier in provincial
    ]
    return {
        "key": persona.key,
        "cccd_number": cccd,
        "cmnd_number": cmnd,
        "username": username,
        "phone": phone,
        "dossier_codes": dossiers,
        "provincial_dossier_codes": provincial_dossiers,
    }


def _taken(candidates: list[Candidate]) -> set[str]:
    """Return the numbers among candidates that someone in the sandbox already holds."""
    ids = {c["cccd_number"] for c in candidates} | {
        c["cmnd_number"] for c in candidates if c["cmnd_number"]
    }
    phones = {c["phone"] for c in candidates if c["phone"]}
    codes = {code for c in candidates for code in c["dossier_codes"]}
    taken = registry.numbers_taken(ids)
    taken |= accounts.numbers_taken(numbers=ids, phones=phones)
    taken.update(
        WorkspacePersona.objects.filter(cmnd_number__in=ids).values_list("cmnd_number", flat=True)
    )
    taken |= operator.phones_taken(phones)
    taken |= portal.dossier_codes_taken(codes)
    taken |= _provincial_codes_taken(
        {code for c in candidates for code in c["provincial_dossier_codes"]}
    )
    for persona in PERSONAS:
        # The shipped numbers stay theirs even before `seed_sandbox` has created them.
        taken.update({persona.citizen["cccd_number"], persona.citizen["cmnd_number"]})
        if persona.account:
            taken.add(persona.account["phone"])
        taken.update(dossier.code for dossier in persona.dossiers)
        if persona.provincial:
            taken.update(dossier.code for dossier in persona.provincial.dossiers)
    return taken


def _provincial_codes_taken(codes: set[str]) -> set[str]:
    """Return the codes among codes that another copy's provincial dossier holds."""
    if not codes:
        return set()
    held = list(
        WorkspacePersona.objects.exclude(provincial_dossier_codes=[]).values_list(
            "provincial_dossier_codes", flat=True
        )
    )
    held += WorkspaceOrganisation.objects.exclude(provincial_dossier_codes=[]).values_list(
        "provincial_dossier_codes", flat=True
    )
    return codes & {code for row in held for code in row}


def _numbers_of(candidate: Candidate) -> list[str]:
    return [
        candidate["cccd_number"],
        candidate["cmnd_number"],
        candidate["phone"],
        *candidate["dossier_codes"],
        *candidate["provincial_dossier_codes"],
    ]


def allocate_numbers(seats: int) -> list[list[Candidate]]:
    """Return, per seat, fresh numbers for a copy of every shipped persona; all unique."""
    allocation = [[_candidate(persona) for persona in PERSONAS] for _ in range(seats)]
    while True:
        flat = [candidate for seat in allocation for candidate in seat]
        taken = _taken(flat)
        seen: set[str] = set()
        clashes = 0
        for seat in allocation:
            for index, candidate in enumerate(seat):
                numbers = [n for n in _numbers_of(candidate) if n]
                if any(n in taken or n in seen for n in numbers):
                    seat[index] = _candidate(PERSONAS_BY_KEY[candidate["key"]])
                    clashes += 1
                else:
                    seen.update(numbers)
        if not clashes:
            return allocation


class OrganisationCandidate(TypedDict):
    """The numbers drawn for one copy of an organisation: a WorkspaceOrganisation's fields."""

    key: str
    tax_code: str
    national_dossier_codes: list[str]
    provincial_dossier_codes: list[str]


def _tax_code(shipped: str) -> str:
    """Draw a tax code with a valid check digit and the shipped one's first three digits.

    The first digits carry the province (40 Quảng Nam, 04 Đà Nẵng, 8 for a person's own code):
    a copy keeps them. About one draw in eleven has no check digit; it is drawn again.
    """
    while True:
        code = with_check_digit(_random_tail(shipped[:3], 9))
        if code is not None:
            return code


def _organisation_candidate(organisation: Organisation) -> OrganisationCandidate:
    return {
        "key": organisation.key,
        "tax_code": _tax_code(organisation.tax_code),
        "national_dossier_codes": [
            _random_tail(dossier.code[:-6], len(dossier.code))
            for dossier in organisation.national_dossiers or ()
        ],
        "provincial_dossier_codes": [
            _random_tail(dossier.code[:-4], len(dossier.code))
            for dossier in organisation.provincial_dossiers or ()
        ],
    }


def _organisation_numbers(candidate: OrganisationCandidate) -> list[str]:
    return [
        candidate["tax_code"],
        *candidate["national_dossier_codes"],
        *candidate["provincial_dossier_codes"],
    ]


def _organisations_taken(candidates: list[OrganisationCandidate]) -> set[str]:
    """Return the tax codes and dossier codes among candidates that someone already holds."""
    codes = {c["tax_code"] for c in candidates}
    taken = organisation_taxes_taken(codes)
    taken.update(
        WorkspaceOrganisation.objects.filter(tax_code__in=codes).values_list("tax_code", flat=True)
    )
    taken |= portal.dossier_codes_taken(
        {code for c in candidates for code in c["national_dossier_codes"]}
    )
    taken |= _provincial_codes_taken(
        {code for c in candidates for code in c["provincial_dossier_codes"]}
    )
    for organisation in ORGANISATIONS:
        # The shipped codes stay theirs even before `seed_sandbox` has created them.
        taken.add(organisation.tax_code)
        taken.update(dossier.code for dossier in organisation.national_dossiers or ())
        taken.update(dossier.code for dossier in organisation.provincial_dossiers or ())
    for persona in PERSONAS:
        taken.update(dossier.code for dossier in persona.dossiers)
        if persona.provincial:
            taken.update(dossier.code for dossier in persona.provincial.dossiers)
    return taken


def allocate_organisations(
    seats: int, persona_allocation: list[list[Candidate]]
) -> list[list[OrganisationCandidate]]:
    """Return, per seat, a fresh tax code and dossier codes for a copy of every organisation.

    Unique across the sandbox, and apart from the dossier codes just drawn for the personas.
    """
    drawn = {
        code
        for seat in persona_allocation
        for candidate in seat
        for code in (*candidate["dossier_codes"], *candidate["provincial_dossier_codes"])
    }
    allocation = [[_organisation_candidate(org) for org in ORGANISATIONS] for _ in range(seats)]
    while True:
        taken = _organisations_taken([c for seat in allocation for c in seat]) | drawn
        seen: set[str] = set()
        clashes = 0
        for seat in allocation:
            for index, candidate in enumerate(seat):
                numbers = _organisation_numbers(candidate)
                if any(n in taken or n in seen for n in numbers):
                    seat[index] = _organisation_candidate(ORGANISATIONS_BY_KEY[candidate["key"]])
                    clashes += 1
                else:
                    seen.update(numbers)
        if not clashes:
            return allocation


def organisation_copy_of(
    organisation: Organisation,
    numbers: WorkspaceOrganisation,
    *,
    cccd_of: dict[str, str],
    workspace_code: str,
) -> Organisation:
    """Return the workspace's copy of a shipped organisation (cccd_of: persona key → CCCD)."""
    by_number = {
        PERSONAS_BY_KEY[key].citizen["cccd_number"]: number for key, number in cccd_of.items()
    }
    return organisation_copy(
        organisation,
        tax_code=numbers.tax_code,
        cccd_of=by_number,
        national_codes=numbers.national_dossier_codes,
        provincial_codes=numbers.provincial_dossier_codes,
        workspace=workspace_code,
    )


def workspace_organisations(workspace: Workspace) -> list[tuple[Organisation, dict[str, str]]]:
    """Return the workspace's copies of the organisations with their people's CCCDs by key."""
    cccd_of = dict(workspace.personas.values_list("key", "cccd_number"))
    rows = {row.key: row for row in workspace.organisations.all()}
    return [
        (
            organisation_copy_of(
                organisation, rows[organisation.key], cccd_of=cccd_of, workspace_code=workspace.code
            ),
            cccd_of,
        )
        for organisation in ORGANISATIONS
        if organisation.key in rows
    ]


def copy_of(persona: Persona, numbers: WorkspacePersona, *, workspace_code: str) -> Persona:
    """Return the workspace's copy of a shipped persona, carrying the seat's numbers."""
    citizen = {
        **persona.citizen,
        "cccd_number": numbers.cccd_number,
        "cmnd_number": numbers.cmnd_number,
    }
    account: dict[str, Any] | None = None
    if persona.account is not None:
        account = {
            **persona.account,
            "username": numbers.username,
            "cmnd_number": numbers.cmnd_number if persona.account["cmnd_number"] else "",
            "cccd_number": numbers.cccd_number if persona.account["cccd_number"] else "",
            "phone": numbers.phone,
        }
        if account["email"]:
            local, _, domain = account["email"].partition("@")
            account["email"] = f"{local}.{workspace_code.lower()}@{domain}"
    dossiers = tuple(
        replace(dossier, code=code)
        for dossier, code in zip(persona.dossiers, numbers.dossier_codes, strict=True)
    )
    return replace(
        persona,
        citizen=citizen,
        account=account,
        dossiers=dossiers,
        provincial=_provincial_copy(persona, numbers, workspace_code=workspace_code),
        workspace=workspace_code,
    )


def _provincial_copy(
    persona: Persona, numbers: WorkspacePersona, *, workspace_code: str
) -> ProvincialAccount | None:
    """Return the copy's provincial account: the copy's numbers, the seat's code in its name."""
    if persona.provincial is None:
        return None
    shipped = persona.provincial
    cccd = numbers.cccd_number if shipped.cccd_number else ""
    cmnd = numbers.cmnd_number if shipped.cmnd_number else ""
    return replace(
        shipped,
        cccd_number=cccd,
        cmnd_number=cmnd,
        # Seat codes are unique, so the usernames are; the seat is readable in them.
        username=f"{shipped.username}.{workspace_code.lower()}",
        dossiers=tuple(
            replace(dossier, code=code)
            for dossier, code in zip(
                shipped.dossiers, numbers.provincial_dossier_codes, strict=True
            )
        ),
    )


def workspace_personas(workspace: Workspace) -> list[Persona]:
    """Return the workspace's copies of the shipped personas, in the shipped order."""
    rows = {row.key: row for row in workspace.personas.all()}
    return [
        copy_of(persona, rows[persona.key], workspace_code=workspace.code)
        for persona in PERSONAS
        if persona.key in rows
    ]


def _new_code() -> str:
    return get_random_string(CODE_LENGTH, allowed_chars=CODE_ALPHABET)


@transaction.atomic
def create_class(*, name: str, seats: int, days: int | None = None) -> TrainingClass:
    """Create a class with one fresh workspace per seat; return the class."""
    check_seat_count(seats)
    name = " ".join((name or "").split())
    if not name:
        raise WorkspaceError('Vui lòng đặt tên lớp (ví dụ --name "Lớp 1").', code="name")
    max_length = TrainingClass._meta.get_field("name").max_length
    if max_length is not None and len(name) > max_length:
        raise WorkspaceError("Tên lớp dài tối đa 100 ký tự.", code="name")
    now = timezone.now()
    expires_at = now + timedelta(days=days or settings.SANDBOX_WORKSPACE_DAYS)
    training_class = TrainingClass.objects.create(name=name, created_at=now, expires_at=expires_at)
    allocation = allocate_numbers(seats)
    organisation_allocation = allocate_organisations(seats, allocation)
    codes: set[str] = set()
    while len(codes) < seats:
        codes |= {_new_code() for _ in range(seats - len(codes))}
        codes -= set(Workspace.objects.filter(code__in=codes).values_list("code", flat=True))
    workspaces = Workspace.objects.bulk_create(
        Workspace(
            training_class=training_class,
            seat=seat,
            code=code,
            created_at=now,
            expires_at=expires_at,
        )
        for seat, code in enumerate(sorted(codes), start=1)
    )
    rows = WorkspacePersona.objects.bulk_create(
        WorkspacePersona(workspace=workspace, **candidate)
        for workspace, numbers in zip(workspaces, allocation, strict=True)
        for candidate in numbers
    )
    create_personas(
        copy_of(PERSONAS_BY_KEY[row.key], row, workspace_code=row.workspace.code) for row in rows
    )
    WorkspaceOrganisation.objects.bulk_create(
        WorkspaceOrganisation(workspace=workspace, **candidate)
        for workspace, numbers in zip(workspaces, organisation_allocation, strict=True)
        for candidate in numbers
    )
    # After the personas: the e-IDs and authorisations point at their VNeID accounts.
    create_organisations(
        pair for workspace in workspaces for pair in workspace_organisations(workspace)
    )
    # The seeded links and logins above are the starting state, not a trainee's progress.
    training_class.workspaces.update(progress_since=timezone.now())
    return training_class


def create_workspace(*, name: str = "", days: int | None = None) -> Workspace:
    """Create one workspace (a class of one seat), for a CI pipeline; return it."""
    training_class = create_class(name=name or "Phiên chạy tự động", seats=1, days=days)
    return training_class.workspaces.get()


@transaction.atomic
def reset_workspace(workspace: Workspace) -> None:
    """Put every persona of a workspace back to its starting state."""
    for persona in workspace_personas(workspace):
        restore_persona(persona)
    for organisation, cccd_of in workspace_organisations(workspace):
        restore_organisation(organisation, cccd_of)


def seat_state(workspace: Workspace) -> dict[str, Any]:
    """Describe one seat as `create_class --json` and the API print it."""
    return {
        "id": workspace.code,
        "seat": workspace.seat,
        "code": workspace.code,
        "url": seat_url(workspace),
        "expires_at": workspace.expires_at.isoformat(),
        "personas": [persona_state(persona) for persona in workspace_personas(workspace)],
        "organisations": workspace_organisation_states(workspace),
    }


def workspace_organisation_states(workspace: Workspace) -> list[dict[str, Any]]:
    """Describe the seat's organisations, naming their people by persona key."""
    copies = workspace_organisations(workspace)
    persona_of = {number: key for key, number in copies[0][1].items()} if copies else {}
    return [organisation_state(organisation, persona_of) for organisation, _ in copies]


def class_state(training_class: TrainingClass) -> dict[str, Any]:
    """Describe a class and every seat in it."""
    workspaces = training_class.workspaces.prefetch_related("personas")
    return {
        "class": {
            "id": training_class.pk,
            "name": training_class.name,
            "seats": len(workspaces),
            "created_at": training_class.created_at.isoformat(),
            "expires_at": training_class.expires_at.isoformat(),
            "url": class_url(training_class),
        },
        "seats": [seat_state(workspace) for workspace in workspaces],
    }


@transaction.atomic
def delete_workspaces(workspaces: Sequence[Workspace]) -> int:
    """Delete workspaces with everything in them: records, accounts, devices, dossiers."""
    rows = list(WorkspacePersona.objects.filter(workspace__in=workspaces))
    # The organisations first: their e-IDs protect the people's VNeID accounts.
    delete_organisations(
        list(
            WorkspaceOrganisation.objects.filter(workspace__in=workspaces).values_list(
                "tax_code", flat=True
            )
        )
    )
    cccds = [row.cccd_number for row in rows]
    usernames = [row.username for row in rows if row.username]
    users = accounts.accounts_named(usernames)
    # Each organisation removes what it holds under the copies' numbers; the accounts go last,
    # as the other organisations' rows point at them.
    vneid.delete_by_numbers(cccds, actors=users)
    registry.delete_by_numbers(cccds, actors=users)
    ca.delete_by_numbers(cccds + [row.cmnd_number for row in rows if row.cmnd_number], actors=users)
    portal.delete_dossiers_of(users)
    accounts.delete_by_usernames(usernames)
    operator.delete_by_numbers([row.phone for row in rows if row.phone])
    province.delete_by_numbers(cccds + [row.cmnd_number for row in rows if row.cmnd_number])
    classes = {workspace.training_class_id for workspace in workspaces}
    deleted = Workspace.objects.filter(pk__in=[w.pk for w in workspaces]).delete()[1]
    TrainingClass.objects.filter(pk__in=classes, workspaces__isnull=True).delete()
    return deleted.get(Workspace._meta.label, 0)


def delete_workspace(workspace: Workspace) -> int:
    return delete_workspaces([workspace])


def purge_expired(now: datetime | None = None) -> int:
    """Delete every expired workspace with everything in it; return how many."""
    expired = list(Workspace.objects.expired(now))
    if not expired:
        return 0
    return delete_workspaces(expired)
