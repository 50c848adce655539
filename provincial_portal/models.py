"""The province's own data: accounts issued before 2024, dossiers, sessions, audit trail."""

from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.db.models import Q
from django.utils import timezone

from idnumbers.numbers import mask_number
from oidc_kit.models import AnsweredRequestRecord


class ProvincialAccount(models.Model):
    """An account of the provincial portal: issued by the province, or new from VNeID."""

    class Origin(models.TextChoices):
        LEGACY = "legacy", "Tài khoản do tỉnh cấp trước năm 2024"
        VNEID = "vneid", "Tạo mới khi đăng nhập bằng VNeID"

    class AccountType(models.TextChoices):
        CITIZEN = "citizen", "Công dân"
        ORGANISATION = "organisation", "Tổ chức"

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
    account_type = models.CharField(
        "loại tài khoản", max_length=12, choices=AccountType.choices, default=AccountType.CITIZEN
    )
    # An organisation's account (Nghị định 69/2024): the tax code is its login name and what a
    # VNeID organisation login is matched by; for a citizen everything below stays empty.
    tax_code = models.CharField("mã số thuế", max_length=13, blank=True, default="")
    short_name = models.CharField("tên viết tắt", max_length=100, blank=True, default="")
    foreign_name = models.CharField("tên nước ngoài", max_length=255, blank=True, default="")
    organisation_kind = models.CharField("loại hình tổ chức", max_length=32, blank=True, default="")
    established_on = models.DateField("ngày thành lập", null=True, blank=True)
    head_office_address = models.CharField("địa chỉ trụ sở", max_length=255, blank=True, default="")
    representative_name = models.CharField(
        "họ tên người đại diện theo pháp luật", max_length=150, blank=True, default=""
    )
    representative_number = models.CharField(
        "số định danh người đại diện", max_length=12, blank=True, default=""
    )
    # Who took the legacy organisation account over with VNeID (masked: only the audit trail
    # needs to know more, and it keeps the masked number too).
    inherited_by_number = models.CharField(
        "người kế thừa (số định danh, đã che)", max_length=20, blank=True, default=""
    )
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
            # One account per organisation: a takeover matched by tax code finds exactly one.
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=~Q(tax_code=""),
                name="provincial_account_unique_tax_code",
            ),
        ]
        indexes = [models.Index(fields=["cmnd_number"], name="provincial_account_cmnd")]

    def __str__(self) -> str:
        # An organisation's login name is its tax code: never shown whole in lists or logs.
        if self.is_organisation:
            return f"{self.full_name} ({mask_number(self.tax_code)})"
        return self.username

    @property
    def is_organisation(self) -> bool:
        return self.account_type == self.AccountType.ORGANISATION

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
    # An organisation's login through VNeID: the person acting for it (name, masked number,
    # role), shown on "Thông tin tổ chức". Empty for citizens and legacy organisation logins.
    acting_name = models.CharField(max_length=150, blank=True, default="")
    acting_number_masked = models.CharField(max_length=20, blank=True, default="")
    acting_role = models.CharField(max_length=80, blank=True, default="")
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
        ORGANISATION_LOGIN = "organisation_login", "Tổ chức đăng nhập bằng VNeID"
        ORGANISATION_TAKEOVER = "organisation_takeover", "Kế thừa tài khoản tổ chức cũ"
        TAKEOVER_REFUSED = "takeover_refused", "Từ chối kế thừa tài khoản tổ chức cũ"
        LEGACY_ORG_LOGIN = "legacy_org_login", "Đăng nhập bằng tài khoản tổ chức do tỉnh cấp"
        LEGACY_ORG_REFUSED = "legacy_org_refused", "Từ chối đăng nhập tài khoản tổ chức cũ"

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


class OrganisationLoginSwitch(models.Model):
    """The province's run-time cut-off of legacy organisation accounts (one row, or none).

    No row: the PROVINCIAL_PORTAL setting ORGANISATION_LEGACY_LOGIN applies. The sandbox
    console writes the row together with the national portal's login policy.
    """

    SINGLETON_PK = 1

    legacy_login_allowed = models.BooleanField(
        "cho phép đăng nhập bằng tài khoản tổ chức do tỉnh cấp", default=True
    )
    changed_at = models.DateTimeField("thời điểm đổi", default=timezone.now)
    changed_by = models.CharField("người đổi", max_length=150, blank=True, default="")

    class Meta:
        verbose_name = "chính sách tài khoản tổ chức cũ"
        verbose_name_plural = "chính sách tài khoản tổ chức cũ"

    def __str__(self) -> str:
        return "cho phép" if self.legacy_login_allowed else "không cho phép (từ 01/7/2025)"
