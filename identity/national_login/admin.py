"""The officials' view of the national login service: clients (secret shown once), keys, logs."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import AdminSite
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from admin_kit.officials import official
from admin_kit.readonly import ReadOnlyAdminMixin
from admin_kit.reasons import reason_field, reason_form, reason_page

from . import keys, services
from .models import AuditEvent, LogoutDeliveryRecord, NationalClient, SigningKey

REASON_HELP = "Bắt buộc: lý do được ghi vào nhật ký Hệ thống xác thực cùng với thao tác."
ReasonForm = reason_form(help_text=REASON_HELP)


def _validate_uri_lines(text: str | None) -> str:
    uris = [line.strip() for line in (text or "").splitlines() if line.strip()]
    check = URLValidator(schemes=["http", "https"])
    for uri in uris:
        try:
            check(uri)
        except ValidationError:
            raise ValidationError(f"Địa chỉ không hợp lệ: {uri}", code="invalid_uri") from None
    return "\n".join(uris)


class NationalClientForm(forms.ModelForm):
    reason = reason_field(help_text=REASON_HELP)

    class Meta:
        model = NationalClient
        fields = services.CLIENT_FIELDS

    def clean_redirect_uris(self) -> str:
        uris = _validate_uri_lines(self.cleaned_data["redirect_uris"])
        if not uris:
            raise ValidationError("Cần ít nhất một địa chỉ chuyển hướng.", code="required")
        return uris

    def clean_post_logout_redirect_uris(self) -> str:
        return _validate_uri_lines(self.cleaned_data["post_logout_redirect_uris"])


def _show_credentials(
    request: HttpRequest, client: NationalClient, raw_secret: str, admin_site: AdminSite
) -> TemplateResponse:
    # Rendered directly, never through the messages framework: that would keep it in a cookie.
    context = {
        **admin_site.each_context(request),
        "title": "Thông tin kết nối Hệ thống xác thực",
        "client": client,
        "client_secret": raw_secret,
    }
    return TemplateResponse(request, "national_login/admin/client_credentials.html", context)


@admin.register(NationalClient)
class NationalClientAdmin(admin.ModelAdmin):
    form = NationalClientForm
    list_display = ("name", "client_id", "attribute_profile", "is_active", "created_at")
    list_filter = ("is_active", "attribute_profile")
    search_fields = ("name", "client_id")
    readonly_fields = ("client_id", "created_at")
    actions = ("issue_new_secret",)

    def has_delete_permission(
        self, request: HttpRequest, obj: NationalClient | None = None
    ) -> bool:
        # Audit events and issued tokens reference their client: deactivate it instead.
        return bool(request.user.is_superuser)

    def get_fields(self, request: HttpRequest, obj: NationalClient | None = None) -> list[Any]:
        fields: list[Any] = [*services.CLIENT_FIELDS, "reason"]
        if obj is not None:
            fields = ["client_id", *services.CLIENT_FIELDS, "created_at", "reason"]
        if obj is not None and not self.has_change_permission(request, obj):
            fields.remove("reason")
        return fields

    def save_model(
        self, request: HttpRequest, obj: NationalClient, form: forms.ModelForm, change: bool
    ) -> None:
        reason = form.cleaned_data["reason"]
        if change:
            values = {
                field: form.cleaned_data[field]
                for field in services.CLIENT_FIELDS
                if field in form.changed_data
            }
            services.change_client(
                client=obj, values=values, actor=official(request), reason=reason
            )
        else:
            obj.raw_secret = services.register_client(obj, actor=official(request), reason=reason)

    def response_add(
        self, request: HttpRequest, obj: NationalClient, post_url_continue: str | None = None
    ) -> TemplateResponse:
        return _show_credentials(request, obj, obj.raw_secret, self.admin_site)

    @admin.action(
        description="Cấp lại client secret (secret cũ hết hiệu lực)", permissions=["change"]
    )
    def issue_new_secret(
        self, request: HttpRequest, queryset: QuerySet[NationalClient]
    ) -> HttpResponseBase | None:
        if queryset.count() != 1:
            self.message_user(request, "Chọn đúng một hệ thống kết nối.", messages.WARNING)
            return None
        form = ReasonForm(request.POST if request.POST.get("confirm") else None)
        if not (form.is_bound and form.is_valid()):
            return reason_page(
                self,
                request,
                queryset,
                form,
                title="Cấp lại client secret",
                question="Cấp client secret mới? Secret cũ hết hiệu lực ngay.",
            )
        client = queryset.get()
        with transaction.atomic():
            raw_secret = services.issue_new_client_secret(
                client=client, actor=official(request), reason=form.cleaned_data["reason"]
            )
        return _show_credentials(request, client, raw_secret, self.admin_site)


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
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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

    @admin.display(description="thay đổi (trường: trước → sau)")
    def shown_changes(self, event: AuditEvent) -> str:
        if not event.changes:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            "{}: {} → {}",
            (
                (field, before if before not in (None, "") else "(trống)", after)
                for field, (before, after) in event.changes.items()
            ),
        )
