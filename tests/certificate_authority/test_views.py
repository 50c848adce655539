"""The CA's HTTP endpoints: the root certificate and the CRL, as relying parties fetch them."""

import pytest
from cryptography import x509
from django.urls import reverse

from certificate_authority import services
from certificate_authority.models import Certificate

pytestmark = pytest.mark.django_db


def test_the_root_is_served_as_pem(client):
    response = client.get(reverse("certificate_authority:root_certificate"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-pem-file"
    assert x509.load_pem_x509_certificate(response.content) == services.root_certificate()


def test_the_root_is_served_as_der_on_request(client):
    response = client.get(reverse("certificate_authority:root_certificate"), {"format": "der"})
    assert x509.load_der_x509_certificate(response.content) == services.root_certificate()


def test_the_crl_is_der_signed_by_the_root_and_lists_revoked_serials(client):
    record = services.issue_certificate(
        holder_name="Tô Thị Nga", id_kind="CMND", id_number="164438056", kind="usb_token"
    )
    services.revoke_certificate(
        certificate=record, revocation_reason=Certificate.RevocationReason.CESSATION_OF_OPERATION
    )
    response = client.get(reverse("certificate_authority:crl"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pkix-crl"
    assert "no-cache" in response["Cache-Control"]
    crl = x509.load_der_x509_crl(response.content)
    assert crl.is_signature_valid(services.root_certificate().public_key())
    assert crl.get_revoked_certificate_by_serial_number(int(record.serial_number, 16))


def test_the_crl_is_also_served_as_pem(client):
    response = client.get(reverse("certificate_authority:crl_pem"))
    crl = x509.load_pem_x509_crl(response.content)
    assert crl.is_signature_valid(services.root_certificate().public_key())


def test_the_endpoints_refuse_post(client):
    assert client.post(reverse("certificate_authority:crl")).status_code == 405


def test_an_account_without_cccd_reaches_the_ca_without_the_cccd_screen(client):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory(cccd_number=""))
    assert client.get(reverse("certificate_authority:root_certificate")).status_code == 200
    assert client.get(reverse("certificate_authority:crl")).status_code == 200
