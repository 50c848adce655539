"""State changes of the national login service: clients, subjects, and what others may ask of it.

The sandbox seeds clients (`ensure_client`), switches the fault (`set_fault`) and reads the
timeline (`requests_answered`) here and nowhere else.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from idnumbers.numbers import mask_number
from oidc_kit.clients import ClientRegistry, clean_uris, stored_redirect_uris

from . import faults
from .models import (
    AttributeProfile,
    AuditEvent,
    Idp,
    NationalClient,
    ServiceFault,
    Subject,
    SubjectKind,
)

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


def _client_settings(
    *,
    redirect_uris: Iterable[str],
    post_logout_redirect_uris: Iterable[str],
    backchannel_logout_uri: str,
    frontchannel_logout_uri: str,
    attribute_profile: str,
) -> dict[str, str]:
    """Return a client's fields as stored; raise ValueError for unusable ones."""
    stored_redirects = stored_redirect_uris(redirect_uris)
    if attribute_profile not in AttributeProfile.values:
        raise ValueError(f"Unknown attribute profile {attribute_profile!r}.")
    return {
        "redirect_uris": stored_redirects,
        "post_logout_redirect_uris": "\n".join(clean_uris(post_logout_redirect_uris)),
        "backchannel_logout_uri": backchannel_logout_uri.strip(),
        "frontchannel_logout_uri": frontchannel_logout_uri.strip(),
        "attribute_profile": attribute_profile,
    }


CLIENTS = ClientRegistry(NationalClient, AuditEvent, CLIENT_FIELDS)
set_client_secret = CLIENTS.set_secret
register_client = CLIENTS.register
change_client = CLIENTS.change
issue_new_client_secret = CLIENTS.issue_new_secret


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
    return CLIENTS.create(name, fields)


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
    return CLIENTS.ensure(
        client_id=client_id, client_secret=client_secret, name=name, settings=fields
    )


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
class Organisation:
    """What VNeID says about an organisation e-ID, refreshed into its Subject at each login."""

    idp_subject: str
    eid_code: str
    id_number: str
    name: str
    short_name: str
    foreign_name: str
    kind: str
    established_on: date | None
    head_office_address: str
    tax_code: str
    enterprise_code: str
    legal_representative_name: str
    legal_representative_id_number: str
    # The level of the person who logged in for it.
    level: int


@transaction.atomic
def subject_for_organisation(organisation: Organisation) -> Subject:
    """Return the organisation's Subject (stable sub and TechID), created at its first login.

    Keyed by the organisation's `sub` at VNeID, never by a person's: every representative and
    authorised person logging in for it reaches the same Subject.
    """
    subject, _ = Subject.objects.select_for_update().get_or_create(
        idp=Idp.VNEID,
        idp_subject=organisation.idp_subject,
        defaults={"kind": SubjectKind.ORGANISATION},
    )
    subject.kind = SubjectKind.ORGANISATION
    subject.personal_id_number = ""
    subject.cmnd_number = ""
    subject.birth_date = None
    subject.full_name = organisation.name
    subject.organisation_eid = organisation.eid_code
    subject.organisation_id_number = organisation.id_number
    subject.organisation_short_name = organisation.short_name
    subject.organisation_foreign_name = organisation.foreign_name
    subject.organisation_kind = organisation.kind
    subject.establishment_date = organisation.established_on
    subject.head_office_address = organisation.head_office_address
    subject.tax_code = organisation.tax_code
    subject.enterprise_code = organisation.enterprise_code
    subject.legal_representative_name = organisation.legal_representative_name
    subject.legal_representative_id_number = organisation.legal_representative_id_number
    subject.level = organisation.level
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
    """Return the requests answered since then for the people with these CCCD or CMND numbers.

    An organisation's tax code among numbers selects its logins too (whoever acted for it).
    """
    wanted = [number for number in numbers if number]
    events = (
        AuditEvent.objects.filter(
            Q(subject__personal_id_number__in=wanted)
            | Q(subject__cmnd_number__in=wanted)
            | Q(subject__kind=SubjectKind.ORGANISATION, subject__tax_code__in=wanted),
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
            if subject.cmnd_number in wanted
            else subject.tax_code
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
