"""What the sandbox keeps for testers: the messages the portal would have sent."""

from datetime import datetime

from django.db import models
from django.utils import timezone

from api_kit.keys import ApiKey


class OutboxMessage(models.Model):
    """An e-mail (or later an SMS / OTP) the portal sent, kept instead of delivered."""

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        SMS = "sms", "SMS"

    channel = models.CharField(max_length=5, choices=Channel.choices, default=Channel.EMAIL)
    recipients = models.CharField("người nhận", max_length=500)
    subject = models.CharField("tiêu đề", max_length=255, blank=True, default="")
    body = models.TextField("nội dung")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "thư đã gửi (hộp thư thử nghiệm)"
        verbose_name_plural = "thư đã gửi (hộp thư thử nghiệm)"

    def __str__(self) -> str:
        return f"{self.recipients}: {self.subject}"


class TrainingClass(models.Model):
    """A class of trainees (or a CI pipeline's batch): one workspace per seat."""

    name = models.CharField("tên lớp", max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField("hết hạn", db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "lớp học"
        verbose_name_plural = "lớp học"

    def __str__(self) -> str:
        return self.name


class WorkspaceQuerySet(models.QuerySet["Workspace"]):
    def expired(self, now: datetime | None = None) -> "WorkspaceQuerySet":
        return self.filter(expires_at__lte=now or timezone.now())


class Workspace(models.Model):
    """One seat's full, fresh copy of every shipped persona, with its own numbers."""

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.CASCADE, related_name="workspaces", verbose_name="lớp"
    )
    seat = models.PositiveIntegerField("chỗ ngồi")
    # Public: it names the seat in its URL and in the API; never a personal number.
    code = models.CharField("mã chỗ ngồi", max_length=16, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The trainer put the seat back to the start: its dashboard row counts from then.
    progress_since = models.DateTimeField("tiến độ tính từ", null=True, blank=True)
    expires_at = models.DateTimeField("hết hạn", db_index=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        ordering = ["training_class", "seat"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "seat"], name="sandbox_workspace_unique_seat"
            )
        ]
        verbose_name = "chỗ ngồi (không gian làm việc)"
        verbose_name_plural = "chỗ ngồi (không gian làm việc)"

    def __str__(self) -> str:
        return f"{self.training_class} · chỗ {self.seat}"


class WorkspacePersona(models.Model):
    """The numbers one workspace's copy of a shipped persona was given."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="personas")
    key = models.CharField("persona", max_length=20)
    cccd_number = models.CharField(max_length=12, unique=True)
    cmnd_number = models.CharField(max_length=12, blank=True, default="", db_index=True)
    # The copy's portal login ("" when the persona has no portal account), to find its seat.
    username = models.CharField(max_length=12, blank=True, default="", db_index=True)
    phone = models.CharField(max_length=11, blank=True, default="")
    dossier_codes = models.JSONField(default=list, blank=True)
    # The copy's dossiers at the provincial portal: the province has no "codes taken" lookup,
    # so the sandbox keeps them to draw codes nobody else's copy holds.
    provincial_dossier_codes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["workspace", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "key"], name="sandbox_workspace_persona_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workspace} · {self.key}"


class WorkspaceOrganisation(models.Model):
    """The numbers one workspace's copy of a shipped organisation was given."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="organisations")
    key = models.CharField("tổ chức", max_length=20)
    # A fresh tax code (= enterprise code) with a valid check digit: unique across the sandbox,
    # so a seat's registry entry, e-ID and accounts are its own.
    tax_code = models.CharField("mã số thuế", max_length=13, unique=True)
    national_dossier_codes = models.JSONField(default=list, blank=True)
    provincial_dossier_codes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["workspace", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "key"], name="sandbox_workspace_organisation_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workspace} · {self.key}"


class ApiToken(ApiKey):
    """A bearer token for the sandbox API (workspaces for CI pipelines), stored hashed."""

    # The column keeps the name it had before the API kit: its rows stay valid.
    key_hash = None  # type: ignore[assignment]
    key_hash_field = "token_hash"
    name = models.CharField(max_length=100, unique=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = "khoá API hộp cát"
        verbose_name_plural = "khoá API hộp cát"
