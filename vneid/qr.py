"""QR login: the browser shows a short-lived QR, the VNeID app approves it, the browser collects.

| state    | app (scan link)                  | waiting browser (ticket)          |
|----------|----------------------------------|-----------------------------------|
| pending  | shows who asks; approve / refuse | keeps waiting                     |
| approved | "already used"                   | continues to the service, once    |
| refused  | "already used"                   | "you refused"                     |
| used     | "already used"                   | "already used"                    |
| expired  | "expired"                        | "expired", reload for a new QR    |
"""

import secrets
from datetime import timedelta

import segno
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from api_kit.keys import hash_secret

from . import organisations
from .models import AuditEvent, LoginSession, OidcClient, QrLogin, VneidAccount

LIFETIME = timedelta(minutes=2)

MESSAGES = {
    "invalid": "Mã QR không hợp lệ. Vui lòng quét lại mã đang hiển thị trên trang đăng nhập.",
    "expired": "Mã QR đã hết hạn. Vui lòng tải lại trang đăng nhập để lấy mã mới.",
    "refused": "Yêu cầu đăng nhập đã bị từ chối trên ứng dụng VNeID.",
    "used": "Mã QR này đã được sử dụng. Vui lòng tải lại trang đăng nhập để lấy mã mới.",
    "other_service": "Mã QR này được tạo cho một dịch vụ khác.",
}


class QrProblem(Exception):
    """A QR login that cannot go on; `code` is a key of MESSAGES."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = MESSAGES[code]


def start(*, client: OidcClient) -> tuple[QrLogin, str, str]:
    """Create a pending QR login for client; return (qr_login, qr_token, ticket)."""
    qr_token = secrets.token_urlsafe(24)
    ticket = secrets.token_urlsafe(32)
    now = timezone.now()
    qr_login = QrLogin.objects.create(
        qr_token_hash=hash_secret(qr_token),
        ticket_hash=hash_secret(ticket),
        client=client,
        created_at=now,
        expires_at=now + LIFETIME,
    )
    return qr_login, qr_token, ticket


def scan_path(qr_token: str) -> str:
    """Return the path the QR encodes: the app's page for this QR."""
    return reverse("vneid:app_scan", args=[qr_token])


def svg(link: str) -> str:
    """Return the QR of link as inline SVG."""
    image: str = segno.make(link, error="m").svg_inline(scale=4, title="Mã QR đăng nhập VNeID")
    return image


def _problem_of(qr_login: QrLogin) -> str | None:
    if qr_login.status == QrLogin.Status.REFUSED:
        return "refused"
    if qr_login.status == QrLogin.Status.USED:
        return "used"
    if qr_login.is_expired():
        return "expired"
    return None


def for_scan(qr_token: str | None) -> QrLogin:
    """Return the pending QR login a scanned token names, or raise QrProblem."""
    qr_login = (
        QrLogin.objects.select_related("client")
        .filter(qr_token_hash=hash_secret(qr_token or ""))
        .first()
    )
    if qr_login is None:
        raise QrProblem("invalid")
    if qr_login.is_expired() and qr_login.status == QrLogin.Status.PENDING:
        raise QrProblem("expired")
    if qr_login.status != QrLogin.Status.PENDING:
        raise QrProblem("used")
    return qr_login


@transaction.atomic
def decide(
    *,
    qr_token: str | None,
    account: VneidAccount,
    approve: bool,
    app_login: LoginSession | None = None,
) -> QrLogin:
    """Approve or refuse a pending QR login as account (logged in to the app as app_login)."""
    qr_login = for_scan(qr_token)
    status = QrLogin.Status.APPROVED if approve else QrLogin.Status.REFUSED
    # The app switched to an organisation approves as it: the browser's login acts for it too
    # (checked again now, so a revoked authorisation approves as the person).
    acting = organisations.current_acting(app_login) if approve and app_login else None
    organisation = acting.organisation if acting is not None else None
    # Conditional: of two devices deciding at once, only the first one counts.
    updated = QrLogin.objects.filter(
        pk=qr_login.pk, status=QrLogin.Status.PENDING, expires_at__gt=timezone.now()
    ).update(
        status=status,
        account=account,
        decided_at=timezone.now(),
        approved_in=app_login,
        organisation=organisation,
    )
    if not updated:
        raise QrProblem("used")
    kind = AuditEvent.Kind.QR_APPROVED if approve else AuditEvent.Kind.QR_REFUSED
    AuditEvent.record(kind=kind, account=account, client=qr_login.client)
    return qr_login


def status(ticket: str | None) -> str:
    """Return what the waiting browser should do: pending, approved, or a QrProblem code."""
    qr_login = QrLogin.objects.filter(ticket_hash=hash_secret(ticket or "")).first()
    if qr_login is None:
        return "invalid"
    return _problem_of(qr_login) or qr_login.status


@transaction.atomic
def redeem(*, ticket: str | None, client: OidcClient) -> QrLogin:
    """Collect an approved QR login for client, once; return it (its account is active)."""
    qr_login = (
        QrLogin.objects.select_for_update(of=("self",))
        .select_related("account__citizen")
        .filter(ticket_hash=hash_secret(ticket or ""))
        .first()
    )
    if qr_login is None:
        raise QrProblem("invalid")
    problem = _problem_of(qr_login)
    if problem:
        raise QrProblem(problem)
    if qr_login.status != QrLogin.Status.APPROVED:
        raise QrProblem("invalid")
    if qr_login.client_id != client.pk:
        raise QrProblem("other_service")
    if qr_login.account is None or not qr_login.account.is_active:
        raise QrProblem("invalid")
    qr_login.status = QrLogin.Status.USED
    qr_login.used_at = timezone.now()
    qr_login.save(update_fields=["status", "used_at"])
    return qr_login
