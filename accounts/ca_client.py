"""The portal's one way to reach the sandbox CA: its root certificate and CRL over HTTP."""

import hashlib
import logging
from urllib.parse import urljoin

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from django.core.cache import cache

from api_kit.client import ApiCallError, ApiClient

from .conf import ca_settings

logger = logging.getLogger(__name__)


# The key types a root may sign its CRL with.
CERTIFICATE_SIGNING_KEYS = (
    dsa.DSAPublicKey,
    rsa.RSAPublicKey,
    ec.EllipticCurvePublicKey,
    ed25519.Ed25519PublicKey,
    ed448.Ed448PublicKey,
)


class CaError(ApiCallError):
    """The CA did not give a usable answer."""


class CaTimeout(CaError):
    """The CA did not answer within the timeout."""


class CaUnavailable(CaError):
    """The CA could not be reached or answered with a server error."""


class CaBadResponse(CaError):
    """The CA answered something that is not a trustworthy root or CRL."""


class CaClient(ApiClient):
    """Fetch the CA's root (the trust anchor) and CRL, with a timeout, a cache and typed errors.

    The root is kept for CA.ROOT_CACHE_SECONDS and, when CA.ROOT_SHA256 is set, must have that
    fingerprint; the CRL is kept for CA.CRL_CACHE_SECONDS and must be signed by the root.
    """

    settings = ca_settings
    timeout_error = CaTimeout
    unavailable_error = CaUnavailable
    bad_response_error = CaBadResponse

    def root_certificate(self) -> x509.Certificate:
        """Return the CA's self-signed root certificate, the anchor of every chain."""
        key = f"ca_client.root:{self.base_url}"
        pem = cache.get(key)
        if pem is None:
            pem = self._get("root.crt")
            root = self._parse_root(pem)
            cache.set(key, pem, ca_settings.ROOT_CACHE_SECONDS)
            return root
        return self._parse_root(pem)

    def crl(self, root: x509.Certificate) -> x509.CertificateRevocationList:
        """Return the CA's current CRL, checked against root."""
        key = f"ca_client.crl:{self.base_url}"
        der = cache.get(key)
        fetched = der is None
        if fetched:
            der = self._get("crl")
        try:
            crl = x509.load_der_x509_crl(der)
        except ValueError as error:
            raise CaBadResponse("the CRL is not DER") from error
        public_key = root.public_key()
        # A root with a key-agreement key (X25519, DH…) cannot sign: no CRL of it is valid.
        if (
            crl.issuer != root.subject
            or not isinstance(public_key, CERTIFICATE_SIGNING_KEYS)
            or not crl.is_signature_valid(public_key)
        ):
            raise CaBadResponse("the CRL is not signed by the root")
        if fetched and ca_settings.CRL_CACHE_SECONDS > 0:
            cache.set(key, der, ca_settings.CRL_CACHE_SECONDS)
        return crl

    def _parse_root(self, pem: bytes) -> x509.Certificate:
        try:
            root = x509.load_pem_x509_certificate(pem)
        except ValueError as error:
            raise CaBadResponse("the root is not a PEM certificate") from error
        pinned = ca_settings.ROOT_SHA256.replace(":", "").lower()
        if pinned:
            der = root.public_bytes(serialization.Encoding.DER)
            if hashlib.sha256(der).hexdigest() != pinned:
                raise CaBadResponse("the root does not have the configured fingerprint")
        try:
            constraints = root.extensions.get_extension_for_class(x509.BasicConstraints).value
            root.verify_directly_issued_by(root)
        except (x509.ExtensionNotFound, InvalidSignature, ValueError, TypeError) as error:
            raise CaBadResponse("the root is not a self-signed CA certificate") from error
        if not constraints.ca:
            raise CaBadResponse("the root is not a CA certificate")
        return root

    def _get(self, endpoint: str) -> bytes:
        return self._call_bytes("GET", urljoin(self.base_url, endpoint), name=endpoint)
