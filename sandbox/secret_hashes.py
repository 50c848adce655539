"""Hashes of the sandbox's published secrets (passwords, PINs), made once per process."""

from django.conf import settings
from django.contrib.auth.hashers import make_password

_HASHES: dict[tuple[str, str], str] = {}


def hashed_secret(secret: str) -> str:
    """Return a stored hash of a published sandbox secret, computed once per process."""
    # The secrets are printed on every seat card: one salt for all holders hides nothing,
    # and a class of 40 seats would otherwise spend minutes in the password hasher.
    key = (settings.PASSWORD_HASHERS[0], secret)
    if key not in _HASHES:
        _HASHES[key] = make_password(secret)
    return _HASHES[key]
