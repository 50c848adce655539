"""The officials' view of VNeID: clients (secret shown once), accounts, keys, audit trail."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import AdminSite
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from admin_kit.officials import official
from admin_kit.readonly import ReadOnlyAdminMixin
from admin_kit.reasons import reason_field, reason_form, reason_page
from idnumbers.numbers import mask_number

from . import keys, services
from .claims import SCOPES_SUPPORTED
from .models import AuditEvent, OidcClient, SigningKey, UndeliveredLogout, VneidAccount


def _validate_uri_lines(text: str | None) -> str:
    uris = [line.strip() for line in (text or "").splitlines() if line.strip()]
    check = URLValidator(schemes=["http", "https"])
    for uri in uris:
        try:
            check(uri)
        except ValidationError:
            raise ValidationError(f"Địa chỉ không hợp lệ: {uri}", code="invalid_uri") from None
    return "\n".join(uris)


REASON_HELP = "Bắt buộc: lý do được ghi vào nhật ký VNeID cùng với thao tác."
ReasonForm = reason_form(help_text=REASON_HELP)


class OidcClientForm(forms.ModelForm):
    reason = reason_field(help_text=REASON_HELP)
    allowed_scopes = forms.MultipleChoiceField(
        label="phạm vi được phép",
        choices=[(scope, scope) for scope in SCOPES_SUPPORTED],
        widget=forms.CheckboxSelectMultiple,
        initial=list(SCOPES_SUPPORTED),
    )

    class Meta:
        model = OidcClient
        fields = (
            "name",
            "redirect_uris",
            "post_logout_redirect_uris",
            "backchannel_logout_uri",
            "frontchannel_logout_uri",
            "allowed_scopes",
            "is_active",
        )
        help_texts = {
            "backchannel_logout_uri": (
                "Không bắt buộc. VNeID gửi logout token (OpenID Connect Back-Channel Logout) tới "
                "địa chỉ này khi phiên đăng nhập VNeID kết thúc."
            ),
            "frontchannel_logout_uri": (
                "Không bắt buộc. Dùng khi hệ thống không có địa chỉ back-channel: trang đăng xuất "
                "của VNeID mở địa chỉ này trong khung ẩn, kèm iss và sid."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["allowed_scopes"] = self.instance.allowed_scopes.split()

    def clean_redirect_uris(self) -> str:
        uris = _validate_uri_lines(self.cleaned_data["redirect_uris"])
        if not uris:
            raise ValidationError("Cần ít nhất một địa chỉ chuyển hướng.", code="required")
        return uris

    def clean_post_logout_redirect_uris(self) -> str:
        return _validate_uri_lines(self.cleaned_data["post_logout_redirect_uris"])

    def clean_backchannel_logout_uri(self) -> str:
        uri = _validate_uri_lines(self.cleaned_data["backchannel_logout_uri"])
        if "#" in uri:
            # Back-Channel Logout 1.0 §2.2: the URI must not include a fragment.
            raise ValidationError("Địa chỉ không được chứa phần #.", code="fragment")
        return uri

    def clean_frontchannel_logout_uri(self) -> str:
        return _validate_uri_lines(self.cleaned_data["frontchannel_logout_uri"])

    def clean_allowed_scopes(self) -> str:
        scopes = set(self.cleaned_data["allowed_scopes"])
        if "openid" not in scopes:
            raise ValidationError("Phạm vi openid là bắt buộc.", code="openid_required")
        return " ".join(scope for scope in SCOPES_SUPPORTED if scope in scopes)


def _show_credentials(
    request: HttpRequest, client: OidcClient, raw_secret: str, admin_site: AdminSite
) -> TemplateResponse:
    # Rendered directly, never through the messages framework: that would keep it in a cookie.
    context = {
        **admin_site.each_context(request),
        "title": "Thông tin kết nối VNeID",
        "client": client,
        "client_secret": raw_secret,
    }
    return TemplateResponse(request, "vneid/admin/client_credentials.html", context)


@admin.register(OidcClient)
class OidcClientAdmin(admin.ModelAdmin):
    form = OidcClientForm
    list_display = ("name", "client_id", "allowed_scopes", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "client_id")
    readonly_fields = ("client_id", "created_at")
    actions = ("issue_new_secret",)

    def has_delete_permission(self, request: HttpRequest, obj: OidcClient | None = None) -> bool:
        # Audit events and issued tokens reference their client: deactivate it instead.
        return request.user.is_superuser

    def get_fields(self, request: HttpRequest, obj: OidcClient | None = None) -> list[Any]:
        fields = [*services.CLIENT_FIELDS, "reason"]
        if obj is not None:
            fields = ["client_id", *fields[:-1], "created_at", "reason"]
        if obj is not None and not self.has_change_permission(request, obj):
            fields.remove("reason")
        return fields

    def save_model(
        self, request: HttpRequest, obj: OidcClient, form: forms.ModelForm, change: bool
    ) -> None:
        reason = form.cleaned_data["reason"]
        if change:
            values = {
                field: form.cleaned_data[field]
                for field in services.CLIENT_FIELDS
                if field in form.changed_data
            }
            services.change_client(
                client=obj, values=values, actor=official(request), reason=reason
            )
        else:
            obj.raw_secret = services.register_client(obj, actor=official(request), reason=reason)

    def response_add(
        self, request: HttpRequest, obj: OidcClient, post_url_continue: str | None = None
    ) -> TemplateResponse:
        return _show_credentials(request, obj, obj.raw_secret, self.admin_site)

    @admin.action(
        description="Cấp lại client secret (secret cũ hết hiệu lực)", permissions=["change"]
    )
    def issue_new_secret(
        self, request: HttpRequest, queryset: QuerySet[OidcClient]
    ) -> HttpResponseBase | None:
        if queryset.count() != 1:
            self.message_user(request, "Chọn đúng một hệ thống kết nối.", messages.WARNING)
            return None
        form = ReasonForm(request.POST if request.POST.get("confirm") else None)
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
            raw_secret = services.issue_new_client_secret(
                client=client, actor=official(request), reason=form.cleaned_data["reason"]
            )
        return _show_credentials(request, client, raw_secret, self.admin_site)


@admin.register(VneidAccount)
class VneidAccountAdmin(admin.ModelAdmin):
    list_display = ("full_name", "masked_number", "assurance_level", "status", "last_login_at")
    list_filter = ("assurance_level", "status")
    search_fields = ("citizen__full_name",)
    fields = ("citizen", "sub", "assurance_level", "status", "created_at", "last_login_at")
    readonly_fields = ("citizen", "sub", "created_at", "last_login_at")
    actions = ("lock", "unlock")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Accounts come with a password, which only the seeding (ensure_vneid_account) sets.
        return False

    @admin.display(description="họ tên", ordering="citizen__full_name")
    def full_name(self, account: VneidAccount) -> str:
        return account.citizen.full_name

    @admin.display(description="số định danh cá nhân")
    def masked_number(self, account: VneidAccount) -> str:
        return mask_number(account.personal_id_number)

    @admin.action(description="Khoá tài khoản đã chọn")
    def lock(self, request: HttpRequest, queryset: QuerySet[VneidAccount]) -> None:
        for account in queryset:
            services.set_account_status(account=account, status=VneidAccount.Status.LOCKED)

    @admin.action(description="Mở khoá tài khoản đã chọn")
    def unlock(self, request: HttpRequest, queryset: QuerySet[VneidAccount]) -> None:
        for account in queryset:
            services.set_account_status(account=account, status=VneidAccount.Status.ACTIVE)


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    list_display = ("kid", "is_active", "is_published", "created_at")
    fields = ("kid", "is_active", "is_published", "created_at")
    readonly_fields = fields
    actions = ("rotate", "unpublish")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SigningKey | None = None) -> bool:
        return False

    @admin.action(description="Tạo khoá ký mới (khoá đang dùng vẫn được công bố)")
    def rotate(self, request: HttpRequest, queryset: QuerySet[SigningKey]) -> None:
        key = keys.rotate_signing_key()
        self.message_user(request, f"Khoá ký mới: {key.kid}", messages.SUCCESS)

    @admin.action(description="Ngừng công bố khoá đã chọn (chỉ khoá không còn dùng để ký)")
    def unpublish(self, request: HttpRequest, queryset: QuerySet[SigningKey]) -> None:
        for key in queryset.filter(is_active=False):
            keys.unpublish_signing_key(kid=key.kid)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "kind", "account", "client", "actor", "shown_changes", "reason")
    list_filter = ("kind", ("actor", admin.RelatedOnlyFieldListFilter), "created_at")
    list_select_related = ("account__citizen", "client", "actor")
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = (
        "created_at",
        "kind",
        "account",
        "client",
        "actor",
        "detail",
        "shown_changes",
        "reason",
    )
    readonly_fields = fields

    @admin.display(description="thay đổi (trường: trước → sau)")
    def shown_changes(self, event: AuditEvent) -> str:
        if not event.changes:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            "{}: {} → {}",
            (
                (field, before if before not in (None, "") else "(trống)", after)
                for field, (before, after) in event.changes.items()
            ),
        )


@admin.register(UndeliveredLogout)
class UndeliveredLogoutAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Logout tokens a client did not accept; `retry_logout_deliveries` sends them again."""

    list_display = (
        "created_at",
        "client_id",
        "uri",
        "attempts",
        "last_error",
        "last_attempt_at",
        "delivered_at",
    )
    list_filter = (("delivered_at", admin.EmptyFieldListFilter), "client_id")
    search_fields = ("client_id", "sid")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "client_id",
        "uri",
        "issuer",
        "sid",
        "attempts",
        "last_error",
        "last_attempt_at",
        "delivered_at",
    )
    readonly_fields = fields
