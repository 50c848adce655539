"""X.509 building blocks of the sandbox CA, all done by `cryptography` (no hand-rolled crypto)."""

from collections.abc import Iterable
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

KEY_SIZE = 2048

# The keys the CA makes and stores: RSA for certificates, ECDSA P-256 for devices.
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey


def new_private_key() -> rsa.RSAPrivateKey:
    """Return a fresh RSA 2048 key, the size Vietnamese signing certificates use."""
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def new_ec_private_key() -> ec.EllipticCurvePrivateKey:
    """Return a fresh ECDSA P-256 key: a device key that costs almost nothing to make."""
    return ec.generate_private_key(ec.SECP256R1())


def root_name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "DVC Sandbox"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def holder_name(*, full_name: str, subject_uid: str) -> x509.Name:
    """Return the subject of a signing certificate: the holder's name and UID like CMND:…."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.COMMON_NAME, full_name),
            x509.NameAttribute(NameOID.USER_ID, subject_uid),
        ]
    )


def build_root(
    *, common_name: str, key: PrivateKey, not_before: datetime, not_after: datetime
) -> x509.Certificate:
    """Return a self-signed root certificate that may sign certificates and CRLs."""
    name = root_name(common_name)
    public_key = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )


def build_certificate(
    *,
    issuer_certificate: x509.Certificate,
    issuer_key: PrivateKey,
    subject: x509.Name,
    public_key: PublicKey,
    serial_number: int,
    not_before: datetime,
    not_after: datetime,
    crl_url: str = "",
) -> x509.Certificate:
    """Return a signing certificate for public_key, issued by the given CA."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_certificate.subject)
        .public_key(public_key)
        .serial_number(serial_number)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    if crl_url:
        point = x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_url)],
            relative_name=None,
            reasons=None,
            crl_issuer=None,
        )
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def build_crl(
    *,
    issuer_certificate: x509.Certificate,
    issuer_key: PrivateKey,
    revoked: Iterable[tuple[int, datetime, x509.ReasonFlags]],
    last_update: datetime,
    next_update: datetime,
    number: int,
) -> x509.CertificateRevocationList:
    """Return a CRL signed by the CA; revoked holds (serial, revoked_at, ReasonFlags) triples."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer_certificate.subject)
        .last_update(last_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    for serial_number, revoked_at, reason in revoked:
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(serial_number)
            .revocation_date(revoked_at)
            .add_extension(x509.CRLReason(reason), critical=False)
            .build()
        )
        builder = builder.add_revoked_certificate(entry)
    return builder.sign(issuer_key, hashes.SHA256())


def sign(key: PrivateKey, data: bytes) -> bytes:
    """Sign data as a signing device does: RSA PKCS#1 v1.5 or ECDSA, both over SHA-256."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256()))
    return key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def key_to_pem(key: PrivateKey, password: bytes) -> str:
    """Return the private key as PEM, encrypted with password."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password),
    ).decode("ascii")


def key_from_pem(pem: str, password: bytes) -> PrivateKey:
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=password)
    # The CA stores only the keys it made; anything else is not one of its keys.
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise TypeError(f"Not an RSA or ECDSA private key: {type(key).__name__}.")
    return key


def certificate_to_pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def certificate_from_pem(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode("ascii"))


def pkcs12_bundle(
    *,
    friendly_name: str,
    key: PrivateKey,
    certificate: x509.Certificate,
    ca_certificate: x509.Certificate,
    password: bytes,
) -> bytes:
    """Return a PKCS#12 file holding the key, its certificate and the CA, under password."""
    return pkcs12.serialize_key_and_certificates(
        friendly_name.encode("utf-8"),
        key,
        certificate,
        [ca_certificate],
        serialization.BestAvailableEncryption(password),
    )
