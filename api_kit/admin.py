"""The officials' page of an API's consuming systems: a key shown once, every change audited.

Each registry registers its own `ApiClient` with a subclass naming its services (the audited
`register_api_client`, `change_api_client` and `issue_new_key_by_official`) and reason form.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.html import format_html

from admin_kit.columns import column
from admin_kit.officials import official
from admin_kit.reasons import confirm_with_reason, reason_field

CONSUMER_FIELDS = ("name", "can_read_records", "is_active", "rate_limit_per_minute")
_created_at = column("created_at", "thời điểm tạo")


def consumer_form(model: type[Model], *, reason_help: str) -> type[forms.ModelForm]:
    """Return the form of a registry's ApiClient: what an official may set, and the reason."""
    meta = type("Meta", (), {"model": model, "fields": CONSUMER_FIELDS})
    form: type[forms.ModelForm] = type(
        f"{model.__name__}Form",
        (forms.ModelForm,),
        {"reason": reason_field(help_text=reason_help), "Meta": meta},
    )
    return form


class ConsumerAdmin(admin.ModelAdmin):
    """A registry's consuming systems; a subclass sets `form`, `services` and `reason_form`."""

    # The registry's services module and reason form (admin_kit.reasons.reason_form).
    services: Any
    reason_form: type[forms.Form]

    list_display = ("name", "key_prefix", "can_read_records", "is_active", _created_at)
    list_filter = ("is_active", "can_read_records")
    search_fields = ("name",)
    # The admin takes column functions in fields and readonly_fields; the stubs allow names only.
    readonly_fields = ("key_prefix", _created_at)  # type: ignore[assignment]
    actions = ("issue_new_keys",)

    # A column function stands among the names: the admin shows it read-only.
    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[Any, ...]:
        if obj is None:
            return ("name", "can_read_records", "rate_limit_per_minute", "reason")
        fields = (
            "name",
            "key_prefix",
            "can_read_records",
            "rate_limit_per_minute",
            "is_active",
            _created_at,
        )
        return (*fields, "reason") if self.has_change_permission(request, obj) else fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Lookup logs reference their client; a client is deactivated, never deleted.
        return False

    def save_model(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool
    ) -> None:
        reason = form.cleaned_data["reason"]
        if not change:
            raw_key = self.services.register_api_client(
                client=obj, actor=official(request), reason=reason
            )
            self._show_key_once(request, obj, raw_key)
            return
        values = {
            field: form.cleaned_data[field] for field in form.changed_data if field != "reason"
        }
        self.services.change_api_client(
            client=obj, values=values, actor=official(request), reason=reason
        )

    @admin.action(description="Cấp khoá mới (khoá cũ hết hiệu lực ngay)", permissions=["change"])
    def issue_new_keys(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> HttpResponseBase | None:
        def perform(clients: QuerySet[Any], reason: str) -> None:
            for client in clients:
                raw_key = self.services.issue_new_key_by_official(
                    client=client, actor=official(request), reason=reason
                )
                self._show_key_once(request, client, raw_key)

        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Cấp khoá API mới",
            question="Cấp khoá mới cho các hệ thống sau? Khoá cũ hết hiệu lực ngay.",
            form_class=self.reason_form,
            perform=perform,
        )

    def _show_key_once(self, request: HttpRequest, client: Any, raw_key: str) -> None:
        self.message_user(
            request,
            format_html(
                "Khoá API của hệ thống “{}”: <code>{}</code> — hãy sao chép ngay, khoá chỉ "
                "hiển thị một lần và không thể xem lại.",
                client.name,
                raw_key,
            ),
            messages.SUCCESS,
        )
