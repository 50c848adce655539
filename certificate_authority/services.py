"""State changes of the sandbox CA, each with its audit entry in the same transaction."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from cryptography import x509
from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from admin_kit.audit import ReasonRequired as ReasonRequired
from admin_kit.audit import required_reason
from idnumbers.numbers import id_number_fits as id_number_fits
from idnumbers.numbers import is_ascii_digits

from . import x509_tools
from .conf import authority_settings
from .models import Authority, Certificate, CertificateEvent, UsbToken

if TYPE_CHECKING:
    from admin_kit.officials import Official

ROOT_NAME = "CA thử nghiệm DVC Sandbox"
ROOT_VALID_DAYS = 3650
CERTIFICATE_VALID_DAYS = 3 * 365
# The CRL is signed afresh on every request; this is how long a relying party may keep it.
CRL_VALID_HOURS = 24
PIN_LENGTH = 6


def pin_fits(pin: str) -> bool:
    """Tell whether a token PIN is exactly 6 ASCII digits (no other script's digits, no newline)."""
    return is_ascii_digits(pin) and len(pin) == PIN_LENGTH


class CertificateAuthorityError(Exception):
    """A refused CA operation, with the sentence shown to the person."""

    message = "Không thực hiện được thao tác với chứng thư số."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message


class InvalidHolder(CertificateAuthorityError):
    message = "Số giấy tờ không hợp lệ: CMND gồm 9 hoặc 12 chữ số, CCCD gồm 12 chữ số."


class AlreadyRevoked(CertificateAuthorityError):
    message = "Chứng thư số này đã bị thu hồi trước đó."


class WrongPin(CertificateAuthorityError):
    """The PIN did not open the token; tries_left more before it locks."""

    def __init__(self, tries_left: int) -> None:
        super().__init__(
            f"Mã PIN không đúng. Bạn còn {tries_left} lần thử trước khi thiết bị bị khoá."
        )
        self.tries_left = tries_left


class TokenLocked(CertificateAuthorityError):
    message = (
        "Thiết bị USB ký số đã bị khoá do nhập sai mã PIN quá 3 lần. Vui lòng liên hệ nhà cung "
        "cấp dịch vụ chứng thực chữ ký số để được mở khoá (trong môi trường thử nghiệm: đặt lại "
        "persona tại Bàn điều khiển thử nghiệm)."
    )


def key_password() -> bytes:
    """Return the password that encrypts the CA's keys at rest, derived from SECRET_KEY."""
    return salted_hmac("certificate_authority.keys", "private-key-encryption").hexdigest().encode()


def get_authority() -> Authority:
    """Return the root CA, creating its key and self-signed certificate the first time."""
    authority = Authority.objects.filter(name=ROOT_NAME).first()
    if authority is not None:
        return authority
    key = x509_tools.new_private_key()
    now = timezone.now()
    certificate = x509_tools.build_root(
        common_name=ROOT_NAME,
        key=key,
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=ROOT_VALID_DAYS),
    )
    try:
        with transaction.atomic():
            return Authority.objects.create(
                name=ROOT_NAME,
                certificate_pem=x509_tools.certificate_to_pem(certificate),
                private_key_pem=x509_tools.key_to_pem(key, key_password()),
            )
    except IntegrityError:
        # Another process created the root at the same moment: use theirs.
        return Authority.objects.get(name=ROOT_NAME)


_ISSUER_KEYS: dict[str, x509_tools.PrivateKey] = {}


def issuer_key_of(authority: Authority) -> x509_tools.PrivateKey:
    """Return the root's private key, decrypted once per process (it costs about 0.2 s)."""
    pem = authority.private_key_pem
    if pem not in _ISSUER_KEYS:
        _ISSUER_KEYS[pem] = x509_tools.key_from_pem(pem, key_password())
    return _ISSUER_KEYS[pem]


def root_certificate(authority: Authority | None = None) -> x509.Certificate:
    return x509_tools.certificate_from_pem((authority or get_authority()).certificate_pem)


def certificate_key(certificate: Certificate) -> x509_tools.PrivateKey:
    """Return the private key a certificate's device holds."""
    return x509_tools.key_from_pem(certificate.private_key_pem, key_password())


def sign_with_certificate_key(*, certificate: Certificate, data: bytes) -> bytes:
    """Sign data with the key of a certificate's device (a USB token, a signing SIM)."""
    return x509_tools.sign(certificate_key(certificate), data)


def crl_url() -> str:
    """Return the CRL address written into certificates (the CA's public base URL)."""
    base_url: str = authority_settings.PUBLIC_BASE_URL
    return urljoin(base_url, "crl")


@dataclass(frozen=True)
class CertificateOrder:
    """What a certificate is issued for: its holder, device kind, and optionally its key."""

    holder_name: str
    id_kind: str
    id_number: str
    kind: str
    reason: str = ""
    actor: "Official | None" = None
    valid_days: int = CERTIFICATE_VALID_DAYS
    not_before: datetime | None = None
    renewed_from: Certificate | None = None
    # None: the CA makes a new key pair.
    private_key: x509_tools.PrivateKey | None = None


def issue_certificate(**order: Any) -> Certificate:
    """Issue a certificate for a holder (with a new key pair unless one is given); audit it.

    The keywords are CertificateOrder's fields.
    """
    return issue_certificates([CertificateOrder(**order)])[0]


@transaction.atomic
def issue_certificates(orders: Sequence[CertificateOrder]) -> list[Certificate]:
    """Issue a certificate per order, all in two INSERTs (a class needs hundreds); audit each."""
    authority = get_authority()
    issuer_certificate = root_certificate(authority)
    issuer_key = issuer_key_of(authority)
    password = key_password()
    records = []
    reasons = []
    for order in orders:
        holder_name = " ".join(order.holder_name.split())
        if not id_number_fits(order.id_kind, order.id_number):
            raise InvalidHolder()
        if not holder_name:
            raise InvalidHolder("Vui lòng nhập họ tên chủ thể chứng thư.")
        reasons.append(_reason(order.reason, order.actor))
        key = order.private_key or x509_tools.new_private_key()
        start = order.not_before or timezone.now()
        end = start + timedelta(days=order.valid_days)
        serial = x509.random_serial_number()
        certificate = x509_tools.build_certificate(
            issuer_certificate=issuer_certificate,
            issuer_key=issuer_key,
            subject=x509_tools.holder_name(
                full_name=holder_name, subject_uid=f"{order.id_kind}:{order.id_number}"
            ),
            public_key=key.public_key(),
            serial_number=serial,
            not_before=start,
            not_after=end,
            crl_url=crl_url(),
        )
        records.append(
            Certificate(
                serial_number=format(serial, "X"),
                kind=order.kind,
                holder_name=holder_name,
                id_kind=order.id_kind,
                id_number=order.id_number,
                certificate_pem=x509_tools.certificate_to_pem(certificate),
                private_key_pem=x509_tools.key_to_pem(key, password),
                not_before=start,
                not_after=end,
                renewed_from=order.renewed_from,
            )
        )
    records = Certificate.objects.bulk_create(records)
    CertificateEvent.record_many(
        {
            "certificate": record,
            "actor": order.actor,
            "action": CertificateEvent.Action.ISSUED,
            "changes": {
                "serial_number": [None, record.serial_number],
                "not_after": [None, str(record.not_after)],
            },
            "reason": reason,
        }
        for record, order, reason in zip(records, orders, reasons, strict=True)
    )
    return records


@transaction.atomic
def revoke_certificate(
    *,
    certificate: Certificate,
    revocation_reason: str,
    reason: str = "",
    actor: "Official | None" = None,
) -> Certificate:
    """Revoke a certificate (it goes on the CRL at once); audit it."""
    reason = _reason(reason, actor)
    if revocation_reason not in Certificate.RevocationReason.values:
        raise ValueError(f"Unknown revocation reason {revocation_reason!r}.")
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.is_revoked:
        raise AlreadyRevoked()
    locked.status = Certificate.Status.REVOKED
    locked.revoked_at = timezone.now()
    locked.revocation_reason = revocation_reason
    locked.save(update_fields=["status", "revoked_at", "revocation_reason"])
    CertificateEvent.record(
        certificate=locked,
        actor=actor,
        action=CertificateEvent.Action.REVOKED,
        changes={"status": ["valid", "revoked"], "revocation_reason": ["", revocation_reason]},
        reason=reason,
    )
    for field in ("status", "revoked_at", "revocation_reason"):
        setattr(certificate, field, getattr(locked, field))
    return certificate


@transaction.atomic
def renew_certificate(
    *,
    certificate: Certificate,
    reason: str = "",
    actor: "Official | None" = None,
    valid_days: int = CERTIFICATE_VALID_DAYS,
) -> Certificate:
    """Issue a new certificate and key for the same holder, move its devices, retire the old."""
    reason = _reason(reason, actor)
    renewed = issue_certificate(
        holder_name=certificate.holder_name,
        id_kind=certificate.id_kind,
        id_number=certificate.id_number,
        kind=certificate.kind,
        reason=reason or "Gia hạn chứng thư số",
        actor=actor,
        valid_days=valid_days,
        renewed_from=certificate,
    )
    UsbToken.objects.filter(certificate=certificate).update(
        certificate=renewed, failed_pin_attempts=0
    )
    if not Certificate.objects.filter(
        pk=certificate.pk, status=Certificate.Status.REVOKED
    ).exists():
        revoke_certificate(
            certificate=certificate,
            revocation_reason=Certificate.RevocationReason.SUPERSEDED,
            reason=reason or "Gia hạn chứng thư số",
            actor=actor,
        )
    CertificateEvent.record(
        certificate=certificate,
        actor=actor,
        action=CertificateEvent.Action.RENEWED,
        changes={"serial_number": [certificate.serial_number, renewed.serial_number]},
        reason=reason,
    )
    return renewed


@transaction.atomic
def create_usb_token(
    *, certificate: Certificate, pin: str, label: str = "", pin_hash: str | None = None
) -> UsbToken:
    """Put a certificate on a USB token protected by a 6-digit PIN."""
    return create_usb_tokens([(certificate, pin, label, pin_hash)])[0]


@transaction.atomic
def create_usb_tokens(
    orders: Sequence[tuple[Certificate, str, str, str | None]],
) -> list[UsbToken]:
    """Put each (certificate, PIN, label, PIN hash or None) on a new token, in two INSERTs."""
    tokens = []
    for certificate, pin, label, pin_hash in orders:
        if not pin_fits(pin):
            raise CertificateAuthorityError("Mã PIN của USB ký số gồm đúng 6 chữ số.")
        tokens.append(
            UsbToken(
                label=label or f"USB ký số — {certificate.holder_name}",
                certificate=certificate,
                pin_hash=pin_hash or make_password(pin),
            )
        )
    tokens = UsbToken.objects.bulk_create(tokens)
    CertificateEvent.record_many(
        {
            "certificate": token.certificate,
            "action": CertificateEvent.Action.TOKEN_ISSUED,
            "changes": {"usb_token": [None, token.label]},
        }
        for token in tokens
    )
    return tokens


def sign_with_usb_token(*, token: UsbToken, pin: str, data: bytes) -> bytes:
    """Open the token with its PIN and sign data with its key, as the device does.

    A wrong PIN is counted before the error leaves (the count survives the refusal); the third
    one locks the token, and a locked token refuses even the right PIN.
    """
    with transaction.atomic():
        locked = UsbToken.objects.select_for_update().select_related("certificate").get(pk=token.pk)
        if locked.is_locked:
            raise TokenLocked()
        if not check_password(pin, locked.pin_hash):
            locked.failed_pin_attempts += 1
            locked.save(update_fields=["failed_pin_attempts"])
            if locked.is_locked:
                CertificateEvent.record(
                    certificate=locked.certificate,
                    action=CertificateEvent.Action.TOKEN_LOCKED,
                    changes={"failed_pin_attempts": [locked.failed_pin_attempts - 1, 3]},
                )
            error = TokenLocked() if locked.is_locked else WrongPin(locked.tries_left)
        else:
            error = None
            if locked.failed_pin_attempts:
                locked.failed_pin_attempts = 0
                locked.save(update_fields=["failed_pin_attempts"])
    token.failed_pin_attempts = locked.failed_pin_attempts
    if error is not None:
        raise error
    return sign_with_certificate_key(certificate=locked.certificate, data=data)


@transaction.atomic
def unlock_usb_token(
    *, token: UsbToken, reason: str = "", actor: "Official | None" = None, pin: str = ""
) -> UsbToken:
    """Clear a token's wrong PIN count (and set a new PIN if given); audit it."""
    reason = _reason(reason, actor)
    locked = UsbToken.objects.select_for_update().get(pk=token.pk)
    changes: dict[str, list[Any]] = {}
    if locked.failed_pin_attempts:
        changes["failed_pin_attempts"] = [locked.failed_pin_attempts, 0]
        locked.failed_pin_attempts = 0
    if pin:
        if not pin_fits(pin):
            raise CertificateAuthorityError("Mã PIN của USB ký số gồm đúng 6 chữ số.")
        if not check_password(pin, locked.pin_hash):
            changes["pin"] = ["***", "***"]
        locked.pin_hash = make_password(pin)
    if changes:
        locked.save(update_fields=["failed_pin_attempts", "pin_hash"])
        CertificateEvent.record(
            certificate=locked.certificate,
            actor=actor,
            action=CertificateEvent.Action.TOKEN_UNLOCKED,
            changes=changes,
            reason=reason,
        )
    token.failed_pin_attempts = locked.failed_pin_attempts
    token.pin_hash = locked.pin_hash
    return token


@transaction.atomic
def export_pkcs12(
    *,
    certificate: Certificate,
    password: str,
    reason: str = "",
    actor: "Official | None" = None,
) -> bytes:
    """Return the certificate, its key and the root as a PKCS#12 file under password; audit."""
    reason = _reason(reason, actor)
    bundle = x509_tools.pkcs12_bundle(
        friendly_name=f"{certificate.holder_name} ({certificate.subject_uid})",
        key=certificate_key(certificate),
        certificate=x509_tools.certificate_from_pem(certificate.certificate_pem),
        ca_certificate=root_certificate(),
        password=password.encode("utf-8"),
    )
    CertificateEvent.record(
        certificate=certificate,
        actor=actor,
        action=CertificateEvent.Action.PKCS12_EXPORTED,
        reason=reason,
    )
    return bundle


def root_pem() -> bytes:
    return get_authority().certificate_pem.encode("ascii")


@transaction.atomic
def current_crl() -> x509.CertificateRevocationList:
    """Sign and return a fresh CRL listing every revoked certificate (with a new CRL number)."""
    authority = Authority.objects.select_for_update().get(pk=get_authority().pk)
    authority.crl_number += 1
    authority.save(update_fields=["crl_number"])
    now = timezone.now()
    revoked = [
        (
            int(serial, 16),
            revoked_at,
            x509.ReasonFlags[reason or Certificate.RevocationReason.UNSPECIFIED],
        )
        for serial, revoked_at, reason in Certificate.objects.revoked().values_list(
            "serial_number", "revoked_at", "revocation_reason"
        )
        # Always true: a check constraint gives every revoked certificate its date.
        if revoked_at is not None
    ]
    return x509_tools.build_crl(
        issuer_certificate=root_certificate(authority),
        issuer_key=issuer_key_of(authority),
        revoked=revoked,
        last_update=now,
        next_update=now + timedelta(hours=CRL_VALID_HOURS),
        number=authority.crl_number,
    )


def _reason(reason: str, actor: "Official | None") -> str:
    # Only an official's change needs a reason; the CA's own steps record none.
    return required_reason(reason) if actor is not None else (reason or "").strip()


# Removing certificates by their holders' numbers, for the sandbox's workspaces; it joins
# the caller's transaction without a savepoint.
@transaction.atomic(savepoint=False)
def delete_by_numbers(id_numbers: Collection[str], *, actors: Any) -> None:
    """Delete the certificates of holders with these ID numbers, their tokens and events.

    The events actors (officials) recorded on any certificate go too.
    """
    certificates = Certificate.objects.filter(id_number__in=id_numbers)
    # Audit rows protect what they point at; they go with the certificates they describe.
    CertificateEvent.objects.filter(certificate__in=certificates).delete()
    CertificateEvent.objects.filter(actor__in=actors).delete()
    UsbToken.objects.filter(certificate__in=certificates).delete()
    # A renewal chain points backwards: delete the newest first.
    for certificate in certificates.order_by("-id"):
        certificate.delete()


# Finding and restoring the devices of the sandbox's personas.


def usb_token_of(*, id_kind: str, id_number: str) -> UsbToken | None:
    """Return the newest USB token whose certificate names this holder, with its certificate."""
    return (
        UsbToken.objects.filter(
            certificate__kind=Certificate.Kind.USB_TOKEN,
            certificate__id_kind=id_kind,
            certificate__id_number=id_number,
        )
        .select_related("certificate")
        .order_by("-id")
        .first()
    )


def certificate_by_serial(serial_number: str) -> Certificate | None:
    """Return the certificate with this serial number (upper-case hex), or None."""
    return Certificate.objects.filter(serial_number=serial_number).first()


def restore_usb_token(*, token: UsbToken, certificate: Certificate, pin_hash: str) -> UsbToken:
    """Put certificate on the token with this PIN hash and no wrong tries; return it reloaded."""
    UsbToken.objects.filter(pk=token.pk).update(
        certificate=certificate, failed_pin_attempts=0, pin_hash=pin_hash
    )
    token.refresh_from_db()
    return token
