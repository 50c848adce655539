"""The officials' view of dossiers: read them, move their status, nothing else."""

from django.contrib import admin

from idnumbers.numbers import mask_number

from .models import Dossier
from .services import set_dossier_status


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
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
    )
    readonly_fields = tuple(field for field in fields if field != "status")

    @admin.display(description="người nộp", ordering="owner__full_name")
    def owner_name(self, dossier):
        return dossier.owner.full_name

    @admin.display(description="tài khoản")
    def masked_owner(self, dossier):
        return mask_number(dossier.owner.username)

    def save_model(self, request, obj, form, change):
        set_dossier_status(dossier=obj, status=form.cleaned_data["status"])

    def has_add_permission(self, request):
        # Dossiers are filed by citizens through the e-services.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
