"""The province's own data: accounts issued before 2024, dossiers, sessions, audit trail."""

from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.db.models import Q
from django.utils import timezone

from oidc_kit.models import AnsweredRequestRecord


class ProvincialAccount(models.Model):
    """An account of the provincial portal: issued by the province, or new from VNeID."""

    class Origin(models.TextChoices):
        LEGACY = "legacy", "Tài khoản do tỉnh cấp trước năm 2024"
        VNEID = "vneid", "Tạo mới khi đăng nhập bằng VNeID"

    username = models.CharField("tên đăng nhập", max_length=64, unique=True)
    # A Django password hash; unusable for accounts created from VNeID (they have no password).
    password = models.CharField("mật khẩu (băm)", max_length=128)
    full_name = models.CharField("họ và tên", max_length=150)
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    cmnd_number = models.CharField("số CMND", max_length=12, blank=True, default="")
    cccd_number = models.CharField("số CCCD", max_length=12, blank=True, default="")
    # The national login service's subject, once the account was inherited or created from it.
    national_sub = models.CharField("sub của Hệ thống xác thực", max_length=255, blank=True)
    origin = models.CharField("nguồn gốc", max_length=8, choices=Origin.choices)
    is_active = models.BooleanField("đang hoạt động", default=True)
    inherited_at = models.DateTimeField("thời điểm kế thừa", null=True, blank=True)
    created_at = models.DateTimeField("ngày tạo", default=timezone.now)
    last_login_at = models.DateTimeField("đăng nhập gần nhất", null=True, blank=True)

    class Meta:
        verbose_name = "tài khoản Cổng DVC tỉnh"
        verbose_name_plural = "tài khoản Cổng DVC tỉnh"
        ordering = ["username"]
        constraints = [
            # One account per citizen's number and per national subject.
            models.UniqueConstraint(
                fields=["cccd_number"],
                condition=~Q(cccd_number=""),
                name="provincial_account_unique_cccd",
            ),
            models.UniqueConstraint(
                fields=["national_sub"],
                condition=~Q(national_sub=""),
                name="provincial_account_unique_sub",
            ),
        ]
        indexes = [models.Index(fields=["cmnd_number"], name="provincial_account_cmnd")]

    def __str__(self) -> str:
        return self.username

    def set_password(self, raw: str | None) -> None:
        """Store a hash of raw (None: an unusable password)."""
        self.password = make_password(raw)

    def check_password(self, raw: str) -> bool:
        """Return whether raw is the account's password (the hash is upgraded when stale)."""

        def upgrade(new_raw: str) -> None:
            self.set_password(new_raw)
            self.save(update_fields=["password"])

        return check_password(raw, self.password, upgrade)

    @property
    def inherited(self) -> bool:
        """Whether a legacy account was already tied to a national login."""
        return self.origin == self.Origin.LEGACY and bool(self.national_sub)


class ProvincialDossier(models.Model):
    """A dossier (hồ sơ) submitted on the provincial portal."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Đã tiếp nhận"
        PROCESSING = "processing", "Đang xử lý"
        DONE = "done", "Đã trả kết quả"
        REJECTED = "rejected", "Không đủ điều kiện giải quyết"

    account = models.ForeignKey(
        ProvincialAccount,
        on_delete=models.CASCADE,
        related_name="dossiers",
        verbose_name="tài khoản",
    )
    code = models.CharField("mã hồ sơ", max_length=40, unique=True)
    procedure = models.CharField("thủ tục", max_length=255)
    status = models.CharField("trạng thái", max_length=12, choices=Status.choices)
    submitted_on = models.DateField("ngày nộp")

    class Meta:
        verbose_name = "hồ sơ Cổng DVC tỉnh"
        verbose_name_plural = "hồ sơ Cổng DVC tỉnh"
        ordering = ["-submitted_on", "code"]

    def __str__(self) -> str:
        return self.code


class ProvincialSession(models.Model):
    """A login on the provincial portal, named by its own cookie (only a hash is kept)."""

    key_hash = models.CharField(max_length=64, unique=True)
    account = models.ForeignKey(
        ProvincialAccount, on_delete=models.CASCADE, related_name="sessions"
    )
    # The national login service's session: its back- and front-channel logouts name it.
    sid = models.CharField(max_length=255, blank=True, default="", db_index=True)
    id_token = models.TextField(blank=True, default="")
    # Shown once on the next page (the outcome of the login: inherited, new account...).
    notice = models.TextField(blank=True, default="")
    notice_level = models.CharField(max_length=10, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=24, blank=True, default="")

    class Meta:
        verbose_name = "phiên đăng nhập Cổng DVC tỉnh"
        verbose_name_plural = "phiên đăng nhập Cổng DVC tỉnh"

    def __str__(self) -> str:
        return f"{self.account} {self.created_at:%Y-%m-%d %H:%M}"


class LoginFlow(models.Model):
    """One login between its start and its end, named by its own cookie (only a hash is kept).

    It holds the secrets of the authorization request until the callback consumes them, then,
    when the citizen must decide about an old account, what the national service said of them.
    """

    key_hash = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=64)
    nonce = models.CharField(max_length=64)
    code_verifier = models.CharField(max_length=128)
    redirect_uri = models.CharField(max_length=500)
    next_url = models.CharField(max_length=500, blank=True, default="")
    started_at = models.DateTimeField(default=timezone.now)
    # Filled by the callback when the citizen is asked about an old account.
    attributes = models.JSONField(null=True, blank=True)
    id_token = models.TextField(blank=True, default="")
    answered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"login flow {self.pk}"


class PasswordFailure(models.Model):
    """A wrong password typed to inherit an old account: the throttle counts these."""

    account = models.ForeignKey(
        ProvincialAccount, on_delete=models.CASCADE, null=True, related_name="+"
    )
    address = models.GenericIPAddressField(null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"wrong password {self.created_at:%Y-%m-%d %H:%M}"


class AuditEvent(AnsweredRequestRecord):
    """One event of the provincial portal: logins, inheritance, logouts, officials' changes."""

    class Kind(models.TextChoices):
        LOGIN = "login", "Đăng nhập"
        INHERITED = "inherited", "Kế thừa tài khoản cũ"
        LINK_REFUSED = "link_refused", "Từ chối kế thừa tài khoản cũ"
        ACCOUNT_CREATED = "account_created", "Tạo tài khoản mới từ VNeID"
        LOGOUT = "logout", "Đăng xuất"
        BACKCHANNEL_LOGOUT = "backchannel_logout", "Đăng xuất từ Hệ thống xác thực (back-channel)"
        FRONTCHANNEL_LOGOUT = (
            "frontchannel_logout",
            "Đăng xuất từ Hệ thống xác thực (front-channel)",
        )
        ACCOUNT_CHANGED = "account_changed", "Cán bộ sửa tài khoản"
        REQUEST_ANSWERED = "request_answered", "Trả lời yêu cầu trên đường đăng nhập"

    kind = models.CharField("sự kiện", max_length=24, choices=Kind.choices)
    account = models.ForeignKey(
        ProvincialAccount,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="tài khoản",
    )
    endpoint = models.CharField("điểm cuối", max_length=40, blank=True, default="")

    class Meta(AnsweredRequestRecord.Meta):
        verbose_name = "nhật ký Cổng DVC tỉnh"
        verbose_name_plural = "nhật ký Cổng DVC tỉnh"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @classmethod
    def of(cls, kind: str, account: ProvincialAccount | None, detail: str, **values: Any) -> None:
        """Record one event of the system (no official)."""
        cls.record(kind=kind, account=account, detail=detail[:255], **values)
