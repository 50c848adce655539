"""The shared check behind "USB ký số" and "Sim ký số": a signed challenge proves who logs in.

The portal issues a fresh single-use challenge bound to the login session (`issue_challenge`),
the citizen's device signs it, and `verify_signed_challenge` checks the signature with the
certificate's key, the certificate's chain to the CA root (the trust anchor, fetched over HTTP
by `CaClient`), its validity dates and the CA's CRL, then reads the personal ID in the subject.
`find_account` maps that ID to a portal account, and the view ends with
`login_flow.finish_login` like every other way in, its audit reason from `login_reason`. Each
refusal is its own `SignatureLoginError` with a Vietnamese message.
"""

import base64
import binascii
import logging
import secrets
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.http import HttpRequest

from admin_kit.redirects import local_url
from idnumbers.numbers import id_number_fits, mask_number

from .ca_client import CaClient, CaError
from .login_flow import SIGNING_SIM, USB_TOKEN
from .models import User

logger = logging.getLogger(__name__)

CHALLENGE_SESSION_KEY = "signature_login.challenges"
# The ways in that sign a challenge, with the name the citizen knows them by.
METHODS = {USB_TOKEN: "USB kÃ½ sá»", SIGNING_SIM: "Sim kÃ½ sá»"}


class SignatureLoginError(Exception):
    """A refused signature login: a stable code, the Vietnamese sentence and an HTTP status."""

    code = "refused"
    status = 400
    message = "Không đăng nhập được bằng chữ ký số."

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail


class ChallengeUsed(SignatureLoginError):
    code = "challenge_used"
    message = (
        "Yêu cầu đăng nhập này đã được sử dụng hoặc không do phiên làm việc này tạo ra, nên Cổng "
        "không đăng nhập. Vui lòng bấm đăng nhập lại để ký một yêu cầu mới."
    )


class ChallengeExpired(SignatureLoginError):
    code = "challenge_expired"
    message = (
        "Yêu cầu đăng nhập đã hết hạn (chỉ có hiệu lực trong 2 phút). Vui lòng bấm đăng nhập lại "
        "và ký xác nhận trong thời gian này."
    )


class UnknownCertificate(SignatureLoginError):
    code = "unknown_certificate"
    message = (
        "Cổng không đọc được chứng thư số gửi kèm chữ ký, hoặc chứng thư không mang số CMND/CCCD "
        "của chủ thể. Vui lòng kiểm tra thiết bị ký số hoặc liên hệ nhà cung cấp dịch vụ chứng "
        "thực chữ ký số."
    )


class ForeignCertificate(SignatureLoginError):
    code = "foreign_certificate"
    message = (
        "Chứng thư số này không do tổ chức cung cấp dịch vụ chứng thực chữ ký số được Cổng công "
        "nhận cấp, nên không dùng được để đăng nhập. Vui lòng dùng chứng thư số do CA được công "
        "nhận cấp."
    )


class ExpiredCertificate(SignatureLoginError):
    code = "expired_certificate"
    message = (
        "Chứng thư số đã hết hạn (hoặc chưa đến ngày có hiệu lực). Vui lòng liên hệ nhà cung cấp "
        "dịch vụ chứng thực chữ ký số để gia hạn, hoặc đăng nhập bằng cách khác."
    )


class RevokedCertificate(SignatureLoginError):
    code = "revoked_certificate"
    status = 403
    message = (
        "Chứng thư số đã bị thu hồi nên không còn dùng được để đăng nhập. Vui lòng liên hệ nhà "
        "cung cấp dịch vụ chứng thực chữ ký số, hoặc đăng nhập bằng cách khác."
    )


class BadSignature(SignatureLoginError):
    code = "bad_signature"
    message = (
        "Chữ ký số không hợp lệ: chữ ký không khớp với chứng thư số hoặc với yêu cầu đăng nhập. "
        "Cổng không đăng nhập. Vui lòng thử lại; nếu lỗi lặp lại, hãy liên hệ bộ phận Hỗ trợ."
    )


class NoMatchingAccount(SignatureLoginError):
    code = "no_account"
    status = 403
    message = (
        "Chứng thư số hợp lệ nhưng số CMND/CCCD trong chứng thư chưa gắn với tài khoản nào trên "
        "Cổng Dịch vụ công Quốc gia. Vui lòng đăng nhập bằng VNeID hoặc đăng ký tài khoản."
    )


class AccountLocked(SignatureLoginError):
    code = "account_locked"
    status = 403
    message = (
        "Tài khoản gắn với chứng thư số này đã bị khoá. Vui lòng liên hệ bộ phận Hỗ trợ của Cổng."
    )


class CaUnreachable(SignatureLoginError):
    code = "ca_unreachable"
    status = 503
    message = (
        "Chưa kết nối được tới tổ chức cung cấp dịch vụ chứng thực chữ ký số (CA) để kiểm tra "
        "chứng thư số, nên Cổng chưa đăng nhập. Vui lòng thử lại sau ít phút, hoặc đăng nhập "
        "bằng cách khác."
    )


@dataclass(frozen=True)
class PendingChallenge:
    """A challenge the session issued, with where the login goes afterwards."""

    value: str
    next_url: str


@dataclass(frozen=True)
class SignerIdentity:
    """Who signed, as the verified certificate says."""

    full_name: str
    id_kind: str
    id_number: str
    serial_number: str

    @property
    def masked(self) -> str:
        return f"{self.id_kind}:{mask_number(self.id_number)}"


def issue_challenge(request: HttpRequest, *, method: str, next_url: str = "") -> str:
    """Create a fresh challenge for method ("usb" or "sim"), bound to this session; return it."""
    if method not in METHODS:
        raise ValueError(f"Unknown signature login method {method!r}.")
    issued_at = int(time.time())
    value = f"DVCQG-DANG-NHAP|{method}|{secrets.token_urlsafe(32)}|{issued_at}"
    challenges = request.session.get(CHALLENGE_SESSION_KEY, {})
    # One pending challenge per method: starting again replaces an abandoned one.
    challenges[method] = {
        "value": value,
        "issued_at": issued_at,
        "next": local_url(request, next_url),
    }
    request.session[CHALLENGE_SESSION_KEY] = challenges
    return value


def peek_challenge(request: HttpRequest, *, method: str) -> PendingChallenge | None:
    """Return the method's pending challenge without using it (a waiting page shows it)."""
    pending = request.session.get(CHALLENGE_SESSION_KEY, {}).get(method)
    if not pending:
        return None
    return PendingChallenge(value=pending["value"], next_url=pending.get("next", ""))


def take_challenge(
    request: HttpRequest, *, method: str, presented: str | None = None
) -> PendingChallenge:
    """Remove and return the method's pending challenge; it can be used once only.

    Raises ChallengeUsed when there is none or `presented` is another one (a replay), and
    ChallengeExpired when it is older than SIGNATURE_CHALLENGE_SECONDS.
    """
    challenges = request.session.get(CHALLENGE_SESSION_KEY, {})
    pending = challenges.pop(method, None)
    request.session[CHALLENGE_SESSION_KEY] = challenges
    if not pending:
        raise ChallengeUsed("no pending challenge in the session")
    if presented is not None and not secrets.compare_digest(
        presented.encode(), pending["value"].encode()
    ):
        raise ChallengeUsed("the presented challenge is not the session's")
    if time.time() - pending["issued_at"] > settings.SIGNATURE_CHALLENGE_SECONDS:
        raise ChallengeExpired()
    return PendingChallenge(value=pending["value"], next_url=pending.get("next", ""))


def decode_signature(text: str) -> bytes:
    """Return the bytes of a base64 signature as a device sends it, or raise BadSignature."""
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise BadSignature("signature is not base64") from error


def verify_signed_challenge(
    *, challenge: str, certificate_pem: str, signature: bytes, client: CaClient | None = None
) -> SignerIdentity:
    """Check a signature over challenge and its certificate; return the signer's identity.

    The shared verification of the USB and SIM logins, in this order: the certificate can be
    read; it chains to the CA root; today is within its validity; the signature over the
    challenge verifies with its key; it is not on the CA's CRL; its subject carries a CMND or
    CCCD. Every failure raises its own SignatureLoginError.
    """
    certificate = _load_certificate(certificate_pem)
    with _client(client) as ca:
        try:
            root = ca.root_certificate()
        except CaError as error:
            raise CaUnreachable(repr(error)) from error
        _check_chain(certificate, root)
        _check_dates(certificate)
        _check_signature(certificate, challenge.encode("utf-8"), signature)
        try:
            crl = ca.crl(root)
        except CaError as error:
            raise CaUnreachable(repr(error)) from error
    _check_crl(certificate, crl)
    return _identity(certificate)


def find_account(identity: SignerIdentity) -> User:
    """Return the portal account of the certificate's CMND or CCCD, or raise.

    A CCCD finds the account that linked it or was registered with it; a CMND finds the account
    registered with it (its username or its CMND field). An account registered under the number
    comes first, as in the password login.
    """
    account: User | None = User.objects.by_signer_number(
        identity.id_number, is_cccd=identity.id_kind == "CCCD"
    ).first()
    if account is None:
        raise NoMatchingAccount(identity.masked)
    if not account.is_active:
        raise AccountLocked(identity.masked)
    return account


def login_reason(identity: SignerIdentity, *, method: str) -> str:
    """Return the audit reason of a signature login: the way in and the certificate, masked."""
    return (
        f"Đăng nhập bằng {METHODS[method]}: chứng thư số {identity.serial_number} "
        f"({identity.masked})."
    )


def log_refusal(method: str, error: SignatureLoginError) -> None:
    """Log a refused signature login without personal numbers."""
    logger.info("%s login refused: %s (%s)", method, error.code, error.detail)


def _load_certificate(pem: str) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate((pem or "").strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        raise UnknownCertificate("certificate is not PEM") from error


def _check_chain(certificate: x509.Certificate, root: x509.Certificate) -> None:
    try:
        certificate.verify_directly_issued_by(root)
    except (ValueError, TypeError, InvalidSignature) as error:
        raise ForeignCertificate(f"not issued by the root: {error!r}") from error
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    except x509.ExtensionNotFound:
        return
    if constraints.value.ca:
        raise ForeignCertificate("a CA certificate cannot sign a login")


def _check_dates(certificate: x509.Certificate) -> None:
    now = datetime.now(UTC)
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise ExpiredCertificate(
            f"valid {certificate.not_valid_before_utc:%Y-%m-%d}–"
            f"{certificate.not_valid_after_utc:%Y-%m-%d}"
        )


def _check_signature(certificate: x509.Certificate, data: bytes, signature: bytes) -> None:
    try:
        key = certificate.public_key()
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            raise BadSignature("unsupported key type")
    except (InvalidSignature, UnsupportedAlgorithm, ValueError) as error:
        raise BadSignature("signature does not verify") from error


def _check_crl(certificate: x509.Certificate, crl: x509.CertificateRevocationList) -> None:
    if crl.next_update_utc is not None and crl.next_update_utc < datetime.now(UTC):
        raise CaUnreachable("the CRL is out of date")
    if crl.get_revoked_certificate_by_serial_number(certificate.serial_number) is not None:
        raise RevokedCertificate(format(certificate.serial_number, "X"))


def _identity(certificate: x509.Certificate) -> SignerIdentity:
    uids = certificate.subject.get_attributes_for_oid(NameOID.USER_ID)
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if len(uids) != 1:
        raise UnknownCertificate("no single UID in the subject")
    kind, _, number = str(uids[0].value).partition(":")
    if not id_number_fits(kind, number):
        raise UnknownCertificate("the UID is not CMND:/CCCD: with a number of that kind")
    return SignerIdentity(
        full_name=str(names[0].value) if names else "",
        id_kind=kind,
        id_number=number,
        serial_number=format(certificate.serial_number, "X"),
    )


def _client(client: CaClient | None) -> AbstractContextManager[CaClient]:
    return nullcontext(client) if client is not None else CaClient()
