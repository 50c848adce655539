"""Portal accounts: the legacy DVCQG login (CMND/CCCD + password) and their audit trail.

An account is a citizen's, or an organisation's (`User.account_type`): before 2025 an
organisation logged in with its tax code and a password; from 01/7/2025 (Nghị định 69/2024/NĐ-CP)
only with its VNeID organisation e-ID, whose first login inherits the legacy account
(`OrganisationProfile.vneid_sub`, `inherited_at`).
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from admin_kit.audit import AuditRecord, official_reason_check
from idnumbers.names import initials
from idnumbers.numbers import mask_number


class Gender(models.TextChoices):
    MALE = "male", "Nam"
    FEMALE = "female", "Nữ"


class AccountType(models.TextChoices):
    CITIZEN = "citizen", "Công dân"
    ORGANISATION = "organisation", "Tổ chức"


class OrganisationKind(models.TextChoices):
    """The kinds of the national business registration database (same values as its API)."""

    LLC_SINGLE = "llc_single", "Công ty TNHH một thành viên"
    LLC_MULTI = "llc_multi", "Công ty TNHH hai thành viên trở lên"
    JOINT_STOCK = "joint_stock", "Công ty cổ phần"
    PARTNERSHIP = "partnership", "Công ty hợp danh"
    PRIVATE_ENTERPRISE = "private_enterprise", "Doanh nghiệp tư nhân"
    HOUSEHOLD_BUSINESS = "household_business", "Hộ kinh doanh"
    BRANCH = "branch", "Chi nhánh"


class AccountQuerySet(models.QuerySet["User"]):
    """The one place that knows which account a CMND or CCCD number stands for."""

    def citizens(self) -> "AccountQuerySet":
        return self.filter(account_type=AccountType.CITIZEN)

    def organisations(self) -> "AccountQuerySet":
        return self.filter(account_type=AccountType.ORGANISATION)

    def by_login_number(self, number: str) -> "AccountQuerySet":
        """Citizens' accounts a login number finds: registered under it first, then by CCCD.

        A 12-digit CMND can equal a later CCCD, hence the order (the password login takes the
        first whose password matches). Organisation accounts are never found: the citizen
        login must not log an organisation in.
        """
        lookup = Q(username=number) | Q(cccd_number=number)
        return self._registered_first(lookup, [number]).citizens()

    def by_tax_code(self, tax_code: str) -> "AccountQuerySet":
        """The organisation account of a tax code (at most one: its profile's is unique)."""
        return self.organisations().filter(organisation__tax_code=tax_code)

    def by_signer_number(self, number: str, *, is_cccd: bool) -> "AccountQuerySet":
        """Accounts a certificate's number finds: registered under it or with it as the CMND.

        A CCCD also finds the account that linked it. Registered under the number comes first.
        """
        lookup = Q(username=number) | Q(cmnd_number=number)
        if is_cccd:
            lookup |= Q(cccd_number=number)
        return self._registered_first(lookup, [number]).citizens()

    def legacy_without_cccd(self, numbers: Iterable[str]) -> "AccountQuerySet":
        """Accounts without a CCCD registered under, or with the CMND, one of these numbers."""
        numbers = [number for number in numbers if number]
        lookup = Q(username__in=numbers) | Q(cmnd_number__in=numbers)
        return self._registered_first(lookup, numbers).citizens().filter(cccd_number="")

    def linked_to(self, cccd_number: str) -> "AccountQuerySet":
        """The account that linked this CCCD (at most one: a constraint says so)."""
        return self.filter(cccd_number=cccd_number)

    def awaiting_link(self, pk: int) -> "AccountQuerySet":
        """The account pk while it has no CCCD, so that a link offered for it still applies."""
        return self.filter(pk=pk, cccd_number="")

    def number_taken(self, number: str, *, other_than: "User | None" = None) -> bool:
        """Whether an account (other than `other_than`) uses the number as CCCD or username."""
        taken = self.filter(Q(cccd_number=number) | Q(username=number))
        if other_than is not None:
            taken = taken.exclude(pk=other_than.pk)
        return taken.exists()

    def _registered_first(self, lookup: Q, numbers: list[str]) -> "AccountQuerySet":
        return (
            self.filter(lookup)
            .annotate(
                by_username=Case(
                    When(username__in=numbers, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("by_username", "pk")
        )


# django-stubs cannot type a manager built by from_queryset() as a base class when mypy starts
# from an empty cache ("not valid as a type"), so the base is Any to mypy; the methods below and
# their callers say which types come out.
class UserManager(BaseUserManager.from_queryset(AccountQuerySet)):  # type: ignore[misc,unused-ignore]
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **fields: Any) -> "User":
        if not username:
            raise ValueError("An account needs a username (its CMND or CCCD number).")
        user: User = self.model(username=username, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(username, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A portal account. Its username is the CMND or CCCD it was registered with.

    An organisation's account (`account_type`) is named by its tax code (10 or 13 digits) and
    has an `OrganisationProfile`; its citizen fields stay empty.
    """

    username = models.CharField("tên đăng nhập", max_length=13, unique=True)
    account_type = models.CharField(
        "loại tài khoản",
        max_length=12,
        choices=AccountType.choices,
        default=AccountType.CITIZEN,
        db_index=True,
    )
    cmnd_number = models.CharField("số CMND", max_length=12, blank=True, default="")
    cccd_number = models.CharField("số CCCD", max_length=12, blank=True, default="")
    full_name = models.CharField("họ tên", max_length=150, blank=True, default="")
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    gender = models.CharField("giới tính", max_length=6, choices=Gender.choices, blank=True)
    place_of_birth = models.CharField("nơi sinh", max_length=255, blank=True, default="")
    place_of_origin = models.CharField("quê quán", max_length=255, blank=True, default="")
    phone = models.CharField("số điện thoại", max_length=15, blank=True, default="")
    email = models.EmailField("email", blank=True, default="")
    identity_refreshed_at = models.DateTimeField(
        "cập nhật từ CSDL dân cư lúc", null=True, blank=True
    )
    is_staff = models.BooleanField("cán bộ", default=False)
    is_active = models.BooleanField("đang hoạt động", default=True)
    date_joined = models.DateTimeField("ngày đăng ký", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "tài khoản"
        verbose_name_plural = "tài khoản"
        constraints = [
            # One CCCD, one account: the portal explains it, the database guarantees it.
            models.UniqueConstraint(
                fields=["cccd_number"],
                condition=~Q(cccd_number=""),
                name="accounts_user_unique_cccd",
            ),
        ]
        indexes = [models.Index(fields=["cmnd_number"], name="accounts_user_cmnd_idx")]
        permissions = [
            ("unlink_cccd", "Huỷ liên kết số CCCD của tài khoản"),
            ("unlock_login", "Mở khoá đăng nhập bị tạm khoá do nhập sai nhiều lần"),
            ("assign_roles", "Phân vai trò cán bộ cho tài khoản"),
            ("export_csv", "Xuất danh sách tài khoản ra tệp CSV"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name or 'Tài khoản'} ({mask_number(self.username)})"

    @property
    def is_organisation(self) -> bool:
        return self.account_type == AccountType.ORGANISATION

    @property
    def display_name(self) -> str:
        """The name the header shows: the organisation's name, else the citizen's."""
        if self.is_organisation:
            profile = getattr(self, "organisation", None)
            if profile is not None and profile.name:
                return str(profile.name)
        return self.full_name

    @property
    def legacy_cmnd(self) -> str:
        """Return the CMND the account was registered with: its CMND field, else its username."""
        if self.cmnd_number:
            return self.cmnd_number
        if self.username != self.cccd_number:
            return self.username
        return ""

    @property
    def initials(self) -> str:
        return initials(self.display_name)

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        if self.is_organisation:
            profile = getattr(self, "organisation", None)
            if profile is not None:
                return str(profile.short_name or profile.name or self.username)
            return self.username
        return self.full_name.split()[-1] if self.full_name else self.username


class AuditEntry(AuditRecord):
    """An append-only record of one change to an account, with who made it and why."""

    class Action(models.TextChoices):
        CCCD_LINKED = "cccd_linked", "Liên kết số CCCD"
        CCCD_LINK_REFUSED = "cccd_link_refused", "Từ chối liên kết số CCCD"
        IDENTITY_REFRESHED = "identity_refreshed", "Cập nhật từ CSDL Quốc gia về Dân cư"
        CONTACT_CHANGED = "contact_changed", "Sửa thông tin liên hệ"
        PASSWORD_RESET = "password_reset", "Đặt lại mật khẩu"
        VNEID_LOGIN = "vneid_login", "Đăng nhập bằng VNeID"
        VNEID_ACCOUNT_CREATED = "vneid_account_created", "Tạo tài khoản khi đăng nhập bằng VNeID"
        VNEID_LINK_REFUSED = "vneid_link_refused", "Từ chối liên kết tài khoản với VNeID"
        IDENTITY_CORRECTED = "identity_corrected", "Cán bộ sửa thông tin tài khoản"
        CCCD_UNLINKED = "cccd_unlinked", "Huỷ liên kết số CCCD"
        LOGIN_UNLOCKED = "login_unlocked", "Mở khoá đăng nhập"
        ROLES_CHANGED = "roles_changed", "Thay đổi vai trò cán bộ"
        CSV_EXPORTED = "csv_exported", "Xuất CSV danh sách tài khoản"
        USB_LOGIN = "usb_login", "Đăng nhập bằng USB ký số"
        SIM_LOGIN = "sim_login", "Đăng nhập bằng Sim ký số"
        DOSSIER_STATUS_CHANGED = "dossier_status_changed", "Cán bộ đổi trạng thái hồ sơ"
        PASSWORD_LOGIN = "password_login", "Đăng nhập bằng tài khoản Cổng"
        LOGIN_FAILED = "login_failed", "Đăng nhập sai mật khẩu"
        CCCD_PROMPT_SHOWN = "cccd_prompt_shown", "Hiện màn hình cập nhật số CCCD"
        CCCD_PROMPT_SKIPPED = "cccd_prompt_skipped", "Bỏ qua cập nhật số CCCD"
        VNEID_SINGLE_LOGOUT = (
            "vneid_single_logout",
            "Đăng xuất do phiên VNeID kết thúc (đăng xuất một lần)",
        )
        ORGANISATION_PASSWORD_LOGIN = (
            "organisation_password_login",
            "Đăng nhập tài khoản tổ chức (mã số thuế và mật khẩu)",
        )
        ORGANISATION_VNEID_LOGIN = "organisation_vneid_login", "Đăng nhập bằng VNeID (tổ chức)"
        ORGANISATION_ACCOUNT_CREATED = (
            "organisation_account_created",
            "Tạo tài khoản tổ chức khi đăng nhập bằng VNeID",
        )
        ORGANISATION_TAKEOVER = "organisation_takeover", "Kế thừa tài khoản tổ chức"
        ORGANISATION_TAKEOVER_REFUSED = (
            "organisation_takeover_refused",
            "Từ chối kế thừa tài khoản tổ chức",
        )

    class ActorKind(models.TextChoices):
        CITIZEN = "citizen", "Công dân"
        OFFICIAL = "official", "Cán bộ"
        SYSTEM = "system", "Hệ thống"

    # Empty only for entries about many accounts at once (a CSV export).
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name="tài khoản",
    )
    actor_kind = models.CharField("loại người thực hiện", max_length=10, choices=ActorKind.choices)
    action = models.CharField("thao tác", max_length=30, choices=Action.choices)

    class Meta(AuditRecord.Meta):
        verbose_name = "nhật ký thay đổi"
        verbose_name_plural = "nhật ký thay đổi"
        # A citizen acting on their own account is an actor too: the kind says who is an official.
        constraints = [official_reason_check(unofficial=~Q(actor_kind="official"))]

    @classmethod
    def official_row(cls, values: Mapping[str, Any]) -> bool:
        """Tell whether a row is an official's: its actor kind says so."""
        return values.get("actor_kind") == cls.ActorKind.OFFICIAL

    @classmethod
    def checked(cls, values: Mapping[str, Any]) -> dict[str, Any]:
        """Return a row's values checked; without an actor kind, tell it from actor and account."""
        values = dict(values)
        if "actor_kind" not in values:
            values["actor_kind"] = cls.actor_kind_of(
                account=values.get("account"), actor=values.get("actor")
            )
        return super().checked(values)

    @classmethod
    def actor_kind_of(cls, *, account: User | None, actor: User | None) -> str:
        """Return who acted: nobody (the system), the account's own citizen, or an official."""
        if actor is None:
            return cls.ActorKind.SYSTEM
        if account is not None and actor.pk == account.pk:
            return cls.ActorKind.CITIZEN
        return cls.ActorKind.OFFICIAL

    def __str__(self) -> str:
        subject = self.account or "nhiều tài khoản"
        when = timezone.localtime(self.created_at)
        return f"{self.get_action_display()} — {subject} — {when:%d/%m/%Y %H:%M}"


class OrganisationProfile(models.Model):
    """What the national portal knows of an organisation account (Nghị định 69/2024/NĐ-CP).

    A legacy account has its tax code and names from its registration on the portal; the first
    VNeID organisation login that may take it over sets `vneid_sub` (the organisation e-ID's
    OpenID `sub`) and who inherited it, and refreshes the rest from VNeID.
    """

    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation",
        verbose_name="tài khoản",
    )
    tax_code = models.CharField("mã số thuế", max_length=13, unique=True)
    enterprise_code = models.CharField("mã số doanh nghiệp", max_length=13, blank=True, default="")
    kind = models.CharField(
        "loại hình", max_length=20, choices=OrganisationKind.choices, blank=True, default=""
    )
    name = models.CharField("tên tổ chức", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=100, blank=True, default="")
    foreign_name = models.CharField("tên tiếng nước ngoài", max_length=255, blank=True, default="")
    established_on = models.DateField("ngày thành lập", null=True, blank=True)
    head_office_address = models.CharField(
        "địa chỉ trụ sở chính", max_length=255, blank=True, default=""
    )
    legal_representative_name = models.CharField(
        "người đại diện theo pháp luật", max_length=150, blank=True, default=""
    )
    legal_representative_cccd = models.CharField(
        "số định danh người đại diện", max_length=12, blank=True, default=""
    )
    # The organisation e-ID's `sub` at VNeID, once a VNeID login inherited or created the account.
    vneid_sub = models.CharField("mã VNeID tổ chức (sub)", max_length=64, blank=True, default="")
    inherited_at = models.DateTimeField("kế thừa lúc", null=True, blank=True)
    # The 12-digit number of the person who inherited it (act.sub), for officials' checks.
    inherited_by_number = models.CharField(
        "số định danh người kế thừa", max_length=12, blank=True, default=""
    )

    class Meta:
        verbose_name = "thông tin tổ chức"
        verbose_name_plural = "thông tin tổ chức"
        constraints = [
            # One e-ID, one account: two parallel first logins inherit or create exactly one.
            models.UniqueConstraint(
                fields=["vneid_sub"],
                condition=~Q(vneid_sub=""),
                name="accounts_organisation_unique_vneid_sub",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({mask_number(self.tax_code)})"

    @property
    def inherited(self) -> bool:
        return self.inherited_at is not None


class PasswordResetCode(models.Model):
    """A one-time code sent by SMS to reset a password; only a keyed hash of it is kept.

    A request for an unknown login name gets a row too (without account), so that both
    answers take the same path and the page never tells whether an account exists.
    """

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="tài khoản",
    )
    # A keyed hash of the login name typed, to throttle requests without storing the number.
    login_name_hash = models.CharField(max_length=64, db_index=True)
    masked_phone = models.CharField("số điện thoại (đã che)", max_length=15)
    code_hash = models.CharField(max_length=64)
    failed_attempts = models.PositiveSmallIntegerField("số lần nhập sai", default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    # Set when the new password is saved, or when a newer code replaces this one.
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "mã OTP đặt lại mật khẩu"
        verbose_name_plural = "mã OTP đặt lại mật khẩu"

    def __str__(self) -> str:
        return f"OTP → {self.masked_phone}"


class LoginPolicy(models.TextChoices):
    """Which logins the portal offers.

    Nghị định 59/2022: VNeID the only account of citizens from 01/7/2024; Nghị định 69/2024:
    of organisations too from 01/7/2025 (`vneid_only_all`).
    """

    LEGACY = "legacy", "Trước 2024: mọi cách đăng nhập, không nhắc liên kết"
    TRANSITION = "transition", "Giai đoạn chuyển đổi: mọi cách đăng nhập, nhắc liên kết CCCD"
    VNEID_ONLY = "vneid_only", "Từ 01/7/2024: VNeID là tài khoản duy nhất"
    VNEID_ONLY_ALL = (
        "vneid_only_all",
        "Từ 01/7/2025: VNeID là tài khoản duy nhất của công dân và tổ chức",
    )


class LoginPolicyOverride(models.Model):
    """The login policy chosen at run time, overriding the PORTAL_LOGIN_POLICY setting.

    One row at most (pk 1). Without it the setting applies. `accounts.login_policy` reads and
    writes it and keeps the value cached.
    """

    SINGLETON_PK = 1

    policy = models.CharField("chính sách đăng nhập", max_length=20, choices=LoginPolicy.choices)
    changed_at = models.DateTimeField("thời điểm đổi", default=timezone.now)
    changed_by = models.CharField("người đổi", max_length=150, blank=True, default="")

    class Meta:
        verbose_name = "chính sách đăng nhập"
        verbose_name_plural = "chính sách đăng nhập"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    policy__in=["legacy", "transition", "vneid_only", "vneid_only_all"]
                ),
                name="login_policy_override_known_value",
            ),
        ]

    def __str__(self) -> str:
        return self.get_policy_display()
