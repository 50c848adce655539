"""The officials' view of portal accounts: narrow powers, a reason for every change, audited."""

import csv
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import ManyToManyField, Q, QuerySet
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone

from admin_kit.changes import format_changes
from admin_kit.officials import official
from admin_kit.readonly import ReadOnlyAdminMixin
from admin_kit.reasons import confirm_with_reason, reason_field, reason_form
from admin_kit.search import NumberSearchMixin
from idnumbers.fields import allow_typed_numbers
from idnumbers.numbers import is_ascii_digits, mask_number, normalize_number

from . import services
from .models import AuditEntry, OrganisationProfile, User

if TYPE_CHECKING:
    # The stubs' name for what get_fieldsets returns; it exists for the type checker only.
    from django.contrib.admin.options import _FieldsetSpec

IDENTITY_FIELDS = services.CORRECTABLE_FIELDS
# Fields only a superuser may change: they hand out every power at once.
SUPERUSER_FIELDS = ("is_active", "is_superuser", "user_permissions")
ROLE_FIELDS = ("is_staff", "groups")
READ_ONLY_FIELDS = ("username", "date_joined", "last_login", "identity_refreshed_at")

FIELD_LABELS = {
    "full_name": "họ tên",
    "birth_date": "ngày sinh",
    "gender": "giới tính",
    "place_of_birth": "nơi sinh",
    "place_of_origin": "quê quán",
    "cmnd_number": "số CMND",
    "cccd_number": "số CCCD",
    "phone": "số điện thoại",
    "email": "email",
    "is_staff": "cán bộ",
    "is_superuser": "siêu quản trị",
    "is_active": "đang hoạt động",
    "groups": "vai trò",
    "user_permissions": "quyền riêng",
    "failed_logins": "số lần đăng nhập sai",
    "exported_accounts": "số tài khoản đã xuất",
    "tax_code": "mã số thuế",
    "enterprise_code": "mã số doanh nghiệp",
    "kind": "loại hình",
    "name": "tên tổ chức",
    "short_name": "tên viết tắt",
    "foreign_name": "tên tiếng nước ngoài",
    "established_on": "ngày thành lập",
    "head_office_address": "địa chỉ trụ sở chính",
    "legal_representative_name": "người đại diện theo pháp luật",
    "legal_representative_cccd": "số định danh người đại diện",
    "vneid_sub": "mã VNeID tổ chức",
    "inherited_by_number": "số định danh người kế thừa",
}
# An organisation's own data comes from VNeID (or its registration); no citizen field applies.
ORGANISATION_READ_ONLY_FIELDS = ("username", "account_type", "date_joined", "last_login")


ReasonForm = reason_form(
    label="Lý do", help_text="Bắt buộc: lý do được ghi vào nhật ký thay đổi cùng với thao tác."
)


class AccountForm(forms.ModelForm):
    """An official's correction: the same CCCD rules as everywhere, and a required reason."""

    reason = reason_field(
        help_text="Bắt buộc: ví dụ số văn bản, yêu cầu của công dân, lỗi nhập liệu đã phát hiện."
    )

    class Meta:
        model = User
        fields = (*IDENTITY_FIELDS, *ROLE_FIELDS, *SUPERUSER_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allow_typed_numbers(self)
        # Read before the form writes its values into the account: the audit's "before".
        self.roles_before = _roles_of(self.instance)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if "cccd_number" not in self.fields and "birth_date" not in self.fields:
            return cleaned
        number = cleaned.get("cccd_number", self.instance.cccd_number)
        if not number or self.has_error("cccd_number"):
            return cleaned
        try:
            services.check_cccd_link(
                number,
                account=self.instance,
                birth_date=cleaned.get("birth_date", self.instance.birth_date),
                gender=cleaned.get("gender", self.instance.gender),
                replaces=True,
            )
        except services.InvalidCccd as invalid:
            field = "cccd_number" if "cccd_number" in self.fields else None
            self.add_error(field, [problem.message for problem in invalid.problems])
        except services.CccdAlreadyLinked as taken:
            # One CCCD, one account: explained here rather than left to the constraint.
            self.add_error("cccd_number", taken.message)
        return cleaned


class AuditEntryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AuditEntry
    fk_name = "account"
    verbose_name_plural = "lịch sử thay đổi (công dân, cán bộ, hệ thống)"
    fields = ("created_at", "action", "actor_kind", "actor", "shown_changes", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("-created_at", "-id")

    @admin.display(description="thay đổi")
    def shown_changes(self, entry: AuditEntry) -> str:
        return format_changes(entry.changes, FIELD_LABELS)


class OrganisationProfileInline(ReadOnlyAdminMixin, admin.StackedInline):
    """An organisation account's data, as VNeID (or its registration) gave it: read only.

    The representatives' personal numbers are masked; the tax code is the account's login
    name, shown in full on the account's own page as the username is.
    """

    model = OrganisationProfile
    fk_name = "account"
    verbose_name_plural = "thông tin tổ chức"
    fields = (
        "tax_code",
        "enterprise_code",
        "kind",
        "name",
        "short_name",
        "foreign_name",
        "established_on",
        "head_office_address",
        "legal_representative_name",
        "masked_representative",
        "vneid_sub",
        "inherited_at",
        "masked_inherited_by",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description="số định danh người đại diện")
    def masked_representative(self, profile: OrganisationProfile) -> str:
        return mask_number(profile.legal_representative_cccd) or "—"

    @admin.display(description="người kế thừa (số định danh)")
    def masked_inherited_by(self, profile: OrganisationProfile) -> str:
        return mask_number(profile.inherited_by_number) or "—"


@admin.register(User)
class AccountAdmin(NumberSearchMixin, admin.ModelAdmin):
    form = AccountForm
    list_display = (
        "shown_name",
        "account_type",
        "masked_username",
        "masked_cccd",
        "birth_date",
        "is_staff",
        "is_active",
        "date_joined",
    )
    list_filter = ("account_type", "is_staff", "is_active", "groups")
    list_select_related = ("organisation",)
    # Only "full_name" is declared so the search box shows; get_search_results does the rest.
    search_fields = ("full_name",)
    number_search_fields = ("username", "cccd_number", "cmnd_number")
    search_help_text = (
        "Nhập đầy đủ số CMND (9/12 số), CCCD (12 số) hoặc mã số thuế của tổ chức (10/13 số), "
        "hoặc một phần họ tên, tên tổ chức."
    )
    show_full_result_count = False
    ordering = ("-id",)
    filter_horizontal = ("groups", "user_permissions")
    # The portal's admin adds the account's dossiers (portal.admin.AccountWithDossiersAdmin).
    inlines: ClassVar[tuple[type[InlineModelAdmin], ...]] = (
        OrganisationProfileInline,
        AuditEntryInline,
    )
    actions = ("unlink_cccd", "unlock_login", "export_csv")

    @admin.display(description="họ tên / tên tổ chức", ordering="full_name")
    def shown_name(self, account: User) -> str:
        return account.display_name or "—"

    @admin.display(description="tên đăng nhập", ordering="username")
    def masked_username(self, account: User) -> str:
        return mask_number(account.username)

    def search_numbers(
        self, queryset: QuerySet[User], search_term: str
    ) -> tuple[QuerySet[User], bool]:
        """As NumberSearchMixin, with an organisation's name found by part too."""
        term = search_term.strip()
        if not term or is_ascii_digits(normalize_number(term)):
            return super().search_numbers(queryset, search_term)
        names = Q(full_name__icontains=term) | Q(organisation__name__icontains=term)
        return queryset.filter(names), False

    def get_inline_instances(
        self, request: HttpRequest, obj: User | None = None
    ) -> "list[InlineModelAdmin[Any, Any]]":
        inlines = super().get_inline_instances(request, obj)
        if obj is None or not obj.is_organisation:
            inlines = [i for i in inlines if not isinstance(i, OrganisationProfileInline)]
        return inlines

    @admin.display(description="số CCCD", ordering="cccd_number")
    def masked_cccd(self, account: User) -> str:
        return mask_number(account.cccd_number) or "—"

    # Permissions: a superuser's account is out of reach of everyone but superusers.

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        user = official(request)
        if obj is not None and obj.is_superuser and not user.is_superuser:
            return False
        return user.has_perm("accounts.change_user") or self._may_assign_roles(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Citizens register themselves (or through VNeID); superusers use createsuperuser.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # Accounts carry an audit history and dossiers: they are locked, never deleted.
        return False

    def has_unlink_cccd_permission(self, request: HttpRequest) -> bool:
        return official(request).has_perm("accounts.unlink_cccd")

    def has_unlock_login_permission(self, request: HttpRequest) -> bool:
        return official(request).has_perm("accounts.unlock_login")

    def has_export_csv_permission(self, request: HttpRequest) -> bool:
        return official(request).has_perm("accounts.export_csv")

    def _may_assign_roles(self, request: HttpRequest, obj: User | None) -> bool:
        user = official(request)
        if not user.has_perm("accounts.assign_roles"):
            return False
        # Nobody hands themselves a role; a superuser's account is a superuser's business.
        return obj is None or user.is_superuser or obj.pk != user.pk

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> "_FieldsetSpec":
        editable = self._editable_fields(request, obj)
        if obj is not None and obj.is_organisation:
            fieldsets_org: _FieldsetSpec = [
                (None, {"fields": list(ORGANISATION_READ_ONLY_FIELDS[:2])}),
                ("Vai trò và quyền", {"fields": [*ROLE_FIELDS, *SUPERUSER_FIELDS]}),
                ("Thời điểm", {"fields": list(ORGANISATION_READ_ONLY_FIELDS[2:])}),
            ]
            if editable:
                fieldsets_org = [*fieldsets_org, ("Lý do thay đổi", {"fields": ["reason"]})]
            return fieldsets_org
        fieldsets: _FieldsetSpec = [
            (None, {"fields": [READ_ONLY_FIELDS[0], *IDENTITY_FIELDS]}),
            ("Vai trò và quyền", {"fields": [*ROLE_FIELDS, *SUPERUSER_FIELDS]}),
            ("Thời điểm", {"fields": list(READ_ONLY_FIELDS[1:])}),
        ]
        if editable:
            fieldsets = [*fieldsets, ("Lý do thay đổi", {"fields": ["reason"]})]
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        editable = self._editable_fields(request, obj)
        every = (
            *READ_ONLY_FIELDS,
            "account_type",
            *IDENTITY_FIELDS,
            *ROLE_FIELDS,
            *SUPERUSER_FIELDS,
        )
        return [field for field in every if field not in editable]

    def _editable_fields(self, request: HttpRequest, obj: User | None) -> tuple[str, ...]:
        user = official(request)
        if obj is None or (obj.is_superuser and not user.is_superuser):
            return ()
        editable: list[str] = []
        # A citizen's identity fields have no meaning for an organisation's account.
        if user.has_perm("accounts.change_user") and not obj.is_organisation:
            editable += IDENTITY_FIELDS
        if self._may_assign_roles(request, obj):
            editable += ROLE_FIELDS
        if user.is_superuser:
            editable += [*ROLE_FIELDS, *SUPERUSER_FIELDS]
        return tuple(dict.fromkeys(editable))

    def formfield_for_manytomany(
        self, db_field: "ManyToManyField[Any, Any]", request: HttpRequest, **kwargs: Any
    ) -> "ModelMultipleChoiceField[Any] | None":
        if db_field.name == "user_permissions":
            kwargs["queryset"] = Permission.objects.select_related("content_type")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: User, form: AccountForm, change: bool) -> None:
        reason = form.cleaned_data["reason"]
        changed = set(form.changed_data)
        values = {field: form.cleaned_data[field] for field in IDENTITY_FIELDS if field in changed}
        # The service diffs against the stored row, writes it and its audit entry.
        services.correct_account(account=obj, values=values, actor=official(request), reason=reason)
        flags = [field for field in ("is_staff", "is_active", "is_superuser") if field in changed]
        if flags:
            obj.save(update_fields=flags)

    def save_related(
        self, request: HttpRequest, form: AccountForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        services.record_roles_change(
            account=form.instance,
            before=form.roles_before,
            after=_roles_of(form.instance),
            actor=official(request),
            reason=form.cleaned_data["reason"],
        )

    @admin.action(description="Huỷ liên kết số CCCD (liên kết nhầm)", permissions=["unlink_cccd"])
    def unlink_cccd(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> HttpResponseBase | None:
        actor = official(request)

        def perform(accounts: QuerySet[User], reason: str) -> None:
            done = 0
            for account in accounts.exclude(cccd_number=""):
                if account.is_superuser and not actor.is_superuser:
                    raise PermissionDenied
                services.unlink_cccd(account=account, actor=actor, reason=reason)
                done += 1
            self.message_user(request, f"Đã huỷ liên kết số CCCD của {done} tài khoản.")

        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Huỷ liên kết số CCCD",
            question="Huỷ liên kết số CCCD của các tài khoản sau? Công dân sẽ phải liên kết lại.",
            form_class=ReasonForm,
            perform=perform,
        )

    @admin.action(
        description="Mở khoá đăng nhập (bị tạm khoá do nhập sai nhiều lần)",
        permissions=["unlock_login"],
    )
    def unlock_login(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> HttpResponseBase | None:
        actor = official(request)

        def perform(accounts: QuerySet[User], reason: str) -> None:
            done = 0
            for account in accounts:
                if services.unlock_login(account=account, actor=actor, reason=reason):
                    done += 1
            if done:
                self.message_user(request, f"Đã mở khoá đăng nhập cho {done} tài khoản.")
            else:
                self.message_user(
                    request, "Các tài khoản đã chọn không bị tạm khoá đăng nhập.", messages.WARNING
                )

        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Mở khoá đăng nhập",
            question="Xoá các lần đăng nhập sai và mở khoá đăng nhập cho các tài khoản sau?",
            form_class=ReasonForm,
            perform=perform,
        )

    @admin.action(description="Xuất CSV (số định danh được che)", permissions=["export_csv"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponseBase | None:
        exported: dict[str, list[User]] = {}

        def perform(accounts: QuerySet[User], reason: str) -> None:
            rows = list(accounts.order_by("pk"))
            services.record_csv_export(count=len(rows), actor=official(request), reason=reason)
            exported["rows"] = rows

        response = confirm_with_reason(
            self,
            request,
            queryset,
            title="Xuất CSV danh sách tài khoản",
            question="Xuất các tài khoản sau ra tệp CSV? Việc xuất được ghi vào nhật ký.",
            form_class=ReasonForm,
            perform=perform,
        )
        if response is not None:
            return response
        return _csv_response(exported["rows"])


def _roles_of(account: User) -> dict[str, Any]:
    if account.pk is None:
        return {}
    return {
        "is_staff": account.is_staff,
        "is_superuser": account.is_superuser,
        "is_active": account.is_active,
        "groups": sorted(account.groups.values_list("name", flat=True)),
        "user_permissions": sorted(
            f"{app}.{code}"
            for app, code in account.user_permissions.values_list(
                "content_type__app_label", "codename"
            )
        ),
    }


def _csv_response(accounts: Iterable[User]) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tai-khoan-{stamp}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 only with a byte order mark.
    writer = csv.writer(response)
    writer.writerow(
        ["id", "tên đăng nhập", "số CCCD", "họ tên", "ngày sinh", "cán bộ", "đang hoạt động"]
    )
    for account in accounts:
        writer.writerow(
            [
                account.pk,
                mask_number(account.username),
                mask_number(account.cccd_number),
                account.full_name,
                account.birth_date.isoformat() if account.birth_date else "",
                "có" if account.is_staff else "không",
                "có" if account.is_active else "không",
            ]
        )
    return response


@admin.register(OrganisationProfile)
class OrganisationProfileAdmin(ReadOnlyAdminMixin, NumberSearchMixin, admin.ModelAdmin):
    """Organisation accounts at a glance: which legacy accounts VNeID has inherited, and when."""

    list_display = (
        "name",
        "masked_tax_code",
        "kind",
        "inherited_state",
        "inherited_at",
        "account_active",
    )
    list_filter = ("kind", ("inherited_at", admin.EmptyFieldListFilter), "account__is_active")
    list_select_related = ("account",)
    search_fields = ("name",)
    name_search_field = "name"
    number_search_fields = ("tax_code", "enterprise_code")
    search_help_text = "Nhập đầy đủ mã số thuế (10/13 số), hoặc một phần tên tổ chức."
    search_session_key = "accounts.organisation_admin_searches"
    show_full_result_count = False
    ordering = ("-id",)
    fields = (
        "account",
        *OrganisationProfileInline.fields,
    )
    readonly_fields = fields

    @admin.display(description="mã số thuế", ordering="tax_code")
    def masked_tax_code(self, profile: OrganisationProfile) -> str:
        return mask_number(profile.tax_code)

    @admin.display(description="tài khoản định danh điện tử tổ chức")
    def inherited_state(self, profile: OrganisationProfile) -> str:
        if profile.inherited_at is not None:
            return "Đã kế thừa"
        if profile.vneid_sub:
            return "Tạo khi đăng nhập bằng VNeID"
        return "Tài khoản cũ (mã số thuế và mật khẩu)"

    @admin.display(description="đang hoạt động", boolean=True)
    def account_active(self, profile: OrganisationProfile) -> bool:
        return profile.account.is_active

    masked_representative = OrganisationProfileInline.masked_representative
    masked_inherited_by = OrganisationProfileInline.masked_inherited_by


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "action",
        "account",
        "actor_kind",
        "actor",
        "shown_changes",
        "reason",
    )
    list_filter = (
        "action",
        "actor_kind",
        ("actor", admin.RelatedOnlyFieldListFilter),
        "created_at",
    )
    list_select_related = ("account", "actor")
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = ("created_at", "action", "account", "actor_kind", "actor", "shown_changes", "reason")
    readonly_fields = fields

    @admin.display(description="thay đổi (trường: trước → sau)")
    def shown_changes(self, entry: AuditEntry) -> str:
        return format_changes(entry.changes, FIELD_LABELS)


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """Roles: an official can only hand out permissions they hold, never to their own role."""

    def has_change_permission(self, request: HttpRequest, obj: Group | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._not_own_role(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Group | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._not_own_role(request, obj)

    def _not_own_role(self, request: HttpRequest, obj: Group | None) -> bool:
        user = official(request)
        return obj is None or user.is_superuser or not user.groups.filter(pk=obj.pk).exists()

    def formfield_for_manytomany(
        self,
        db_field: "ManyToManyField[Any, Any]",
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> "ModelMultipleChoiceField[Any] | None":
        # GroupAdmin lets request default to None; without an official nothing is grantable.
        user = official(request) if request is not None else None
        if db_field.name == "permissions" and not (user is not None and user.is_superuser):
            held = user.get_all_permissions() if user is not None else set()
            allowed = [
                perm.pk
                for perm in Permission.objects.select_related("content_type")
                if f"{perm.content_type.app_label}.{perm.codename}" in held
            ]
            kwargs["queryset"] = Permission.objects.filter(pk__in=allowed)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
