"""State changes of the national login service: clients, subjects, and what others may ask of it.

The sandbox seeds clients (`ensure_client`), switches the fault (`set_fault`) and reads the
timeline (`requests_answered`) here and nowhere else.
"""

import secrets
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from admin_kit.audit import required_reason, save_audited
from api_kit.keys import hash_secret
from idnumbers.numbers import mask_number

from . import faults
from .models import AttributeProfile, AuditEvent, Idp, NationalClient, ServiceFault, Subject

# An official changing a client: the portal's User.
Actor = Any
Changes = dict[str, list[Any]]

# The settings of a client an official may change, audited field by field.
CLIENT_FIELDS = (
    "name",
    "redirect_uris",
    "post_logout_redirect_uris",
    "backchannel_logout_uri",
    "frontchannel_logout_uri",
    "attribute_profile",
    "is_active",
)


def _clean_uris(uris: Iterable[str]) -> list[str]:
    return [uri.strip() for uri in uris if uri and uri.strip()]


def _client_settings(
    *,
    redirect_uris: Iterable[str],
    post_logout_redirect_uris: Iterable[str],
    backchannel_logout_uri: str,
    frontchannel_logout_uri: str,
    attribute_profile: str,
) -> dict[str, str]:
    """Return a client's fields as stored; raise ValueError for unusable ones."""
    cleaned = _clean_uris(redirect_uris)
    if not cleaned:
        raise ValueError("A client needs at least one redirect URI.")
    if attribute_profile not in AttributeProfile.values:
        raise ValueError(f"Unknown attribute profile {attribute_profile!r}.")
    return {
        "redirect_uris": "\n".join(cleaned),
        "post_logout_redirect_uris": "\n".join(_clean_uris(post_logout_redirect_uris)),
        "backchannel_logout_uri": backchannel_logout_uri.strip(),
        "frontchannel_logout_uri": frontchannel_logout_uri.strip(),
        "attribute_profile": attribute_profile,
    }


def set_client_secret(client: NationalClient) -> str:
    """Give a client a new random secret, stored hashed, without saving; return the secret."""
    raw_secret = secrets.token_urlsafe(32)
    client.client_secret_hash = hash_secret(raw_secret)
    return raw_secret


@transaction.atomic
def register_client(client: NationalClient, *, actor: Actor = None, reason: str = "") -> str:
    """Save a new, validated client with a fresh id and secret; return the secret, shown once."""
    if actor is not None:
        reason = required_reason(reason)
    client.client_id = secrets.token_urlsafe(24)
    raw_secret = set_client_secret(client)
    client.save()
    AuditEvent.record(
        kind=AuditEvent.Kind.CLIENT_CREATED,
        client=client,
        detail=client.name,
        actor=actor,
        reason=reason,
        changes={field: [None, getattr(client, field)] for field in CLIENT_FIELDS},
    )
    return raw_secret


def create_client(
    *,
    name: str,
    redirect_uris: Iterable[str],
    post_logout_redirect_uris: Iterable[str] = (),
    backchannel_logout_uri: str = "",
    frontchannel_logout_uri: str = "",
    attribute_profile: str = AttributeProfile.DVCQG,
) -> tuple[NationalClient, str]:
    """Register a portal; return (client, raw_secret), the secret being shown only once."""
    fields = _client_settings(
        redirect_uris=redirect_uris,
        post_logout_redirect_uris=post_logout_redirect_uris,
        backchannel_logout_uri=backchannel_logout_uri,
        frontchannel_logout_uri=frontchannel_logout_uri,
        attribute_profile=attribute_profile,
    )
    client = NationalClient(name=name, **fields)
    return client, register_client(client)


@transaction.atomic
def ensure_client(
    *,
    client_id: str,
    client_secret: str,
    name: str,
    redirect_uris: Iterable[str],
    post_logout_redirect_uris: Iterable[str] = (),
    backchannel_logout_uri: str = "",
    frontchannel_logout_uri: str = "",
    attribute_profile: str = AttributeProfile.DVCQG,
) -> NationalClient:
    """Make the client with this id hold exactly these settings and secret; return it.

    Idempotent, for seeding a portal whose credentials live in its own settings.
    """
    if not client_id or not client_secret:
        raise ValueError("Seeding a client needs both its client_id and its client_secret.")
    fields = _client_settings(
        redirect_uris=redirect_uris,
        post_logout_redirect_uris=post_logout_redirect_uris,
        backchannel_logout_uri=backchannel_logout_uri,
        frontchannel_logout_uri=frontchannel_logout_uri,
        attribute_profile=attribute_profile,
    )
    existing = NationalClient.objects.select_for_update().filter(client_id=client_id).first()
    created = existing is None
    client = NationalClient(client_id=client_id) if existing is None else existing
    client.name = name
    for field, value in fields.items():
        setattr(client, field, value)
    client.is_active = True
    if created or not client.check_client_secret(client_secret):
        client.client_secret_hash = hash_secret(client_secret)
    client.save()
    if created:
        AuditEvent.record(kind=AuditEvent.Kind.CLIENT_CREATED, client=client, detail=name)
    return client


@transaction.atomic
def change_client(
    *, client: NationalClient, values: Mapping[str, Any], actor: Actor, reason: str
) -> Changes:
    """Save an official's change of a client with one audit event; return the changes."""

    def write_entry(locked: NationalClient, changes: Changes, reason: str) -> None:
        AuditEvent.record(
            kind=AuditEvent.Kind.CLIENT_CHANGED,
            client=locked,
            detail=locked.name,
            actor=actor,
            reason=reason,
            changes=changes,
        )

    changes: Changes = save_audited(
        client, values, allowed=CLIENT_FIELDS, reason=reason, write_entry=write_entry
    )
    return changes


@transaction.atomic
def issue_new_client_secret(
    *, client: NationalClient, actor: Actor = None, reason: str = ""
) -> str:
    """Replace a client's secret; return the new one, shown only once."""
    if actor is not None:
        reason = required_reason(reason)
    raw_secret = set_client_secret(client)
    client.save(update_fields=["client_secret_hash"])
    AuditEvent.record(
        kind=AuditEvent.Kind.CLIENT_SECRET_ISSUED,
        client=client,
        detail=client.name,
        actor=actor,
        reason=reason,
        changes={"client_secret": ["(cũ)", "(mới)"]},
    )
    return raw_secret


@dataclass(frozen=True)
class Person:
    """What a login source says about the person, refreshed into their Subject at each login."""

    idp: str
    idp_subject: str
    personal_id_number: str
    cmnd_number: str
    full_name: str
    birth_date: date | None
    level: int


@transaction.atomic
def subject_for(person: Person) -> Subject:
    """Return the person's Subject (stable sub and TechID), created at the first login."""
    subject, _ = Subject.objects.select_for_update().get_or_create(
        idp=person.idp, idp_subject=person.idp_subject
    )
    subject.personal_id_number = person.personal_id_number
    subject.cmnd_number = person.cmnd_number
    subject.full_name = person.full_name
    subject.birth_date = person.birth_date
    subject.level = person.level if person.idp == Idp.VNEID else 1
    subject.last_login_at = timezone.now()
    subject.save()
    return subject


@dataclass(frozen=True)
class AnsweredRequest:
    """One request the service answered on a login's way, for the trainer's timeline."""

    at: datetime
    endpoint: str
    status_code: int | None
    duration_ms: int | None
    masked_number: str
    personal_id_number: str


def requests_answered(numbers: Collection[str], *, since: datetime) -> list[AnsweredRequest]:
    """Return the requests answered since then for the people with these CCCD or CMND numbers."""
    wanted = [number for number in numbers if number]
    events = (
        AuditEvent.objects.filter(
            Q(subject__personal_id_number__in=wanted) | Q(subject__cmnd_number__in=wanted),
            kind=AuditEvent.Kind.REQUEST_ANSWERED,
            created_at__gte=since,
        )
        .select_related("subject")
        .order_by("created_at", "id")
    )
    answered = []
    for event in events:
        subject = event.subject
        assert subject is not None  # the filter joined on it
        number = (
            subject.personal_id_number
            if subject.personal_id_number in wanted
            else subject.cmnd_number
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


def current_fault() -> ServiceFault:
    """Return the fault in force at the service (an unsaved "none" row when never switched)."""
    return faults.current_fault()


def set_fault(mode: str, latency_ms: int = 0) -> ServiceFault:
    """Switch the service normal / slow / failing / down (a fault_switch Mode value)."""
    return faults.set_fault(mode, latency_ms)
