"""The simulated National Population Database (CSDL Quốc gia về Dân cư)."""

from django.db import models
from django.utils import timezone


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

    def __str__(self):
        return self.full_name


class ApiClient(models.Model):
    """A consuming system holding a bearer key for the registry API; only a hash is kept."""

    name = models.CharField("hệ thống", max_length=150, unique=True)
    key_prefix = models.CharField("tiền tố khoá", max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    can_read_records = models.BooleanField("được tra cứu hồ sơ công dân", default=False)
    is_active = models.BooleanField("đang hoạt động", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "hệ thống kết nối API"
        verbose_name_plural = "hệ thống kết nối API"

    def __str__(self):
        return self.name


class LookupLog(models.Model):
    """One call to the registry API: who asked, about whom (masked), why, and the answer."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, null=True, blank=True)
    citizen = models.ForeignKey(Citizen, on_delete=models.SET_NULL, null=True, blank=True)
    endpoint = models.CharField(max_length=30)
    masked_number = models.CharField(max_length=12, blank=True, default="")
    purpose = models.CharField(max_length=255, blank=True, default="")
    requested_by = models.CharField(max_length=150, blank=True, default="")
    result = models.CharField(max_length=30)
    status_code = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "nhật ký tra cứu"
        verbose_name_plural = "nhật ký tra cứu"

    def __str__(self):
        return f"{self.endpoint} {self.masked_number} {self.result}"


class FaultInjection(models.Model):
    """The sandbox's switch for making the registry slow, failing or down (one row)."""

    class Mode(models.TextChoices):
        NONE = "none", "Hoạt động bình thường"
        LATENCY = "latency", "Chậm (thêm độ trễ)"
        ERROR = "error", "Trả lỗi 500"
        OUTAGE = "outage", "Ngừng hoạt động (503)"

    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.NONE)
    latency_ms = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "giả lập sự cố"
        verbose_name_plural = "giả lập sự cố"

    def __str__(self):
        return self.get_mode_display()
