"""Callers' keys: one hash for every random secret, one abstract model for API keys."""

import hashlib
import hmac
from typing import ClassVar, Self

from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from .server import bearer_key


def hash_secret(value: str) -> str:
    """Return the SHA-256 hex digest under which a random secret is stored and looked up."""
    # A plain hash is enough: keys, tokens and codes are high-entropy random values, not
    # guessable passwords.
    return hashlib.sha256(value.encode()).hexdigest()


class ApiKey(models.Model):
    """A caller's bearer key for an organisation's API, by its holder; only a hash is kept."""

    # Each API names its callers in its own words: the concrete model declares the field.
    name: str
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The field holding the hash, for a model whose column has another name.
    key_hash_field: ClassVar[str] = "key_hash"
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @classmethod
    def holding(cls, digest: str, queryset: "models.QuerySet[Self] | None" = None) -> Self | None:
        """Return the row of queryset (all rows by default) whose key has this digest."""
        rows = cls._default_manager.all() if queryset is None else queryset
        # A lookup by a unique key: no ORDER BY, no count.
        found = list(rows.filter(**{cls.key_hash_field: digest})[:1])
        # Looked up by the key's hash, never the key: an index probe on a hash of a 256-bit
        # random value tells nothing usable about other valid keys.
        if found and hmac.compare_digest(getattr(found[0], cls.key_hash_field), digest):
            return found[0]
        return None

    @classmethod
    def authenticate(
        cls, request: HttpRequest, queryset: "models.QuerySet[Self] | None" = None
    ) -> Self | None:
        """Return the row of queryset holding the request's bearer key, or None."""
        raw_key = bearer_key(request)
        if not raw_key:
            return None
        return cls.holding(hash_secret(raw_key), queryset)
