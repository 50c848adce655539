"""The officials' side of the sandbox CA: issue, revoke and renew, each with a reason."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from admin_kit.changes import format_changes
from admin_kit.officials import official
from admin_kit.readonly import ReadOnlyAdminMixin
from admin_kit.reasons import confirm_with_reason, reason_field, reason_form
from idnumbers.numbers import mask_number, normalize_number

from . import services
from .models import Certificate, CertificateEvent, UsbToken

REASON_HELP = "Bắt buộc: lý do được ghi vào nhật ký CA cùng với thao tác."
ReasonForm = reason_form(help_text=REASON_HELP)
FIELD_LABELS = {
    "serial_number": "số hiệu",
    "not_after": "hiệu lực đến",
    "status": "tình trạng",
    "revocation_reason": "lý do thu hồi",
    "failed_pin_attempts": "số lần sai PIN",
    "usb_token": "USB ký số",
    "pin": "mã PIN",
}


class IssueCertificateForm(forms.ModelForm):
    """What an official types to issue a certificate; the CA makes the key and the rest."""

    id_number = forms.CharField(label="Số giấy tờ", max_length=24)
    valid_days = forms.IntegerField(
        label="Thời hạn (ngày)",
        min_value=1,
        max_value=3650,
        initial=services.CERTIFICATE_VALID_DAYS,
    )
    reason = reason_field(help_text=REASON_HELP)

    class Meta:
        model = Certificate
        fields = ("holder_name", "id_kind", "id_number", "kind")

    def clean_id_number(self) -> str:
        return normalize_number(self.cleaned_data["id_number"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        kind, number = cleaned.get("id_kind"), cleaned.get("id_number")
        if kind and number and not services.id_number_fits(kind, number):
            self.add_error("id_number", services.InvalidHolder.message)
        return cleaned


class CertificateEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CertificateEvent
    fk_name = "certificate"
    verbose_name_plural = "nhật ký CA"
    fields = ("created_at", "action", "actor", "shown_changes", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description="thay đổi")
    def shown_changes(self, event: CertificateEvent) -> str:
        return format_changes(event.changes, FIELD_LABELS)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    form = IssueCertificateForm
    inlines = (CertificateEventInline,)
    list_display = (
        "holder_name",
        "masked_subject",
        "kind",
        "serial_number",
        "status",
        "not_after",
    )
    list_filter = ("status", "kind", "id_kind")
    search_fields = ("holder_name", "=serial_number")
    actions = ("revoke_key_compromise", "revoke_cessation", "revoke_affiliation", "renew")
    readonly_fields = (
        "holder_name",
        "masked_subject",
        "kind",
        "serial_number",
        "not_before",
        "not_after",
        "status",
        "revoked_at",
        "revocation_reason",
        "renewed_from",
        "certificate_pem",
    )

    @admin.display(description="chủ thể (UID)")
    def masked_subject(self, certificate: Certificate) -> str:
        return f"{certificate.id_kind}:{mask_number(certificate.id_number)}"

    def get_form(
        self,
        request: HttpRequest,
        obj: Certificate | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[forms.ModelForm]:
        if obj is not None:
            kwargs["form"] = forms.ModelForm
            kwargs["fields"] = ()
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Certificate | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("holder_name", "id_kind", "id_number", "kind", "valid_days", "reason")
        return tuple(self.readonly_fields)

    def get_readonly_fields(
        self, request: HttpRequest, obj: Certificate | None = None
    ) -> list[str] | tuple[str, ...]:
        return self.readonly_fields if obj is not None else ()

    def get_inlines(
        self, request: HttpRequest, obj: Certificate | None
    ) -> list[type[InlineModelAdmin]] | tuple[type[InlineModelAdmin], ...]:
        return self.inlines if obj is not None else ()

    def has_change_permission(self, request: HttpRequest, obj: Certificate | None = None) -> bool:
        # Certificates are immutable: they change only by revocation or renewal (actions).
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Certificate | None = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("certificate_authority.revoke_certificate")

    def has_renew_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("certificate_authority.renew_certificate")

    def save_model(
        self, request: HttpRequest, obj: Certificate, form: forms.ModelForm, change: bool
    ) -> None:
        data = form.cleaned_data
        issued = services.issue_certificate(
            holder_name=data["holder_name"],
            id_kind=data["id_kind"],
            id_number=data["id_number"],
            kind=data["kind"],
            valid_days=data["valid_days"],
            actor=official(request),
            reason=data["reason"],
        )
        # The admin goes on with obj (its message, its log entry): make it the issued row.
        obj.__dict__.update({k: v for k, v in issued.__dict__.items() if not k.startswith("_")})

    def _revoke(
        self,
        request: HttpRequest,
        queryset: QuerySet[Certificate],
        revocation_reason: str,
        title: str,
    ) -> HttpResponseBase | None:
        def perform(certificates: QuerySet[Certificate], reason: str) -> None:
            done = 0
            for certificate in certificates:
                try:
                    services.revoke_certificate(
                        certificate=certificate,
                        revocation_reason=revocation_reason,
                        actor=official(request),
                        reason=reason,
                    )
                except services.AlreadyRevoked:
                    continue
                done += 1
            self.message_user(request, f"{title}: đã thu hồi {done} chứng thư; CRL đã cập nhật.")

        return confirm_with_reason(
            self,
            request,
            queryset,
            title=title,
            question=f"{title} các chứng thư số sau? Chứng thư bị thu hồi không dùng lại được.",
            form_class=ReasonForm,
            perform=perform,
        )

    @admin.action(description="Thu hồi — lộ khoá bí mật", permissions=["revoke"])
    def revoke_key_compromise(
        self, request: HttpRequest, queryset: QuerySet[Certificate]
    ) -> HttpResponseBase | None:
        reason = Certificate.RevocationReason.KEY_COMPROMISE
        return self._revoke(request, queryset, reason, "Thu hồi (lộ khoá bí mật)")

    @admin.action(description="Thu hồi — ngừng sử dụng", permissions=["revoke"])
    def revoke_cessation(
        self, request: HttpRequest, queryset: QuerySet[Certificate]
    ) -> HttpResponseBase | None:
        reason = Certificate.RevocationReason.CESSATION_OF_OPERATION
        return self._revoke(request, queryset, reason, "Thu hồi (ngừng sử dụng)")

    @admin.action(description="Thu hồi — thay đổi thông tin chủ thể", permissions=["revoke"])
    def revoke_affiliation(
        self, request: HttpRequest, queryset: QuerySet[Certificate]
    ) -> HttpResponseBase | None:
        reason = Certificate.RevocationReason.AFFILIATION_CHANGED
        return self._revoke(request, queryset, reason, "Thu hồi (thay đổi thông tin chủ thể)")

    @admin.action(description="Gia hạn (cấp chứng thư và khoá mới)", permissions=["renew"])
    def renew(
        self, request: HttpRequest, queryset: QuerySet[Certificate]
    ) -> HttpResponseBase | None:
        def perform(certificates: QuerySet[Certificate], reason: str) -> None:
            for certificate in certificates:
                renewed = services.renew_certificate(
                    certificate=certificate, actor=official(request), reason=reason
                )
                self.message_user(
                    request,
                    f"Đã gia hạn chứng thư của {certificate.holder_name}: số hiệu mới "
                    f"{renewed.serial_number}.",
                    messages.SUCCESS,
                )

        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Gia hạn chứng thư số",
            question="Gia hạn các chứng thư số sau? Chứng thư cũ bị thu hồi (đã được thay thế), "
            "thiết bị chuyển sang chứng thư mới.",
            form_class=ReasonForm,
            perform=perform,
        )


@admin.register(UsbToken)
class UsbTokenAdmin(admin.ModelAdmin):
    list_display = ("label", "certificate", "failed_pin_attempts", "locked")
    readonly_fields = ("label", "certificate", "failed_pin_attempts", "created_at")
    fields = readonly_fields
    actions = ("unlock",)

    @admin.display(description="đã khoá", boolean=True)
    def locked(self, token: UsbToken) -> bool:
        return token.is_locked

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: UsbToken | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: UsbToken | None = None) -> bool:
        return False

    def has_unlock_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("certificate_authority.unlock_usbtoken")

    @admin.action(description="Mở khoá (xoá số lần nhập sai PIN)", permissions=["unlock"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[UsbToken]) -> HttpResponseBase | None:
        def perform(tokens: QuerySet[UsbToken], reason: str) -> None:
            for token in tokens:
                services.unlock_usb_token(token=token, actor=official(request), reason=reason)
            self.message_user(request, f"Đã mở khoá {len(tokens)} thiết bị.")

        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Mở khoá USB ký số",
            question="Mở khoá các thiết bị sau?",
            form_class=ReasonForm,
            perform=perform,
        )


@admin.register(CertificateEvent)
class CertificateEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "action", "certificate", "actor", "reason")
    list_filter = ("action",)
    list_select_related = ("certificate", "actor")
