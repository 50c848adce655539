"""VNeID accounts, registered clients, codes, tokens, signing keys and login state."""

import secrets
import uuid

from django.contrib.auth.hashers import check_password
from django.db import models
from django.utils import timezone

from citizen_registry.models import Citizen
from fault_switch.models import FaultSwitch
from idnumbers.numbers import mask_number
from oidc_kit.models import AnsweredRequestRecord, LogoutDeliveryRecord
from oidc_kit.provider_models import (
    ProviderAccessToken,
    ProviderAuthorizationCode,
    ProviderClient,
    ProviderSigningKey,
)

# Sent as `acr`: the level of the electronic identity account (mức 1 / mức 2).
ACR_BY_LEVEL = {1: "vneid:level1", 2: "vneid:level2"}


def new_sub() -> str:
    """Return a fresh opaque subject identifier."""
    return uuid.uuid4().hex


def new_eid_code() -> str:
    """Return a fresh e-ID code of an organisation (mã định danh điện tử tổ chức)."""
    # "TC" (tổ chức) + 12 digits: never mistaken for a 12-digit personal number.
    return "TC" + "".join(secrets.choice("0123456789") for _ in range(12))


def new_identification_number() -> str:
    """Return a fresh identification number of an organisation (số định danh tổ chức)."""
    # 14 digits: longer than a CCCD number (12) and a branch's tax code (13), so never confused.
    return "9" + "".join(secrets.choice("0123456789") for _ in range(13))


def new_sid() -> str:
    """Return a fresh public identifier of a login session (the `sid` claim)."""
    return secrets.token_urlsafe(24)


class VneidAccount(models.Model):
    """An electronic identity account (tài khoản định danh điện tử) of a registry citizen."""

    class Level(models.IntegerChoices):
        LEVEL_1 = 1, "Mức 1"
        LEVEL_2 = 2, "Mức 2"

    class Status(models.TextChoices):
        ACTIVE = "active", "Đang hoạt động"
        LOCKED = "locked", "Bị khoá"

    citizen = models.OneToOneField(
        Citizen, on_delete=models.PROTECT, related_name="vneid_account", verbose_name="công dân"
    )
    sub = models.CharField("mã định danh (sub)", max_length=32, unique=True, default=new_sub)
    password = models.CharField("mật khẩu", max_length=255)
    assurance_level = models.PositiveSmallIntegerField(
        "mức định danh", choices=Level.choices, default=Level.LEVEL_2
    )
    status = models.CharField(
        "trạng thái", max_length=6, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_login_at = models.DateTimeField("đăng nhập gần nhất", null=True, blank=True)

    class Meta:
        verbose_name = "tài khoản VNeID"
        verbose_name_plural = "tài khoản VNeID"

    def __str__(self) -> str:
        return f"{self.citizen.full_name} ({mask_number(self.personal_id_number)})"

    @property
    def personal_id_number(self) -> str:
        return self.citizen.cccd_number

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def acr(self) -> str:
        return ACR_BY_LEVEL[self.assurance_level]

    def check_password(self, raw_password: str) -> bool:
        return check_password(raw_password, self.password)


class OidcClient(ProviderClient):
    """A relying party registered with VNeID; only a hash of its secret is kept."""

    allowed_scopes = models.CharField(
        "phạm vi được phép", max_length=255, default="openid profile vneid_identity"
    )
    # OpenID Connect Back-Channel / Front-Channel Logout 1.0: where VNeID tells the client that
    # a login it took part in has ended.
    backchannel_logout_uri = models.CharField(
        "địa chỉ nhận thông báo đăng xuất (back-channel)", max_length=2000, blank=True, default=""
    )
    frontchannel_logout_uri = models.CharField(
        "địa chỉ đăng xuất qua trình duyệt (front-channel)", max_length=2000, blank=True, default=""
    )

    class Meta:
        verbose_name = "hệ thống kết nối VNeID"
        verbose_name_plural = "hệ thống kết nối VNeID"


class AuthorizationCode(ProviderAuthorizationCode):
    """A single-use code bound to its client, redirect URI, PKCE challenge and login."""

    client = models.ForeignKey(OidcClient, on_delete=models.CASCADE)
    account = models.ForeignKey(VneidAccount, on_delete=models.CASCADE)
    # The browser login it was issued in: ending that login revokes the tokens issued from it.
    login = models.ForeignKey(
        "LoginSession", on_delete=models.SET_NULL, null=True, blank=True, related_name="codes"
    )
    code_challenge = models.CharField(max_length=128)
    code_challenge_method = models.CharField(max_length=8)
    # The issuer named in the ID token given for this code (set when it is exchanged).
    issuer = models.CharField(max_length=200, blank=True, default="")
    acr = models.CharField(max_length=32)
    # The organisation the person logged in as (null: the person's own account).
    organisation = models.ForeignKey(
        "OrganisationEid", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta(ProviderAuthorizationCode.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.client} → {self.account_id}"


class AccessToken(ProviderAccessToken):
    """A bearer token for userinfo; only its hash is kept."""

    client = models.ForeignKey(OidcClient, on_delete=models.CASCADE)
    account = models.ForeignKey(VneidAccount, on_delete=models.CASCADE)
    authorization_code = models.ForeignKey(
        AuthorizationCode, on_delete=models.SET_NULL, null=True, blank=True, related_name="tokens"
    )
    # The organisation the token speaks for (null: the person's own account).
    organisation = models.ForeignKey(
        "OrganisationEid", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta(ProviderAccessToken.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.client} → {self.account_id}"


class SigningKey(ProviderSigningKey):
    """An RSA key pair for ID tokens; exactly one is active, published ones appear in JWKS."""

    class Meta(ProviderSigningKey.Meta):
        pass


class LoginSession(models.Model):
    """VNeID's own login state in a browser, found by the hash of its cookie value."""

    key_hash = models.CharField(max_length=64, unique=True)
    # Public, unlike the cookie: the `sid` of ID and logout tokens, the same for every client.
    sid = models.CharField(max_length=32, unique=True, default=new_sid)
    # The issuer the browser knew VNeID by when it logged in: logout tokens sent when this login
    # ends, perhaps from a command without a request, say the same.
    issuer = models.CharField(max_length=200, blank=True, default="")
    account = models.ForeignKey(VneidAccount, on_delete=models.CASCADE)
    auth_time = models.DateTimeField()
    amr = models.CharField(max_length=64, default="pwd")
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # A browser login made by approving its QR in the VNeID app: the app's login. Logging out of
    # the app ends the logins it approved.
    approved_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_logins",
    )
    # The organisation this login acts for (null: the person's own account). Set only through
    # vneid.organisations.acting_for, which checks the person may act for it.
    organisation = models.ForeignKey(
        "OrganisationEid", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Set in memory by login_state.start_login only: the database keeps the hash.
    cookie_value: str
    cookie_name: str

    class Meta:
        verbose_name = "phiên đăng nhập VNeID"
        verbose_name_plural = "phiên đăng nhập VNeID"

    def __str__(self) -> str:
        return f"{self.account_id} @ {self.auth_time:%Y-%m-%d %H:%M}"


class LoginFailure(models.Model):
    """One failed password login, counted for throttling by number and by address."""

    personal_id_number = models.CharField(max_length=32, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # False while the password is being checked: it counts against its number at once, and
    # against its address only once it was found wrong.
    checked = models.BooleanField(default=False)

    class Meta:
        verbose_name = "đăng nhập sai"
        verbose_name_plural = "đăng nhập sai"

    def __str__(self) -> str:
        return f"{mask_number(self.personal_id_number)} {self.created_at:%Y-%m-%d %H:%M}"


class AuditEvent(AnsweredRequestRecord):
    """One security-relevant event of the provider."""

    class Kind(models.TextChoices):
        LOGIN_SUCCEEDED = "login_succeeded", "Đăng nhập thành công"
        LOGIN_FAILED = "login_failed", "Đăng nhập sai"
        LOGIN_THROTTLED = "login_throttled", "Đăng nhập bị tạm khoá"
        LOGIN_LOCKED_ACCOUNT = "login_locked_account", "Đăng nhập vào tài khoản bị khoá"
        CODE_REUSED = "code_reused", "Mã uỷ quyền bị dùng lại"
        QR_APPROVED = "qr_approved", "Xác nhận đăng nhập bằng mã QR"
        QR_REFUSED = "qr_refused", "Từ chối đăng nhập bằng mã QR"
        CLIENT_CREATED = "client_created", "Đăng ký hệ thống kết nối"
        ACCOUNT_SAVED = "account_saved", "Tạo / cập nhật tài khoản VNeID"
        KEY_ROTATED = "key_rotated", "Xoay vòng khoá ký"
        CLIENT_CHANGED = "client_changed", "Sửa hệ thống kết nối"
        CLIENT_SECRET_ISSUED = "client_secret_issued", "Cấp lại client secret"
        REQUEST_ANSWERED = "request_answered", "Trả lời yêu cầu (authorize, token, userinfo)"
        LOGOUT_DELIVERED = "logout_delivered", "Đã gửi thông báo đăng xuất (back-channel)"
        LOGOUT_FAILED = "logout_failed", "Gửi thông báo đăng xuất (back-channel) thất bại"
        ORGANISATION_REGISTERED = "organisation_registered", "Đăng ký định danh tổ chức"
        ORGANISATION_CONFIRMED = "organisation_confirmed", "Người đại diện xác nhận đăng ký"
        ORGANISATION_ACTIVATED = "organisation_activated", "Kích hoạt định danh tổ chức"
        ORGANISATION_REFUSED = "organisation_refused", "Từ chối đăng ký định danh tổ chức"
        ORGANISATION_CHANGED = "organisation_changed", "Sửa định danh tổ chức (quản trị)"
        AUTHORISATION_GRANTED = "authorisation_granted", "Ủy quyền cho người khác"
        AUTHORISATION_REVOKED = "authorisation_revoked", "Thu hồi ủy quyền"
        ACCOUNT_SWITCHED = "account_switched", "Chuyển tài khoản cá nhân / tổ chức"

    kind = models.CharField("sự kiện", max_length=24, choices=Kind.choices)
    account = models.ForeignKey(
        VneidAccount,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="tài khoản VNeID",
    )
    client = models.ForeignKey(
        OidcClient,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="hệ thống kết nối",
    )
    # A request answered (REQUEST_ANSWERED): which endpoint. Its `flow` is a digest of the
    # authorization request (client and state).
    endpoint = models.CharField("điểm cuối", max_length=20, blank=True, default="")

    class Meta(AnsweredRequestRecord.Meta):
        verbose_name = "nhật ký VNeID"
        verbose_name_plural = "nhật ký VNeID"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class QrLogin(models.Model):
    """A QR login: shown by a waiting browser, approved or refused in the VNeID app."""

    # The QR carries one secret (for the app); the waiting browser holds another (its ticket),
    # so whoever sees the QR cannot collect the login it leads to.

    class Status(models.TextChoices):
        PENDING = "pending", "Đang chờ xác nhận"
        APPROVED = "approved", "Đã xác nhận"
        REFUSED = "refused", "Đã từ chối"
        USED = "used", "Đã sử dụng"

    qr_token_hash = models.CharField(max_length=64, unique=True)
    ticket_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(OidcClient, on_delete=models.CASCADE)
    account = models.ForeignKey(VneidAccount, on_delete=models.CASCADE, null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    # The app's login that approved it: the browser's login is tied to it.
    approved_in = models.ForeignKey(
        LoginSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    used_at = models.DateTimeField(null=True, blank=True)
    # The organisation the app's login acted for when it approved (null: the person's own).
    organisation = models.ForeignKey(
        "OrganisationEid", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "đăng nhập bằng mã QR"
        verbose_name_plural = "đăng nhập bằng mã QR"

    def __str__(self) -> str:
        return f"{self.client} {self.get_status_display()}"

    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class ServiceFault(FaultSwitch):
    """The sandbox's switch for making VNeID slow, failing or down (one row)."""

    class Meta:
        verbose_name = "giả lập sự cố VNeID"
        verbose_name_plural = "giả lập sự cố VNeID"


class UndeliveredLogout(LogoutDeliveryRecord):
    """A logout token a client did not accept; `retry_logout_deliveries` sends a fresh one."""

    # The issuer of the login that ended: the fresh token must name the same one.
    issuer = models.CharField("nhà cung cấp (iss)", max_length=200)

    class Meta(LogoutDeliveryRecord.Meta):
        verbose_name = "thông báo đăng xuất chưa gửi được"
        verbose_name_plural = "thông báo đăng xuất chưa gửi được"


class OrganisationEid(models.Model):
    """An organisation's electronic identity (định danh điện tử tổ chức, Decree 69/2024)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Chờ người đại diện xác nhận"
        ACTIVE = "active", "Đã kích hoạt"
        LOCKED = "locked", "Bị khoá"

    sub = models.CharField("mã định danh (sub)", max_length=32, unique=True, default=new_sub)
    eid_code = models.CharField(
        "mã định danh điện tử tổ chức", max_length=16, unique=True, default=new_eid_code
    )
    identification_number = models.CharField(
        "số định danh tổ chức", max_length=16, unique=True, default=new_identification_number
    )
    # The kinds of the business registry (llc_single, joint_stock, household_business, ...).
    kind = models.CharField("loại hình", max_length=24)
    name = models.CharField("tên tổ chức", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=120, blank=True, default="")
    foreign_name = models.CharField("tên nước ngoài", max_length=255, blank=True, default="")
    established_on = models.DateField("ngày thành lập")
    head_office_address = models.CharField("địa chỉ trụ sở", max_length=500)
    tax_code = models.CharField("mã số thuế", max_length=13)
    # Unique: two representatives registering at the same moment make exactly one e-ID.
    enterprise_code = models.CharField("mã số doanh nghiệp", max_length=13, unique=True)
    registered_by = models.ForeignKey(
        VneidAccount,
        on_delete=models.PROTECT,
        related_name="registered_organisations",
        verbose_name="người đăng ký",
    )
    # A snapshot: the e-ID names the representative who registered it even if the account goes.
    registered_by_name = models.CharField("họ tên người đăng ký", max_length=255)
    registered_by_number = models.CharField("số định danh người đăng ký", max_length=12)
    status = models.CharField(
        "trạng thái", max_length=8, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField("ngày đăng ký", default=timezone.now)
    activated_at = models.DateTimeField("ngày kích hoạt", null=True, blank=True)

    class Meta:
        verbose_name = "định danh điện tử tổ chức"
        verbose_name_plural = "định danh điện tử tổ chức"

    def __str__(self) -> str:
        return f"{self.name} ({mask_number(self.tax_code)})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def masked_tax_code(self) -> str:
        return mask_number(self.tax_code)


class OrganisationRepresentative(models.Model):
    """A legal representative of an organisation e-ID; every one must confirm it."""

    organisation = models.ForeignKey(
        OrganisationEid,
        on_delete=models.CASCADE,
        related_name="representatives",
        verbose_name="tổ chức",
    )
    cccd_number = models.CharField("số định danh cá nhân", max_length=12)
    full_name = models.CharField("họ tên", max_length=255)
    position = models.CharField("chức danh", max_length=120, blank=True, default="")
    account = models.ForeignKey(
        VneidAccount,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisation_representations",
        verbose_name="tài khoản VNeID",
    )
    # Null: the representative has not confirmed the registration in their app yet.
    confirmed_at = models.DateTimeField("ngày xác nhận", null=True, blank=True)

    class Meta:
        verbose_name = "người đại diện theo pháp luật"
        verbose_name_plural = "người đại diện theo pháp luật"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cccd_number"], name="vneid_org_representative_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({mask_number(self.cccd_number)})"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class OrganisationAuthorisation(models.Model):
    """An authorisation (ủy quyền) given by a representative to another level-2 person."""

    class Scope(models.TextChoices):
        FULL = "full", "Toàn quyền (kể cả kế thừa tài khoản tổ chức cũ)"
        DOSSIERS = "dossiers", "Nộp và theo dõi hồ sơ dịch vụ công"

    organisation = models.ForeignKey(
        OrganisationEid,
        on_delete=models.CASCADE,
        related_name="authorisations",
        verbose_name="tổ chức",
    )
    grantee = models.ForeignKey(
        VneidAccount,
        on_delete=models.CASCADE,
        related_name="authorisations_received",
        verbose_name="người được ủy quyền",
    )
    granted_by = models.ForeignKey(
        VneidAccount,
        on_delete=models.PROTECT,
        related_name="authorisations_given",
        verbose_name="người ủy quyền",
    )
    scope = models.CharField("phạm vi", max_length=8, choices=Scope.choices)
    # Inclusive: the authorisation still holds on this day.
    valid_until = models.DateField("hiệu lực đến hết ngày")
    created_at = models.DateTimeField("ngày ủy quyền", default=timezone.now)
    revoked_at = models.DateTimeField("ngày thu hồi", null=True, blank=True)
    revoked_by = models.ForeignKey(
        VneidAccount,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người thu hồi",
    )

    class Meta:
        verbose_name = "ủy quyền tổ chức"
        verbose_name_plural = "ủy quyền tổ chức"

    def __str__(self) -> str:
        return f"{self.organisation} → {self.grantee}"

    @property
    def state(self) -> str:
        """Return "revoked", "expired" or "current" (valid through valid_until, today's date)."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.valid_until < timezone.localdate() else "current"

    @property
    def state_label(self) -> str:
        labels = {"revoked": "Đã thu hồi", "expired": "Đã hết hạn", "current": "Còn hiệu lực"}
        return labels[self.state]
