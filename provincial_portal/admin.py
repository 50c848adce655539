"""The officials' view of the provincial portal: accounts (changes audited), dossiers, audit."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from admin_kit.audit import masked_value, save_audited
from admin_kit.changes import ShownChangesMixin
from admin_kit.officials import official
from admin_kit.readonly import ReadOnlyAdminMixin
from admin_kit.reasons import confirm_with_reason, reason_field, reason_form
from admin_kit.search import NumberSearchMixin
from idnumbers.numbers import mask_number

from .models import AuditEvent, PasswordFailure, ProvincialAccount, ProvincialDossier

REASON_HELP = "Bắt buộc: lý do được ghi vào nhật ký Cổng DVC tỉnh cùng với thao tác."
ReasonForm = reason_form(help_text=REASON_HELP)
# What an official may correct on an account; numbers and the national link are not among them.
CHANGEABLE = ("full_name", "birth_date", "is_active")


class ProvincialAccountForm(forms.ModelForm):
    reason = reason_field(help_text=REASON_HELP)

    class Meta:
        model = ProvincialAccount
        fields = CHANGEABLE


def write_change(
    account: ProvincialAccount, changes: dict[str, list[Any]], reason: str, actor: Any
) -> None:
    """Write the audit row of an official's change."""
    AuditEvent.record(
        kind=AuditEvent.Kind.ACCOUNT_CHANGED,
        account=account,
        actor=actor,
        changes=changes,
        reason=reason,
        detail="cán bộ sửa thông tin tài khoản",
    )


@admin.register(ProvincialAccount)
class ProvincialAccountAdmin(NumberSearchMixin, admin.ModelAdmin):
    form = ProvincialAccountForm
    list_display = (
        "login_name",
        "full_name",
        "account_type",
        "masked_tax_code",
        "masked_cccd",
        "masked_cmnd",
        "origin",
        "is_inherited",
        "is_active",
        "last_login_at",
    )
    list_filter = ("account_type", "origin", "is_active")
    search_fields = ("full_name",)
    # A whole tax code typed in the box finds the organisation, as a whole CCCD finds a citizen.
    number_search_fields = ("cccd_number", "cmnd_number", "tax_code")
    readonly_fields = (
        "login_name",
        "masked_cccd",
        "masked_cmnd",
        "account_type",
        "masked_tax_code",
        "short_name",
        "foreign_name",
        "organisation_kind",
        "established_on",
        "head_office_address",
        "representative_name",
        "masked_representative",
        "origin",
        "is_inherited",
        "inherited_at",
        "inherited_by_number",
        "created_at",
        "last_login_at",
    )
    actions = ("clear_password_failures",)

    def get_fields(self, request: HttpRequest, obj: ProvincialAccount | None = None) -> list[Any]:
        if obj is not None and obj.is_organisation:
            head = ["login_name", "account_type", "masked_tax_code"]
            profile = list(self.readonly_fields[5:12])
            fields: list[Any] = [*head, "full_name", "is_active", *profile]
        else:
            fields = ["login_name", "masked_cccd", "masked_cmnd", *CHANGEABLE]
        fields += ["origin", "is_inherited", "inherited_at"]
        if obj is not None and obj.is_organisation:
            fields.append("inherited_by_number")
        fields += ["created_at", "last_login_at"]
        if obj is not None and self.has_change_permission(request, obj):
            fields.append("reason")
        return fields

    @admin.display(description="tên đăng nhập", ordering="username")
    def login_name(self, account: ProvincialAccount) -> str:
        # An organisation's login name is its tax code: masked like any number.
        return mask_number(account.username) if account.is_organisation else account.username

    @admin.display(description="mã số thuế")
    def masked_tax_code(self, account: ProvincialAccount) -> str:
        return mask_number(account.tax_code) if account.tax_code else "—"

    @admin.display(description="số định danh người đại diện")
    def masked_representative(self, account: ProvincialAccount) -> str:
        number = account.representative_number
        return mask_number(number) if number else "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Accounts come from the province's past (seeding) or from a first login.
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: ProvincialAccount | None = None
    ) -> bool:
        # Its dossiers and audit rows would go with it: lock it instead.
        return False

    @admin.display(description="số CCCD")
    def masked_cccd(self, account: ProvincialAccount) -> str:
        return mask_number(account.cccd_number) if account.cccd_number else "—"

    @admin.display(description="số CMND")
    def masked_cmnd(self, account: ProvincialAccount) -> str:
        return mask_number(account.cmnd_number) if account.cmnd_number else "—"

    @admin.display(description="đã kế thừa", boolean=True)
    def is_inherited(self, account: ProvincialAccount) -> bool:
        return account.inherited

    def save_model(
        self, request: HttpRequest, obj: ProvincialAccount, form: forms.ModelForm, change: bool
    ) -> None:
        values = {
            field: form.cleaned_data[field] for field in CHANGEABLE if field in form.changed_data
        }
        actor = official(request)
        with transaction.atomic():
            save_audited(
                obj,
                values,
                allowed=CHANGEABLE,
                reason=form.cleaned_data["reason"],
                write_entry=lambda account, changes, reason: write_change(
                    account, changes, reason, actor
                ),
                shown=masked_value,
            )

    @admin.action(
        description="Mở khoá kế thừa (xoá các lần nhập sai mật khẩu)", permissions=["change"]
    )
    def clear_password_failures(
        self, request: HttpRequest, queryset: QuerySet[ProvincialAccount]
    ) -> HttpResponseBase | None:
        actor = official(request)

        def perform(accounts: QuerySet[ProvincialAccount], reason: str) -> None:
            PasswordFailure.objects.filter(account__in=accounts).delete()
            AuditEvent.record_many(
                {
                    "kind": AuditEvent.Kind.ACCOUNT_CHANGED,
                    "account": account,
                    "actor": actor,
                    "reason": reason,
                    "detail": "cán bộ mở khoá kế thừa (xoá các lần nhập sai mật khẩu)",
                }
                for account in accounts
            )
            self.message_user(request, "Đã mở khoá kế thừa.", messages.SUCCESS)

        return confirm_with_reason(
            self,
            request,
            queryset,
            form_class=ReasonForm,
            title="Mở khoá kế thừa tài khoản cũ",
            question="Xoá các lần nhập sai mật khẩu của các tài khoản đã chọn?",
            perform=perform,
        )


@admin.register(ProvincialDossier)
class ProvincialDossierAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("code", "procedure", "account", "status", "submitted_on")
    list_filter = ("status",)
    list_select_related = ("account",)
    search_fields = ("code",)


@admin.register(AuditEvent)
class AuditEventAdmin(ShownChangesMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "kind", "account", "detail", "actor", "shown_changes", "reason")
    list_filter = ("kind", "created_at")
    list_select_related = ("account", "actor")
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = (
        "created_at",
        "kind",
        "account",
        "actor",
        "detail",
        "endpoint",
        "status_code",
        "duration_ms",
        "shown_changes",
        "reason",
    )
    readonly_fields = fields
