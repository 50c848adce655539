"""The officials' view of the population database; numbers stay masked in every list."""

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
from idnumbers.fields import allow_typed_numbers
from idnumbers.numbers import cccd_problems, mask_number

from . import services
from .models import ApiClient, Citizen, FaultInjection, LookupLog, RecordChange

FIELD_LABELS = {
    "full_name": "họ tên",
    "cmnd_number": "số CMND cũ",
    "birth_date": "ngày sinh",
    "gender": "giới tính",
    "place_of_birth": "nơi sinh",
    "place_of_origin": "quê quán",
    "permanent_address": "nơi thường trú",
    "ethnicity": "dân tộc",
    "nationality": "quốc tịch",
    "card_issue_date": "ngày cấp thẻ",
    "status": "tình trạng",
    "name": "hệ thống",
    "can_read_records": "được tra cứu hồ sơ",
    "is_active": "đang hoạt động",
    "rate_limit_per_minute": "giới hạn lời gọi mỗi phút",
    "key_prefix": "tiền tố khoá",
}
REASON_HELP = "Bắt buộc: lý do được ghi vào nhật ký sửa đổi cùng với thao tác."
ReasonForm = reason_form(help_text=REASON_HELP)


class TitledFilter(admin.FieldListFilter):
    """A field's filter shown under heading (Vietnamese) instead of the field's own name."""

    heading: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = self.heading


class EndpointFilter(TitledFilter, admin.AllValuesFieldListFilter):
    heading = "chức năng"


class StatusCodeFilter(TitledFilter, admin.AllValuesFieldListFilter):
    heading = "mã HTTP"


class ClientFilter(TitledFilter, admin.RelatedFieldListFilter):
    heading = "hệ thống gọi"


class ActorFilter(TitledFilter, admin.RelatedOnlyFieldListFilter):
    heading = "cán bộ"


class CitizenForm(forms.ModelForm):
    """A record as officials edit it: the CCCD rules of SPEC §4 and a required reason."""

    reason = reason_field(help_text=REASON_HELP)

    class Meta:
        model = Citizen
        fields = ("cccd_number", *services.CORRECTABLE_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allow_typed_numbers(self)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        number = cleaned.get("cccd_number", self.instance.cccd_number)
        if self.has_error("cccd_number") or self.has_error("birth_date"):
            return cleaned
        problems = cccd_problems(
            number,
            birth_date=cleaned.get("birth_date", self.instance.birth_date),
            gender=cleaned.get("gender", self.instance.gender),
        )
        if problems:
            field = "cccd_number" if "cccd_number" in self.fields else None
            self.add_error(field, [problem.message for problem in problems])
        return cleaned


class RecordChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RecordChange
    fk_name = "citizen"
    verbose_name_plural = "lịch sử sửa đổi"
    fields = ("created_at", "action", "actor", "shown_changes", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-created_at", "-id")

    @admin.display(description="thay đổi")
    def shown_changes(self, change: RecordChange) -> str:
        return format_changes(change.changes, FIELD_LABELS)


class LookupLogInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = LookupLog
    fk_name = "citizen"
    verbose_name_plural = "các lần tra cứu qua API"
    fields = ("created_at", "client", "endpoint", "purpose", "requested_by", "result")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-created_at", "-id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[LookupLog]:
        return super().get_queryset(request).select_related("client")


@admin.register(Citizen)
class CitizenAdmin(NumberSearchMixin, admin.ModelAdmin):
    form = CitizenForm
    inlines = (RecordChangeInline, LookupLogInline)
    actions = ("mark_deceased", "mark_card_revoked", "mark_alive")
    list_display = (
        "full_name",
        "masked_cccd",
        "masked_cmnd",
        "birth_date",
        "gender",
        "place_of_birth",
        "status",
    )
    list_filter = ("status", "gender")
    # Only "full_name" is declared so the search box shows; get_search_results does the rest.
    search_fields = ("full_name",)
    number_search_fields = ("cccd_number", "cmnd_number")
    search_help_text = "Nhập đầy đủ số CCCD (12 số) hoặc CMND (9/12 số), hoặc một phần họ tên."
    # A count of a million rows on every page view is wasted work.
    show_full_result_count = False
    ordering = ("-id",)

    @admin.display(description="số CCCD", ordering="cccd_number")
    def masked_cccd(self, citizen: Citizen) -> str:
        return mask_number(citizen.cccd_number)

    @admin.display(description="số CMND cũ")
    def masked_cmnd(self, citizen: Citizen) -> str:
        return mask_number(citizen.cmnd_number) or "—"

    def get_fields(self, request: HttpRequest, obj: Citizen | None = None) -> list[Any]:
        fields = ["cccd_number", *services.CORRECTABLE_FIELDS, "status"]
        if obj is None or self.has_change_permission(request, obj):
            fields.append("reason")
        return fields

    def get_readonly_fields(
        self, request: HttpRequest, obj: Citizen | None = None
    ) -> tuple[str, ...]:
        # The CCCD is the record's key and the status changes through the actions.
        return ("cccd_number", "status") if obj is not None else ("status",)

    def has_delete_permission(self, request: HttpRequest, obj: Citizen | None = None) -> bool:
        # Records are referenced by lookups, audit entries and VNeID accounts.
        return False

    def has_change_citizen_status_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("citizen_registry.change_citizen_status")

    def save_model(
        self, request: HttpRequest, obj: Citizen, form: forms.ModelForm, change: bool
    ) -> None:
        reason = form.cleaned_data["reason"]
        if not change:
            services.add_citizen(citizen=obj, actor=official(request), reason=reason)
            return
        values = {
            field: form.cleaned_data[field]
            for field in services.CORRECTABLE_FIELDS
            if field in form.changed_data
        }
        services.correct_citizen(citizen=obj, values=values, actor=official(request), reason=reason)

    def _set_status(
        self, request: HttpRequest, queryset: QuerySet[Citizen], status: str, title: str
    ) -> HttpResponseBase | None:
        def perform(citizens: QuerySet[Citizen], reason: str) -> None:
            done = 0
            for citizen in citizens:
                if services.set_citizen_status(
                    citizen=citizen, status=status, actor=official(request), reason=reason
                ):
                    done += 1
            self.message_user(request, f"{title}: đã cập nhật {done} công dân.")

        return confirm_with_reason(
            self,
            request,
            queryset,
            title=title,
            question=f"{title} cho các công dân sau?",
            form_class=ReasonForm,
            perform=perform,
        )

    @admin.action(description="Ghi nhận đã mất", permissions=["change_citizen_status"])
    def mark_deceased(
        self, request: HttpRequest, queryset: QuerySet[Citizen]
    ) -> HttpResponseBase | None:
        return self._set_status(request, queryset, Citizen.Status.DECEASED, "Ghi nhận đã mất")

    @admin.action(description="Ghi nhận thẻ CCCD bị thu hồi", permissions=["change_citizen_status"])
    def mark_card_revoked(
        self, request: HttpRequest, queryset: QuerySet[Citizen]
    ) -> HttpResponseBase | None:
        return self._set_status(
            request, queryset, Citizen.Status.CARD_REVOKED, "Ghi nhận thẻ CCCD bị thu hồi"
        )

    @admin.action(
        description="Khôi phục tình trạng còn sống (ghi nhận nhầm)",
        permissions=["change_citizen_status"],
    )
    def mark_alive(
        self, request: HttpRequest, queryset: QuerySet[Citizen]
    ) -> HttpResponseBase | None:
        return self._set_status(
            request, queryset, Citizen.Status.ALIVE, "Khôi phục tình trạng còn sống"
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
        column("masked_number", "số định danh (đã che)"),
        column("purpose", "mục đích"),
        column("requested_by", "người yêu cầu"),
        column("result", "kết quả"),
        column("status_code", "mã HTTP"),
    )
    list_filter = (
        ("endpoint", EndpointFilter),
        ("status_code", StatusCodeFilter),
        ("client", ClientFilter),
    )
    list_select_related = ("client",)
    search_fields = ("requested_by", "purpose")
    date_hierarchy = "created_at"
    show_full_result_count = False
    # The citizen appears by name only (its __str__): the log never shows a full number.
    # The admin takes column functions in fields and readonly_fields; the stubs allow names only.
    fields = (  # type: ignore[assignment]
        *list_display,
        column("purpose_note", "ghi chú mục đích"),
        column("citizen", "công dân"),
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
    list_filter = (
        "action",
        ("actor", ActorFilter),
        "created_at",
    )
    list_select_related = ("citizen", "api_client", "actor")
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
