"""The officials' view of the population database; numbers stay masked in every list."""

import secrets

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from idnumbers.numbers import cccd_problems, mask_number, normalize_number

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
    "key_prefix": "tiền tố khoá",
}
REASON_FIELD_OPTIONS = {
    "label": "Lý do thay đổi",
    "widget": forms.Textarea(attrs={"rows": 3, "cols": 60}),
    "help_text": "Bắt buộc: lý do được ghi vào nhật ký sửa đổi cùng với thao tác.",
    "error_messages": {"required": "Vui lòng nhập lý do thay đổi."},
}


class ReasonForm(forms.Form):
    reason = forms.CharField(**REASON_FIELD_OPTIONS)


def _confirm_with_reason(modeladmin, request, queryset, *, title, question, perform):
    """Run an admin action only after the official confirms it with a reason."""
    form = ReasonForm(request.POST if request.POST.get("confirm") else None)
    if form.is_bound and form.is_valid():
        with transaction.atomic():
            return perform(queryset, form.cleaned_data["reason"])
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "question": question,
        "queryset": queryset,
        "form": form,
        "action": request.POST.get("action"),
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "admin/confirm_with_reason.html", context)


def _format_changes(changes):
    if not changes:
        return "—"
    return format_html_join(
        mark_safe("<br>"),
        "{}: {} → {}",
        (
            (FIELD_LABELS.get(field, field), _shown(before), _shown(after))
            for field, (before, after) in changes.items()
        ),
    )


def _shown(value):
    return "(trống)" if value in (None, "") else str(value)


SEARCH_TOKEN_VAR = "qt"
SEARCH_SESSION_KEY = "citizen_registry.admin_searches"


class _SearchTokenChangeList(ChangeList):
    def get_filters_params(self, params=None):
        # The token is ours, not a field lookup; it stays in the list's links (pages, filters).
        lookup_params = super().get_filters_params(params)
        lookup_params.pop(SEARCH_TOKEN_VAR, None)
        return lookup_params


class NumberSearchMixin:
    """Keep searched numbers out of URLs: the search box posts, the list reads a session token."""

    change_list_template = "admin/number_search_change_list.html"

    def get_changelist(self, request, **kwargs):
        return _SearchTokenChangeList

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and "_number_search" in request.POST:
            term = request.POST.get("q", "").strip()
            params = request.GET.copy()
            params.pop(SEARCH_TOKEN_VAR, None)
            params.pop("p", None)
            if term:
                token = secrets.token_urlsafe(9)
                searches = request.session.get(SEARCH_SESSION_KEY, {})
                # A handful of recent searches is enough for back and forward in the browser.
                searches = dict(list(searches.items())[-9:])
                searches[token] = term
                request.session[SEARCH_SESSION_KEY] = searches
                params[SEARCH_TOKEN_VAR] = token
            return redirect(f"{request.path}?{params.urlencode()}" if params else request.path)
        term = self._searched_term(request)
        extra_context = {**(extra_context or {}), "number_search_shown": _masked_term(term)}
        return super().changelist_view(request, extra_context)

    def _searched_term(self, request):
        token = request.GET.get(SEARCH_TOKEN_VAR)
        if not token:
            return ""
        return request.session.get(SEARCH_SESSION_KEY, {}).get(token, "")

    def get_search_results(self, request, queryset, search_term):
        return self.search_numbers(queryset, search_term or self._searched_term(request))


def _masked_term(term):
    number = normalize_number(term)
    if number and number.isascii() and number.isdigit():
        return mask_number(number)
    return term


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


class CitizenForm(forms.ModelForm):
    """A record as officials edit it: the CCCD rules of SPEC §4 and a required reason."""

    reason = forms.CharField(**REASON_FIELD_OPTIONS)

    class Meta:
        model = Citizen
        fields = ("cccd_number", *services.CORRECTABLE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Take numbers as people type them (spaces, dots); clean_* normalises them.
        for name in ("cccd_number", "cmnd_number"):
            field = self.fields.get(name)
            if field is not None:
                self.fields[name] = forms.CharField(
                    label=field.label, required=field.required, max_length=24
                )

    def clean_cccd_number(self):
        return normalize_number(self.cleaned_data["cccd_number"])

    def clean_cmnd_number(self):
        number = normalize_number(self.cleaned_data["cmnd_number"])
        if number and not (number.isascii() and number.isdigit() and len(number) in (9, 12)):
            raise forms.ValidationError("Số CMND gồm 9 hoặc 12 chữ số.", code="invalid_cmnd")
        return number

    def clean(self):
        cleaned = super().clean()
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


class RecordChangeInline(admin.TabularInline):
    model = RecordChange
    fk_name = "citizen"
    verbose_name_plural = "lịch sử sửa đổi"
    fields = ("created_at", "action", "actor", "shown_changes", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-created_at", "-id")

    @admin.display(description="thay đổi")
    def shown_changes(self, change):
        return _format_changes(change.changes)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LookupLogInline(admin.TabularInline):
    model = LookupLog
    fk_name = "citizen"
    verbose_name_plural = "các lần tra cứu qua API"
    fields = ("created_at", "client", "endpoint", "purpose", "requested_by", "result")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-created_at", "-id")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("client")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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

    def search_numbers(self, queryset, search_term):
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

    def get_fields(self, request, obj=None):
        fields = ["cccd_number", *services.CORRECTABLE_FIELDS, "status"]
        if obj is None or self.has_change_permission(request, obj):
            fields.append("reason")
        return fields

    def get_readonly_fields(self, request, obj=None):
        # The CCCD is the record's key and the status changes through the actions.
        return ("cccd_number", "status") if obj is not None else ("status",)

    def has_delete_permission(self, request, obj=None):
        # Records are referenced by lookups, audit entries and VNeID accounts.
        return False

    def has_change_citizen_status_permission(self, request):
        return request.user.has_perm("citizen_registry.change_citizen_status")

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data["reason"]
        if not change:
            with transaction.atomic():
                super().save_model(request, obj, form, change)
                RecordChange.objects.create(
                    actor=request.user,
                    action=RecordChange.Action.RECORD_CORRECTED,
                    citizen=obj,
                    changes={"cccd_number": [None, mask_number(obj.cccd_number)]},
                    reason=reason,
                )
            return
        values = {
            field: form.cleaned_data[field]
            for field in services.CORRECTABLE_FIELDS
            if field in form.changed_data
        }
        services.correct_citizen(citizen=obj, values=values, actor=request.user, reason=reason)

    def _set_status(self, request, queryset, status, title):
        def perform(citizens, reason):
            done = 0
            for citizen in citizens:
                if services.set_citizen_status(
                    citizen=citizen, status=status, actor=request.user, reason=reason
                ):
                    done += 1
            self.message_user(request, f"{title}: đã cập nhật {done} công dân.")

        return _confirm_with_reason(
            self,
            request,
            queryset,
            title=title,
            question=f"{title} cho các công dân sau?",
            perform=perform,
        )

    @admin.action(description="Ghi nhận đã mất", permissions=["change_citizen_status"])
    def mark_deceased(self, request, queryset):
        return self._set_status(request, queryset, Citizen.Status.DECEASED, "Ghi nhận đã mất")

    @admin.action(description="Ghi nhận thẻ CCCD bị thu hồi", permissions=["change_citizen_status"])
    def mark_card_revoked(self, request, queryset):
        return self._set_status(
            request, queryset, Citizen.Status.CARD_REVOKED, "Ghi nhận thẻ CCCD bị thu hồi"
        )

    @admin.action(
        description="Khôi phục tình trạng còn sống (ghi nhận nhầm)",
        permissions=["change_citizen_status"],
    )
    def mark_alive(self, request, queryset):
        return self._set_status(
            request, queryset, Citizen.Status.ALIVE, "Khôi phục tình trạng còn sống"
        )


class ApiClientForm(forms.ModelForm):
    reason = forms.CharField(**REASON_FIELD_OPTIONS)

    class Meta:
        model = ApiClient
        fields = ("name", "can_read_records", "is_active")


_created_at = _column("created_at", "thời điểm tạo")


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = ("name", "key_prefix", "can_read_records", "is_active", _created_at)
    list_filter = ("is_active", "can_read_records")
    search_fields = ("name",)
    readonly_fields = ("key_prefix", _created_at)
    actions = ("issue_new_keys",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name", "can_read_records", "reason")
        fields = ("name", "key_prefix", "can_read_records", "is_active", _created_at)
        return (*fields, "reason") if self.has_change_permission(request, obj) else fields

    def has_delete_permission(self, request, obj=None):
        # Lookup logs reference their client; a client is deactivated, never deleted.
        return False

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data["reason"]
        if not change:
            raw_key = services.register_api_client(client=obj, actor=request.user, reason=reason)
            self._show_key_once(request, obj, raw_key)
            return
        values = {
            field: form.cleaned_data[field] for field in form.changed_data if field != "reason"
        }
        services.change_api_client(client=obj, values=values, actor=request.user, reason=reason)

    @admin.action(description="Cấp khoá mới (khoá cũ hết hiệu lực ngay)", permissions=["change"])
    def issue_new_keys(self, request, queryset):
        def perform(clients, reason):
            for client in clients:
                raw_key = services.issue_new_key_by_official(
                    client=client, actor=request.user, reason=reason
                )
                self._show_key_once(request, client, raw_key)

        return _confirm_with_reason(
            self,
            request,
            queryset,
            title="Cấp khoá API mới",
            question="Cấp khoá mới cho các hệ thống sau? Khoá cũ hết hiệu lực ngay.",
            perform=perform,
        )

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


@admin.register(RecordChange)
class RecordChangeAdmin(admin.ModelAdmin):
    list_display = ("created_at", "action", "subject", "actor", "shown_changes", "reason")
    list_filter = (
        "action",
        ("actor", _titled(admin.RelatedOnlyFieldListFilter, "cán bộ")),
        "created_at",
    )
    list_select_related = ("citizen", "api_client", "actor")
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = ("created_at", "action", "subject", "actor", "shown_changes", "reason")
    readonly_fields = fields

    @admin.display(description="đối tượng")
    def subject(self, change):
        return change.masked_subject

    @admin.display(description="thay đổi (trường: trước → sau)")
    def shown_changes(self, change):
        return _format_changes(change.changes)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
