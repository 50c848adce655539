"""The national login service's clients, subjects, codes, tokens, keys, sessions and audit trail."""

import uuid

from django.db import models
from django.utils import timezone

from fault_switch.models import FaultSwitch
from idnumbers.numbers import mask_number
from oidc_kit.models import AnsweredRequestRecord
from oidc_kit.models import LogoutDeliveryRecord as BaseLogoutDeliveryRecord
from oidc_kit.provider_models import (
    ProviderAccessToken,
    ProviderAuthorizationCode,
    ProviderClient,
    ProviderSigningKey,
)

LOA1 = "LoA1"
LOA2 = "LoA2"
LEVEL_BY_ACR = {LOA1: 1, LOA2: 2}


def new_opaque_id() -> str:
    """Return a fresh opaque identifier (32 hex digits)."""
    return uuid.uuid4().hex


def new_tech_id() -> str:
    """Return a fresh TechID, shaped like the real service's (a UUID with dashes)."""
    return str(uuid.uuid4())


class AttributeProfile(models.TextChoices):
    """Which names a client receives the citizen's attributes under."""

    DVCQG = "dvcqg", "DVCQG (tên thuộc tính của hệ thống thật)"
    OIDC = "oidc", "OpenID Connect chuẩn"


class Idp(models.TextChoices):
    """Where the citizen authenticated: VNeID, or an account the national portal issued."""

    VNEID = "BCA", "Tài khoản định danh điện tử VNeID"
    ISSUED = "DVCQG", "Tài khoản được cấp"


class NationalClient(ProviderClient):
    """A portal registered with the national login service; only a hash of its secret is kept."""

    backchannel_logout_uri = models.URLField(
        "địa chỉ nhận đăng xuất back-channel", max_length=2000, blank=True, default=""
    )
    frontchannel_logout_uri = models.URLField(
        "địa chỉ nhận đăng xuất front-channel", max_length=2000, blank=True, default=""
    )
    attribute_profile = models.CharField(
        "bộ thuộc tính trả về",
        max_length=8,
        choices=AttributeProfile.choices,
        default=AttributeProfile.DVCQG,
    )
    allowed_scopes = models.CharField("phạm vi được phép", max_length=255, default="openid")

    class Meta:
        verbose_name = "hệ thống kết nối"
        verbose_name_plural = "hệ thống kết nối"


class SubjectKind(models.TextChoices):
    """Whom a subject is: a person, or an organisation a person logs in for (Decree 69/2024)."""

    CITIZEN = "citizen", "Công dân"
    ORGANISATION = "organisation", "Tổ chức"


class OrganisationRole(models.TextChoices):
    """How the person acting in an organisation login acts for it (VNeID's `organisation_role`)."""

    LEGAL_REPRESENTATIVE = "legal_representative", "Người đại diện theo pháp luật"
    AUTHORISED_PERSON = "authorised_person", "Người được ủy quyền"


class Subject(models.Model):
    """A person or organisation as the service's clients know them: stable `sub` and `TechID`.

    One row per VNeID account (keyed by VNeID's `sub`), one per VNeID organisation e-ID (keyed
    by the organisation's `sub` at VNeID) and one per issued account (keyed by the national
    portal's account id): the attributes are refreshed at every login. Who acted for an
    organisation belongs to the login (LoginSession), not here: several people act for one.
    """

    sub = models.CharField("mã định danh (sub)", max_length=32, unique=True, default=new_opaque_id)
    tech_id = models.CharField("TechID", max_length=36, unique=True, default=new_tech_id)
    idp = models.CharField("nguồn xác thực", max_length=8, choices=Idp.choices)
    idp_subject = models.CharField("định danh tại nguồn", max_length=64)
    personal_id_number = models.CharField("số định danh cá nhân", max_length=12, blank=True)
    cmnd_number = models.CharField("số CMND", max_length=12, blank=True, default="")
    full_name = models.CharField("họ tên", max_length=150, blank=True, default="")
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    # VNeID's level (1 or 2); an issued account is level 1. For an organisation: the level of
    # the person who last logged in for it (VNeID only issues organisation logins at level 2).
    level = models.PositiveSmallIntegerField("mức xác thực", default=1)
    kind = models.CharField(
        "loại tài khoản", max_length=16, choices=SubjectKind.choices, default=SubjectKind.CITIZEN
    )
    # The organisation's e-ID attributes (all blank for a citizen), as VNeID released them.
    organisation_eid = models.CharField(
        "mã định danh điện tử tổ chức", max_length=16, blank=True, default=""
    )
    organisation_id_number = models.CharField(
        "số định danh tổ chức", max_length=16, blank=True, default=""
    )
    organisation_short_name = models.CharField(
        "tên viết tắt", max_length=150, blank=True, default=""
    )
    organisation_foreign_name = models.CharField(
        "tên nước ngoài", max_length=255, blank=True, default=""
    )
    organisation_kind = models.CharField("loại hình tổ chức", max_length=32, blank=True, default="")
    establishment_date = models.DateField("ngày thành lập", null=True, blank=True)
    head_office_address = models.CharField("địa chỉ trụ sở", max_length=255, blank=True, default="")
    tax_code = models.CharField("mã số thuế", max_length=13, blank=True, default="")
    enterprise_code = models.CharField("mã số doanh nghiệp", max_length=13, blank=True, default="")
    legal_representative_name = models.CharField(
        "họ tên người đại diện (đăng ký)", max_length=150, blank=True, default=""
    )
    legal_representative_id_number = models.CharField(
        "số định danh người đại diện (đăng ký)", max_length=12, blank=True, default=""
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_login_at = models.DateTimeField("đăng nhập gần nhất", null=True, blank=True)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"
        constraints = [
            models.UniqueConstraint(
                fields=["idp", "idp_subject"], name="national_login_one_subject_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({mask_number(self.number)})"

    @property
    def number(self) -> str:
        """The number the subject is known by: the CCCD, the CMND, or an organisation's tax code."""
        if self.is_organisation:
            return self.tax_code or self.enterprise_code
        return self.personal_id_number or self.cmnd_number

    @property
    def is_organisation(self) -> bool:
        return self.kind == SubjectKind.ORGANISATION

    @property
    def acr(self) -> str:
        return LOA2 if self.level >= 2 and self.idp == Idp.VNEID else LOA1

    @property
    def is_active(self) -> bool:
        return True


class LoginSession(models.Model):
    """The service's own login in a browser, found by the hash of its cookie's value.

    `sid` is public: it goes in every ID token of this login and in its logout tokens.
    """

    key_hash = models.CharField(max_length=64, unique=True)
    sid = models.CharField(max_length=32, unique=True, default=new_opaque_id)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="sessions")
    idp = models.CharField(max_length=8, choices=Idp.choices)
    acr = models.CharField(max_length=8)
    amr = models.CharField(max_length=64, default="pwd")
    auth_time = models.DateTimeField()
    # The VNeID login behind this one: its `sid` (back-channel logouts name it) and ID token
    # (the hint of the service's own logout at VNeID).
    vneid_sid = models.CharField(max_length=64, blank=True, default="", db_index=True)
    vneid_id_token = models.TextField(blank=True, default="")
    # An organisation login (subject.kind organisation): the person acting for it, as VNeID's
    # `act` claim named them, and how they act. Blank for a personal login.
    act_number = models.CharField(
        "số định danh người thực hiện", max_length=12, blank=True, default=""
    )
    act_name = models.CharField("họ tên người thực hiện", max_length=150, blank=True, default="")
    organisation_role = models.CharField(
        "vai trò", max_length=32, choices=OrganisationRole.choices, blank=True, default=""
    )
    # Only for an authorised person: `full` or `dossiers` (VNeID's authorisation scopes).
    authorisation_scope = models.CharField(
        "phạm vi ủy quyền", max_length=16, blank=True, default=""
    )
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # Set in memory when the login starts: the database keeps the hash, the browser the value.
    cookie_value: str

    class Meta:
        verbose_name = "phiên đăng nhập"
        verbose_name_plural = "phiên đăng nhập"

    def __str__(self) -> str:
        return f"{self.subject_id} @ {self.auth_time:%Y-%m-%d %H:%M}"


class SessionClient(models.Model):
    """A client that received a code in a login session: its logout must reach it."""

    session = models.ForeignKey(LoginSession, on_delete=models.CASCADE, related_name="clients")
    client = models.ForeignKey(NationalClient, on_delete=models.CASCADE)
    joined_at = models.DateTimeField(default=timezone.now)
    # The issuer the client's ID token named (the host the browser used): its logout token
    # must name the same one, whichever host the logout arrives at.
    issuer = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "client"], name="national_login_client_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_id} @ {self.session_id}"


class PendingAuthorization(models.Model):
    """A portal's authorization request while the citizen logs in (WSO2's `sessionDataKey`).

    Bound to the browser that started it by the hash of a cookie; the VNeID leg's state, nonce
    and PKCE verifier wait here for the callback.
    """

    # Not a secret on its own: the browser's cookie (browser_hash) must come with it.
    key = models.CharField(max_length=64, unique=True)
    browser_hash = models.CharField(max_length=64)
    query = models.TextField()
    requested_level = models.PositiveSmallIntegerField(default=1)
    # The portal asked for a fresh login (prompt=login): no single sign-on.
    fresh_login = models.BooleanField(default=False)
    client = models.ForeignKey(NationalClient, on_delete=models.CASCADE)
    vneid_state_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    vneid_leg = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.client_id} {self.created_at:%Y-%m-%d %H:%M}"


class AuthorizationCode(ProviderAuthorizationCode):
    """A single-use code bound to its client, redirect URI, optional PKCE and login session."""

    client = models.ForeignKey(NationalClient, on_delete=models.CASCADE)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE)
    session = models.ForeignKey(
        LoginSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="codes"
    )
    sid = models.CharField(max_length=32)
    code_challenge = models.CharField(max_length=128, blank=True, default="")
    code_challenge_method = models.CharField(max_length=8, blank=True, default="")
    acr = models.CharField(max_length=8)
    # The acting person of an organisation login, copied from the login when the code is
    # issued: its tokens and userinfo answer the same even after the login ends or is purged.
    act_number = models.CharField(max_length=12, blank=True, default="")
    act_name = models.CharField(max_length=150, blank=True, default="")
    organisation_role = models.CharField(max_length=32, blank=True, default="")
    authorisation_scope = models.CharField(max_length=16, blank=True, default="")

    class Meta(ProviderAuthorizationCode.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.client} → {self.subject_id}"


class AccessToken(ProviderAccessToken):
    """A bearer token for userinfo; only its hash is kept."""

    client = models.ForeignKey(NationalClient, on_delete=models.CASCADE)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE)
    authorization_code = models.ForeignKey(
        AuthorizationCode, on_delete=models.SET_NULL, null=True, blank=True, related_name="tokens"
    )

    class Meta(ProviderAccessToken.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.client} → {self.subject_id}"


class SigningKey(ProviderSigningKey):
    """An RSA key pair for ID and logout tokens; one is active, published ones are in JWKS."""

    class Meta(ProviderSigningKey.Meta):
        pass


class AuditEvent(AnsweredRequestRecord):
    """One security-relevant event of the service, or one request it answered."""

    class Kind(models.TextChoices):
        LOGIN_SUCCEEDED = "login_succeeded", "Đăng nhập thành công"
        LOGIN_FAILED = "login_failed", "Đăng nhập sai (tài khoản được cấp)"
        LOGIN_REFUSED = "login_refused", "Đăng nhập bị từ chối"
        LEVEL_REFUSED = "level_refused", "Mức xác thực không đủ"
        CODE_REUSED = "code_reused", "Mã uỷ quyền bị dùng lại"
        LOGGED_OUT = "logged_out", "Đăng xuất"
        LOGOUT_DELIVERY_FAILED = "logout_failed", "Gửi đăng xuất back-channel thất bại"
        CLIENT_CREATED = "client_created", "Đăng ký hệ thống kết nối"
        CLIENT_CHANGED = "client_changed", "Sửa hệ thống kết nối"
        CLIENT_SECRET_ISSUED = "client_secret_issued", "Cấp lại client secret"
        KEY_ROTATED = "key_rotated", "Xoay vòng khoá ký"
        REQUEST_ANSWERED = "request_answered", "Trả lời yêu cầu"

    kind = models.CharField("sự kiện", max_length=24, choices=Kind.choices)
    subject = models.ForeignKey(
        Subject, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="người dùng"
    )
    client = models.ForeignKey(
        NationalClient,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="hệ thống kết nối",
    )
    endpoint = models.CharField("điểm cuối", max_length=24, blank=True, default="")

    class Meta(AnsweredRequestRecord.Meta):
        verbose_name = "nhật ký hệ thống xác thực"
        verbose_name_plural = "nhật ký hệ thống xác thực"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class ServiceFault(FaultSwitch):
    """The sandbox's switch for making the national login service slow, failing or down."""

    class Meta:
        verbose_name = "giả lập sự cố hệ thống xác thực"
        verbose_name_plural = "giả lập sự cố hệ thống xác thực"


class LogoutDeliveryRecord(BaseLogoutDeliveryRecord):
    """A back-channel logout a portal did not accept, until a retry delivers it.

    `manage.py retry_national_login_logout_deliveries` sends it again with a fresh token.
    """

    # The issuer the first token named: a retry must name the same one for the portal to accept.
    issuer = models.CharField("bên phát hành (iss)", max_length=255, blank=True, default="")

    class Meta(BaseLogoutDeliveryRecord.Meta):
        pass
