"""E-services and the dossiers (hồ sơ) citizens file through them."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Dossier(models.Model):
    """An application a citizen filed for an administrative procedure."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Đã tiếp nhận"
        PROCESSING = "processing", "Đang xử lý"
        SUPPLEMENT = "supplement", "Yêu cầu bổ sung"
        COMPLETED = "completed", "Đã hoàn thành"
        REJECTED = "rejected", "Từ chối"

    IN_PROGRESS = (Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT)

    code = models.CharField("mã hồ sơ", max_length=40, unique=True)
    procedure_code = models.CharField("mã thủ tục", max_length=40)
    procedure_name = models.CharField("thủ tục", max_length=255)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dossiers"
    )
    status = models.CharField(
        "trạng thái", max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    details = models.JSONField("nội dung", default=dict, blank=True)
    # One per rendered form, so a double submit files one dossier, not two; unique per owner,
    # so another person's token neither reveals nor blocks anything.
    submission_token = models.UUIDField(null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField("ngày nộp", default=timezone.now)
    updated_at = models.DateTimeField("cập nhật", auto_now=True)
    completed_at = models.DateTimeField("ngày hoàn thành", null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "submission_token"], name="dossier_unique_owner_submission_token"
            )
        ]
        verbose_name = "hồ sơ"
        verbose_name_plural = "hồ sơ"

    def __str__(self) -> str:
        return f"{self.code} — {self.procedure_name}"
