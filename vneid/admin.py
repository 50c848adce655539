"""The officials' view of VNeID: clients (secret shown once), accounts, keys, audit trail."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from admin_kit.changes import ShownChangesMixin
from admin_kit.officials import official
from admin_kit.readonly import ReadOnlyAdminMixin
from admin_kit.reasons import confirm_with_reason, reason_field, reason_form
from idnumbers.numbers import mask_number
from oidc_kit.admin import ClientAdmin, ClientForm, validate_uri_lines

from . import keys, organisations, services
from .claims import SCOPES_SUPPORTED
from .models import (
    AuditEvent,
    OidcClient,
    OrganisationAuthorisation,
    OrganisationEid,
    OrganisationRepresentative,
    SigningKey,
    UndeliveredLogout,
    VneidAccount,
)

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


# --- Organisation e-IDs (Decree 69/2024) --------------------------------------------------


class OrganisationRepresentativeInline(admin.TabularInline):
    model = OrganisationRepresentative
    extra = 0
    can_delete = False
    fields = ("full_name", "masked_number", "position", "confirmation", "confirmed_at")
    readonly_fields = fields
    verbose_name = "người đại diện theo pháp luật"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="số định danh cá nhân")
    def masked_number(self, representative: OrganisationRepresentative) -> str:
        return mask_number(representative.cccd_number)

    @admin.display(description="xác nhận")
    def confirmation(self, representative: OrganisationRepresentative) -> str:
        return "Đã xác nhận" if representative.is_confirmed else "Chờ xác nhận"


class OrganisationAuthorisationInline(admin.TabularInline):
    model = OrganisationAuthorisation
    fk_name = "organisation"
    extra = 0
    can_delete = False
    fields = ("grantee", "scope", "valid_until", "state_label", "created_at", "revoked_at")
    readonly_fields = fields
    verbose_name = "ủy quyền"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="hiệu lực")
    def state_label(self, authorisation: OrganisationAuthorisation) -> str:
        return authorisation.state_label


@admin.register(OrganisationEid)
class OrganisationEidAdmin(admin.ModelAdmin):
    """E-ID registrations: read only; an official locks or unlocks one, with a reason."""

    list_display = (
        "name",
        "masked_tax_code",
        "kind",
        "status",
        "registered_by_name",
        "masked_registered_by",
        "created_at",
        "activated_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("name", "eid_code")
    date_hierarchy = "created_at"
    fields = (
        "name",
        "short_name",
        "foreign_name",
        "kind",
        "masked_tax_code",
        "eid_code",
        "identification_number",
        "sub",
        "established_on",
        "head_office_address",
        "registered_by_name",
        "masked_registered_by",
        "status",
        "created_at",
        "activated_at",
    )
    readonly_fields = fields
    inlines = (OrganisationRepresentativeInline, OrganisationAuthorisationInline)
    actions = ("lock", "unlock")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # E-IDs are registered by their representatives in the app, never by an official.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="mã số thuế")
    def masked_tax_code(self, organisation: OrganisationEid) -> str:
        return organisation.masked_tax_code

    @admin.display(description="số định danh người đăng ký")
    def masked_registered_by(self, organisation: OrganisationEid) -> str:
        return mask_number(organisation.registered_by_number)

    def _set_status(
        self, request: HttpRequest, queryset: QuerySet[OrganisationEid], *, locked: bool
    ) -> HttpResponseBase | None:
        def perform(chosen: QuerySet[Any], reason: str) -> None:
            for organisation in chosen:
                organisations.set_organisation_status(
                    organisation=organisation, locked=locked, actor=official(request), reason=reason
                )
            self.message_user(
                request, "Đã cập nhật trạng thái định danh tổ chức.", messages.SUCCESS
            )

        verb = "Khoá" if locked else "Mở khoá"
        return confirm_with_reason(
            self,
            request,
            queryset,
            form_class=ReasonForm,
            title=f"{verb} định danh tổ chức",
            question=(
                "Khoá định danh tổ chức đã chọn? Không ai dùng được tài khoản của tổ chức cho "
                "đến khi mở khoá."
                if locked
                else "Mở khoá định danh tổ chức đã chọn?"
            ),
            perform=perform,
        )

    @admin.action(description="Khoá định danh tổ chức đã chọn", permissions=["change"])
    def lock(
        self, request: HttpRequest, queryset: QuerySet[OrganisationEid]
    ) -> HttpResponseBase | None:
        return self._set_status(request, queryset, locked=True)

    @admin.action(description="Mở khoá định danh tổ chức đã chọn", permissions=["change"])
    def unlock(
        self, request: HttpRequest, queryset: QuerySet[OrganisationEid]
    ) -> HttpResponseBase | None:
        return self._set_status(request, queryset, locked=False)


@admin.register(OrganisationRepresentative)
class OrganisationRepresentativeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every representative of every e-ID: confirmed, or still to confirm in their app."""

    list_display = ("full_name", "masked_number", "organisation", "position", "confirmation")
    list_filter = (("confirmed_at", admin.EmptyFieldListFilter),)
    list_select_related = ("organisation",)
    search_fields = ("full_name", "organisation__name")
    fields = ("organisation", "full_name", "masked_number", "position", "confirmed_at")
    readonly_fields = fields

    @admin.display(description="số định danh cá nhân")
    def masked_number(self, representative: OrganisationRepresentative) -> str:
        return mask_number(representative.cccd_number)

    @admin.display(description="xác nhận", ordering="confirmed_at")
    def confirmation(self, representative: OrganisationRepresentative) -> str:
        return "Đã xác nhận" if representative.is_confirmed else "Chờ xác nhận"


@admin.register(OrganisationAuthorisation)
class OrganisationAuthorisationAdmin(admin.ModelAdmin):
    """Authorisations given by representatives; an official may revoke one, with a reason."""

    list_display = (
        "organisation",
        "grantee_name",
        "masked_grantee",
        "scope",
        "valid_until",
        "state_label",
        "revoked_at",
    )
    list_filter = ("scope", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("organisation", "grantee__citizen")
    search_fields = ("organisation__name", "grantee__citizen__full_name")
    fields = (
        "organisation",
        "grantee_name",
        "masked_grantee",
        "granted_by",
        "scope",
        "valid_until",
        "created_at",
        "revoked_at",
        "revoked_by",
    )
    readonly_fields = fields
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="người được ủy quyền", ordering="grantee__citizen__full_name")
    def grantee_name(self, authorisation: OrganisationAuthorisation) -> str:
        return authorisation.grantee.citizen.full_name

    @admin.display(description="số định danh cá nhân")
    def masked_grantee(self, authorisation: OrganisationAuthorisation) -> str:
        return mask_number(authorisation.grantee.personal_id_number)

    @admin.display(description="hiệu lực")
    def state_label(self, authorisation: OrganisationAuthorisation) -> str:
        return authorisation.state_label

    @admin.action(description="Thu hồi ủy quyền đã chọn", permissions=["change"])
    def revoke(
        self, request: HttpRequest, queryset: QuerySet[OrganisationAuthorisation]
    ) -> HttpResponseBase | None:
        def perform(chosen: QuerySet[Any], reason: str) -> None:
            revoked = sum(
                organisations.revoke_authorisation_as_official(
                    authorisation=authorisation, actor=official(request), reason=reason
                )
                for authorisation in chosen.select_related("organisation", "grantee__citizen")
            )
            self.message_user(request, f"Đã thu hồi {revoked} ủy quyền.", messages.SUCCESS)

        return confirm_with_reason(
            self,
            request,
            queryset,
            form_class=ReasonForm,
            title="Thu hồi ủy quyền",
            question="Thu hồi ủy quyền đã chọn? Người được ủy quyền không dùng được tài khoản "
            "của tổ chức nữa.",
            perform=perform,
        )
