"""The personas' signing SIMs: a certificate from the sandbox CA on a SIM at the operator."""

from typing import Any

from cryptography import x509

from certificate_authority import services as ca
from certificate_authority.models import Certificate
from certificate_authority.services import CertificateOrder
from certificate_authority.x509_tools import PrivateKey
from idnumbers.phones import normalize_phone
from mobile_operator import services as operator
from mobile_operator.models import Sim

from .device_keys import certificate_order as device_certificate_order
from .persona_data import Persona
from .secret_hashes import hashed_secret

# Public on purpose, like the passwords: testers and scripts type them on the phone page.
SIM_PINS = {
    "nga": "111222",
    "an": "222333",
    "binh": "333444",
    "khoa": "444555",
    "dung": "555666",
    "lan": "666777",
}
DEFAULT_PIN = "000111"
ISSUE_REASON = "Cấp Sim ký số cho persona của môi trường thử nghiệm"


def sim_pin(persona: Persona) -> str:
    return SIM_PINS.get(persona.key, DEFAULT_PIN)


def sim_phone(persona: Persona) -> str:
    """Return the persona's registered phone in national form, or "" when it has none."""
    if persona.account is None:
        return ""
    return normalize_phone(persona.account.get("phone", ""))


def _certificate_of(sim: Sim) -> Certificate | None:
    serial = x509.load_pem_x509_certificate(sim.certificate_pem.encode()).serial_number
    return ca.certificate_by_serial(format(serial, "X"))


def certificate_order(persona: Persona) -> CertificateOrder:
    """Return the CA order for a new certificate on the persona's SIM."""
    return device_certificate_order(persona, Certificate.Kind.SIGNING_SIM, ISSUE_REASON)


def sim_order(
    persona: Persona, certificate: Certificate, private_key: PrivateKey | None
) -> dict[str, Any]:
    """Return the operator's order (provision_sim's keywords) for the persona's SIM."""
    # A CertificateOrder's key is optional (the CA can make one); a SIM cannot do without it.
    if private_key is None:
        raise ValueError(f"Persona {persona.key!r}'s SIM needs its certificate's private key.")
    pin = sim_pin(persona)
    return {
        "phone_number": sim_phone(persona),
        "holder_name": persona.full_name,
        "certificate_pem": certificate.certificate_pem,
        "private_key": private_key,
        "pin": pin,
        "pin_hash": hashed_secret(pin),
    }


def reset_signing_sim(persona: Persona) -> Sim | None:
    """Give the persona a working SIM: a valid certificate, its PIN, signing unlocked."""
    phone = sim_phone(persona)
    if not phone:
        return None
    sim = operator.sim_of(phone)
    certificate = _certificate_of(sim) if sim else None
    if certificate is None or certificate.is_revoked or certificate.is_expired():
        order = certificate_order(persona)
        certificate = ca.issue_certificates([order])[0]
        key = order.private_key
    else:
        key = ca.certificate_key(certificate)
    return operator.provision_sim(**sim_order(persona, certificate, key))


def sim_missing(persona: Persona) -> bool:
    """Return whether the persona should have a SIM and has none."""
    phone = sim_phone(persona)
    return bool(phone) and not operator.has_sim(phone)


def signing_sim_state(persona: Persona) -> dict[str, Any] | None:
    """Describe the persona's SIM for the console and `personas --json`."""
    phone = sim_phone(persona)
    sim = operator.sim_of(phone) if phone else None
    if sim is None:
        return None
    certificate = x509.load_pem_x509_certificate(sim.certificate_pem.encode())
    return {
        "phone": sim.phone_number,
        "pin": sim_pin(persona),
        "locked": sim.is_locked,
        "serial": format(certificate.serial_number, "X"),
        "certificate_pem": sim.certificate_pem,
    }
