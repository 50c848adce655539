"""The simulated mobile operator: subscribers' SIMs, signing requests, SMS and API clients."""

from datetime import datetime

from django.db import models
from django.utils import timezone

from api_kit.keys import ApiKey
from fault_switch.models import FaultSwitch
from idnumbers.phones import mask_phone


class ApiClient(ApiKey):
    """A service provider holding a bearer key for the operator's API; only a hash is kept."""

    name = models.CharField("đơn vị", max_length=150, unique=True)
    key_prefix = models.CharField("tiền tố khoá", max_length=16, editable=False)
    is_active = models.BooleanField("đang hoạt động", default=True)

    class Meta:
        verbose_name = "đơn vị kết nối API"
        verbose_name_plural = "đơn vị kết nối API"


class Sim(models.Model):
    """A subscriber's signing SIM: its certificate, the key on its chip, and its PIN."""

    phone_number = models.CharField("số điện thoại", max_length=11, unique=True)
    holder_name = models.CharField("chủ thuê bao", max_length=150)
    certificate_pem = models.TextField("chứng thư số (PEM)")
    # The key never leaves the operator: it stands for the SIM's secure element.
    private_key_pem = models.TextField(editable=False)
    pin_hash = models.CharField(max_length=128, editable=False)
    pin_failures = models.PositiveSmallIntegerField("số lần nhập sai PIN", default=0)
    locked_at = models.DateTimeField("khoá ký số lúc", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "Sim ký số"
        verbose_name_plural = "Sim ký số"

    def __str__(self) -> str:
        return f"{self.holder_name} ({mask_phone(self.phone_number)})"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class SigningRequest(models.Model):
    """A service provider's request to sign data with a subscriber's SIM."""

    class Status(models.TextChoices):
        PENDING = "pending", "Đang chờ xác nhận"
        APPROVED = "approved", "Đã ký"
        REFUSED = "refused", "Thuê bao từ chối"
        PIN_LOCKED = "pin_locked", "Sai PIN quá số lần cho phép"

    public_id = models.CharField(max_length=43, unique=True, editable=False)
    sim = models.ForeignKey(Sim, on_delete=models.CASCADE, related_name="signing_requests")
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="+")
    data_to_sign = models.BinaryField()
    display_text = models.CharField("nội dung hiển thị", max_length=200)
    confirmation_code = models.CharField("mã xác nhận", max_length=8)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    signature = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "yêu cầu ký số"
        verbose_name_plural = "yêu cầu ký số"

    def __str__(self) -> str:
        return f"{self.display_text} → {self.sim}"

    def is_expired(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    def state(self, now: datetime | None = None) -> str:
        """Return the status as the subscriber and the provider see it, expiry included."""
        if self.status == self.Status.PENDING and self.is_expired(now):
            return "expired"
        return self.status


class SmsMessage(models.Model):
    """A text message delivered to a phone number (shown on the simulated phone)."""

    phone_number = models.CharField("số điện thoại", max_length=11, db_index=True)
    sender = models.CharField("người gửi", max_length=150)
    text = models.TextField("nội dung")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "tin nhắn SMS"
        verbose_name_plural = "tin nhắn SMS"

    def __str__(self) -> str:
        return f"{self.sender} → {mask_phone(self.phone_number)}"


class ServiceFault(FaultSwitch):
    """The sandbox's switch for making the operator's API slow, failing or down (one row)."""

    class Meta:
        verbose_name = "giả lập sự cố nhà mạng"
        verbose_name_plural = "giả lập sự cố nhà mạng"
