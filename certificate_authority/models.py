"""The sandbox CA's records: its root, the certificates it issued, USB tokens and its audit."""

from datetime import datetime
from typing import Self

from django.db import models
from django.db.models import Q
from django.utils import timezone

from admin_kit.audit import AuditRecord, official_reason_check
from idnumbers.numbers import mask_number

# Three wrong PINs lock a token, as real USB tokens do.
USB_TOKEN_PIN_TRIES = 3


class Authority(models.Model):
    """The root CA "CA thử nghiệm DVC Sandbox": its certificate and encrypted key (one row)."""

    name = models.CharField("tên", max_length=150, unique=True)
    certificate_pem = models.TextField("chứng thư gốc (PEM)")
    # PKCS#8 encrypted with a password derived from SECRET_KEY.
    private_key_pem = models.TextField("khoá bí mật (đã mã hoá)")
    crl_number = models.PositiveBigIntegerField("số CRL đã phát hành", default=0)
    created_at = models.DateTimeField("ngày tạo", default=timezone.now)

    class Meta:
        verbose_name = "CA gốc"
        verbose_name_plural = "CA gốc"

    def __str__(self) -> str:
        return self.name


class IdKind(models.TextChoices):
    CMND = "CMND", "CMND"
    CCCD = "CCCD", "CCCD"


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def revoked(self) -> Self:
        return self.filter(status=Certificate.Status.REVOKED)


class Certificate(models.Model):
    """A signing certificate issued by the sandbox CA, with the key its device holds."""

    class Kind(models.TextChoices):
        USB_TOKEN = "usb_token", "USB ký số"
        SIGNING_SIM = "signing_sim", "Sim ký số"
        SOFTWARE = "software", "Tệp PKCS#12 (tích hợp)"

    class Status(models.TextChoices):
        VALID = "valid", "Đang hoạt động"
        REVOKED = "revoked", "Đã thu hồi"

    class RevocationReason(models.TextChoices):
        # Values are the names of cryptography's x509.ReasonFlags (RFC 5280 §5.3.1).
        UNSPECIFIED = "unspecified", "Không nêu lý do"
        KEY_COMPROMISE = "key_compromise", "Lộ khoá bí mật"
        AFFILIATION_CHANGED = "affiliation_changed", "Thay đổi thông tin chủ thể"
        SUPERSEDED = "superseded", "Đã được thay thế (gia hạn)"
        CESSATION_OF_OPERATION = "cessation_of_operation", "Ngừng sử dụng"

    serial_number = models.CharField("số hiệu (serial, hex)", max_length=40, unique=True)
    kind = models.CharField("loại thiết bị", max_length=12, choices=Kind.choices)
    holder_name = models.CharField("chủ thể", max_length=150)
    id_kind = models.CharField("loại giấy tờ", max_length=4, choices=IdKind.choices)
    id_number = models.CharField("số giấy tờ", max_length=12)
    certificate_pem = models.TextField("chứng thư số (PEM)")
    # The device's key, kept by the sandbox because the device is simulated; encrypted at rest.
    private_key_pem = models.TextField("khoá bí mật (đã mã hoá)")
    not_before = models.DateTimeField("hiệu lực từ")
    not_after = models.DateTimeField("hiệu lực đến")
    status = models.CharField(
        "tình trạng", max_length=8, choices=Status.choices, default=Status.VALID
    )
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)
    revocation_reason = models.CharField(
        "lý do thu hồi (CRL)", max_length=24, choices=RevocationReason.choices, blank=True
    )
    renewed_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name="gia hạn từ chứng thư",
    )
    created_at = models.DateTimeField("ngày cấp", default=timezone.now)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "chứng thư số"
        verbose_name_plural = "chứng thư số"
        indexes = [models.Index(fields=["id_number"], name="ca_certificate_id_number_idx")]
        permissions = [
            ("revoke_certificate", "Thu hồi chứng thư số"),
            ("renew_certificate", "Gia hạn chứng thư số"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="valid", revoked_at__isnull=True)
                | Q(status="revoked", revoked_at__isnull=False),
                name="ca_certificate_revoked_has_date",
            ),
        ]

    def __str__(self) -> str:
        masked = mask_number(self.id_number)
        return f"{self.holder_name} ({self.id_kind}:{masked}) #{self.serial_number}"

    @property
    def subject_uid(self) -> str:
        """Return the UID of the subject, e.g. "CMND:164438056"."""
        return f"{self.id_kind}:{self.id_number}"

    @property
    def is_revoked(self) -> bool:
        return self.status == self.Status.REVOKED

    def is_expired(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) > self.not_after


class UsbToken(models.Model):
    """A USB ký số device: the certificate it carries and its PIN (hashed)."""

    label = models.CharField("nhãn thiết bị", max_length=150)
    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="usb_tokens", verbose_name="chứng thư"
    )
    pin_hash = models.CharField("mã PIN (đã băm)", max_length=255)
    failed_pin_attempts = models.PositiveSmallIntegerField("số lần nhập sai PIN", default=0)
    created_at = models.DateTimeField("ngày cấp", default=timezone.now)

    class Meta:
        ordering = ["label", "id"]
        verbose_name = "USB ký số"
        verbose_name_plural = "USB ký số"
        permissions = [("unlock_usbtoken", "Mở khoá USB ký số bị khoá do nhập sai PIN")]

    def __str__(self) -> str:
        return self.label

    @property
    def is_locked(self) -> bool:
        return self.failed_pin_attempts >= USB_TOKEN_PIN_TRIES

    @property
    def tries_left(self) -> int:
        return max(0, USB_TOKEN_PIN_TRIES - self.failed_pin_attempts)


class CertificateEvent(AuditRecord):
    """An append-only audit entry of the CA: who did what to which certificate, and why."""

    class Action(models.TextChoices):
        ISSUED = "issued", "Cấp chứng thư"
        REVOKED = "revoked", "Thu hồi chứng thư"
        RENEWED = "renewed", "Gia hạn chứng thư"
        PKCS12_EXPORTED = "pkcs12_exported", "Xuất tệp PKCS#12"
        TOKEN_ISSUED = "token_issued", "Cấp USB ký số"
        TOKEN_LOCKED = "token_locked", "USB ký số bị khoá (sai PIN)"
        TOKEN_UNLOCKED = "token_unlocked", "Mở khoá USB ký số"

    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="events", verbose_name="chứng thư"
    )
    action = models.CharField("thao tác", max_length=20, choices=Action.choices)

    class Meta(AuditRecord.Meta):
        verbose_name = "nhật ký CA"
        verbose_name_plural = "nhật ký CA"
        constraints = [official_reason_check("ca_certificateevent_official_reason")]

    def __str__(self) -> str:
        when = timezone.localtime(self.created_at)
        return f"{self.get_action_display()} — {self.certificate} — {when:%d/%m/%Y %H:%M}"
