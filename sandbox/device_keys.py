"""The key pairs and certificates of the personas' simulated devices (USB tokens, SIMs)."""

from certificate_authority.services import CertificateOrder
from certificate_authority.x509_tools import PrivateKey, new_ec_private_key, new_private_key

from .persona_data import Persona

_SHIPPED_KEYS: dict[tuple[str, str], PrivateKey] = {}


def device_key(persona: Persona, kind: str) -> PrivateKey:
    """Return the private key for a new certificate on one of the persona's devices."""
    if persona.workspace:
        # A workspace's copy gets a key of its own per device, so no seat's token can sign for
        # another's certificate. A class needs hundreds of them: an RSA 2048 pair costs about
        # 30 ms to make, a P-256 pair 0.01 ms, and both the portal and the operator verify both.
        return new_ec_private_key()
    # The shipped personas keep RSA 2048, the size Vietnamese signing certificates use; made
    # once per process, so that resetting them in tests does not wait for key generation.
    if (persona.key, kind) not in _SHIPPED_KEYS:
        _SHIPPED_KEYS[persona.key, kind] = new_private_key()
    return _SHIPPED_KEYS[persona.key, kind]


def certificate_subject(persona: Persona) -> tuple[str, str]:
    """Return the (kind, number) a device certificate carries: the CCCD if linked, else CMND."""
    account = persona.account
    if account is None:
        raise ValueError(f"Persona {persona.key!r} has no portal account to name a certificate.")
    if account["cccd_number"]:
        return "CCCD", account["cccd_number"]
    return "CMND", account["username"]


def certificate_order(persona: Persona, kind: str, reason: str) -> CertificateOrder:
    """Return the CA order for a new certificate, with a new key, on one of persona's devices."""
    id_kind, id_number = certificate_subject(persona)
    return CertificateOrder(
        # The certificate carries the name on the ID card, as a CA checks it.
        holder_name=persona.full_name,
        id_kind=id_kind,
        id_number=id_number,
        kind=kind,
        reason=reason,
        private_key=device_key(persona, kind),
    )
