"""The officials' view of dossiers: read them, move their status; and each account's dossiers."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from accounts.admin import AccountAdmin
from accounts.models import User
from admin_kit.officials import official
from admin_kit.readonly import ReadOnlyAdminMixin
from admin_kit.reasons import reason_field
from idnumbers.numbers import mask_number

from .models import Dossier
from .services import set_dossier_status


class DossierStatusForm(forms.ModelForm):
    """An official's status change, with the reason written to the owner's audit trail."""

    reason = reason_field(
        help_text="Bắt buộc: lý do được ghi vào nhật ký thay đổi của tài khoản người nộp."
    )

    class Meta:
        model = Dossier
        fields = ("status",)


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    form = DossierStatusForm
    list_display = (
        "code",
        "procedure_name",
        "owner_name",
        "masked_owner",
        "status",
        "submitted_at",
    )
    list_filter = ("status",)
    list_select_related = ("owner",)
    search_fields = ("=code",)
    search_help_text = "Nhập đầy đủ mã hồ sơ."
    date_hierarchy = "submitted_at"
    fields = (
        "code",
        "procedure_code",
        "procedure_name",
        "owner",
        "status",
        "submitted_at",
        "completed_at",
        "updated_at",
        "reason",
    )
    readonly_fields = tuple(field for field in fields if field not in ("status", "reason"))

    @admin.display(description="người nộp", ordering="owner__full_name")
    def owner_name(self, dossier: Dossier) -> str:
        return dossier.owner.full_name

    @admin.display(description="tài khoản")
    def masked_owner(self, dossier: Dossier) -> str:
        return mask_number(dossier.owner.username)

    def save_model(
        self, request: HttpRequest, obj: Dossier, form: forms.ModelForm, change: bool
    ) -> None:
        set_dossier_status(
            dossier=obj,
            status=form.cleaned_data["status"],
            actor=official(request),
            reason=form.cleaned_data["reason"],
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Dossiers are filed by citizens through the e-services.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DossierInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Dossier
    fk_name = "owner"
    verbose_name_plural = "hồ sơ của tài khoản"
    fields = ("code", "procedure_name", "status", "submitted_at", "completed_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


# Accounts knows nothing of dossiers: the portal shows an account's dossiers on its admin page.
admin.site.unregister(User)


@admin.register(User)
class AccountWithDossiersAdmin(AccountAdmin):
    inlines = (*AccountAdmin.inlines, DossierInline)
