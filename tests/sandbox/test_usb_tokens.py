"""The personas' USB tokens: in personas --json, on the console, reset, and as PKCS#12."""

import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.management import call_command
from django.urls import reverse

from certificate_authority import services as ca
from certificate_authority.models import CertificateEvent, UsbToken
from sandbox.personas import ensure_personas, reset_persona
from sandbox.usb_tokens import PKCS12_PASSWORD, USB_TOKEN_PINS
from tests.personas import AN_CCCD, NGA_CMND


@pytest.fixture
def personas(db):
    ensure_personas()


def _json(capsys):
    call_command("personas", "--json")
    return {item["key"]: item for item in json.loads(capsys.readouterr().out)}


def test_every_persona_with_a_portal_account_has_a_usb_token(personas, capsys):
    by_key = _json(capsys)
    nga = by_key["nga"]["usb_token"]
    assert nga["pin"] == USB_TOKEN_PINS["nga"] == "123456"
    assert nga["certificate"]["subject_uid"] == f"CMND:{NGA_CMND}"
    assert nga["pkcs12_password"] == PKCS12_PASSWORD
    certificate = x509.load_pem_x509_certificate(nga["certificate"]["pem"].encode())
    assert format(certificate.serial_number, "X") == nga["certificate"]["serial_number"]
    certificate.verify_directly_issued_by(ca.root_certificate())
    assert by_key["an"]["usb_token"]["certificate"]["subject_uid"] == f"CCCD:{AN_CCCD}"
    assert by_key["hoa"]["usb_token"] is None


def test_the_console_lists_the_tokens_with_their_pins(personas, client):
    page = client.get(reverse("sandbox:console")).content.decode()
    assert 'data-usb-token="nga"' in page
    assert "<code>123456</code>" in page


def test_a_reset_unlocks_the_token_and_replaces_a_revoked_certificate(personas):
    token = UsbToken.objects.get(certificate__id_number=NGA_CMND)
    old = token.certificate
    UsbToken.objects.filter(pk=token.pk).update(failed_pin_attempts=3)
    ca.revoke_certificate(certificate=old, revocation_reason="key_compromise")
    reset_persona("nga")
    token.refresh_from_db()
    assert not token.is_locked
    assert token.certificate != old
    assert not token.certificate.is_revoked
    ca.sign_with_usb_token(token=token, pin="123456", data=b"x")


def test_a_reset_keeps_a_good_certificate(personas):
    token = UsbToken.objects.get(certificate__id_number=NGA_CMND)
    reset_persona("nga")
    token.refresh_from_db()
    assert UsbToken.objects.get(pk=token.pk).certificate_id == token.certificate_id


def test_the_pkcs12_download_opens_with_the_printed_password(personas, client):
    response = client.get(reverse("sandbox:persona_pkcs12", args=["nga"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-pkcs12"
    loaded = pkcs12.load_pkcs12(response.content, PKCS12_PASSWORD.encode())
    token = UsbToken.objects.get(certificate__id_number=NGA_CMND)
    assert loaded.cert.certificate == x509.load_pem_x509_certificate(
        token.certificate.certificate_pem.encode()
    )
    assert token.certificate.events.filter(action=CertificateEvent.Action.PKCS12_EXPORTED).exists()


def test_a_persona_without_a_portal_account_has_no_pkcs12(personas, client):
    assert client.get(reverse("sandbox:persona_pkcs12", args=["hoa"])).status_code == 404


def test_the_plugin_and_the_downloads_are_off_without_the_sandbox(personas, client, settings):
    settings.SANDBOX_ENABLED = False
    assert client.get(reverse("sandbox:signing_plugin")).status_code == 404
    assert client.get(reverse("sandbox:persona_pkcs12", args=["nga"])).status_code == 404


def test_export_certificate_writes_pkcs12_and_prints_the_password(personas, tmp_path, capsys):
    out = tmp_path / "nga.p12"
    call_command("export_certificate", "--persona", "nga", "--out", str(out))
    printed = capsys.readouterr().out
    assert f"password: {PKCS12_PASSWORD}" in printed
    assert f"UID=CMND:{NGA_CMND}" in printed
    loaded = pkcs12.load_pkcs12(out.read_bytes(), PKCS12_PASSWORD.encode())
    assert loaded.cert.certificate.subject.rfc4514_string().endswith("C=VN")


def test_export_certificate_refuses_a_persona_without_an_account(personas, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="không có USB ký số"):
        call_command("export_certificate", "--persona", "hoa", "--out", str(tmp_path / "x"))
