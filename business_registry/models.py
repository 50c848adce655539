"""The simulated national business registration database (CSDL quốc gia về đăng ký doanh nghiệp).

Enterprises and household businesses with their legal representatives, the systems that may
call its API, the log of every call, its rate counters, its fault switch and the officials'
audited changes. An organisation of its own: it imports no other organisation.
"""

from django.db import models
from django.utils import timezone

from admin_kit.audit import AuditRecord, actor_field, official_reason_check
from api_kit.keys import ApiKey
from api_kit.rate_limit import RateCounterRecord
from fault_switch.models import FaultSwitch
from idnumbers.numbers import mask_number

# The record's fields as the API sends them and the seeding writes them, in this order
# (tax_code, equal to the enterprise code, and the representatives come beside them).
RECORD_FIELDS = (
    "enterprise_code",
    "kind",
    "name",
    "short_name",
    "foreign_name",
    "established_on",
    "head_office_address",
    "status",
)


class Enterprise(models.Model):
    """An enterprise, a branch or a household business as the registry knows it.

    Since the Law on Enterprises 2014 the enterprise code is the tax code: one field holds
    both (10 digits, or 13 for a branch).
    """

    class Kind(models.TextChoices):
        LLC_SINGLE = "llc_single", "Công ty TNHH một thành viên"
        LLC_MULTI = "llc_multi", "Công ty TNHH hai thành viên trở lên"
        JOINT_STOCK = "joint_stock", "Công ty cổ phần"
        PARTNERSHIP = "partnership", "Công ty hợp danh"
        PRIVATE_ENTERPRISE = "private_enterprise", "Doanh nghiệp tư nhân"
        HOUSEHOLD_BUSINESS = "household_business", "Hộ kinh doanh"
        BRANCH = "branch", "Chi nhánh"

    class Status(models.TextChoices):
        ACTIVE = "active", "Đang hoạt động"
        SUSPENDED = "suspended", "Tạm ngừng kinh doanh"
        DISSOLVED = "dissolved", "Đã giải thể"

    enterprise_code = models.CharField(
        "mã số doanh nghiệp (mã số thuế)", max_length=13, unique=True
    )
    kind = models.CharField("loại hình", max_length=20, choices=Kind.choices)
    name = models.CharField("tên doanh nghiệp", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=100, blank=True, default="")
    foreign_name = models.CharField(
        "tên bằng tiếng nước ngoài", max_length=255, blank=True, default=""
    )
    established_on = models.DateField("ngày thành lập")
    head_office_address = models.CharField("địa chỉ trụ sở chính", max_length=255)
    status = models.CharField(
        "tình trạng", max_length=12, choices=Status.choices, default=Status.ACTIVE
    )

    class Meta:
        verbose_name = "doanh nghiệp"
        verbose_name_plural = "doanh nghiệp, hộ kinh doanh"
        permissions = [
            ("change_enterprise_status", "Ghi nhận tạm ngừng kinh doanh / giải thể"),
        ]

    def __str__(self) -> str:
        # The name only: a code never appears in a list, a log line or a message by accident.
        return self.name

    @property
    def tax_code(self) -> str:
        return self.enterprise_code


class LegalRepresentative(models.Model):
    """A legal representative (or a household business's owner) of an enterprise, by CCCD.

    A former representative keeps a row with `until` set, so that a registration by someone
    who is no longer the representative gets its own answer.
    """

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="representatives",
        verbose_name="doanh nghiệp",
    )
    cccd_number = models.CharField("số định danh cá nhân (CCCD)", max_length=12, db_index=True)
    full_name = models.CharField("họ tên", max_length=150)
    position = models.CharField("chức danh", max_length=100, blank=True, default="")
    since = models.DateField("từ ngày")
    until = models.DateField(
        "đến ngày", null=True, blank=True, help_text="Để trống: đang là người đại diện."
    )

    class Meta:
        # Current representatives (no end date) first, on PostgreSQL as on SQLite.
        ordering = ["enterprise", models.F("until").asc(nulls_first=True), "since", "id"]
        verbose_name = "người đại diện theo pháp luật"
        verbose_name_plural = "người đại diện theo pháp luật"
        constraints = [
            # One person is at most once the current representative of one enterprise.
            models.UniqueConstraint(
                fields=["enterprise", "cccd_number"],
                condition=models.Q(until__isnull=True),
                name="business_registry_one_current_representation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({mask_number(self.cccd_number)})"

    @property
    def current(self) -> bool:
        return self.until is None


class ApiClient(ApiKey):
    """A consuming system holding a bearer key for the registry API; only a hash is kept."""

    name = models.CharField("hệ thống", max_length=150, unique=True)
    key_prefix = models.CharField("tiền tố khoá", max_length=16, editable=False)
    can_read_records = models.BooleanField("được tra cứu hồ sơ doanh nghiệp", default=False)
    is_active = models.BooleanField("đang hoạt động", default=True)
    # Empty: the default of BUSINESS_REGISTRY's RATE_LIMIT_PER_KEY and the address limit.
    rate_limit_per_minute = models.PositiveIntegerField(
        "giới hạn lời gọi mỗi phút",
        null=True,
        blank=True,
        help_text="Để trống: giới hạn mặc định cho mỗi khoá và mỗi địa chỉ. Khi đặt riêng, "
        "khoá chỉ chịu giới hạn này.",
    )

    class Meta:
        verbose_name = "hệ thống kết nối API"
        verbose_name_plural = "hệ thống kết nối API"


class LookupLog(models.Model):
    """One call to the registry API: who asked, about which code (masked), why, and the answer."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, null=True, blank=True)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.SET_NULL, null=True, blank=True)
    endpoint = models.CharField(max_length=30)
    masked_code = models.CharField(max_length=13, blank=True, default="")
    purpose = models.CharField(max_length=255, blank=True, default="")
    purpose_note = models.CharField(max_length=255, blank=True, default="")
    requested_by = models.CharField(max_length=150, blank=True, default="")
    result = models.CharField(max_length=40)
    status_code = models.PositiveSmallIntegerField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "nhật ký tra cứu"
        verbose_name_plural = "nhật ký tra cứu"

    def __str__(self) -> str:
        return f"{self.endpoint} {self.masked_code} {self.result}"


class RateCounter(RateCounterRecord):
    """Calls of one key or one address in one minute, counted by an atomic upsert."""

    class Meta(RateCounterRecord.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["bucket", "minute"], name="business_registry_ratecounter_bucket_minute"
            ),
        ]


class FaultInjection(FaultSwitch):
    """The sandbox's switch for making the business registry slow, failing or down (one row)."""

    class Meta:
        verbose_name = "giả lập sự cố"
        verbose_name_plural = "giả lập sự cố"


class RecordChange(AuditRecord):
    """An append-only record of one official change to an enterprise or an API client."""

    class Action(models.TextChoices):
        ENTERPRISE_ADDED = "enterprise_added", "Thêm doanh nghiệp"
        ENTERPRISE_CORRECTED = "enterprise_corrected", "Sửa thông tin doanh nghiệp"
        STATUS_CHANGED = "status_changed", "Thay đổi tình trạng doanh nghiệp"
        REPRESENTATIVES_CHANGED = "representatives_changed", "Thay đổi người đại diện"
        API_CLIENT_CREATED = "api_client_created", "Đăng ký hệ thống kết nối API"
        API_CLIENT_CHANGED = "api_client_changed", "Sửa hệ thống kết nối API"
        API_KEY_ISSUED = "api_key_issued", "Cấp khoá API mới"

    # Every change here is an official's: the actor is never empty.
    actor = actor_field("cán bộ", null=False)
    action = models.CharField("thao tác", max_length=24, choices=Action.choices)
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name="doanh nghiệp",
    )
    api_client = models.ForeignKey(
        ApiClient,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name="hệ thống kết nối API",
    )
    reason = models.TextField("lý do")

    class Meta(AuditRecord.Meta):
        verbose_name = "nhật ký sửa đổi dữ liệu"
        verbose_name_plural = "nhật ký sửa đổi dữ liệu"
        constraints = [
            official_reason_check("business_registry_recordchange_reason", unofficial=None)
        ]

    def __str__(self) -> str:
        subject = self.enterprise or self.api_client
        when = timezone.localtime(self.created_at)
        return f"{self.get_action_display()} — {subject} — {when:%d/%m/%Y %H:%M}"

    @property
    def masked_subject(self) -> str:
        if self.enterprise is not None:
            return f"{self.enterprise.name} ({mask_number(self.enterprise.enterprise_code)})"
        return str(self.api_client or "")
