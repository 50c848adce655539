"""The officials' view of a provider's clients: the secret shown once, every change audited.

Each provider registers its own admin, naming its client registry, its own words and its
credentials page; `ClientAdmin` and `ClientForm` hold what they share.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse

from admin_kit.officials import official
from admin_kit.reasons import reason_page

from .clients import ClientRegistry
from .provider_models import ProviderClient


def validate_uri_lines(text: str | None) -> str:
    """Return the http(s) URIs of text, one a line; raise ValidationError for another one."""
    uris = [line.strip() for line in (text or "").splitlines() if line.strip()]
    check = URLValidator(schemes=["http", "https"])
    for uri in uris:
        try:
            check(uri)
        except ValidationError:
            raise ValidationError(f"Địa chỉ không hợp lệ: {uri}", code="invalid_uri") from None
    return "\n".join(uris)


class ClientForm(forms.ModelForm):
    """A client's form: at least one redirect URI, and every URI an http(s) one."""

    def clean_redirect_uris(self) -> str:
        uris = validate_uri_lines(self.cleaned_data["redirect_uris"])
        if not uris:
            raise ValidationError("Cần ít nhất một địa chỉ chuyển hướng.", code="required")
        return uris

    def clean_post_logout_redirect_uris(self) -> str:
        return validate_uri_lines(self.cleaned_data["post_logout_redirect_uris"])


class ClientAdmin(admin.ModelAdmin):
    """A provider's clients: changes go through `clients`, a new secret is shown only once."""

    clients: ClientRegistry[Any]
    # The page that shows a client's credentials, under this title.
    credentials_template: str
    credentials_title: str
    reason_form: type[forms.Form]
    readonly_fields = ("client_id", "created_at")
    search_fields = ("name", "client_id")
    actions = ("issue_new_secret",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Audit events and issued tokens reference their client: deactivate it instead.
        return bool(request.user.is_superuser)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        fields: list[Any] = [*self.clients.fields, "reason"]
        if obj is not None:
            fields = ["client_id", *self.clients.fields, "created_at", "reason"]
        if obj is not None and not self.has_change_permission(request, obj):
            fields.remove("reason")
        return fields

    def save_model(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool
    ) -> None:
        reason = form.cleaned_data["reason"]
        if change:
            values = {
                field: form.cleaned_data[field]
                for field in self.clients.fields
                if field in form.changed_data
            }
            self.clients.change(client=obj, values=values, actor=official(request), reason=reason)
        else:
            obj.raw_secret = self.clients.register(obj, actor=official(request), reason=reason)

    def response_add(
        self, request: HttpRequest, obj: Any, post_url_continue: str | None = None
    ) -> TemplateResponse:
        return self.show_credentials(request, obj, obj.raw_secret)

    def show_credentials(
        self, request: HttpRequest, client: ProviderClient, raw_secret: str
    ) -> TemplateResponse:
        """Show a client's id and its just-issued secret, once."""
        # Rendered directly, never through the messages framework: that would keep it in a cookie.
        context = {
            **self.admin_site.each_context(request),
            "title": self.credentials_title,
            "client": client,
            "client_secret": raw_secret,
        }
        return TemplateResponse(request, self.credentials_template, context)

    @admin.action(
        description="Cấp lại client secret (secret cũ hết hiệu lực)", permissions=["change"]
    )
    def issue_new_secret(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> HttpResponseBase | None:
        if queryset.count() != 1:
            self.message_user(request, "Chọn đúng một hệ thống kết nối.", messages.WARNING)
            return None
        form = self.reason_form(request.POST if request.POST.get("confirm") else None)
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
            raw_secret = self.clients.issue_new_secret(
                client=client, actor=official(request), reason=form.cleaned_data["reason"]
            )
        return self.show_credentials(request, client, raw_secret)
