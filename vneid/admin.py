"""The officials' view of VNeID: clients (secret shown once), accounts, keys, audit trail."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from admin_kit.changes import ShownChangesMixin
from admin_kit.readonly import ReadOnlyAdminMixin
from admin_kit.reasons import reason_field, reason_form
from idnumbers.numbers import mask_number
from oidc_kit.admin import ClientAdmin, ClientForm, validate_uri_lines

from . import keys, services
from .claims import SCOPES_SUPPORTED
from .models import AuditEvent, OidcClient, SigningKey, UndeliveredLogout, VneidAccount

REASON_HELP = "Bắt buộc: lý do được ghi vào nhật ký VNeID cùng với thao tác."
ReasonForm = reason_form(help_text=REASON_HELP)


class OidcClientForm(ClientForm):
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

    def clean_backchannel_logout_uri(self) -> str:
        uri = validate_uri_lines(self.cleaned_data["backchannel_logout_uri"])
        if "#" in uri:
            # Back-Channel Logout 1.0 §2.2: the URI must not include a fragment.
            raise ValidationError("Địa chỉ không được chứa phần #.", code="fragment")
        return uri

    def clean_frontchannel_logout_uri(self) -> str:
        return validate_uri_lines(self.cleaned_data["frontchannel_logout_uri"])

    def clean_allowed_scopes(self) -> str:
        scopes = set(self.cleaned_data["allowed_scopes"])
        if "openid" not in scopes:
            raise ValidationError("Phạm vi openid là bắt buộc.", code="openid_required")
        return " ".join(scope for scope in SCOPES_SUPPORTED if scope in scopes)


@admin.register(OidcClient)
class OidcClientAdmin(ClientAdmin):
    form = OidcClientForm
    clients = services.CLIENTS
    credentials_template = "vneid/admin/client_credentials.html"
    credentials_title = "Thông tin kết nối VNeID"
    reason_form = ReasonForm
    list_display = ("name", "client_id", "allowed_scopes", "is_active", "created_at")
    list_filter = ("is_active",)


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
class AuditEventAdmin(ShownChangesMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
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
