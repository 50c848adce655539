"""The systems that call a registry's API: keys made, rotated and made to match, one way for all.

The population database and the business registry each keep their own `ApiClient` table (the
labels speak of their own records); how a key is generated, stored as a hash and shown once is
the same for both and lives here.
"""

import secrets
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from django.db import transaction

from admin_kit.audit import masked_value, required_reason, save_audited

from .keys import hash_secret

# Each registry's own ApiClient model.
Client = TypeVar("Client")

# How many characters of a key stay visible (its prefix), to tell keys apart without revealing one.
SHOWN_PREFIX_LENGTH = 12


# What an official may change on a consuming system; its key changes only by rotation.
CHANGEABLE_FIELDS = ("name", "can_read_records", "is_active", "rate_limit_per_minute")


class ConsumerKeys(Generic[Client]):
    """Keys of one API's consuming systems: `model` is its ApiClient, `prefix` starts its keys.

    `record_change` is the registry's audit model (an admin_kit AuditRecord with the actions
    API_CLIENT_CREATED, API_CLIENT_CHANGED and API_KEY_ISSUED and an `api_client` link): an
    official's change writes one entry there in the same transaction.
    """

    def __init__(self, model: type[Client], *, prefix: str, record_change: Any) -> None:
        # Any inside: each registry's ApiClient declares name, key_prefix, can_read_records,
        # is_active and rate_limit_per_minute itself, in its own words; no common base does.
        self.model: Any = model
        self.prefix = prefix
        self.record_change = record_change

    def generate_api_key(self) -> str:
        """Return a new random bearer key for a consuming system."""
        return self.prefix + secrets.token_urlsafe(32)

    def set_key(self, client: Client, raw_key: str | None = None) -> str:
        """Give an unsaved or saved client a key (new unless given) without saving; return it."""
        raw_key = raw_key or self.generate_api_key()
        row: Any = client
        row.key_prefix = raw_key[:SHOWN_PREFIX_LENGTH]
        row.key_hash = hash_secret(raw_key)
        return raw_key

    def create_api_client(
        self,
        *,
        name: str,
        can_read_records: bool,
        raw_key: str | None = None,
        rate_limit_per_minute: int | None = None,
    ) -> tuple[Client, str]:
        """Register a consuming system; return (client, raw_key), the key shown only once."""
        with transaction.atomic():
            client = self.model(
                name=name,
                can_read_records=can_read_records,
                rate_limit_per_minute=rate_limit_per_minute,
            )
            raw_key = self.set_key(client, raw_key)
            client.save()
        created: Client = client
        return created, raw_key

    def issue_new_key(self, *, client: Client) -> str:
        """Give an existing client a fresh key, invalidating the old one; return the new key."""
        with transaction.atomic():
            raw_key = self.set_key(client)
            row: Any = client
            row.save(update_fields=["key_prefix", "key_hash"])
        return raw_key

    def ensure_api_client(
        self,
        *,
        name: str,
        raw_key: str,
        can_read_records: bool,
        rate_limit_per_minute: int | None = None,
    ) -> Client:
        """Make the client called name hold exactly this key, permission and limit; return it."""
        key_hash = hash_secret(raw_key)
        with transaction.atomic():
            holder = self.model.objects.filter(key_hash=key_hash).exclude(name=name).first()
            if holder is not None:
                raise ValueError(f"This key already belongs to the API client {holder.name!r}.")
            client = self.model.objects.select_for_update().filter(name=name).first()
            if client is None:
                created, _ = self.create_api_client(
                    name=name,
                    can_read_records=can_read_records,
                    raw_key=raw_key,
                    rate_limit_per_minute=rate_limit_per_minute,
                )
                return created
            wanted = {
                "key_prefix": raw_key[:SHOWN_PREFIX_LENGTH],
                "key_hash": key_hash,
                "can_read_records": can_read_records,
                "rate_limit_per_minute": rate_limit_per_minute,
                "is_active": True,
            }
            changed = [field for field, value in wanted.items() if getattr(client, field) != value]
            if changed:
                for field in changed:
                    setattr(client, field, wanted[field])
                client.save(update_fields=changed)
        ensured: Client = client
        return ensured

    # An official's changes, each with a reason and one audit entry in the same transaction.

    def register_api_client(self, *, client: Client, actor: Any, reason: str) -> str:
        """Save a new client an official registered, with a fresh key; return it (shown once)."""
        reason = required_reason(reason)
        row: Any = client
        with transaction.atomic():
            raw_key = self.set_key(client)
            row.save()
            self.record_change.record(
                actor=actor,
                action=self.record_change.Action.API_CLIENT_CREATED,
                api_client=row,
                changes={
                    "name": [None, row.name],
                    "can_read_records": [None, row.can_read_records],
                    "rate_limit_per_minute": [None, row.rate_limit_per_minute],
                    "key_prefix": [None, row.key_prefix],
                },
                reason=reason,
            )
        return raw_key

    def change_api_client(
        self, *, client: Client, values: Mapping[str, Any], actor: Any, reason: str
    ) -> dict[str, list[Any]]:
        """Save an official's change of a client's name, permission or state; return it."""

        def write_entry(locked: Any, changes: dict[str, list[Any]], reason: str) -> None:
            self.record_change.record(
                actor=actor,
                action=self.record_change.Action.API_CLIENT_CHANGED,
                changes=changes,
                reason=reason,
                api_client=locked,
            )

        with transaction.atomic():
            changes: dict[str, list[Any]] = save_audited(
                client,
                values,
                allowed=CHANGEABLE_FIELDS,
                reason=reason,
                write_entry=write_entry,
                shown=masked_value,
            )
        return changes

    def issue_new_key_by_official(self, *, client: Client, actor: Any, reason: str) -> str:
        """Rotate a client's key for an official, audited; return the new key (shown once)."""
        reason = required_reason(reason)
        row: Any = client
        with transaction.atomic():
            before = row.key_prefix
            raw_key = self.issue_new_key(client=client)
            self.record_change.record(
                actor=actor,
                action=self.record_change.Action.API_KEY_ISSUED,
                api_client=row,
                # The prefix identifies a key without revealing it; the key is never stored.
                changes={"key_prefix": [before, row.key_prefix]},
                reason=reason,
            )
        return raw_key
