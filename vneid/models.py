"""VNeID accounts, registered clients, codes, tokens, signing keys and login state."""

import secrets
import uuid

from django.contrib.auth.hashers import check_password
from django.db import models
from django.utils import timezone

from citizen_registry.models import Citizen
from fault_switch.models import FaultSwitch
from idnumbers.numbers import mask_number
from oidc_kit.models import AnsweredRequestRecord, LogoutDeliveryRecord
from oidc_kit.provider_models import (
    ProviderAccessToken,
    ProviderAuthorizationCode,
    ProviderClient,
    ProviderSigningKey,
)

# Sent as `acr`: the level of the electronic identity account (mức 1 / mức 2).
ACR_BY_LEVEL = {1: "vneid:level1", 2: "vneid:level2"}


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


class OidcClient(ProviderClient):
    """A relying party registered with VNeID; only a hash of its secret is kept."""

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

    class Meta:
        verbose_name = "hệ thống kết nối VNeID"
        verbose_name_plural = "hệ thống kết nối VNeID"


class AuthorizationCode(ProviderAuthorizationCode):
    """A single-use code bound to its client, redirect URI, PKCE challenge and login."""

    client = models.ForeignKey(OidcClient, on_delete=models.CASCADE)
    account = models.ForeignKey(VneidAccount, on_delete=models.CASCADE)
    # The browser login it was issued in: ending that login revokes the tokens issued from it.
    login = models.ForeignKey(
        "LoginSession", on_delete=models.SET_NULL, null=True, blank=True, related_name="codes"
    )
    code_challenge = models.CharField(max_length=128)
    code_challenge_method = models.CharField(max_length=8)
    # The issuer named in the ID token given for this code (set when it is exchanged).
    issuer = models.CharField(max_length=200, blank=True, default="")
    acr = models.CharField(max_length=32)

    class Meta(ProviderAuthorizationCode.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.client} → {self.account_id}"


class AccessToken(ProviderAccessToken):
    """A bearer token for userinfo; only its hash is kept."""

    client = models.ForeignKey(OidcClient, on_delete=models.CASCADE)
    account = models.ForeignKey(VneidAccount, on_delete=models.CASCADE)
    authorization_code = models.ForeignKey(
        AuthorizationCode, on_delete=models.SET_NULL, null=True, blank=True, related_name="tokens"
    )

    class Meta(ProviderAccessToken.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.client} → {self.account_id}"


class SigningKey(ProviderSigningKey):
    """An RSA key pair for ID tokens; exactly one is active, published ones appear in JWKS."""

    class Meta(ProviderSigningKey.Meta):
        pass


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


class AuditEvent(AnsweredRequestRecord):
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
    # A request answered (REQUEST_ANSWERED): which endpoint. Its `flow` is a digest of the
    # authorization request (client and state).
    endpoint = models.CharField("điểm cuối", max_length=20, blank=True, default="")

    class Meta(AnsweredRequestRecord.Meta):
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
