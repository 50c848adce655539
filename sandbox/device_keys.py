"""The key pairs of the personas' simulated devices, made once per process and persona."""

from certificate_authority.x509_tools import new_private_key

_KEYS = {}


def device_key(persona_key, kind):
    """Return the private key every copy of a persona's device of this kind holds."""
    # An RSA 2048 key pair costs about 0.1 s; a 40-seat class needs hundreds of devices. Each
    # copy still gets its own certificate (own serial, own subject), which is what the portal
    # checks; sharing the fictional key between copies of one persona costs no isolation.
    if (persona_key, kind) not in _KEYS:
        _KEYS[persona_key, kind] = new_private_key()
    return _KEYS[persona_key, kind]
