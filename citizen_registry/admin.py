"""The officials' view of the population database; numbers stay masked in every list."""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from idnumbers.numbers import mask_number, normalize_number

from . import services
from .models import ApiClient, Citizen, FaultInjection, LookupLog


def _column(name, description):
    """Return a list/detail column showing field name under a Vietnamese heading."""

    @admin.display(description=description, ordering=name)
    def show(obj):
        # Choice fields read as their Vietnamese label, not the stored code.
        label = getattr(obj, f"get_{name}_display", None)
        return label() if label else getattr(obj, name)

    show.__name__ = name
    return show


def _titled(filter_class, title):
    """Return filter_class with a Vietnamese title instead of the field's own name."""

    class Titled(filter_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
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
    search_help_text = "Nhập đầy đủ số CCCD (12 số) hoặc CMND (9/12 số), hoặc một phần họ tên."
    # A count of a million rows on every page view is wasted work.
    show_full_result_count = False
    ordering = ("-id",)

    @admin.display(description="số CCCD", ordering="cccd_number")
    def masked_cccd(self, citizen):
        return mask_number(citizen.cccd_number)

    @admin.display(description="số CMND cũ")
    def masked_cmnd(self, citizen):
        return mask_number(citizen.cmnd_number) or "—"

    def get_search_results(self, request, queryset, search_term):
        """Match a whole CCCD/CMND exactly (never a fragment), or a name containing the term."""
        term = search_term.strip()
        if not term:
            return queryset, False
        number = normalize_number(term)
        if number.isascii() and number.isdigit():
            # Exact matches only: a fragment search would let anyone enumerate numbers.
            by_cccd = queryset.filter(cccd_number=number)
            by_cmnd = queryset.filter(cmnd_number=number)
            return by_cccd | by_cmnd, False
        return queryset.filter(full_name__icontains=term), False


_created_at = _column("created_at", "thời điểm tạo")


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "key_prefix", "can_read_records", "is_active", _created_at)
    list_filter = ("is_active", "can_read_records")
    search_fields = ("name",)
    readonly_fields = ("key_prefix", _created_at)
    actions = ("issue_new_keys",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name", "can_read_records")
        return ("name", "key_prefix", "can_read_records", "is_active", _created_at)

    def save_model(self, request, obj, form, change):
        raw_key = None if change else services.set_key(obj)
        super().save_model(request, obj, form, change)
        if raw_key is not None:
            self._show_key_once(request, obj, raw_key)

    @admin.action(description="Cấp khoá mới (khoá cũ hết hiệu lực ngay)")
    def issue_new_keys(self, request, queryset):
        for client in queryset:
            self._show_key_once(request, client, services.issue_new_key(client=client))

    def _show_key_once(self, request, client, raw_key):
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


@admin.register(LookupLog)
class LookupLogAdmin(admin.ModelAdmin):
    list_display = (
        _column("created_at", "thời điểm"),
        _column("client", "hệ thống gọi"),
        _column("endpoint", "chức năng"),
        _column("masked_number", "số định danh (đã che)"),
        _column("purpose", "mục đích"),
        _column("requested_by", "người yêu cầu"),
        _column("result", "kết quả"),
        _column("status_code", "mã HTTP"),
    )
    list_filter = (
        ("endpoint", _titled(admin.AllValuesFieldListFilter, "chức năng")),
        ("status_code", _titled(admin.AllValuesFieldListFilter, "mã HTTP")),
        ("client", _titled(admin.RelatedFieldListFilter, "hệ thống gọi")),
    )
    list_select_related = ("client",)
    search_fields = ("requested_by", "purpose")
    date_hierarchy = "created_at"
    show_full_result_count = False
    # The citizen appears by name only (its __str__): the log never shows a full number.
    fields = (*list_display, _column("citizen", "công dân"))
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
        _column("mode", "tình trạng giả lập"),
        _column("latency_ms", "độ trễ thêm (ms)"),
        _column("updated_at", "cập nhật lúc"),
    )

    def has_add_permission(self, request):
        # One row is the switch; a second one would be ignored.
        return not FaultInjection.objects.exists()
