"""Hashes under which random secrets (codes, tokens, cookie values) are stored."""

import hashlib


def secret_digest(value):
    """Return the SHA-256 hex digest under which a random secret is stored and looked up."""
    # A plain hash is enough: these are high-entropy random values, not guessable passwords.
    return hashlib.sha256(value.encode()).hexdigest()
