"""The RSA keys that sign the service's ID and logout tokens: one signs, published ones verify."""

import json
from functools import lru_cache

from django.db import IntegrityError, transaction
from joserfc.jwk import KeySet, KeySetSerialization, RSAKey

from .models import AuditEvent, SigningKey

KEY_SIZE = 2048
ALGORITHM = "RS256"


def generate_signing_key() -> SigningKey:
    """Return a new unsaved SigningKey holding a fresh RSA private JWK with a thumbprint kid."""
    key = RSAKey.generate_key(KEY_SIZE, parameters={"use": "sig", "alg": ALGORITHM}, private=True)
    key.ensure_kid()
    return SigningKey(kid=key.thumbprint(), private_jwk=json.dumps(key.as_dict(private=True)))


@lru_cache(maxsize=16)
def _import_private_key(kid: str, private_jwk: str) -> RSAKey:
    # Keyed on the stored text too: a key row never changes once written.
    return RSAKey.import_key(json.loads(private_jwk))


def as_private_key(signing_key: SigningKey) -> RSAKey:
    """Return the joserfc private key of a SigningKey row."""
    return _import_private_key(signing_key.kid, signing_key.private_jwk)


def active_signing_key() -> SigningKey:
    """Return the one SigningKey that signs, creating the first one on first use."""
    key = SigningKey.objects.filter(is_active=True).first()
    if key is not None:
        return key
    candidate = generate_signing_key()
    candidate.is_active = True
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:
        # Another request created the first key at the same moment: use that one.
        existing = SigningKey.objects.filter(is_active=True).first()
        if existing is None:
            raise
        return existing
    return candidate


@transaction.atomic
def rotate_signing_key() -> SigningKey:
    """Make a new key the signer; the previous one stays published so its tokens still verify."""
    SigningKey.objects.select_for_update().filter(is_active=True).update(is_active=False)
    key = generate_signing_key()
    key.is_active = True
    key.save()
    AuditEvent.record(kind=AuditEvent.Kind.KEY_ROTATED, detail=key.kid)
    return key


def public_jwks() -> KeySetSerialization:
    """Return the JWK Set of every published key, public parts only, the active one first."""
    active_signing_key()
    keys = SigningKey.objects.filter(is_published=True).order_by("-is_active", "-created_at")
    return {"keys": [as_private_key(key).as_dict(private=False) for key in keys]}


def published_key_set() -> KeySet:
    """Return the published keys as a joserfc KeySet, for tokens this service issued."""
    return KeySet.import_key_set(public_jwks())
