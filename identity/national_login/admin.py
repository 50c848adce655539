"""The officials' view of the national login service: clients (secret shown once), keys, logs."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from admin_kit.changes import ShownChangesMixin
from admin_kit.readonly import ReadOnlyAdminMixin
from admin_kit.reasons import reason_field, reason_form
from oidc_kit.admin import ClientAdmin, ClientForm

from . import keys, services
from .models import AuditEvent, LogoutDeliveryRecord, NationalClient, SigningKey

REASON_HELP = "Bắt buộc: lý do được ghi vào nhật ký Hệ thống xác thực cùng với thao tác."
ReasonForm = reason_form(help_text=REASON_HELP)


class NationalClientForm(ClientForm):
    reason = reason_field(help_text=REASON_HELP)

    class Meta:
        model = NationalClient
        fields = services.CLIENT_FIELDS


@admin.register(NationalClient)
class NationalClientAdmin(ClientAdmin):
    form = NationalClientForm
    clients = services.CLIENTS
    credentials_template = "national_login/admin/client_credentials.html"
    credentials_title = "Thông tin kết nối Hệ thống xác thực"
    reason_form = ReasonForm
    list_display = ("name", "client_id", "attribute_profile", "is_active", "created_at")
    list_filter = ("is_active", "attribute_profile")


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    list_display = ("kid", "is_active", "is_published", "created_at")
    fields = ("kid", "is_active", "is_published", "created_at")
    readonly_fields = fields
    actions = ("rotate",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SigningKey | None = None) -> bool:
        return False

    @admin.action(description="Tạo khoá ký mới (khoá đang dùng vẫn được công bố)")
    def rotate(self, request: HttpRequest, queryset: QuerySet[SigningKey]) -> None:
        key = keys.rotate_signing_key()
        self.message_user(request, f"Khoá ký mới: {key.kid}", messages.SUCCESS)


@admin.register(LogoutDeliveryRecord)
class LogoutDeliveryRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Back-channel logouts a portal did not accept, until a retry delivers them.

    `manage.py retry_national_login_logout_deliveries` sends them again with fresh tokens.
    """

    list_display = ("created_at", "client_id", "attempts", "last_error", "delivered_at")
    list_filter = (("delivered_at", admin.EmptyFieldListFilter),)
    fields = (
        "created_at",
        "client_id",
        "uri",
        "sid",
        "attempts",
        "last_error",
        "last_attempt_at",
        "delivered_at",
    )
    readonly_fields = fields


@admin.register(AuditEvent)
class AuditEventAdmin(ShownChangesMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "kind", "subject", "client", "endpoint", "actor", "reason")
    list_filter = ("kind", "created_at")
    list_select_related = ("subject", "client", "actor")
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = (
        "created_at",
        "kind",
        "subject",
        "client",
        "actor",
        "detail",
        "endpoint",
        "status_code",
        "duration_ms",
        "shown_changes",
        "reason",
    )
    readonly_fields = fields
