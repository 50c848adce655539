"""State changes of the mobile operator: API keys, SIMs, signing requests and SMS."""

import logging
import secrets
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from api_kit.keys import hash_secret
from idnumbers.phones import mask_phone

from .conf import network_settings
from .models import ApiClient, SigningRequest, Sim, SmsMessage

logger = logging.getLogger(__name__)

KEY_PREFIX = "dvcm_"
PIN_LIMIT = 3
# Requests per SIM within one request lifetime: a login retried, not a phone flooded.
MAX_REQUESTS_PER_LIFETIME = 3
# Digits and capitals that cannot be misread for one another on a small screen.
CONFIRMATION_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CONFIRMATION_LENGTH = 4

Status = SigningRequest.Status


class SigningProblem(Exception):
    """A signing request that cannot be created or decided; `code` names why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@transaction.atomic
def ensure_api_client(*, name: str, raw_key: str) -> ApiClient:
    """Make the client called name hold exactly this key; return it."""
    key_hash = hash_secret(raw_key)
    ApiClient.objects.filter(key_hash=key_hash).exclude(name=name).delete()
    client, _ = ApiClient.objects.update_or_create(
        name=name,
        defaults={"key_prefix": raw_key[:12], "key_hash": key_hash, "is_active": True},
    )
    return client


def _key_password() -> bytes:
    """Return the password that encrypts the SIMs' keys at rest, derived from SECRET_KEY."""
    return salted_hmac("mobile_operator.sim_keys", "private-key-encryption").hexdigest().encode()


def _load_key(pem: str) -> PrivateKeyTypes:
    return serialization.load_pem_private_key(pem.encode("ascii"), password=_key_password())


def _sim_fields(
    *,
    holder_name: str,
    certificate_pem: str,
    private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
    pin: str,
    pin_hash: str | None = None,
) -> dict[str, Any]:
    """Return a fresh SIM's columns: certificate, encrypted key, PIN hash, unlocked."""
    key_pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_key_password()),
    ).decode("ascii")
    return {
        "holder_name": holder_name,
        "certificate_pem": certificate_pem,
        "private_key_pem": key_pem,
        "pin_hash": pin_hash or make_password(pin),
        "pin_failures": 0,
        "locked_at": None,
    }


@transaction.atomic
def provision_sim(*, phone_number: str, **fields: Any) -> Sim:
    """Give a subscriber a signing SIM (or a fresh one): certificate, key, PIN, unlocked.

    The keywords are holder_name, certificate_pem, private_key, pin and optionally pin_hash.
    """
    sim, _ = Sim.objects.update_or_create(phone_number=phone_number, defaults=_sim_fields(**fields))
    sim.signing_requests.filter(status=Status.PENDING).delete()
    return sim


def provision_new_sims(orders: Iterable[Mapping[str, Any]]) -> list[Sim]:
    """Give each new subscriber (dicts of provision_sim's keywords) a SIM, in one INSERT."""
    sims = []
    for order in orders:
        fields = dict(order)
        phone_number = fields.pop("phone_number")
        sims.append(Sim(phone_number=phone_number, **_sim_fields(**fields)))
    return Sim.objects.bulk_create(sims)


def _confirmation_code() -> str:
    return "".join(secrets.choice(CONFIRMATION_ALPHABET) for _ in range(CONFIRMATION_LENGTH))


@transaction.atomic
def create_signing_request(
    *, client: ApiClient, phone_number: str, data_to_sign: bytes, display_text: str
) -> SigningRequest:
    """Ask the subscriber of phone_number to sign; raise SigningProblem if no SIM can."""
    sim = Sim.objects.filter(phone_number=phone_number).first()
    if sim is None:
        raise SigningProblem("unknown_subscriber")
    if sim.is_locked:
        raise SigningProblem("sim_locked")
    now = timezone.now()
    lifetime = timedelta(seconds=network_settings.SIGNING_SECONDS)
    if sim.signing_requests.filter(created_at__gt=now - lifetime).count() >= (
        MAX_REQUESTS_PER_LIFETIME
    ):
        raise SigningProblem("too_many_requests")
    request = SigningRequest.objects.create(
        public_id=secrets.token_urlsafe(32),
        sim=sim,
        client=client,
        data_to_sign=data_to_sign,
        display_text=display_text,
        confirmation_code=_confirmation_code(),
        created_at=now,
        expires_at=now + lifetime,
    )
    logger.info("signing request %s for %s", request.pk, mask_phone(phone_number))
    return request


def signature_of(key: PrivateKeyTypes, data: bytes) -> bytes:
    """Sign data with the SIM's key: PKCS#1 v1.5 for RSA, ECDSA for EC, SHA-256 both."""
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256()))
    raise TypeError(f"unsupported SIM key type {type(key).__name__}")


def _pending_for_decision(*, phone_number: str, public_id: str | None) -> SigningRequest:
    request = (
        SigningRequest.objects.select_for_update()
        .select_related("sim")
        .filter(public_id=public_id or "", sim__phone_number=phone_number)
        .first()
    )
    if request is None:
        raise SigningProblem("not_found")
    state = request.state()
    if state != Status.PENDING:
        raise SigningProblem(state)
    return request


@transaction.atomic
def refuse(*, phone_number: str, public_id: str | None) -> SigningRequest:
    """Refuse a pending request on the subscriber's phone."""
    request = _pending_for_decision(phone_number=phone_number, public_id=public_id)
    request.status = Status.REFUSED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    return request


@dataclass(frozen=True)
class Decision:
    """What the subscriber's PIN did: "approved", "wrong_pin" or "pin_locked"."""

    request: SigningRequest
    outcome: str
    tries_left: int


@transaction.atomic
def approve(*, phone_number: str, public_id: str | None, pin: str | None) -> Decision:
    """Sign a pending request with the SIM's key if pin is right; count a wrong PIN.

    A wrong PIN leaves the request pending with one try less; the third one locks the SIM's
    signing and ends every request pending on it. Returned, not raised, so the count is kept.
    """
    request = _pending_for_decision(phone_number=phone_number, public_id=public_id)
    sim = Sim.objects.select_for_update().get(pk=request.sim_id)
    now = timezone.now()
    if not check_password(pin or "", sim.pin_hash):
        sim.pin_failures += 1
        if sim.pin_failures >= PIN_LIMIT:
            sim.locked_at = now
            sim.save(update_fields=["pin_failures", "locked_at"])
            sim.signing_requests.filter(status=Status.PENDING).update(
                status=Status.PIN_LOCKED, decided_at=now
            )
            logger.info("SIM %s locked after wrong PINs", mask_phone(sim.phone_number))
            request.refresh_from_db()
            return Decision(request, "pin_locked", 0)
        sim.save(update_fields=["pin_failures"])
        return Decision(request, "wrong_pin", pin_tries_left(sim))
    if sim.pin_failures:
        sim.pin_failures = 0
        sim.save(update_fields=["pin_failures"])
    request.signature = signature_of(_load_key(sim.private_key_pem), bytes(request.data_to_sign))
    request.status = Status.APPROVED
    request.decided_at = now
    request.save(update_fields=["signature", "status", "decided_at"])
    return Decision(request, "approved", pin_tries_left(sim))


def pin_tries_left(sim: Sim) -> int:
    """Return how many PIN tries the SIM has before its signing locks."""
    return max(PIN_LIMIT - sim.pin_failures, 0)


def deliver_sms(*, client: ApiClient, phone_number: str, text: str) -> SmsMessage:
    """File a text message for the phone number; return it."""
    message = SmsMessage.objects.create(phone_number=phone_number, sender=client.name, text=text)
    logger.info("SMS %s from %s to %s", message.pk, client.name, mask_phone(phone_number))
    return message


# Seeding and removing subscribers by their numbers, for the sandbox's workspaces.


def sim_of(phone_number: str) -> Sim | None:
    """Return the SIM of this phone number, or None."""
    return Sim.objects.filter(phone_number=phone_number).first()


def has_sim(phone_number: str) -> bool:
    """Return whether this phone number has a SIM."""
    return Sim.objects.filter(phone_number=phone_number).exists()


def phones_taken(phone_numbers: Collection[str]) -> set[str]:
    """Return which of these phone numbers a SIM has."""
    return set(
        Sim.objects.filter(phone_number__in=phone_numbers).values_list("phone_number", flat=True)
    )


# Joins the caller's transaction without a savepoint, as a class goes in one.
@transaction.atomic(savepoint=False)
def delete_by_numbers(phone_numbers: Collection[str]) -> None:
    """Delete the SIMs of these phone numbers and the text messages sent to them."""
    Sim.objects.filter(phone_number__in=phone_numbers).delete()
    SmsMessage.objects.filter(phone_number__in=phone_numbers).delete()
