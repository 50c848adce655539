"""The officials' view of the business registry; codes and numbers stay masked in every list."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from admin_kit.changes import format_changes
from admin_kit.columns import column
from admin_kit.officials import official
from admin_kit.readonly import ReadOnlyAdminMixin
from admin_kit.reasons import confirm_with_reason, reason_field, reason_form
from admin_kit.search import NumberSearchMixin
from api_kit.admin import ConsumerAdmin, consumer_form
from idnumbers.numbers import cccd_problems, mask_number, normalize_number
from idnumbers.tax_codes import normalize_tax_code, tax_code_problem

from . import services
from .models import (
    ApiClient,
    Enterprise,
    FaultInjection,
    LegalRepresentative,
    LookupLog,
    RecordChange,
)

FIELD_LABELS = {
    "enterprise_code": "mã số doanh nghiệp",
    "kind": "loại hình",
    "name": "tên",
    "short_name": "tên viết tắt",
    "foreign_name": "tên nước ngoài",
    "established_on": "ngày thành lập",
    "head_office_address": "trụ sở chính",
    "status": "tình trạng",
    "representative": "người đại diện",
    "can_read_records": "được tra cứu hồ sơ",
    "is_active": "đang hoạt động",
    "rate_limit_per_minute": "giới hạn lời gọi mỗi phút",
    "key_prefix": "tiền tố khoá",
}
REASON_HELP = "Bắt buộc: lý do được ghi vào nhật ký sửa đổi cùng với thao tác."
ReasonForm = reason_form(help_text=REASON_HELP)


class EnterpriseForm(forms.ModelForm):
    """An enterprise as officials add or correct it: the tax code's rules and a reason."""

    reason = reason_field(help_text=REASON_HELP)

    class Meta:
        model = Enterprise
        fields = ("enterprise_code", *services.CORRECTABLE_FIELDS)

    def clean_enterprise_code(self) -> str:
        code = normalize_tax_code(self.cleaned_data["enterprise_code"])
        problem = tax_code_problem(code)
        if problem is not None:
            raise forms.ValidationError(problem)
        return code


class RepresentativeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = LegalRepresentative
    verbose_name_plural = "người đại diện theo pháp luật (thêm, kết thúc ở mục riêng)"
    fields = ("full_name", "masked_cccd", "position", "since", "until")
    readonly_fields = fields
    extra = 0

    @admin.display(description="số CCCD")
    def masked_cccd(self, representative: LegalRepresentative) -> str:
        return mask_number(representative.cccd_number)


class RecordChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RecordChange
    fk_name = "enterprise"
    verbose_name_plural = "lịch sử sửa đổi"
    fields = ("created_at", "action", "actor", "shown_changes", "reason")
    readonly_fields = fields
    extra = 0
    ordering = ("-created_at", "-id")

    @admin.display(description="thay đổi")
    def shown_changes(self, change: RecordChange) -> str:
        return format_changes(change.changes, FIELD_LABELS)


class LookupLogInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = LookupLog
    fk_name = "enterprise"
    verbose_name_plural = "các lần tra cứu qua API"
    fields = ("created_at", "client", "endpoint", "purpose", "requested_by", "result")
    readonly_fields = fields
    extra = 0
    ordering = ("-created_at", "-id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[LookupLog]:
        return super().get_queryset(request).select_related("client")


@admin.register(Enterprise)
class EnterpriseAdmin(NumberSearchMixin, admin.ModelAdmin):
    form = EnterpriseForm
    inlines = (RepresentativeInline, RecordChangeInline, LookupLogInline)
    actions = ("mark_suspended", "mark_dissolved", "mark_active")
    list_display = ("name", "masked_code", "kind", "established_on", "status")
    list_filter = ("status", "kind")
    search_fields = ("name",)
    number_search_fields = ("enterprise_code",)
    name_search_field = "name"
    search_help_text = "Nhập đầy đủ mã số doanh nghiệp (10 hoặc 13 số), hoặc một phần tên."
    show_full_result_count = False
    ordering = ("-id",)

    @admin.display(description="mã số doanh nghiệp", ordering="enterprise_code")
    def masked_code(self, enterprise: Enterprise) -> str:
        return mask_number(enterprise.enterprise_code)

    def search_numbers(
        self, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        # A branch's code is often typed with its dash (0100109106-001).
        return super().search_numbers(queryset, normalize_tax_code(search_term) or search_term)

    def get_fields(self, request: HttpRequest, obj: Enterprise | None = None) -> list[Any]:
        fields = ["enterprise_code", *services.CORRECTABLE_FIELDS, "status"]
        if obj is None or self.has_change_permission(request, obj):
            fields.append("reason")
        return fields

    def get_readonly_fields(
        self, request: HttpRequest, obj: Enterprise | None = None
    ) -> tuple[str, ...]:
        # The code is the record's key and the status changes through the actions.
        return ("enterprise_code", "status") if obj is not None else ("status",)

    def has_delete_permission(self, request: HttpRequest, obj: Enterprise | None = None) -> bool:
        # Enterprises are referenced by lookups and audit entries; a dissolution is a status.
        return False

    def has_change_enterprise_status_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("business_registry.change_enterprise_status")

    def save_model(
        self, request: HttpRequest, obj: Enterprise, form: forms.ModelForm, change: bool
    ) -> None:
        reason = form.cleaned_data["reason"]
        if not change:
            services.add_enterprise(enterprise=obj, actor=official(request), reason=reason)
            return
        values = {
            field: form.cleaned_data[field]
            for field in services.CORRECTABLE_FIELDS
            if field in form.changed_data
        }
        services.correct_enterprise(
            enterprise=obj, values=values, actor=official(request), reason=reason
        )

    def _set_status(
        self, request: HttpRequest, queryset: QuerySet[Enterprise], status: str, title: str
    ) -> HttpResponseBase | None:
        def perform(enterprises: QuerySet[Enterprise], reason: str) -> None:
            done = 0
            for enterprise in enterprises:
                if services.set_enterprise_status(
                    enterprise=enterprise, status=status, actor=official(request), reason=reason
                ):
                    done += 1
            self.message_user(request, f"{title}: đã cập nhật {done} doanh nghiệp.")

        return confirm_with_reason(
            self,
            request,
            queryset,
            title=title,
            question=f"{title} cho các doanh nghiệp sau?",
            form_class=ReasonForm,
            perform=perform,
        )

    @admin.action(
        description="Ghi nhận tạm ngừng kinh doanh", permissions=["change_enterprise_status"]
    )
    def mark_suspended(
        self, request: HttpRequest, queryset: QuerySet[Enterprise]
    ) -> HttpResponseBase | None:
        return self._set_status(
            request, queryset, Enterprise.Status.SUSPENDED, "Ghi nhận tạm ngừng kinh doanh"
        )

    @admin.action(description="Ghi nhận đã giải thể", permissions=["change_enterprise_status"])
    def mark_dissolved(
        self, request: HttpRequest, queryset: QuerySet[Enterprise]
    ) -> HttpResponseBase | None:
        return self._set_status(
            request, queryset, Enterprise.Status.DISSOLVED, "Ghi nhận đã giải thể"
        )

    @admin.action(
        description="Ghi nhận hoạt động trở lại", permissions=["change_enterprise_status"]
    )
    def mark_active(
        self, request: HttpRequest, queryset: QuerySet[Enterprise]
    ) -> HttpResponseBase | None:
        return self._set_status(
            request, queryset, Enterprise.Status.ACTIVE, "Ghi nhận hoạt động trở lại"
        )


class RepresentativeForm(forms.ModelForm):
    """A representative as officials record one: a valid CCCD, and a reason."""

    reason = reason_field(help_text=REASON_HELP)

    class Meta:
        model = LegalRepresentative
        fields = ("enterprise", "cccd_number", "full_name", "position", "since", "until")

    def clean_cccd_number(self) -> str:
        number = normalize_number(self.cleaned_data["cccd_number"])
        problems = cccd_problems(number)
        if problems:
            raise forms.ValidationError([problem.message for problem in problems])
        return number

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "Ngày kết thúc không được trước ngày bắt đầu làm đại diện.")
        return cleaned


@admin.register(LegalRepresentative)
class LegalRepresentativeAdmin(admin.ModelAdmin):
    """Officials add a representative, or end one's representation; nothing else changes."""

    form = RepresentativeForm
    list_display = ("full_name", "masked_cccd", "enterprise", "position", "since", "until")
    list_select_related = ("enterprise",)
    search_fields = ("full_name", "enterprise__name")
    show_full_result_count = False

    @admin.display(description="số CCCD")
    def masked_cccd(self, representative: LegalRepresentative) -> str:
        return mask_number(representative.cccd_number)

    def get_readonly_fields(
        self, request: HttpRequest, obj: LegalRepresentative | None = None
    ) -> tuple[Any, ...]:
        if obj is None:
            return ()
        # Once recorded, only the end of the representation is written.
        return ("enterprise", "masked_cccd", "full_name", "position", "since")

    def get_fields(
        self, request: HttpRequest, obj: LegalRepresentative | None = None
    ) -> tuple[Any, ...]:
        if obj is None:
            return ("enterprise", "cccd_number", "full_name", "position", "since", "reason")
        fields: tuple[Any, ...] = (
            "enterprise",
            "masked_cccd",
            "full_name",
            "position",
            "since",
            "until",
        )
        return (*fields, "reason") if self.has_change_permission(request, obj) else fields

    def has_delete_permission(
        self, request: HttpRequest, obj: LegalRepresentative | None = None
    ) -> bool:
        # A former representative stays on record with an end date.
        return False

    def save_model(
        self,
        request: HttpRequest,
        obj: LegalRepresentative,
        form: forms.ModelForm,
        change: bool,
    ) -> None:
        reason = form.cleaned_data["reason"]
        if not change:
            services.add_representative(representative=obj, actor=official(request), reason=reason)
            return
        until = form.cleaned_data.get("until")
        if "until" in form.changed_data and until is not None:
            # The form set until on obj already; the service compares against the saved row.
            services.end_representation(
                representative=obj, until=until, actor=official(request), reason=reason
            )


@admin.register(ApiClient)
class ApiClientAdmin(ConsumerAdmin):
    form = consumer_form(ApiClient, reason_help=REASON_HELP)
    services = services
    reason_form = ReasonForm


@admin.register(LookupLog)
class LookupLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        column("created_at", "thời điểm"),
        column("client", "hệ thống gọi"),
        column("endpoint", "chức năng"),
        column("masked_code", "mã số (đã che)"),
        column("purpose", "mục đích"),
        column("requested_by", "người yêu cầu"),
        column("result", "kết quả"),
        column("status_code", "mã HTTP"),
    )
    list_filter = ("endpoint", "status_code", "client")
    list_select_related = ("client",)
    search_fields = ("requested_by", "purpose")
    date_hierarchy = "created_at"
    show_full_result_count = False
    # The enterprise appears by name only (its __str__): the log never shows a full code.
    fields = (  # type: ignore[assignment]
        *list_display,
        column("purpose_note", "ghi chú mục đích"),
        column("enterprise", "doanh nghiệp"),
    )
    readonly_fields = fields  # type: ignore[assignment]


class FaultInjectionForm(forms.ModelForm):
    class Meta:
        model = FaultInjection
        fields = ("mode", "latency_ms")
        labels = {"mode": "tình trạng giả lập", "latency_ms": "độ trễ thêm (ms)"}
        help_texts = {"latency_ms": "Chỉ dùng khi tình trạng là “Chậm (thêm độ trễ)”."}


@admin.register(FaultInjection)
class FaultInjectionAdmin(admin.ModelAdmin):
    form = FaultInjectionForm
    list_display = (
        column("mode", "tình trạng giả lập"),
        column("latency_ms", "độ trễ thêm (ms)"),
        column("updated_at", "cập nhật lúc"),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One row is the switch; a second one would be ignored.
        return not FaultInjection.objects.exists()


@admin.register(RecordChange)
class RecordChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "action", "subject", "actor", "shown_changes", "reason")
    list_filter = ("action", "created_at")
    list_select_related = ("enterprise", "api_client", "actor")
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = ("created_at", "action", "subject", "actor", "shown_changes", "reason")
    readonly_fields = fields

    @admin.display(description="đối tượng")
    def subject(self, change: RecordChange) -> str:
        return change.masked_subject

    @admin.display(description="thay đổi (trường: trước → sau)")
    def shown_changes(self, change: RecordChange) -> str:
        return format_changes(change.changes, FIELD_LABELS)
