"""The RSA keys that sign the service's ID and logout tokens: one signs, published ones verify."""

from oidc_kit.keys import ALGORITHM, KEY_SIZE, SigningKeys, as_private_key

from .models import AuditEvent, SigningKey

__all__ = ["ALGORITHM", "KEY_SIZE", "as_private_key"]

SIGNING_KEYS = SigningKeys(SigningKey, AuditEvent)

generate_signing_key = SIGNING_KEYS.generate
active_signing_key = SIGNING_KEYS.active
rotate_signing_key = SIGNING_KEYS.rotate
public_jwks = SIGNING_KEYS.public_jwks
published_key_set = SIGNING_KEYS.published_key_set
