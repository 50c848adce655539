"""The shipped personas, read from `personas.toml`: the data, apart from the code that seeds it."""

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from accounts.roles import ROLES

DATA_FILE = Path(__file__).with_name("personas.toml")


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
