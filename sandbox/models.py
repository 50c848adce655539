"""What the sandbox keeps for testers: the messages the portal would have sent."""

from django.db import models
from django.utils import timezone


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

    def __str__(self):
        return f"{self.recipients}: {self.subject}"
