"""A provider's RSA signing keys: exactly one signs, every published one verifies.

Each provider keeps its keys in its own table (a ProviderSigningKey) and records rotations in its
own audit trail; `SigningKeys` holds the rules, given those two models.
"""

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Generic, TypeVar

from django.db import IntegrityError, transaction
from joserfc.jwk import KeySet, KeySetSerialization, RSAKey

from admin_kit.audit import AuditRecord

from .logout_token import build_logout_token
from .provider_models import ProviderSigningKey

KEY_SIZE = 2048
ALGORITHM = "RS256"
KEY_ROTATED = "key_rotated"

Key = TypeVar("Key", bound=ProviderSigningKey)


# Both providers share it: room for each one's few published keys.
@lru_cache(maxsize=32)
def _import_private_key(kid: str, private_jwk: str) -> RSAKey:
    # Keyed on the stored text too: a key row is immutable once written, so this never goes stale.
    return RSAKey.import_key(json.loads(private_jwk))


def as_private_key(signing_key: ProviderSigningKey) -> RSAKey:
    """Return the joserfc private key of a signing key row."""
    return _import_private_key(signing_key.kid, signing_key.private_jwk)


class SigningKeys(Generic[Key]):
    """The signing keys kept in `model`; rotations are recorded as `audit_event` rows."""

    def __init__(
        self,
        model: type[Key],
        audit_event: type[AuditRecord],
        *,
        find_active: Callable[[], Key | None] | None = None,
    ) -> None:
        self.model = model
        self.audit_event = audit_event
        # How the signer is looked up on every token (VNeID through its hot path).
        self.find_active = find_active or self._first_active

    def _first_active(self) -> Key | None:
        return self.model._default_manager.filter(is_active=True).first()

    def generate(self) -> Key:
        """Return a new unsaved key row holding a fresh RSA private JWK with a thumbprint kid."""
        key = RSAKey.generate_key(
            KEY_SIZE, parameters={"use": "sig", "alg": ALGORITHM}, private=True
        )
        key.ensure_kid()
        # ensure_kid() made the RFC 7638 thumbprint the kid.
        return self.model(kid=key.thumbprint(), private_jwk=json.dumps(key.as_dict(private=True)))

    def active(self) -> Key:
        """Return the one key that signs, creating the first one on first use."""
        key = self.find_active()
        if key is not None:
            return key
        candidate = self.generate()
        candidate.is_active = True
        try:
            with transaction.atomic():
                candidate.save()
        except IntegrityError:
            # Another request created the first key at the same moment: use that one.
            existing = self._first_active()
            if existing is None:
                raise
            return existing
        return candidate

    def rotate(self) -> Key:
        """Make a new key the signer; the previous one stays published so its tokens verify."""
        with transaction.atomic():
            manager = self.model._default_manager
            manager.select_for_update().filter(is_active=True).update(is_active=False)
            key = self.generate()
            key.is_active = True
            key.save()
            self.audit_event.record(kind=KEY_ROTATED, detail=key.kid)
            return key

    def unpublish(self, *, kid: str) -> None:
        """Withdraw a retired key from the JWKS; tokens it signed stop verifying."""
        with transaction.atomic():
            manager = self.model._default_manager
            updated = manager.filter(kid=kid, is_active=False).update(is_published=False)
            if not updated:
                raise ValueError(f"No retired signing key with kid {kid!r}.")

    def public_jwks(self) -> KeySetSerialization:
        """Return the JWK Set of every published key, public parts only, the active one first."""
        self.active()
        keys = self.model._default_manager.filter(is_published=True).order_by(
            "-is_active", "-created_at"
        )
        return {"keys": [as_private_key(key).as_dict(private=False) for key in keys]}

    def published_key_set(self) -> KeySet:
        """Return the published keys as a joserfc KeySet, for tokens this provider issued."""
        return KeySet.import_key_set(self.public_jwks())

    def logout_token(self, *, issuer: str, client_id: str, sub: str, sid: str) -> str:
        """Return a fresh logout token for client_id, signed with the active key."""
        signing_key = self.active()
        return build_logout_token(
            issuer=issuer,
            audience=client_id,
            sub=sub,
            sid=sid,
            private_key=as_private_key(signing_key),
            kid=signing_key.kid,
        )
