"""State changes of the population database: API clients and their keys."""

import hashlib
import secrets

from django.db import transaction

from .models import ApiClient

KEY_PREFIX = "dvcr_"


def generate_api_key():
    """Return a new random bearer key for a consuming system."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(raw_key):
    """Return the SHA-256 hex digest under which a key is stored and looked up."""
    # A plain hash is enough: the keys are 256-bit random values, not guessable passwords.
    return hashlib.sha256(raw_key.encode()).hexdigest()


def set_key(client, raw_key=None):
    """Give an unsaved or saved client a key (new unless given) without saving; return it."""
    raw_key = raw_key or generate_api_key()
    client.key_prefix = raw_key[:12]
    client.key_hash = hash_api_key(raw_key)
    return raw_key


@transaction.atomic
def create_api_client(*, name, can_read_records, raw_key=None):
    """Register a consuming system; return (client, raw_key), the key being shown only once."""
    client = ApiClient(name=name, can_read_records=can_read_records)
    raw_key = set_key(client, raw_key)
    client.save()
    return client, raw_key


@transaction.atomic
def issue_new_key(*, client):
    """Give an existing client a fresh key, invalidating the old one; return the new key."""
    raw_key = set_key(client)
    client.save(update_fields=["key_prefix", "key_hash"])
    return raw_key


@transaction.atomic
def ensure_api_client(*, name, raw_key, can_read_records):
    """Make the client called name hold exactly this key and permission; return it."""
    key_hash = hash_api_key(raw_key)
    holder = ApiClient.objects.filter(key_hash=key_hash).exclude(name=name).first()
    if holder is not None:
        raise ValueError(f"This key already belongs to the API client {holder.name!r}.")
    client = ApiClient.objects.select_for_update().filter(name=name).first()
    if client is None:
        client, _ = create_api_client(name=name, can_read_records=can_read_records, raw_key=raw_key)
        return client
    wanted = {
        "key_prefix": raw_key[:12],
        "key_hash": key_hash,
        "can_read_records": can_read_records,
        "is_active": True,
    }
    changed = [field for field, value in wanted.items() if getattr(client, field) != value]
    if changed:
        for field in changed:
            setattr(client, field, wanted[field])
        client.save(update_fields=changed)
    return client
