import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mobile_operator import services

PORTAL_KEY = "dvcm_test_key_of_the_portal"
PHONE = "0912345678"
PIN = "246810"


def self_signed(common_name):
    """Return (certificate PEM, key) of a throwaway EC key, for the SIM's chip."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode(), key


@pytest.fixture
def portal_client(db):
    return services.ensure_api_client(name="Cổng Dịch vụ công Quốc gia", raw_key=PORTAL_KEY)


@pytest.fixture
def sim(db):
    certificate_pem, key = self_signed("Tô Thị Nga")
    return services.provision_sim(
        phone_number=PHONE,
        holder_name="Tô Thị Nga",
        certificate_pem=certificate_pem,
        private_key=key,
        pin=PIN,
    )


@pytest.fixture
def api(client, portal_client):
    """The Django test client calling the operator's API with the portal's key."""

    class Api:
        def post(self, path, body, key=PORTAL_KEY):
            return client.post(
                f"/nha-mang/api/v1/{path}",
                body,
                content_type="application/json",
                headers={"Authorization": f"Bearer {key}"},
            )

        def get(self, path, key=PORTAL_KEY):
            return client.get(
                f"/nha-mang/api/v1/{path}", headers={"Authorization": f"Bearer {key}"}
            )

    return Api()
