"""The national login service's clients, subjects, codes, tokens, keys, sessions and audit trail."""

import hmac
import json
import uuid
from typing import Any

from authlib.oauth2.rfc6749 import ClientMixin, scope_to_list
from authlib.oidc.core import AuthorizationCodeMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from admin_kit.audit import AuditRecord, actor_field
from api_kit.keys import hash_secret
from fault_switch.models import FaultSwitch
from idnumbers.numbers import mask_number
from oidc_kit.models import LogoutDeliveryRecord as BaseLogoutDeliveryRecord

TOKEN_ENDPOINT_AUTH_METHODS = ("client_secret_basic", "client_secret_post")
LOA1 = "LoA1"
LOA2 = "LoA2"
LEVEL_BY_ACR = {LOA1: 1, LOA2: 2}


def new_opaque_id() -> str:
    """Return a fresh opaque identifier (32 hex digits)."""
    return uuid.uuid4().hex


def new_tech_id() -> str:
    """Return a fresh TechID, shaped like the real service's (a UUID with dashes)."""
    return str(uuid.uuid4())


class AttributeProfile(models.TextChoices):
    """Which names a client receives the citizen's attributes under."""

    DVCQG = "dvcqg", "DVCQG (tên thuộc tính của hệ thống thật)"
    OIDC = "oidc", "OpenID Connect chuẩn"


class Idp(models.TextChoices):
    """Where the citizen authenticated: VNeID, or an account the national portal issued."""

    VNEID = "BCA", "Tài khoản định danh điện tử VNeID"
    ISSUED = "DVCQG", "Tài khoản được cấp"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class NationalClient(models.Model, ClientMixin):
    """A portal registered with the national login service; only a hash of its secret is kept."""

    client_id = models.CharField(max_length=48, unique=True, editable=False)
    client_secret_hash = models.CharField(max_length=255, editable=False)
    name = models.CharField("tên hệ thống", max_length=150)
    redirect_uris = models.TextField("địa chỉ chuyển hướng (mỗi dòng một địa chỉ)")
    post_logout_redirect_uris = models.TextField(
        "địa chỉ chuyển hướng sau đăng xuất (mỗi dòng một địa chỉ)", blank=True, default=""
    )
    backchannel_logout_uri = models.URLField(
        "địa chỉ nhận đăng xuất back-channel", max_length=2000, blank=True, default=""
    )
    frontchannel_logout_uri = models.URLField(
        "địa chỉ nhận đăng xuất front-channel", max_length=2000, blank=True, default=""
    )
    attribute_profile = models.CharField(
        "bộ thuộc tính trả về",
        max_length=8,
        choices=AttributeProfile.choices,
        default=AttributeProfile.DVCQG,
    )
    allowed_scopes = models.CharField("phạm vi được phép", max_length=255, default="openid")
    is_active = models.BooleanField("đang hoạt động", default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Not a column: the admin holds a just-registered client's secret here to show it once.
    raw_secret: str

    class Meta:
        verbose_name = "hệ thống kết nối"
        verbose_name_plural = "hệ thống kết nối"

    def __str__(self) -> str:
        return self.name

    @property
    def redirect_uri_list(self) -> list[str]:
        return _lines(self.redirect_uris)

    @property
    def post_logout_redirect_uri_list(self) -> list[str]:
        return _lines(self.post_logout_redirect_uris)

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
        # 256-bit random secrets: a SHA-256 digest resists guessing as a password hash would.
        return hmac.compare_digest(hash_secret(client_secret or ""), self.client_secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in TOKEN_ENDPOINT_AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


class Subject(models.Model):
    """A person as the service's clients know them: stable `sub` and `TechID` per login source.

    One row per VNeID account (keyed by VNeID's `sub`) and one per issued account (keyed by the
    national portal's account id): the attributes are refreshed at every login.
    """

    sub = models.CharField("mã định danh (sub)", max_length=32, unique=True, default=new_opaque_id)
    tech_id = models.CharField("TechID", max_length=36, unique=True, default=new_tech_id)
    idp = models.CharField("nguồn xác thực", max_length=8, choices=Idp.choices)
    idp_subject = models.CharField("định danh tại nguồn", max_length=64)
    personal_id_number = models.CharField("số định danh cá nhân", max_length=12, blank=True)
    cmnd_number = models.CharField("số CMND", max_length=12, blank=True, default="")
    full_name = models.CharField("họ tên", max_length=150, blank=True, default="")
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    # VNeID's level (1 or 2); an issued account is level 1.
    level = models.PositiveSmallIntegerField("mức xác thực", default=1)
    created_at = models.DateTimeField(default=timezone.now)
    last_login_at = models.DateTimeField("đăng nhập gần nhất", null=True, blank=True)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"
        constraints = [
            models.UniqueConstraint(
                fields=["idp", "idp_subject"], name="national_login_one_subject_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({mask_number(self.number)})"

    @property
    def number(self) -> str:
        """The number the person is known by: the CCCD, or the CMND of an issued account."""
        return self.personal_id_number or self.cmnd_number

    @property
    def acr(self) -> str:
        return LOA2 if self.level >= 2 and self.idp == Idp.VNEID else LOA1

    @property
    def is_active(self) -> bool:
        return True


class LoginSession(models.Model):
    """The service's own login in a browser, found by the hash of its cookie's value.

    `sid` is public: it goes in every ID token of this login and in its logout tokens.
    """

    key_hash = models.CharField(max_length=64, unique=True)
    sid = models.CharField(max_length=32, unique=True, default=new_opaque_id)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="sessions")
    idp = models.CharField(max_length=8, choices=Idp.choices)
    acr = models.CharField(max_length=8)
    amr = models.CharField(max_length=64, default="pwd")
    auth_time = models.DateTimeField()
    # The VNeID login behind this one: its `sid` (back-channel logouts name it) and ID token
    # (the hint of the service's own logout at VNeID).
    vneid_sid = models.CharField(max_length=64, blank=True, default="", db_index=True)
    vneid_id_token = models.TextField(blank=True, default="")
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # Set in memory when the login starts: the database keeps the hash, the browser the value.
    cookie_value: str

    class Meta:
        verbose_name = "phiên đăng nhập"
        verbose_name_plural = "phiên đăng nhập"

    def __str__(self) -> str:
        return f"{self.subject_id} @ {self.auth_time:%Y-%m-%d %H:%M}"


class SessionClient(models.Model):
    """A client that received a code in a login session: its logout must reach it."""

    session = models.ForeignKey(LoginSession, on_delete=models.CASCADE, related_name="clients")
    client = models.ForeignKey(NationalClient, on_delete=models.CASCADE)
    joined_at = models.DateTimeField(default=timezone.now)
    # The issuer the client's ID token named (the host the browser used): its logout token
    # must name the same one, whichever host the logout arrives at.
    issuer = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "client"], name="national_login_client_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_id} @ {self.session_id}"


class PendingAuthorization(models.Model):
    """A portal's authorization request while the citizen logs in (WSO2's `sessionDataKey`).

    Bound to the browser that started it by the hash of a cookie; the VNeID leg's state, nonce
    and PKCE verifier wait here for the callback.
    """

    # Not a secret on its own: the browser's cookie (browser_hash) must come with it.
    key = models.CharField(max_length=64, unique=True)
    browser_hash = models.CharField(max_length=64)
    query = models.TextField()
    requested_level = models.PositiveSmallIntegerField(default=1)
    # The portal asked for a fresh login (prompt=login): no single sign-on.
    fresh_login = models.BooleanField(default=False)
    client = models.ForeignKey(NationalClient, on_delete=models.CASCADE)
    vneid_state_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    vneid_leg = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.client_id} {self.created_at:%Y-%m-%d %H:%M}"


class AuthorizationCode(models.Model, AuthorizationCodeMixin):
    """A single-use code bound to its client, redirect URI, optional PKCE and login session."""

    code_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(NationalClient, on_delete=models.CASCADE)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE)
    session = models.ForeignKey(
        LoginSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="codes"
    )
    sid = models.CharField(max_length=32)
    redirect_uri = models.CharField(max_length=2000)
    scope = models.CharField(max_length=255)
    nonce = models.CharField(max_length=255, blank=True, default="")
    code_challenge = models.CharField(max_length=128, blank=True, default="")
    code_challenge_method = models.CharField(max_length=8, blank=True, default="")
    auth_time = models.DateTimeField()
    acr = models.CharField(max_length=8)
    amr = models.CharField(max_length=64, default="pwd")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "mã uỷ quyền"
        verbose_name_plural = "mã uỷ quyền"

    def __str__(self) -> str:
        return f"{self.client} → {self.subject_id}"

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
    client = models.ForeignKey(NationalClient, on_delete=models.CASCADE)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE)
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
        return f"{self.client} → {self.subject_id}"

    def is_usable(self) -> bool:
        return self.revoked_at is None and timezone.now() < self.expires_at


class SigningKey(models.Model):
    """An RSA key pair for ID and logout tokens; one is active, published ones are in JWKS."""

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
                name="national_login_one_active_signing_key",
            ),
            models.CheckConstraint(
                condition=Q(is_active=False) | Q(is_published=True),
                name="national_login_active_key_published",
            ),
        ]

    def __str__(self) -> str:
        return self.kid

    @property
    def private_key_dict(self) -> dict[str, Any]:
        key: dict[str, Any] = json.loads(self.private_jwk)
        return key


class AuditEvent(AuditRecord):
    """One security-relevant event of the service, or one request it answered."""

    class Kind(models.TextChoices):
        LOGIN_SUCCEEDED = "login_succeeded", "Đăng nhập thành công"
        LOGIN_FAILED = "login_failed", "Đăng nhập sai (tài khoản được cấp)"
        LOGIN_REFUSED = "login_refused", "Đăng nhập bị từ chối"
        LEVEL_REFUSED = "level_refused", "Mức xác thực không đủ"
        CODE_REUSED = "code_reused", "Mã uỷ quyền bị dùng lại"
        LOGGED_OUT = "logged_out", "Đăng xuất"
        LOGOUT_DELIVERY_FAILED = "logout_failed", "Gửi đăng xuất back-channel thất bại"
        CLIENT_CREATED = "client_created", "Đăng ký hệ thống kết nối"
        CLIENT_CHANGED = "client_changed", "Sửa hệ thống kết nối"
        CLIENT_SECRET_ISSUED = "client_secret_issued", "Cấp lại client secret"
        KEY_ROTATED = "key_rotated", "Xoay vòng khoá ký"
        REQUEST_ANSWERED = "request_answered", "Trả lời yêu cầu"

    kind = models.CharField("sự kiện", max_length=24, choices=Kind.choices)
    subject = models.ForeignKey(
        Subject, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="người dùng"
    )
    client = models.ForeignKey(
        NationalClient,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="hệ thống kết nối",
    )
    detail = models.CharField("chi tiết", max_length=255, blank=True, default="")
    actor = actor_field("cán bộ")
    endpoint = models.CharField("điểm cuối", max_length=24, blank=True, default="")
    status_code = models.PositiveSmallIntegerField("mã trạng thái", null=True, blank=True)
    duration_ms = models.PositiveIntegerField("thời gian xử lý (ms)", null=True, blank=True)
    # Ties the requests of one login answered before anyone was known to who then logged in.
    flow = models.CharField(max_length=16, blank=True, default="", db_index=True)

    class Meta(AuditRecord.Meta):
        verbose_name = "nhật ký hệ thống xác thực"
        verbose_name_plural = "nhật ký hệ thống xác thực"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class ServiceFault(FaultSwitch):
    """The sandbox's switch for making the national login service slow, failing or down."""

    class Meta:
        verbose_name = "giả lập sự cố hệ thống xác thực"
        verbose_name_plural = "giả lập sự cố hệ thống xác thực"


class LogoutDeliveryRecord(BaseLogoutDeliveryRecord):
    """A back-channel logout a portal did not accept, until a retry delivers it.

    `manage.py retry_national_login_logout_deliveries` sends it again with a fresh token.
    """

    # The issuer the first token named: a retry must name the same one for the portal to accept.
    issuer = models.CharField("bên phát hành (iss)", max_length=255, blank=True, default="")

    class Meta(BaseLogoutDeliveryRecord.Meta):
        pass
