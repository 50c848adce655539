"""The RSA keys that sign ID tokens: exactly one signs, every published one verifies."""

from oidc_kit.keys import ALGORITHM, KEY_SIZE, SigningKeys, as_private_key

from . import hot_path
from .models import AuditEvent, SigningKey

__all__ = ["ALGORITHM", "KEY_SIZE", "as_private_key"]

# The signer is read as the hot path reads it: it is asked for on every token.
SIGNING_KEYS = SigningKeys(SigningKey, AuditEvent, find_active=hot_path.active_signing_key)

generate_signing_key = SIGNING_KEYS.generate
active_signing_key = SIGNING_KEYS.active
rotate_signing_key = SIGNING_KEYS.rotate
unpublish_signing_key = SIGNING_KEYS.unpublish
public_jwks = SIGNING_KEYS.public_jwks
published_key_set = SIGNING_KEYS.published_key_set
