"""The shipped personas and organisations, read from `personas.toml` and `organisations.toml`.

The data, apart from the code that seeds it.
"""

import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from accounts.roles import ROLES
from idnumbers.tax_codes import TAX_CODE_LENGTH, tax_code_problem

DATA_FILE = Path(__file__).with_name("personas.toml")
ORGANISATIONS_FILE = Path(__file__).with_name("organisations.toml")


@dataclass(frozen=True)
class PersonaDossier:
    code: str
    procedure_code: str
    procedure_name: str
    status: str
    submitted_on: date


@dataclass(frozen=True)
class ProvincialDossier:
    """A dossier filed at Quảng Nam's own portal before 2024 (codes are the province's)."""

    code: str
    procedure: str
    status: str
    submitted_on: date


@dataclass(frozen=True)
class ProvincialAccount:
    """The account Quảng Nam's portal issued before 2024, as the persona starts with it."""

    username: str
    password: str
    full_name: str
    birth_date: date
    cmnd_number: str = ""
    cccd_number: str = ""
    dossiers: tuple[ProvincialDossier, ...] = field(default=())

    @property
    def numbers(self) -> list[str]:
        """Return the numbers the account holds, the CCCD first."""
        return [number for number in (self.cccd_number, self.cmnd_number) if number]


@dataclass(frozen=True)
class Persona:
    key: str
    role: str
    citizen: dict[str, Any]
    # None: the citizen has no legacy portal account.
    account: dict[str, Any] | None = None
    dossiers: tuple[PersonaDossier, ...] = field(default=())
    # The VNeID assurance level (1 or 2); None: no VNeID account.
    vneid_level: int | None = 2
    # Officials: their roles (group names) and the base32 secret of their admin TOTP device.
    roles: tuple[str, ...] = field(default=())
    totp_secret: str | None = None
    # None: no account at the provincial portal (the first VNeID login there makes one).
    provincial: ProvincialAccount | None = None
    # The code of the workspace (seat) this copy belongs to; "" for the shipped persona.
    workspace: str = ""

    @property
    def full_name(self) -> str:
        name: str = self.citizen["full_name"]
        return name


def _dossier(entry: dict[str, Any], procedures: dict[str, list[str]]) -> PersonaDossier:
    procedure_code, procedure_name = procedures[entry["procedure"]]
    return PersonaDossier(
        code=entry["code"],
        procedure_code=procedure_code,
        procedure_name=procedure_name,
        status=entry["status"],
        submitted_on=entry["submitted_on"],
    )


def _provincial(entry: dict[str, Any], password: str | None) -> ProvincialAccount | None:
    """Read a persona's provincial account (None: the province holds none for the persona)."""
    data = entry.get("provincial")
    if data is None:
        return None
    if password is None:
        raise ValueError(
            "A persona has a provincial account but the file has no provincial_password."
        )
    account = ProvincialAccount(
        username=data["username"],
        password=password,
        full_name=data["full_name"],
        birth_date=data["birth_date"],
        cmnd_number=data.get("cmnd_number", ""),
        cccd_number=data.get("cccd_number", ""),
        dossiers=tuple(
            ProvincialDossier(
                code=dossier["code"],
                procedure=dossier["procedure"],
                status=dossier["status"],
                submitted_on=dossier["submitted_on"],
            )
            for dossier in entry.get("provincial_dossiers", ())
        ),
    )
    if not account.numbers:
        raise ValueError(f"Persona {entry['key']!r}: a provincial account holds a CCCD or a CMND.")
    return account


def _persona(
    entry: dict[str, Any], procedures: dict[str, list[str]], provincial_password: str | None
) -> Persona:
    unknown = set(entry.get("roles", ())) - set(ROLES)
    if unknown:
        raise ValueError(f"Persona {entry['key']!r} has unknown roles: {sorted(unknown)}.")
    return Persona(
        key=entry["key"],
        role=entry["role"],
        citizen=entry["citizen"],
        account=entry.get("account"),
        dossiers=tuple(_dossier(dossier, procedures) for dossier in entry.get("dossiers", ())),
        # Absent in the file: the citizen has no VNeID account.
        vneid_level=entry.get("vneid_level"),
        roles=tuple(entry.get("roles", ())),
        totp_secret=entry.get("totp_secret"),
        provincial=_provincial(entry, provincial_password),
    )


def load_personas(path: Path = DATA_FILE) -> tuple[tuple[Persona, ...], str, str]:
    """Return the personas in a data file, its portal password and its VNeID password."""
    with path.open("rb") as data_file:
        data = tomllib.load(data_file)
    procedures = data["procedures"]
    provincial_password = data.get("provincial_password")
    personas = tuple(_persona(entry, procedures, provincial_password) for entry in data["personas"])
    return personas, data["password"], data["vneid_password"]


PERSONAS, PASSWORD, VNEID_PASSWORD = load_personas()
PERSONAS_BY_KEY = {persona.key: persona for persona in PERSONAS}
# Every shipped provincial account has the same password, published like the others.
PROVINCIAL_PASSWORD = next(p.provincial.password for p in PERSONAS if p.provincial is not None)


# The organisations (Decree 69/2024): the business registry's entry, the VNeID e-ID, the
# authorisations and the legacy accounts the portals issued before 2025.

ORGANISATION_KINDS = {
    "llc_single",
    "llc_multi",
    "joint_stock",
    "partnership",
    "private_enterprise",
    "household_business",
    "branch",
}
ENTERPRISE_STATUSES = {"active", "suspended", "dissolved"}
EID_STATUSES = {"pending", "active"}
AUTHORISATION_SCOPES = {"full", "dossiers"}
# An authorisation's end written as a rule, not a date: the data never goes stale.
END_OF_NEXT_YEAR = "end_of_next_year"


@dataclass(frozen=True)
class OrganisationRepresentative:
    """A legal representative as the business registry lists them."""

    # The persona's key; "" for someone who is not a persona (nobody logs in as them).
    persona: str
    full_name: str
    cccd_number: str
    position: str
    since: date
    # Set: a former representative (the registry keeps them, with the day they stopped).
    until: date | None = None

    @property
    def current(self) -> bool:
        return self.until is None


@dataclass(frozen=True)
class OrganisationEidState:
    """The organisation's e-ID in VNeID as the sandbox starts it."""

    status: str
    # The persona key of the representative who registered it in the app.
    registered_by: str
    # The persona keys of the representatives who have not confirmed yet (pending only).
    unconfirmed: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class OrganisationAuthorisationSeed:
    """An authorisation given in VNeID: who (persona keys), what, until when."""

    grantee: str
    granted_by: str
    scope: str
    valid_until: str = END_OF_NEXT_YEAR

    def until(self, today: date) -> date:
        """Return the last day the authorisation holds, seen from today."""
        if self.valid_until == END_OF_NEXT_YEAR:
            return date(today.year + 1, 12, 31)
        return date.fromisoformat(self.valid_until)


@dataclass(frozen=True)
class Organisation:
    key: str
    role: str
    # The enterprise code, which is also the tax code (10 digits with the check digit).
    tax_code: str
    kind: str
    name: str
    short_name: str
    foreign_name: str
    established_on: date
    head_office_address: str
    status: str
    representatives: tuple[OrganisationRepresentative, ...]
    # None: nobody has registered the organisation in VNeID yet.
    eid: OrganisationEidState | None = None
    authorisations: tuple[OrganisationAuthorisationSeed, ...] = field(default=())
    # None: the portal issued it no legacy organisation account.
    national_dossiers: tuple[PersonaDossier, ...] | None = None
    provincial_dossiers: tuple[ProvincialDossier, ...] | None = None
    # The code of the workspace (seat) this copy belongs to; "" for the shipped organisation.
    workspace: str = ""

    @property
    def enterprise_code(self) -> str:
        return self.tax_code

    @property
    def current_representatives(self) -> tuple[OrganisationRepresentative, ...]:
        return tuple(rep for rep in self.representatives if rep.current)

    @property
    def persona_keys(self) -> set[str]:
        """Return the personas the organisation names: representatives and grantees."""
        keys = {rep.persona for rep in self.representatives if rep.persona}
        return keys | {authorisation.grantee for authorisation in self.authorisations}


def _representative(
    entry: dict[str, Any], org_key: str, personas: dict[str, Persona]
) -> OrganisationRepresentative:
    persona_key = entry.get("persona", "")
    if persona_key:
        if persona_key not in personas:
            raise ValueError(f"Organisation {org_key!r} names an unknown persona {persona_key!r}.")
        citizen = personas[persona_key].citizen
        full_name, cccd_number = citizen["full_name"], citizen["cccd_number"]
    else:
        full_name, cccd_number = entry["full_name"], entry["cccd_number"]
    return OrganisationRepresentative(
        persona=persona_key,
        full_name=full_name,
        cccd_number=cccd_number,
        position=entry["position"],
        since=entry["since"],
        until=entry.get("until"),
    )


def _check_organisation(org: Organisation, personas: dict[str, Persona]) -> None:
    """Refuse data the seeding could only half-apply, naming the organisation."""
    problems = []
    tax_problem = tax_code_problem(org.tax_code)
    if tax_problem is not None or len(org.tax_code) != TAX_CODE_LENGTH:
        problems.append(f"tax code {org.tax_code!r} is not a valid 10-digit code")
    if org.kind not in ORGANISATION_KINDS:
        problems.append(f"unknown kind {org.kind!r}")
    if org.status not in ENTERPRISE_STATUSES:
        problems.append(f"unknown status {org.status!r}")
    current = {rep.persona for rep in org.current_representatives if rep.persona}
    if org.eid is not None:
        if org.eid.status not in EID_STATUSES:
            problems.append(f"unknown e-ID status {org.eid.status!r}")
        if org.eid.registered_by not in current:
            problems.append("the e-ID is registered by someone who is not a current representative")
        if not set(org.eid.unconfirmed) <= current - {org.eid.registered_by}:
            problems.append("an unconfirmed representative is not another current representative")
        if (org.eid.status == "pending") != bool(org.eid.unconfirmed):
            problems.append("a pending e-ID waits for someone, an active one for nobody")
    for authorisation in org.authorisations:
        if org.eid is None or org.eid.status != "active":
            problems.append("authorisations need an active e-ID")
        if authorisation.scope not in AUTHORISATION_SCOPES:
            problems.append(f"unknown authorisation scope {authorisation.scope!r}")
        if authorisation.grantee not in personas or authorisation.granted_by not in current:
            problems.append("an authorisation names an unknown grantee or a non-representative")
    if problems:
        raise ValueError(f"Organisation {org.key!r}: " + "; ".join(problems) + ".")


def _organisation(
    entry: dict[str, Any], procedures: dict[str, list[str]], personas: dict[str, Persona]
) -> Organisation:
    key = entry["key"]
    eid = entry.get("eid")
    national = entry.get("national")
    provincial = entry.get("provincial")
    organisation = Organisation(
        key=key,
        role=entry["role"],
        tax_code=entry["enterprise_code"],
        kind=entry["kind"],
        name=entry["name"],
        short_name=entry.get("short_name", ""),
        foreign_name=entry.get("foreign_name", ""),
        established_on=entry["established_on"],
        head_office_address=entry["head_office_address"],
        status=entry["status"],
        representatives=tuple(
            _representative(rep, key, personas) for rep in entry.get("representatives", ())
        ),
        eid=(
            None
            if eid is None
            else OrganisationEidState(
                status=eid["status"],
                registered_by=eid["registered_by"],
                unconfirmed=tuple(eid.get("unconfirmed", ())),
            )
        ),
        authorisations=tuple(
            OrganisationAuthorisationSeed(
                grantee=item["persona"],
                granted_by=item["granted_by"],
                scope=item["scope"],
                valid_until=item.get("valid_until", END_OF_NEXT_YEAR),
            )
            for item in entry.get("authorisations", ())
        ),
        national_dossiers=(
            None
            if national is None
            else tuple(_dossier(dossier, procedures) for dossier in national.get("dossiers", ()))
        ),
        provincial_dossiers=(
            None
            if provincial is None
            else tuple(
                ProvincialDossier(
                    code=dossier["code"],
                    procedure=dossier["procedure"],
                    status=dossier["status"],
                    submitted_on=dossier["submitted_on"],
                )
                for dossier in provincial.get("dossiers", ())
            )
        ),
    )
    _check_organisation(organisation, personas)
    return organisation


def load_organisations(
    path: Path = ORGANISATIONS_FILE, personas: tuple[Persona, ...] = PERSONAS
) -> tuple[tuple[Organisation, ...], str]:
    """Return the organisations in a data file and their legacy accounts' password."""
    with path.open("rb") as data_file:
        data = tomllib.load(data_file)
    by_key = {persona.key: persona for persona in personas}
    procedures = data.get("procedures", {})
    organisations = tuple(
        _organisation(entry, procedures, by_key) for entry in data.get("organisations", ())
    )
    # `personas --json` lists both by key: a clash would hide one.
    clashes = {org.key for org in organisations} & set(by_key)
    if clashes:
        raise ValueError(f"Organisation keys clash with persona keys: {sorted(clashes)}.")
    return organisations, data["legacy_password"]


def organisation_copy(
    organisation: Organisation,
    *,
    tax_code: str,
    cccd_of: dict[str, str],
    national_codes: list[str],
    provincial_codes: list[str],
    workspace: str,
) -> Organisation:
    """Return a copy with another tax code, its personas' numbers (cccd_of) and dossier codes."""
    return replace(
        organisation,
        tax_code=tax_code,
        representatives=tuple(
            replace(rep, cccd_number=cccd_of.get(rep.cccd_number, rep.cccd_number))
            for rep in organisation.representatives
        ),
        national_dossiers=(
            None
            if organisation.national_dossiers is None
            else tuple(
                replace(dossier, code=code)
                for dossier, code in zip(
                    organisation.national_dossiers, national_codes, strict=True
                )
            )
        ),
        provincial_dossiers=(
            None
            if organisation.provincial_dossiers is None
            else tuple(
                replace(dossier, code=code)
                for dossier, code in zip(
                    organisation.provincial_dossiers, provincial_codes, strict=True
                )
            )
        ),
        workspace=workspace,
    )


ORGANISATIONS, ORGANISATION_PASSWORD = load_organisations()
ORGANISATIONS_BY_KEY = {organisation.key: organisation for organisation in ORGANISATIONS}
