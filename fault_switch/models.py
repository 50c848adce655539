from django.db import models


class FaultSwitch(models.Model):
    """One system's fault mode: normal, slow, failing or down (a single row per system)."""

    class Mode(models.TextChoices):
        NONE = "none", "Hoạt động bình thường"
        LATENCY = "latency", "Chậm (thêm độ trễ)"
        ERROR = "error", "Trả lỗi 500"
        OUTAGE = "outage", "Ngừng hoạt động (503)"

    mode = models.CharField("tình trạng", max_length=10, choices=Mode.choices, default=Mode.NONE)
    latency_ms = models.PositiveIntegerField("độ trễ thêm (ms)", default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.get_mode_display()
