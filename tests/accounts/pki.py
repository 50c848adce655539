"""A small PKI made by the tests themselves: CAs, certificates, CRLs and signatures."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

CA_BASE = "http://ca.test/ca/"
ROOT_URL = CA_BASE + "root.crt"
CRL_URL = CA_BASE + "crl"


def _name(common_name, uid=None):
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if uid is not None:
        attributes.append(x509.NameAttribute(NameOID.USER_ID, uid))
    return x509.Name(attributes)


@dataclass
class Holder:
    certificate: x509.Certificate
    key: object

    @property
    def pem(self):
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    def sign(self, data: bytes) -> bytes:
        if isinstance(self.key, ec.EllipticCurvePrivateKey):
            return self.key.sign(data, ec.ECDSA(hashes.SHA256()))
        return self.key.sign(data, padding.PKCS1v15(), hashes.SHA256())


@dataclass
class OwnCa:
    """A root CA with its key; issues holder certificates and signs CRLs."""

    name: str = "CA thử nghiệm DVC Sandbox"
    key: object = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    revoked: list = field(default_factory=list)

    def __post_init__(self):
        now = datetime.now(UTC)
        subject = _name(self.name)
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(self.key, hashes.SHA256())
        )

    @property
    def pem(self):
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def issue(self, *, uid="CMND:164438056", name="Tô Thị Nga", days=(-1, 365), key=None):
        key = key or ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(_name(name, uid))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now + timedelta(days=days[0]))
            .not_valid_after(now + timedelta(days=days[1]))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        return Holder(certificate=certificate, key=key)

    def revoke(self, holder):
        self.revoked.append(holder.certificate.serial_number)

    def crl_der(self, *, next_update_hours=24, signer=None):
        now = datetime.now(UTC)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(now - timedelta(hours=abs(next_update_hours) + 1))
            .next_update(now + timedelta(hours=next_update_hours))
        )
        for serial in self.revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(now - timedelta(minutes=1))
                .build()
            )
        crl = builder.sign(signer or self.key, hashes.SHA256())
        return crl.public_bytes(serialization.Encoding.DER)


def publish(mock, ca, *, crl=True):
    """Serve ca's root and CRL at the portal's CA_BASE_URL through a responses mock."""
    mock.get(ROOT_URL, body=ca.pem, content_type="application/x-pem-file")
    if crl:
        mock.get(CRL_URL, body=ca.crl_der(), content_type="application/pkix-crl")


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)
