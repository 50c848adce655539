"""The operator's records in the admin: read-only views of SIMs, signing requests and SMS."""

from django.contrib import admin

from admin_kit.readonly import ReadOnlyAdminMixin
from idnumbers.phones import mask_phone

from .models import SigningRequest, Sim, SmsMessage


class MaskedPhoneMixin:
    """A masked phone number column for the records that carry one."""

    @admin.display(description="số điện thoại")
    def masked_phone(self, obj: Sim | SmsMessage) -> str:
        return mask_phone(obj.phone_number)


@admin.register(Sim)
class SimAdmin(MaskedPhoneMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("holder_name", "masked_phone", "pin_failures", "locked_at", "created_at")
    fields = ("holder_name", "masked_phone", "certificate_pem", "pin_failures", "locked_at")
    readonly_fields = fields


@admin.register(SigningRequest)
class SigningRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("display_text", "sim", "client", "status", "created_at", "decided_at")
    list_filter = ("status",)
    fields = ("display_text", "sim", "client", "confirmation_code", "status", "created_at")
    readonly_fields = fields


@admin.register(SmsMessage)
class SmsMessageAdmin(MaskedPhoneMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("sender", "masked_phone", "created_at")
    fields = ("sender", "masked_phone", "created_at")
    readonly_fields = fields
