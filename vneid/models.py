"""VNeID accounts, registered clients, codes, tokens, signing keys and login state."""

import hmac
import json
import secrets
import uuid
from typing import Any

from authlib.oauth2.rfc6749 import ClientMixin, scope_to_list
from authlib.oidc.core import AuthorizationCodeMixin
from django.contrib.auth.hashers import check_password
from django.db import models
from django.db.models import Q
from django.utils import timezone

from admin_kit.audit import AuditRecord, actor_field
from api_kit.keys import hash_secret
from citizen_registry.models import Citizen
from fault_switch.models import FaultSwitch
from idnumbers.numbers import mask_number
from oidc_kit.models import LogoutDeliveryRecord

# Sent as `acr`: the level of the electronic identity account (mức 1 / mức 2).
ACR_BY_LEVEL = {1: "vneid:level1", 2: "vneid:level2"}
TOKEN_ENDPOINT_AUTH_METHODS = ("client_secret_basic", "client_secret_post")


def new_sub() -> str:
    """Return a fresh opaque subject identifier."""
    return uuid.uuid4().hex


def new_sid() -> str:
    """Return a fresh public identifier of a login session (the `sid` claim)."""
    return secrets.token_urlsafe(24)


class VneidAccount(models.Model):
    """An electronic identity account (tài khoản định danh điện tử) of a registry citizen."""

    class Level(models.IntegerChoices):
        LEVEL_1 = 1, "Mức 1"
        LEVEL_2 = 2, "Mức 2"

    class Status(models.TextChoices):
        ACTIVE = "active", "Đang hoạt động"
        LOCKED = "locked", "Bị khoá"

    citizen = models.OneToOneField(
        Citizen, on_delete=models.PROTECT, related_name="vneid_account", verbose_name="công dân"
    )
    sub = models.CharField("mã định danh (sub)", max_length=32, unique=True, default=new_sub)
    password = models.CharField("mật khẩu", max_length=255)
    assurance_level = models.PositiveSmallIntegerField(
        "mức định danh", choices=Level.choices, default=Level.LEVEL_2
    )
    status = models.CharField(
        "trạng thái", max_length=6, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_login_at = models.DateTimeField("đăng nhập gần nhất", null=True, blank=True)

    class Meta:
        verbose_name = "tài khoản VNeID"
        verbose_name_plural = "tài khoản VNeID"

    def __str__(self) -> str:
        return f"{self.citizen.full_name} ({mask_number(self.personal_id_number)})"

    @property
    def personal_id_number(self) -> str:
        return self.citizen.cccd_number

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def acr(self) -> str:
        return ACR_BY_LEVEL[self.assurance_level]

    def check_password(self, raw_password: str) -> bool:
        return check_password(raw_password, self.password)


class OidcClient(models.Model, ClientMixin):
    """A relying party registered with VNeID; only a hash of its secret is kept."""

    client_id = models.CharField(max_length=48, unique=True, editable=False)
    client_secret_hash = models.CharField(max_length=255, editable=False)
    name = models.CharField("tên hệ thống", max_length=150)
    redirect_uris = models.TextField("địa chỉ chuyển hướng (mỗi dòng một địa chỉ)")
    post_logout_redirect_uris = models.TextField(
        "địa chỉ chuyển hướng sau đăng xuất (mỗi dòng một địa chỉ)", blank=True, default=""
    )
    allowed_scopes = models.CharField(
        "phạm vi được phép", max_length=255, default="openid profile vneid_identity"
    )
    # OpenID Connect Back-Channel / Front-Channel Logout 1.0: where VNeID tells the client that
    # a login it took part in has ended.
    backchannel_logout_uri = models.CharField(
        "địa chỉ nhận thông báo đăng xuất (back-channel)", max_length=2000, blank=True, default=""
    )
    frontchannel_logout_uri = models.CharField(
        "địa chỉ đăng xuất qua trình duyệt (front-channel)", max_length=2000, blank=True, default=""
    )
    is_active = models.BooleanField("đang hoạt động", default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Not a column: the admin holds a just-registered client's secret here to show it once.
    raw_secret: str

    class Meta:
        verbose_name = "hệ thống kết nối VNeID"
        verbose_name_plural = "hệ thống kết nối VNeID"

    def __str__(self) -> str:
        return self.name

    @property
    def redirect_uri_list(self) -> list[str]:
        return [line.strip() for line in self.redirect_uris.splitlines() if line.strip()]

    @property
    def post_logout_redirect_uri_list(self) -> list[str]:
        return [
            line.strip() for line in self.post_logout_redirect_uris.splitlines() if line.strip()
        ]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        # OpenID Connect requires redirect_uri in every request: no default to fall back on.
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = set(scope_to_list(self.allowed_scopes))
        return " ".join(item for item in scope_to_list(scope or "") if item in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uri_list

    def check_client_secret(self, client_secret: str | None) -> bool:
        # Client secrets are 256-bit random values, so a SHA-256 digest resists guessing as
        # well as a password hash would, without Argon2's ~100 ms on every token request.
        return hmac.compare_digest(hash_secret(client_secret or ""), self.client_secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in TOKEN_ENDPOINT_AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


class AuthorizationCode(models.Model, AuthorizationCodeMixin):
    """A single-use code bound to its client, redirect URI, PKCE challenge and login."""

    code_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(OidcClient, on_delete=models.CASCADE)
    account = models.ForeignKey(VneidAccount, on_delete=models.CASCADE)
    # The browser login it was issued in: ending that login revokes the tokens issued from it.
    login = models.ForeignKey(
        "LoginSession", on_delete=models.SET_NULL, null=True, blank=True, related_name="codes"
    )
    redirect_uri = models.CharField(max_length=2000)
    scope = models.CharField(max_length=255)
    nonce = models.CharField(max_length=255, blank=True, default="")
    code_challenge = models.CharField(max_length=128)
    code_challenge_method = models.CharField(max_length=8)
    auth_time = models.DateTimeField()
    # The issuer named in the ID token given for this code (set when it is exchanged).
    issuer = models.CharField(max_length=200, blank=True, default="")
    acr = models.CharField(max_length=32)
    amr = models.CharField(max_length=64, default="pwd")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "mã uỷ quyền"
        verbose_name_plural = "mã uỷ quyền"

    def __str__(self) -> str:
        return f"{self.client} → {self.account_id}"

    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce or None

    def get_auth_time(self) -> int:
        return int(self.auth_time.timestamp())

    def get_acr(self) -> str:
        return self.acr

    def get_amr(self) -> list[str]:
        return self.amr.split()


class AccessToken(models.Model):
    """A bearer token for userinfo; only its hash is kept."""

    token_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(OidcClient, on_delete=models.CASCADE)
    account = models.ForeignKey(VneidAccount, on_delete=models.CASCADE)
    authorization_code = models.ForeignKey(
        AuthorizationCode, on_delete=models.SET_NULL, null=True, blank=True, related_name="tokens"
    )
    scope = models.CharField(max_length=255)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "access token"
        verbose_name_plural = "access token"

    def __str__(self) -> str:
        return f"{self.client} → {self.account_id}"

    def is_usable(self) -> bool:
        return self.revoked_at is None and timezone.now() < self.expires_at


class SigningKey(models.Model):
    """An RSA key pair for ID tokens; exactly one is active, published ones appear in JWKS."""

    kid = models.CharField(max_length=64, unique=True)
    private_jwk = models.TextField(editable=False)
    is_active = models.BooleanField("đang dùng để ký", default=False)
    is_published = models.BooleanField("công bố trong JWKS", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "khoá ký"
        verbose_name_plural = "khoá ký"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="vneid_provider_one_active_signing_key",
            ),
            # A key that signs must be verifiable by relying parties.
            models.CheckConstraint(
                condition=Q(is_active=False) | Q(is_published=True),
                name="vneid_provider_active_key_published",
            ),
        ]

    def __str__(self) -> str:
        return self.kid

    @property
    def private_key_dict(self) -> dict[str, Any]:
        key: dict[str, Any] = json.loads(self.private_jwk)
        return key


class LoginSession(models.Model):
    """VNeID's own login state in a browser, found by the hash of its cookie value."""

    key_hash = models.CharField(max_length=64, unique=True)
    # Public, unlike the cookie: the `sid` of ID and logout tokens, the same for every client.
    sid = models.CharField(max_length=32, unique=True, default=new_sid)
    # The issuer the browser knew VNeID by when it logged in: logout tokens sent when this login
    # ends, perhaps from a command without a request, say the same.
    issuer = models.CharField(max_length=200, blank=True, default="")
    account = models.ForeignKey(VneidAccount, on_delete=models.CASCADE)
    auth_time = models.DateTimeField()
    amr = models.CharField(max_length=64, default="pwd")
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # A browser login made by approving its QR in the VNeID app: the app's login. Logging out of
    # the app ends the logins it approved.
    approved_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_logins",
    )
    # Set in memory by login_state.start_login only: the database keeps the hash.
    cookie_value: str
    cookie_name: str

    class Meta:
        verbose_name = "phiên đăng nhập VNeID"
        verbose_name_plural = "phiên đăng nhập VNeID"

    def __str__(self) -> str:
        return f"{self.account_id} @ {self.auth_time:%Y-%m-%d %H:%M}"


class LoginFailure(models.Model):
    """One failed password login, counted for throttling by number and by address."""

    personal_id_number = models.CharField(max_length=32, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # False while the password is being checked: it counts against its number at once, and
    # against its address only once it was found wrong.
    checked = models.BooleanField(default=False)

    class Meta:
        verbose_name = "đăng nhập sai"
        verbose_name_plural = "đăng nhập sai"

    def __str__(self) -> str:
        return f"{mask_number(self.personal_id_number)} {self.created_at:%Y-%m-%d %H:%M}"


class AuditEvent(AuditRecord):
    """One security-relevant event of the provider."""

    class Kind(models.TextChoices):
        LOGIN_SUCCEEDED = "login_succeeded", "Đăng nhập thành công"
        LOGIN_FAILED = "login_failed", "Đăng nhập sai"
        LOGIN_THROTTLED = "login_throttled", "Đăng nhập bị tạm khoá"
        LOGIN_LOCKED_ACCOUNT = "login_locked_account", "Đăng nhập vào tài khoản bị khoá"
        CODE_REUSED = "code_reused", "Mã uỷ quyền bị dùng lại"
        QR_APPROVED = "qr_approved", "Xác nhận đăng nhập bằng mã QR"
        QR_REFUSED = "qr_refused", "Từ chối đăng nhập bằng mã QR"
        CLIENT_CREATED = "client_created", "Đăng ký hệ thống kết nối"
        ACCOUNT_SAVED = "account_saved", "Tạo / cập nhật tài khoản VNeID"
        KEY_ROTATED = "key_rotated", "Xoay vòng khoá ký"
        CLIENT_CHANGED = "client_changed", "Sửa hệ thống kết nối"
        CLIENT_SECRET_ISSUED = "client_secret_issued", "Cấp lại client secret"
        REQUEST_ANSWERED = "request_answered", "Trả lời yêu cầu (authorize, token, userinfo)"
        LOGOUT_DELIVERED = "logout_delivered", "Đã gửi thông báo đăng xuất (back-channel)"
        LOGOUT_FAILED = "logout_failed", "Gửi thông báo đăng xuất (back-channel) thất bại"

    kind = models.CharField("sự kiện", max_length=24, choices=Kind.choices)
    account = models.ForeignKey(
        VneidAccount,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="tài khoản VNeID",
    )
    client = models.ForeignKey(
        OidcClient,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="hệ thống kết nối",
    )
    detail = models.CharField("chi tiết", max_length=255, blank=True, default="")
    # VNeID's only actors are officials making admin changes.
    actor = actor_field("cán bộ")
    # A request answered (REQUEST_ANSWERED): which endpoint, its status and how long it took.
    endpoint = models.CharField("điểm cuối", max_length=20, blank=True, default="")
    status_code = models.PositiveSmallIntegerField("mã trạng thái", null=True, blank=True)
    duration_ms = models.PositiveIntegerField("thời gian xử lý (ms)", null=True, blank=True)
    # A digest of the authorization request (client and state): ties the login page's request,
    # answered before anyone logged in, to the account that then logged in.
    flow = models.CharField(max_length=16, blank=True, default="", db_index=True)

    class Meta(AuditRecord.Meta):
        verbose_name = "nhật ký VNeID"
        verbose_name_plural = "nhật ký VNeID"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class QrLogin(models.Model):
    """A QR login: shown by a waiting browser, approved or refused in the VNeID app."""

    # The QR carries one secret (for the app); the waiting browser holds another (its ticket),
    # so whoever sees the QR cannot collect the login it leads to.

    class Status(models.TextChoices):
        PENDING = "pending", "Đang chờ xác nhận"
        APPROVED = "approved", "Đã xác nhận"
        REFUSED = "refused", "Đã từ chối"
        USED = "used", "Đã sử dụng"

    qr_token_hash = models.CharField(max_length=64, unique=True)
    ticket_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(OidcClient, on_delete=models.CASCADE)
    account = models.ForeignKey(VneidAccount, on_delete=models.CASCADE, null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    # The app's login that approved it: the browser's login is tied to it.
    approved_in = models.ForeignKey(
        LoginSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "đăng nhập bằng mã QR"
        verbose_name_plural = "đăng nhập bằng mã QR"

    def __str__(self) -> str:
        return f"{self.client} {self.get_status_display()}"

    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class ServiceFault(FaultSwitch):
    """The sandbox's switch for making VNeID slow, failing or down (one row)."""

    class Meta:
        verbose_name = "giả lập sự cố VNeID"
        verbose_name_plural = "giả lập sự cố VNeID"


class UndeliveredLogout(LogoutDeliveryRecord):
    """A logout token a client did not accept; `retry_logout_deliveries` sends a fresh one."""

    # The issuer of the login that ended: the fresh token must name the same one.
    issuer = models.CharField("nhà cung cấp (iss)", max_length=200)

    class Meta(LogoutDeliveryRecord.Meta):
        verbose_name = "thông báo đăng xuất chưa gửi được"
        verbose_name_plural = "thông báo đăng xuất chưa gửi được"
