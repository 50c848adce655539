"""Registering a provider's clients: their ids and secrets, and officials' audited changes.

Each provider keeps its clients and its audit trail in its own models and decides which settings
a client has; `ClientRegistry` holds the rules, given those.
"""

import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from django.db import transaction

from admin_kit.audit import AuditRecord, required_reason, save_audited
from api_kit.keys import hash_secret

from .provider_models import ProviderClient

Client = TypeVar("Client", bound=ProviderClient)
# An official changing a client: the portal's User, which no provider may import.
Actor = Any
# {field: [before, after]} of one change.
Changes = dict[str, list[Any]]

CLIENT_CREATED = "client_created"
CLIENT_CHANGED = "client_changed"
CLIENT_SECRET_ISSUED = "client_secret_issued"


def clean_uris(uris: Iterable[str]) -> list[str]:
    """Return the URIs stripped, without the empty ones."""
    return [uri.strip() for uri in uris if uri and uri.strip()]


def stored_redirect_uris(uris: Iterable[str]) -> str:
    """Return redirect URIs as a client stores them; raise ValueError when there is none."""
    cleaned = clean_uris(uris)
    if not cleaned:
        raise ValueError("A client needs at least one redirect URI.")
    return "\n".join(cleaned)


class ClientRegistry(Generic[Client]):
    """The clients kept in `model`, recorded as `audit_event` rows; officials change `fields`."""

    def __init__(
        self, model: type[Client], audit_event: type[AuditRecord], fields: Sequence[str]
    ) -> None:
        self.model = model
        self.audit_event = audit_event
        self.fields = fields

    def set_secret(self, client: Client) -> str:
        """Give a client a new random secret, stored hashed, without saving; return it."""
        raw_secret = secrets.token_urlsafe(32)
        client.client_secret_hash = hash_secret(raw_secret)
        return raw_secret

    def register(self, client: Client, *, actor: Actor = None, reason: str = "") -> str:
        """Save a new client with a fresh id and secret; return the secret, shown once."""
        with transaction.atomic():
            if actor is not None:
                reason = required_reason(reason)
            client.client_id = secrets.token_urlsafe(24)
            raw_secret = self.set_secret(client)
            client.save()
            self.audit_event.record(
                kind=CLIENT_CREATED,
                client=client,
                detail=client.name,
                actor=actor,
                reason=reason,
                changes={field: [None, getattr(client, field)] for field in self.fields},
            )
            return raw_secret

    def create(self, name: str, settings: Mapping[str, Any]) -> tuple[Client, str]:
        """Register a client of these settings; return (client, raw_secret), shown once."""
        client = self.model(name=name, **settings)
        return client, self.register(client)

    def ensure(
        self, *, client_id: str, client_secret: str, name: str, settings: Mapping[str, Any]
    ) -> Client:
        """Make the client with this id hold exactly these settings and secret; return it."""
        # For seeding a relying party whose credentials live in its own settings.
        if not client_id or not client_secret:
            raise ValueError("Seeding a client needs both its client_id and its client_secret.")
        with transaction.atomic():
            manager = self.model._default_manager
            existing = manager.select_for_update().filter(client_id=client_id).first()
            created = existing is None
            client = self.model(client_id=client_id) if existing is None else existing
            client.name = name
            for field, value in settings.items():
                setattr(client, field, value)
            client.is_active = True
            if created or not client.check_client_secret(client_secret):
                client.client_secret_hash = hash_secret(client_secret)
            client.save()
            if created:
                self.audit_event.record(kind=CLIENT_CREATED, client=client, detail=name)
            return client

    def change(
        self, *, client: Client, values: Mapping[str, Any], actor: Actor, reason: str
    ) -> Changes:
        """Save an official's change of a client's settings with one audit event; return it."""

        def write_entry(locked: Client, changes: Changes, reason: str) -> None:
            self.audit_event.record(
                kind=CLIENT_CHANGED,
                client=locked,
                detail=locked.name,
                actor=actor,
                reason=reason,
                changes=changes,
            )

        with transaction.atomic():
            changes: Changes = save_audited(
                client, values, allowed=self.fields, reason=reason, write_entry=write_entry
            )
            return changes

    def issue_new_secret(self, *, client: Client, actor: Actor = None, reason: str = "") -> str:
        """Replace a client's secret; return the new one, shown only once."""
        with transaction.atomic():
            if actor is not None:
                reason = required_reason(reason)
            raw_secret = self.set_secret(client)
            client.save(update_fields=["client_secret_hash"])
            self.audit_event.record(
                kind=CLIENT_SECRET_ISSUED,
                client=client,
                detail=client.name,
                actor=actor,
                reason=reason,
                # The secret is never recorded, only that it changed.
                changes={"client_secret": ["(cũ)", "(mới)"]},
            )
            return raw_secret
