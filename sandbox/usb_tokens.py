"""The personas' USB ký số tokens: a certificate from the sandbox CA and a known 6-digit PIN."""

from typing import Any

from django.urls import reverse

from certificate_authority import services as ca
from certificate_authority.models import Certificate, UsbToken
from certificate_authority.services import CertificateOrder

from .device_keys import certificate_order as device_certificate_order
from .device_keys import certificate_subject
from .persona_data import Persona
from .secret_hashes import hashed_secret

# Public on purpose, like the passwords: testers and scripts type them.
USB_TOKEN_PINS = {
    "nga": "123456",
    "an": "234567",
    "binh": "345678",
    "khoa": "456789",
    "dung": "567890",
    "lan": "678901",
}
DEFAULT_PIN = "111111"
# The password of every persona's PKCS#12 download (certificate, key and the CA root).
PKCS12_PASSWORD = "ChungThuSo@2026"
ISSUE_REASON = "Cấp USB ký số cho persona của môi trường thử nghiệm"


def token_pin(persona: Persona) -> str:
    return USB_TOKEN_PINS.get(persona.key, DEFAULT_PIN)


def persona_token(persona: Persona) -> UsbToken | None:
    """Return the persona's USB token (with its certificate), or None."""
    if persona.account is None:
        return None
    id_kind, id_number = certificate_subject(persona)
    return ca.usb_token_of(id_kind=id_kind, id_number=id_number)


def certificate_order(persona: Persona) -> CertificateOrder:
    """Return the CA order for a new certificate on the persona's token."""
    return device_certificate_order(persona, Certificate.Kind.USB_TOKEN, ISSUE_REASON)


def token_order(persona: Persona, certificate: Certificate) -> tuple[Certificate, str, str, str]:
    """Return the CA order (certificate, PIN, label, PIN hash) for the persona's new token."""
    pin = token_pin(persona)
    return (certificate, pin, f"USB ký số — {persona.full_name}", hashed_secret(pin))


def reset_usb_token(persona: Persona) -> UsbToken | None:
    """Give the persona a working token: a valid certificate, its PIN, no wrong tries."""
    if persona.account is None:
        return None
    token = persona_token(persona)
    certificate = token.certificate if token else None
    if certificate is None or certificate.is_revoked or certificate.is_expired():
        certificate = ca.issue_certificates([certificate_order(persona)])[0]
    if token is None:
        return ca.create_usb_tokens([token_order(persona, certificate)])[0]
    return ca.restore_usb_token(
        token=token, certificate=certificate, pin_hash=hashed_secret(token_pin(persona))
    )


def pkcs12_path(persona: Persona) -> str:
    """Return where the persona's PKCS#12 downloads (a workspace's copy: its own certificate)."""
    path = reverse("sandbox:persona_pkcs12", args=[persona.key])
    return f"{path}?cho-ngoi={persona.workspace}" if persona.workspace else path


def usb_token_state(persona: Persona) -> dict[str, Any] | None:
    """Describe the persona's token for the console and `personas --json`."""
    token = persona_token(persona)
    if token is None:
        return None
    certificate = token.certificate
    return {
        "pin": token_pin(persona),
        "locked": token.is_locked,
        "certificate": {
            "serial_number": certificate.serial_number,
            "subject_uid": certificate.subject_uid,
            "not_after": certificate.not_after.isoformat(),
            "status": certificate.status,
            "pem": certificate.certificate_pem,
        },
        "pkcs12_password": PKCS12_PASSWORD,
        "pkcs12_path": pkcs12_path(persona),
    }
