"""The simulated National Population Database (CSDL Quốc gia về Dân cư)."""

from django.db import models
from django.utils import timezone

from admin_kit.audit import AuditRecord, actor_field, official_reason_check
from api_kit.keys import ApiKey
from api_kit.rate_limit import RateCounterRecord
from fault_switch.models import FaultSwitch
from idnumbers.numbers import mask_number

# A citizen's record as the API sends it and the seeding writes it, in this order.
RECORD_FIELDS = (
    "cccd_number",
    "cmnd_number",
    "full_name",
    "birth_date",
    "gender",
    "place_of_birth",
    "place_of_origin",
    "permanent_address",
    "ethnicity",
    "nationality",
    "card_issue_date",
    "status",
)


class Citizen(models.Model):
    """One person as the population database knows them; numbers are strings."""

    class Gender(models.TextChoices):
        MALE = "male", "Nam"
        FEMALE = "female", "Nữ"

    class Status(models.TextChoices):
        ALIVE = "alive", "Còn sống"
        DECEASED = "deceased", "Đã mất"
        CARD_REVOKED = "card_revoked", "Thẻ bị thu hồi"

    cccd_number = models.CharField("số định danh cá nhân (CCCD)", max_length=12, unique=True)
    cmnd_number = models.CharField(
        "số CMND cũ", max_length=12, blank=True, default="", db_index=True
    )
    full_name = models.CharField("họ tên", max_length=150)
    birth_date = models.DateField("ngày sinh")
    gender = models.CharField("giới tính", max_length=6, choices=Gender.choices)
    place_of_birth = models.CharField("nơi sinh", max_length=255, blank=True, default="")
    place_of_origin = models.CharField("quê quán", max_length=255, blank=True, default="")
    permanent_address = models.CharField("nơi thường trú", max_length=255, blank=True, default="")
    ethnicity = models.CharField("dân tộc", max_length=50, default="Kinh")
    nationality = models.CharField("quốc tịch", max_length=50, default="Việt Nam")
    card_issue_date = models.DateField("ngày cấp thẻ", null=True, blank=True)
    status = models.CharField(
        "tình trạng", max_length=12, choices=Status.choices, default=Status.ALIVE
    )

    class Meta:
        verbose_name = "công dân"
        verbose_name_plural = "công dân"
        permissions = [
            ("change_citizen_status", "Ghi nhận công dân đã mất / thẻ CCCD bị thu hồi"),
        ]

    def __str__(self) -> str:
        return self.full_name


class ApiClient(ApiKey):
    """A consuming system holding a bearer key for the registry API; only a hash is kept."""

    name = models.CharField("hệ thống", max_length=150, unique=True)
    key_prefix = models.CharField("tiền tố khoá", max_length=16, editable=False)
    can_read_records = models.BooleanField("được tra cứu hồ sơ công dân", default=False)
    is_active = models.BooleanField("đang hoạt động", default=True)
    # Empty: the default of REGISTRY_API's RATE_LIMIT_PER_KEY and the address limit.
    rate_limit_per_minute = models.PositiveIntegerField(
        "giới hạn lời gọi mỗi phút",
        null=True,
        blank=True,
        help_text="Để trống: giới hạn mặc định cho mỗi khoá và mỗi địa chỉ. Khi đặt riêng, "
        "khoá chỉ chịu giới hạn này (dành cho hệ thống lớn như Cổng DVCQG).",
    )

    class Meta:
        verbose_name = "hệ thống kết nối API"
        verbose_name_plural = "hệ thống kết nối API"


class LookupLog(models.Model):
    """One call to the registry API: who asked, about whom (masked), why, and the answer."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, null=True, blank=True)
    citizen = models.ForeignKey(Citizen, on_delete=models.SET_NULL, null=True, blank=True)
    endpoint = models.CharField(max_length=30)
    masked_number = models.CharField(max_length=12, blank=True, default="")
    purpose = models.CharField(max_length=255, blank=True, default="")
    purpose_note = models.CharField(max_length=255, blank=True, default="")
    requested_by = models.CharField(max_length=150, blank=True, default="")
    result = models.CharField(max_length=30)
    status_code = models.PositiveSmallIntegerField()
    # How long the registry took to answer; empty on entries older than the field.
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "nhật ký tra cứu"
        verbose_name_plural = "nhật ký tra cứu"

    def __str__(self) -> str:
        return f"{self.endpoint} {self.masked_number} {self.result}"


class RateCounter(RateCounterRecord):
    """Calls of one key or one address in one minute, counted by an atomic upsert."""

    class Meta(RateCounterRecord.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["bucket", "minute"], name="citizen_registry_ratecounter_bucket_minute"
            ),
        ]


class FaultInjection(FaultSwitch):
    """The sandbox's switch for making the registry slow, failing or down (one row)."""

    class Meta:
        verbose_name = "giả lập sự cố"
        verbose_name_plural = "giả lập sự cố"


class RecordChange(AuditRecord):
    """An append-only record of one official change to a citizen record or an API client."""

    class Action(models.TextChoices):
        RECORD_CORRECTED = "record_corrected", "Sửa thông tin công dân"
        STATUS_CHANGED = "status_changed", "Thay đổi tình trạng công dân"
        API_CLIENT_CREATED = "api_client_created", "Đăng ký hệ thống kết nối API"
        API_CLIENT_CHANGED = "api_client_changed", "Sửa hệ thống kết nối API"
        API_KEY_ISSUED = "api_key_issued", "Cấp khoá API mới"

    # Every change here is an official's: the actor is never empty.
    actor = actor_field("cán bộ", null=False)
    action = models.CharField("thao tác", max_length=24, choices=Action.choices)
    citizen = models.ForeignKey(
        Citizen,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name="công dân",
    )
    api_client = models.ForeignKey(
        ApiClient,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name="hệ thống kết nối API",
    )
    # Every change here is an official's, so the reason is required (the constraint says so too).
    reason = models.TextField("lý do")

    class Meta(AuditRecord.Meta):
        verbose_name = "nhật ký sửa đổi dữ liệu"
        verbose_name_plural = "nhật ký sửa đổi dữ liệu"
        constraints = [
            official_reason_check("citizen_registry_recordchange_reason", unofficial=None)
        ]

    def __str__(self) -> str:
        subject = self.citizen or self.api_client
        when = timezone.localtime(self.created_at)
        return f"{self.get_action_display()} — {subject} — {when:%d/%m/%Y %H:%M}"

    @property
    def masked_subject(self) -> str:
        if self.citizen is not None:
            return f"{self.citizen.full_name} ({mask_number(self.citizen.cccd_number)})"
        return str(self.api_client or "")
