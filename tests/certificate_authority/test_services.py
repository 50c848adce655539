"""The sandbox CA's services: issuing, revoking, renewing, tokens and PKCS#12, with audit."""

from datetime import timedelta

import pytest
import time_machine
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.utils import timezone

from certificate_authority import services
from certificate_authority.models import Certificate, CertificateEvent, UsbToken
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PIN = "246810"
DATA = b"dvcqg-login challenge"


def _issue(**overrides):
    values = {
        "holder_name": "Tô Thị Nga",
        "id_kind": "CMND",
        "id_number": "164438056",
        "kind": Certificate.Kind.USB_TOKEN,
    }
    return services.issue_certificate(**{**values, **overrides})


def _x509(record):
    return x509.load_pem_x509_certificate(record.certificate_pem.encode())


def test_the_root_is_created_once_and_is_a_ca():
    first = services.get_authority()
    assert services.get_authority().pk == first.pk
    root = services.root_certificate()
    assert root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
        "CA thử nghiệm DVC Sandbox"
    )
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True


def test_the_root_key_is_stored_encrypted():
    authority = services.get_authority()
    assert "ENCRYPTED PRIVATE KEY" in authority.private_key_pem


def test_an_issued_certificate_carries_the_holder_and_the_id_in_its_subject():
    record = _issue()
    certificate = _x509(record)
    subject = certificate.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Tô Thị Nga"
    assert subject.get_attributes_for_oid(NameOID.USER_ID)[0].value == "CMND:164438056"
    assert subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "VN"
    assert format(certificate.serial_number, "X") == record.serial_number
    certificate.verify_directly_issued_by(services.root_certificate())
    assert record.events.get().action == CertificateEvent.Action.ISSUED


def test_a_certificate_is_valid_for_three_years_by_default():
    record = _issue()
    assert record.not_after - record.not_before == timedelta(days=3 * 365)
    assert _x509(record).not_valid_after_utc.date() == record.not_after.date()


def test_the_certificate_points_to_the_crl():
    points = _x509(_issue()).extensions.get_extension_for_class(x509.CRLDistributionPoints)
    assert points.value[0].full_name[0].value == "http://ca.test/ca/crl"


@pytest.mark.parametrize(
    ("id_kind", "id_number"),
    [
        ("CCCD", "164438056"),
        ("CMND", "12345"),
        ("CMND", "16443805a"),
        ("CCCD", "037190612345\n"),
        ("CMND", "164438056\n"),
        ("CCCD", "０３７１９０６１２３４５"),
        ("CMND", "١٦٤٤٣٨٠٥٦"),
        ("PASSPORT", "037190612345"),
    ],
)
def test_issuing_refuses_a_malformed_id(id_kind, id_number):
    with pytest.raises(services.InvalidHolder):
        _issue(id_kind=id_kind, id_number=id_number)
    assert not Certificate.objects.exists()


def test_an_official_must_give_a_reason():
    official = UserFactory(is_staff=True)
    with pytest.raises(services.ReasonRequired):
        _issue(actor=official, reason=" ")
    assert not Certificate.objects.exists()


def test_revoking_puts_the_certificate_on_the_crl_with_its_reason():
    record = _issue()
    official = UserFactory(is_staff=True)
    services.revoke_certificate(
        certificate=record,
        revocation_reason=Certificate.RevocationReason.KEY_COMPROMISE,
        actor=official,
        reason="Mất USB",
    )
    crl = services.current_crl()
    assert crl.is_signature_valid(services.root_certificate().public_key())
    entry = crl.get_revoked_certificate_by_serial_number(int(record.serial_number, 16))
    assert entry is not None
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == (
        x509.ReasonFlags.key_compromise
    )
    event = record.events.get(action=CertificateEvent.Action.REVOKED)
    assert (event.actor, event.reason) == (official, "Mất USB")


def test_revoking_twice_is_refused():
    record = _issue()
    services.revoke_certificate(certificate=record, revocation_reason="unspecified")
    with pytest.raises(services.AlreadyRevoked):
        services.revoke_certificate(certificate=record, revocation_reason="unspecified")
    assert record.events.filter(action=CertificateEvent.Action.REVOKED).count() == 1


def test_each_crl_has_a_higher_number():
    first = services.current_crl().extensions.get_extension_for_class(x509.CRLNumber)
    second = services.current_crl().extensions.get_extension_for_class(x509.CRLNumber)
    assert second.value.crl_number > first.value.crl_number


def test_renewing_gives_a_new_key_moves_the_token_and_supersedes_the_old():
    record = _issue()
    token = services.create_usb_token(certificate=record, pin=PIN)
    official = UserFactory(is_staff=True)
    renewed = services.renew_certificate(certificate=record, actor=official, reason="Hết hạn")
    record.refresh_from_db()
    token.refresh_from_db()
    assert token.certificate == renewed
    assert renewed.renewed_from == record
    assert _x509(renewed).public_key() != _x509(record).public_key()
    assert record.revocation_reason == Certificate.RevocationReason.SUPERSEDED
    assert record.events.filter(action=CertificateEvent.Action.RENEWED, actor=official).exists()


def test_a_token_signs_with_its_certificate_key_when_the_pin_is_right():
    record = _issue()
    token = services.create_usb_token(certificate=record, pin=PIN)
    signature = services.sign_with_usb_token(token=token, pin=PIN, data=DATA)
    _x509(record).public_key().verify(signature, DATA, padding.PKCS1v15(), hashes.SHA256())


def test_a_wrong_pin_counts_and_says_how_many_tries_are_left():
    token = services.create_usb_token(certificate=_issue(), pin=PIN)
    with pytest.raises(services.WrongPin) as refused:
        services.sign_with_usb_token(token=token, pin="000000", data=DATA)
    assert refused.value.tries_left == 2
    assert "còn 2 lần thử" in refused.value.message
    assert UsbToken.objects.get(pk=token.pk).failed_pin_attempts == 1


def test_three_wrong_pins_lock_the_token_even_for_the_right_pin():
    token = services.create_usb_token(certificate=_issue(), pin=PIN)
    for _ in range(2):
        with pytest.raises(services.WrongPin):
            services.sign_with_usb_token(token=token, pin="000000", data=DATA)
    with pytest.raises(services.TokenLocked):
        services.sign_with_usb_token(token=token, pin="000000", data=DATA)
    with pytest.raises(services.TokenLocked):
        services.sign_with_usb_token(token=token, pin=PIN, data=DATA)
    assert token.certificate.events.filter(action=CertificateEvent.Action.TOKEN_LOCKED).exists()


def test_a_right_pin_clears_earlier_wrong_ones():
    token = services.create_usb_token(certificate=_issue(), pin=PIN)
    with pytest.raises(services.WrongPin):
        services.sign_with_usb_token(token=token, pin="000000", data=DATA)
    services.sign_with_usb_token(token=token, pin=PIN, data=DATA)
    assert UsbToken.objects.get(pk=token.pk).failed_pin_attempts == 0


def test_unlocking_a_token_is_audited_with_the_reason():
    token = services.create_usb_token(certificate=_issue(), pin=PIN)
    UsbToken.objects.filter(pk=token.pk).update(failed_pin_attempts=3)
    official = UserFactory(is_staff=True)
    services.unlock_usb_token(token=token, actor=official, reason="Chủ thể đến quầy")
    assert not UsbToken.objects.get(pk=token.pk).is_locked
    event = token.certificate.events.get(action=CertificateEvent.Action.TOKEN_UNLOCKED)
    assert event.changes == {"failed_pin_attempts": [3, 0]}


def test_a_token_pin_has_six_digits():
    with pytest.raises(services.CertificateAuthorityError):
        services.create_usb_token(certificate=_issue(), pin="12345")
    assert not UsbToken.objects.exists()


@pytest.mark.parametrize("pin", ["246810\n", "２４６８１０", "٢٤٦٨١٠"])
def test_a_token_pin_takes_ascii_digits_only(pin):
    with pytest.raises(services.CertificateAuthorityError):
        services.create_usb_token(certificate=_issue(), pin=pin)
    token = services.create_usb_token(certificate=_issue(), pin=PIN)
    with pytest.raises(services.CertificateAuthorityError):
        services.unlock_usb_token(
            token=token, actor=UserFactory(is_staff=True), reason="Đổi PIN", pin=pin
        )
    assert UsbToken.objects.get().pin_hash == token.pin_hash


def test_pkcs12_round_trip_with_cryptographys_own_loader():
    record = _issue()
    bundle = services.export_pkcs12(certificate=record, password="Mat-khau-1")
    loaded = pkcs12.load_pkcs12(bundle, b"Mat-khau-1")
    assert loaded.cert.certificate == _x509(record)
    assert [extra.certificate for extra in loaded.additional_certs] == [services.root_certificate()]
    signature = loaded.key.sign(DATA, padding.PKCS1v15(), hashes.SHA256())
    _x509(record).public_key().verify(signature, DATA, padding.PKCS1v15(), hashes.SHA256())
    assert record.events.filter(action=CertificateEvent.Action.PKCS12_EXPORTED).exists()


def test_pkcs12_refuses_a_wrong_password():
    bundle = services.export_pkcs12(certificate=_issue(), password="Mat-khau-1")
    with pytest.raises(ValueError):
        pkcs12.load_pkcs12(bundle, b"wrong")


def test_a_certificate_issued_in_the_past_expires():
    with time_machine.travel(timezone.now() - timedelta(days=40), tick=False):
        record = _issue(valid_days=30)
    assert record.is_expired()


def test_a_signing_sim_certificate_signs_with_its_own_key():
    record = _issue(kind=Certificate.Kind.SIGNING_SIM, id_kind="CCCD", id_number="037190612345")
    signature = services.sign_with_certificate_key(certificate=record, data=DATA)
    _x509(record).public_key().verify(signature, DATA, padding.PKCS1v15(), hashes.SHA256())
