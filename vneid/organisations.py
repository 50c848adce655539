"""Organisation e-IDs (Decree 69/2024): registration by legal representatives, their
confirmations, authorisations of other people, and who may act for which organisation.

A level-2 legal representative registers the organisation in the VNeID app. VNeID checks the
enterprise in the national business registration database (over HTTP only, through
`business_registry_client`): status, name, kind and whether the person is a current legal
representative. The e-ID lists every current representative of the registry; it becomes active
once all of them have confirmed in their own app (at once when the registering one is the only
one). A confirmed representative may authorise another level-2 person until a date, and revoke
it. `acting_for` is the one check of "may this person act for this organisation now", used by
the app's account switch and by the OpenID Connect provider when it issues and exchanges codes.

Every refusal is an `OrganisationRefused` with a stable `code` and a Vietnamese sentence saying
what happened and what to do; views only catch and show it.
"""

import logging
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NoReturn

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from idnumbers.names import display_name, names_match
from idnumbers.numbers import is_cccd_format, mask_number, normalize_number
from idnumbers.tax_codes import normalize_tax_code, tax_code_problem

from . import business_registry_client as registry
from . import single_logout, throttling
from .business_registry_client import EnterpriseRecord, RegisteredRepresentative
from .models import (
    AuditEvent,
    LoginSession,
    OrganisationAuthorisation,
    OrganisationEid,
    OrganisationRepresentative,
    VneidAccount,
)

logger = logging.getLogger(__name__)

LEGAL_REPRESENTATIVE = "legal_representative"
AUTHORISED_PERSON = "authorised_person"
ROLE_LABELS = {
    LEGAL_REPRESENTATIVE: "Người đại diện theo pháp luật",
    AUTHORISED_PERSON: "Người được ủy quyền",
}

# The kinds of the business registry (docs/business-registry-api.md), as the app offers them.
KINDS = {
    "llc_single": "Công ty TNHH một thành viên",
    "llc_multi": "Công ty TNHH hai thành viên trở lên",
    "joint_stock": "Công ty cổ phần",
    "partnership": "Công ty hợp danh",
    "private_enterprise": "Doanh nghiệp tư nhân",
    "household_business": "Hộ kinh doanh",
    "branch": "Chi nhánh",
}

# How far ahead an authorisation may run: long enough for an accountant's engagement, short
# enough that a forgotten one ends by itself.
MAX_AUTHORISATION_YEARS = 5

# The largest primary key a database keeps (a signed 64-bit integer).
MAX_ROW_ID = 2**63 - 1

MISMATCH = "Thông tin đăng ký không khớp với CSDL quốc gia về đăng ký doanh nghiệp"

MESSAGES = {
    "not_level_2": (
        "Chỉ tài khoản định danh điện tử mức 2 mới được đăng ký, xác nhận hoặc ủy quyền cho "
        "định danh tổ chức. Vui lòng nâng cấp tài khoản lên mức 2 tại cơ quan Công an rồi "
        "thử lại."
    ),
    "wrong_passcode": (
        "Mật khẩu (passcode) không đúng, nên chưa có gì được thực hiện. Vui lòng nhập lại "
        "mật khẩu đăng nhập ứng dụng VNeID của bạn."
    ),
    "throttled": throttling.LOCKOUT_MESSAGE,
    "invalid_kind": "Vui lòng chọn loại hình tổ chức trong danh sách.",
    "invalid_name": "Vui lòng nhập tên tổ chức như trên giấy chứng nhận đăng ký.",
    "enterprise_not_found": (
        "Không tìm thấy mã số doanh nghiệp này trong CSDL quốc gia về đăng ký doanh nghiệp. "
        "Vui lòng kiểm tra lại mã số trên giấy chứng nhận đăng ký doanh nghiệp."
    ),
    "name_mismatch": (
        f"{MISMATCH}: tên tổ chức bạn nhập khác tên đã đăng ký. Vui lòng nhập đúng tên tiếng "
        "Việt như trên giấy chứng nhận đăng ký doanh nghiệp."
    ),
    "kind_mismatch": (
        f"{MISMATCH}: loại hình tổ chức bạn chọn khác loại hình đã đăng ký. Vui lòng chọn đúng "
        "loại hình như trên giấy chứng nhận đăng ký doanh nghiệp."
    ),
    "representative_changed": (
        f"{MISMATCH}: doanh nghiệp đã thay đổi người đại diện theo pháp luật, bạn không còn là "
        "người đại diện. Người đại diện hiện tại cần đăng ký; nếu thông tin trong CSDL chưa "
        "đúng, doanh nghiệp cần cập nhật tại cơ quan đăng ký kinh doanh trước."
    ),
    "not_representative": (
        f"{MISMATCH}: bạn không phải người đại diện theo pháp luật của doanh nghiệp này. Chỉ "
        "người đại diện theo pháp luật được đăng ký; người khác cần được người đại diện ủy "
        "quyền."
    ),
    "dissolved": (
        "Doanh nghiệp này đã giải thể theo CSDL quốc gia về đăng ký doanh nghiệp, nên không "
        "thể đăng ký định danh điện tử tổ chức."
    ),
    "suspended": (
        "Doanh nghiệp này đang tạm ngừng kinh doanh theo CSDL quốc gia về đăng ký doanh "
        "nghiệp. Vui lòng đăng ký sau khi doanh nghiệp hoạt động trở lại."
    ),
    "already_registered": (
        "Doanh nghiệp này đã được đăng ký định danh điện tử tổ chức. Nếu bạn là người đại diện "
        "theo pháp luật, hãy vào mục \u201cXác nhận đăng ký\u201d trong ứng dụng VNeID của bạn "
        "để xác nhận thay vì đăng ký lại."
    ),
    "registry_unavailable": (
        "Hệ thống chưa kết nối được CSDL quốc gia về đăng ký doanh nghiệp để kiểm tra thông "
        "tin. Đây là sự cố của hệ thống, không phải do thông tin bạn nhập; chưa có gì được "
        "lưu. Vui lòng thử lại sau ít phút."
    ),
    "not_found": (
        "Không tìm thấy định danh tổ chức này. Vui lòng tải lại màn hình \u201cĐịnh danh tổ "
        "chức\u201d."
    ),
    "not_pending_representative": (
        "Bạn không phải người đại diện đang chờ xác nhận của tổ chức này, nên không có gì để "
        "xác nhận."
    ),
    "already_confirmed": "Bạn đã xác nhận đăng ký định danh của tổ chức này rồi.",
    "organisation_inactive": (
        "Định danh điện tử của tổ chức này chưa được kích hoạt hoặc đang bị khoá. Khi mọi "
        "người đại diện đã xác nhận, tổ chức mới được sử dụng."
    ),
    "not_acting": (
        "Bạn không phải người đại diện theo pháp luật hay người được ủy quyền của tổ chức này, "
        "nên không thể dùng tài khoản của tổ chức. Vui lòng đề nghị người đại diện của tổ chức "
        "ủy quyền cho bạn."
    ),
    "authorisation_revoked": (
        "Ủy quyền của bạn cho tổ chức này đã bị thu hồi, nên bạn không thể dùng tài khoản của "
        "tổ chức nữa. Nếu cần, vui lòng đề nghị người đại diện ủy quyền lại."
    ),
    "authorisation_expired": (
        "Ủy quyền của bạn cho tổ chức này đã hết hạn, nên bạn không thể dùng tài khoản của tổ "
        "chức nữa. Vui lòng đề nghị người đại diện gia hạn bằng một ủy quyền mới."
    ),
    "not_representative_to_authorise": (
        "Chỉ người đại diện theo pháp luật đã xác nhận của tổ chức mới được ủy quyền hoặc thu "
        "hồi ủy quyền."
    ),
    "invalid_grantee_number": "Số định danh cá nhân của người được ủy quyền gồm đúng 12 chữ số.",
    "grantee_not_found": (
        "Không tìm thấy tài khoản VNeID với số định danh này. Người được ủy quyền cần có tài "
        "khoản định danh điện tử mức 2."
    ),
    "grantee_not_level_2": (
        "Người được ủy quyền chưa có tài khoản định danh điện tử mức 2. Vui lòng đề nghị họ "
        "nâng cấp tài khoản rồi ủy quyền lại."
    ),
    "self_authorisation": "Bạn không thể tự ủy quyền cho chính mình.",
    "grantee_is_representative": (
        "Người này đã là người đại diện theo pháp luật của tổ chức, không cần ủy quyền."
    ),
    "already_authorised": (
        "Người này đang được ủy quyền cho tổ chức. Vui lòng thu hồi ủy quyền hiện có trước khi "
        "ủy quyền lại với phạm vi hoặc thời hạn mới."
    ),
    "invalid_scope": "Vui lòng chọn phạm vi ủy quyền trong danh sách.",
    "end_date_past": "Ngày hết hạn ủy quyền phải sau ngày hôm nay.",
    "end_date_too_far": (
        f"Ủy quyền có thời hạn tối đa {MAX_AUTHORISATION_YEARS} năm. Vui lòng chọn ngày hết hạn "
        "sớm hơn."
    ),
    "already_revoked": "Ủy quyền này đã được thu hồi trước đó.",
}


class OrganisationRefused(Exception):
    """A refused organisation action: a stable code, its Vietnamese sentence, an HTTP status."""

    def __init__(self, code: str, *, status: int = 200, message: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.message = message or MESSAGES[code]
        self.status = status


@dataclass(frozen=True)
class Acting:
    """A person acting for an organisation: as its legal representative or authorised."""

    organisation: OrganisationEid
    role: str
    # The authorisation's scope for an authorised person; "" for a representative.
    scope: str

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def scope_label(self) -> str:
        return str(OrganisationAuthorisation.Scope(self.scope).label) if self.scope else ""


def _today() -> date:
    return timezone.localdate()


def _valid_authorisations() -> Q:
    return Q(revoked_at__isnull=True, valid_until__gte=_today())


# --- Who acts for which organisation -----------------------------------------------------


def organisations_acted_for(account: VneidAccount) -> list[Acting]:
    """Return the active e-IDs account may act for (as representative or authorised), by name."""
    acting: dict[int, Acting] = {}
    representations = OrganisationRepresentative.objects.select_related("organisation").filter(
        account=account,
        confirmed_at__isnull=False,
        organisation__status=OrganisationEid.Status.ACTIVE,
    )
    for representation in representations:
        acting[representation.organisation_id] = Acting(
            representation.organisation, LEGAL_REPRESENTATIVE, ""
        )
    authorisations = (
        OrganisationAuthorisation.objects.select_related("organisation")
        .filter(_valid_authorisations(), grantee=account)
        .filter(organisation__status=OrganisationEid.Status.ACTIVE)
        .order_by("valid_until")
    )
    for authorisation in authorisations:
        # A representative who is also authorised acts as the representative.
        acting.setdefault(
            authorisation.organisation_id,
            Acting(authorisation.organisation, AUTHORISED_PERSON, authorisation.scope),
        )
    return sorted(acting.values(), key=lambda item: item.organisation.name.casefold())


def _organisation(
    organisation: OrganisationEid | int | str, account: VneidAccount | None = None
) -> OrganisationEid | None:
    """Read the e-ID again; with account, annotated `represented_by_account` in the same query.

    On every organisation login's authorize and token exchange (the hot path): a confirmed
    representative is then known in one query, without looking at authorisations.
    """
    if isinstance(organisation, OrganisationEid):
        # Read again: a caller's copy may predate a lock or an activation.
        organisation = organisation.pk
    rows = OrganisationEid.objects.all()
    if account is not None:
        rows = rows.annotate(
            represented_by_account=Exists(
                OrganisationRepresentative.objects.filter(
                    organisation=OuterRef("pk"), account=account, confirmed_at__isnull=False
                )
            )
        )
    if isinstance(organisation, int):
        if not 0 < organisation <= MAX_ROW_ID:
            # A number no row can have (typed into a URL): the database would refuse it.
            return None
        return rows.filter(pk=organisation).first()
    # A `sub`: the login page's account chooser posts it.
    return rows.filter(sub=organisation).first()


def acting_for(account: VneidAccount, organisation: OrganisationEid | int | str) -> Acting:
    """Return how account may act for organisation now, or raise OrganisationRefused.

    organisation: the e-ID, its primary key or its `sub`. Codes: not_acting,
    authorisation_revoked, authorisation_expired, organisation_inactive, not_level_2.
    """
    found = _organisation(organisation, account)
    if found is None:
        raise OrganisationRefused("not_acting", status=403)
    if account.assurance_level != VneidAccount.Level.LEVEL_2 or not account.is_active:
        raise OrganisationRefused("not_level_2", status=403)
    representative = bool(getattr(found, "represented_by_account", False))
    # A representative acts as the representative: their authorisations are not read.
    authorisations = (
        []
        if representative
        else list(
            OrganisationAuthorisation.objects.filter(organisation=found, grantee=account).order_by(
                "-created_at"
            )
        )
    )
    if not representative and not authorisations:
        raise OrganisationRefused("not_acting", status=403)
    # Known to be related: only now does the status matter (nothing is told to strangers).
    if found.status != OrganisationEid.Status.ACTIVE:
        raise OrganisationRefused("organisation_inactive", status=403)
    if representative:
        return Acting(found, LEGAL_REPRESENTATIVE, "")
    today = _today()
    for authorisation in authorisations:
        if authorisation.revoked_at is None and authorisation.valid_until >= today:
            return Acting(found, AUTHORISED_PERSON, authorisation.scope)
    latest = authorisations[0]
    if latest.revoked_at is not None:
        raise OrganisationRefused("authorisation_revoked", status=403)
    raise OrganisationRefused("authorisation_expired", status=403)


def switch_login(
    *, login: LoginSession, organisation: OrganisationEid | int | str | None
) -> Acting | None:
    """Make login act for organisation (None: the person's own account); return the Acting.

    The only way LoginSession.organisation is set: the person must act for it now.
    """
    acting = None if organisation is None else acting_for(login.account, organisation)
    chosen = acting.organisation if acting is not None else None
    LoginSession.objects.filter(pk=login.pk).update(organisation=chosen)
    login.organisation = chosen
    detail = "personal" if acting is None else f"{acting.organisation.eid_code} ({acting.role})"
    AuditEvent.record(kind=AuditEvent.Kind.ACCOUNT_SWITCHED, account=login.account, detail=detail)
    return acting


def current_acting(login: LoginSession) -> Acting | None:
    """Return how login acts for its chosen organisation, or None (own account, or no longer).

    A login whose organisation the person may no longer act for (authorisation revoked or
    expired, e-ID locked) falls back to the person's own account.
    """
    if login.organisation_id is None:
        return None
    try:
        return acting_for(login.account, login.organisation_id)
    except OrganisationRefused:
        LoginSession.objects.filter(pk=login.pk).update(organisation=None)
        login.organisation = None
        return None


# --- Registration ------------------------------------------------------------------------


def _refuse(account: VneidAccount, code: str, *, about: str = "", status: int = 200) -> NoReturn:
    detail = f"{code} {mask_number(about)}".strip() if about else code
    AuditEvent.record(kind=AuditEvent.Kind.ORGANISATION_REFUSED, account=account, detail=detail)
    raise OrganisationRefused(code, status=status)


def _check_level(account: VneidAccount) -> None:
    if account.assurance_level != VneidAccount.Level.LEVEL_2 or not account.is_active:
        _refuse(account, "not_level_2", status=403)


def _check_passcode(account: VneidAccount, passcode: str) -> None:
    """Check the passcode (the account's password in the sandbox), counted like a login."""
    # Counted with the login's failures: five wrong passcodes lock the number as five wrong
    # passwords would, so the screen cannot be used to guess the password.
    number = account.personal_id_number
    attempt, lockout = throttling.admit_attempt(personal_id_number=number, ip_address=None)
    if attempt is None:
        raise OrganisationRefused("throttled", status=429, message=lockout)
    if account.check_password(passcode or ""):
        throttling.withdraw_attempt(attempt)
        return
    throttling.confirm_failure(attempt)
    _refuse(account, "wrong_passcode")


def _already_registered(account: VneidAccount, code: str) -> None:
    if OrganisationEid.objects.filter(enterprise_code=code).exists():
        _refuse(account, "already_registered", about=code)


def register_organisation(
    *, account: VneidAccount, passcode: str, kind: str, name: str, enterprise_code: str
) -> OrganisationEid:
    """Register an organisation e-ID as account (a legal representative); return it.

    Checked in this order, each refusal its own code: level 2, passcode, kind, tax code
    (check digit), not yet registered, the business registry (reachable, known), its status,
    name, kind, and whether account is a current legal representative. The e-ID lists every
    current representative; account's is confirmed; it is active when account is the only one.
    """
    _check_level(account)
    _check_passcode(account, passcode)
    if kind not in KINDS:
        _refuse(account, "invalid_kind")
    if not display_name(name):
        _refuse(account, "invalid_name")
    code = normalize_tax_code(enterprise_code)
    problem = tax_code_problem(code)
    if problem is not None:
        AuditEvent.record(
            kind=AuditEvent.Kind.ORGANISATION_REFUSED,
            account=account,
            detail=f"invalid_tax_code {mask_number(code)}",
        )
        raise OrganisationRefused("invalid_tax_code", message=problem)
    _already_registered(account, code)
    try:
        record = registry.lookup_enterprise(
            enterprise_code=code, purpose=registry.PURPOSE_REGISTRATION, requested_by=account.sub
        )
    except registry.EnterpriseNotFound:
        _refuse(account, "enterprise_not_found", about=code)
    except registry.BusinessRegistryError as error:
        logger.warning("business registry lookup failed for %s: %s", mask_number(code), error)
        _refuse(account, "registry_unavailable", about=code, status=503)
    if record.status == "dissolved":
        _refuse(account, "dissolved", about=code)
    if record.status == "suspended":
        _refuse(account, "suspended", about=code)
    if not names_match(name, record.name):
        _refuse(account, "name_mismatch", about=code)
    if kind != record.kind:
        _refuse(account, "kind_mismatch", about=code)
    number = account.personal_id_number
    mine = [rep for rep in record.representatives if rep.cccd_number == number]
    if not any(rep.current for rep in mine):
        _refuse(account, "representative_changed" if mine else "not_representative", about=code)
    current = {rep.cccd_number: rep for rep in record.representatives if rep.current}
    try:
        with transaction.atomic():
            organisation = _create_eid(account, record, current)
    except IntegrityError:
        # Another representative registered the same enterprise at the same moment: the
        # unique enterprise code kept exactly one e-ID, and nothing of this one was written.
        _refuse(account, "already_registered", about=code)
    return organisation


def _create_eid(
    account: VneidAccount,
    record: EnterpriseRecord,
    current: dict[str, RegisteredRepresentative],
) -> OrganisationEid:
    now = timezone.now()
    only_one = len(current) == 1
    organisation = OrganisationEid.objects.create(
        kind=record.kind,
        name=display_name(record.name),
        short_name=record.short_name or "",
        foreign_name=record.foreign_name or "",
        established_on=record.established_on,
        head_office_address=record.head_office_address,
        tax_code=record.tax_code or record.enterprise_code,
        enterprise_code=record.enterprise_code,
        registered_by=account,
        registered_by_name=account.citizen.full_name,
        registered_by_number=account.personal_id_number,
        status=OrganisationEid.Status.ACTIVE if only_one else OrganisationEid.Status.PENDING,
        created_at=now,
        activated_at=now if only_one else None,
    )
    accounts = _accounts_by_number(current)
    OrganisationRepresentative.objects.bulk_create(
        OrganisationRepresentative(
            organisation=organisation,
            cccd_number=number,
            full_name=display_name(rep.full_name),
            position=rep.position or "",
            account=account if number == account.personal_id_number else accounts.get(number),
            confirmed_at=now if number == account.personal_id_number else None,
        )
        for number, rep in current.items()
    )
    detail = f"{organisation.eid_code} {mask_number(organisation.tax_code)}"
    AuditEvent.record(kind=AuditEvent.Kind.ORGANISATION_REGISTERED, account=account, detail=detail)
    if only_one:
        AuditEvent.record(
            kind=AuditEvent.Kind.ORGANISATION_ACTIVATED, account=account, detail=detail
        )
    return organisation


def _accounts_by_number(numbers: Iterable[str]) -> dict[str, VneidAccount]:
    return {
        found.personal_id_number: found
        for found in VneidAccount.objects.select_related("citizen").filter(
            citizen__cccd_number__in=list(numbers)
        )
    }


def pending_confirmations(account: VneidAccount) -> list[OrganisationRepresentative]:
    """Return account's representations still to confirm, of e-IDs waiting for them."""
    return list(
        OrganisationRepresentative.objects.select_related("organisation")
        .filter(
            Q(account=account) | Q(account__isnull=True, cccd_number=account.personal_id_number),
            confirmed_at__isnull=True,
            organisation__status=OrganisationEid.Status.PENDING,
        )
        .order_by("organisation__name")
    )


def waiting_for_others(account: VneidAccount) -> list[OrganisationEid]:
    """Return the pending e-IDs account has confirmed, still waiting for other representatives."""
    return list(
        OrganisationEid.objects.filter(
            status=OrganisationEid.Status.PENDING,
            representatives__account=account,
            representatives__confirmed_at__isnull=False,
        ).order_by("name")
    )


def confirm_registration(
    *, account: VneidAccount, organisation: OrganisationEid | int, passcode: str
) -> OrganisationEid:
    """Confirm a pending registration as one of its representatives; return the e-ID.

    The e-ID becomes active when this was the last representative to confirm.
    """
    _check_level(account)
    found = _organisation(organisation)
    if found is None:
        raise OrganisationRefused("not_found", status=404)
    _check_passcode(account, passcode)
    with transaction.atomic():
        # Locked: two last representatives confirming at once activate it exactly once.
        locked = OrganisationEid.objects.select_for_update().get(pk=found.pk)
        representative = locked.representatives.filter(
            cccd_number=account.personal_id_number
        ).first()
        if representative is None:
            raise OrganisationRefused("not_pending_representative", status=403)
        if representative.confirmed_at is not None:
            raise OrganisationRefused("already_confirmed")
        if locked.status != OrganisationEid.Status.PENDING:
            raise OrganisationRefused("organisation_inactive", status=403)
        now = timezone.now()
        representative.confirmed_at = now
        representative.account = account
        representative.save(update_fields=["confirmed_at", "account"])
        detail = f"{locked.eid_code} {mask_number(locked.tax_code)}"
        AuditEvent.record(
            kind=AuditEvent.Kind.ORGANISATION_CONFIRMED, account=account, detail=detail
        )
        if not locked.representatives.filter(confirmed_at__isnull=True).exists():
            locked.status = OrganisationEid.Status.ACTIVE
            locked.activated_at = now
            locked.save(update_fields=["status", "activated_at"])
            AuditEvent.record(
                kind=AuditEvent.Kind.ORGANISATION_ACTIVATED, account=account, detail=detail
            )
    return locked


# --- Authorisations ----------------------------------------------------------------------


def _check_representative(account: VneidAccount, organisation: OrganisationEid) -> None:
    if organisation.status != OrganisationEid.Status.ACTIVE:
        raise OrganisationRefused("organisation_inactive", status=403)
    if not OrganisationRepresentative.objects.filter(
        organisation=organisation, account=account, confirmed_at__isnull=False
    ).exists():
        raise OrganisationRefused("not_representative_to_authorise", status=403)


def latest_end_date(today: date | None = None) -> date:
    """Return the last day an authorisation given today may run to."""
    today = today or _today()
    try:
        return today.replace(year=today.year + MAX_AUTHORISATION_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year + MAX_AUTHORISATION_YEARS, day=28)


def authorise(
    *,
    account: VneidAccount,
    organisation: OrganisationEid | int,
    grantee_number: str,
    scope: str,
    valid_until: date,
) -> OrganisationAuthorisation:
    """Authorise the level-2 person with grantee_number to act for organisation until a day."""
    _check_level(account)
    found = _organisation(organisation)
    if found is None:
        raise OrganisationRefused("not_found", status=404)
    _check_representative(account, found)
    number = normalize_number(grantee_number)
    if not is_cccd_format(number):
        raise OrganisationRefused("invalid_grantee_number")
    if scope not in OrganisationAuthorisation.Scope.values:
        raise OrganisationRefused("invalid_scope")
    if valid_until <= _today():
        raise OrganisationRefused("end_date_past")
    if valid_until > latest_end_date():
        raise OrganisationRefused("end_date_too_far")
    grantee = (
        VneidAccount.objects.select_related("citizen").filter(citizen__cccd_number=number).first()
    )
    if grantee is None:
        raise OrganisationRefused("grantee_not_found")
    if grantee.pk == account.pk:
        raise OrganisationRefused("self_authorisation")
    if grantee.assurance_level != VneidAccount.Level.LEVEL_2 or not grantee.is_active:
        raise OrganisationRefused("grantee_not_level_2")
    if found.representatives.filter(cccd_number=number).exists():
        raise OrganisationRefused("grantee_is_representative")
    with transaction.atomic():
        # Locked: two representatives authorising the same person at once make one.
        OrganisationEid.objects.select_for_update().filter(pk=found.pk).first()
        if (
            OrganisationAuthorisation.objects.filter(_valid_authorisations())
            .filter(organisation=found, grantee=grantee)
            .exists()
        ):
            raise OrganisationRefused("already_authorised")
        authorisation = OrganisationAuthorisation.objects.create(
            organisation=found,
            grantee=grantee,
            granted_by=account,
            scope=scope,
            valid_until=valid_until,
        )
        AuditEvent.record(
            kind=AuditEvent.Kind.AUTHORISATION_GRANTED,
            account=account,
            detail=(
                f"{found.eid_code} → {mask_number(number)} {scope} until {valid_until.isoformat()}"
            ),
        )
    return authorisation


def revoke_authorisation(
    *, account: VneidAccount, authorisation: OrganisationAuthorisation
) -> None:
    """Revoke an authorisation as a confirmed representative of its organisation."""
    _check_level(account)
    _check_representative(account, authorisation.organisation)
    with transaction.atomic():
        updated = OrganisationAuthorisation.objects.filter(
            pk=authorisation.pk, revoked_at__isnull=True
        ).update(revoked_at=timezone.now(), revoked_by=account)
        if not updated:
            raise OrganisationRefused("already_revoked")
        authorisation.refresh_from_db()
        AuditEvent.record(
            kind=AuditEvent.Kind.AUTHORISATION_REVOKED,
            account=account,
            detail=(
                f"{authorisation.organisation.eid_code} → "
                f"{mask_number(authorisation.grantee.personal_id_number)}"
            ),
        )
        _end_revoked_logins(authorisation)


def _end_revoked_logins(authorisation: OrganisationAuthorisation) -> None:
    """End the grantee's logins acting for the organisation, and tell their clients."""
    ended = single_logout.end_organisation_logins(
        authorisation.grantee, authorisation.organisation_id
    )
    # After the commit, as every logout: the clients' calls back must see the login ended.
    transaction.on_commit(lambda: [single_logout.login_ended(login) for login in ended])


def authorisations_given(organisation: OrganisationEid) -> list[OrganisationAuthorisation]:
    """Return an organisation's authorisations, the current ones first."""
    return list(
        OrganisationAuthorisation.objects.select_related("grantee__citizen")
        .filter(organisation=organisation)
        .order_by("revoked_at", "-valid_until", "-created_at")
    )


# --- Officials (the admin) ----------------------------------------------------------------


@transaction.atomic
def set_organisation_status(
    *, organisation: OrganisationEid, locked: bool, actor: Any, reason: str
) -> None:
    """Lock an e-ID, or unlock it (active again, or pending while someone has not confirmed).

    An official's change: audited with who and why. A locked e-ID is acted for by nobody.
    """
    locked_row = OrganisationEid.objects.select_for_update().get(pk=organisation.pk)
    before = locked_row.status
    if locked:
        after = OrganisationEid.Status.LOCKED
    elif locked_row.representatives.filter(confirmed_at__isnull=True).exists():
        after = OrganisationEid.Status.PENDING
    else:
        after = OrganisationEid.Status.ACTIVE
    if before == after:
        return
    locked_row.status = after
    if after == OrganisationEid.Status.ACTIVE and locked_row.activated_at is None:
        locked_row.activated_at = timezone.now()
    locked_row.save(update_fields=["status", "activated_at"])
    organisation.status = after
    AuditEvent.record(
        kind=AuditEvent.Kind.ORGANISATION_CHANGED,
        actor=actor,
        reason=reason,
        detail=f"{locked_row.eid_code} {mask_number(locked_row.tax_code)}",
        changes={"status": [str(before), str(after)]},
    )


@transaction.atomic
def revoke_authorisation_as_official(
    *, authorisation: OrganisationAuthorisation, actor: Any, reason: str
) -> bool:
    """Revoke an authorisation as an official (audited with who and why); False: already was."""
    now = timezone.now()
    updated = OrganisationAuthorisation.objects.filter(
        pk=authorisation.pk, revoked_at__isnull=True
    ).update(revoked_at=now, revoked_by=None)
    if updated:
        _end_revoked_logins(authorisation)
        AuditEvent.record(
            kind=AuditEvent.Kind.AUTHORISATION_REVOKED,
            actor=actor,
            reason=reason,
            detail=(
                f"{authorisation.organisation.eid_code} → "
                f"{mask_number(authorisation.grantee.personal_id_number)}"
            ),
            changes={"revoked_at": [None, now.isoformat()]},
        )
    return bool(updated)


# --- Sandbox seeding ---------------------------------------------------------------------


@dataclass(frozen=True)
class RepresentativeSeat:
    """A legal representative of a seeded e-ID, confirmed or still pending."""

    cccd_number: str
    full_name: str
    position: str = "Giám đốc"
    confirmed: bool = True


@transaction.atomic
def seed_organisation(
    *,
    enterprise_code: str,
    kind: str,
    name: str,
    established_on: date,
    head_office_address: str,
    registered_by: VneidAccount,
    representatives: Sequence[RepresentativeSeat],
    short_name: str = "",
    foreign_name: str = "",
    tax_code: str = "",
) -> OrganisationEid:
    """Make the e-ID of enterprise_code hold these values (idempotent); return it.

    Active when every representative is confirmed, pending otherwise. `sub`, the e-ID code and
    the identification number are kept across re-seeding, so relying parties keep recognising
    the organisation.
    """
    now = timezone.now()
    all_confirmed = all(seat.confirmed for seat in representatives)
    organisation, _ = OrganisationEid.objects.update_or_create(
        enterprise_code=enterprise_code,
        defaults={
            "kind": kind,
            "name": name,
            "short_name": short_name,
            "foreign_name": foreign_name,
            "established_on": established_on,
            "head_office_address": head_office_address,
            "tax_code": tax_code or enterprise_code,
            "registered_by": registered_by,
            "registered_by_name": registered_by.citizen.full_name,
            "registered_by_number": registered_by.personal_id_number,
            "status": (
                OrganisationEid.Status.ACTIVE if all_confirmed else OrganisationEid.Status.PENDING
            ),
            "activated_at": now if all_confirmed else None,
        },
    )
    organisation.representatives.all().delete()
    accounts = _accounts_by_number(seat.cccd_number for seat in representatives)
    OrganisationRepresentative.objects.bulk_create(
        OrganisationRepresentative(
            organisation=organisation,
            cccd_number=seat.cccd_number,
            full_name=seat.full_name,
            position=seat.position,
            account=accounts.get(seat.cccd_number),
            confirmed_at=now if seat.confirmed else None,
        )
        for seat in representatives
    )
    return organisation


@transaction.atomic
def seed_authorisation(
    *,
    organisation: OrganisationEid,
    grantee: VneidAccount,
    granted_by: VneidAccount,
    scope: str,
    valid_until: date,
) -> OrganisationAuthorisation:
    """Make grantee hold one current authorisation of organisation (idempotent); return it."""
    OrganisationAuthorisation.objects.filter(organisation=organisation, grantee=grantee).delete()
    return OrganisationAuthorisation.objects.create(
        organisation=organisation,
        grantee=grantee,
        granted_by=granted_by,
        scope=OrganisationAuthorisation.Scope(scope),
        valid_until=valid_until,
    )


@transaction.atomic
def delete_organisations(enterprise_codes: Iterable[str]) -> int:
    """Delete the e-IDs of these enterprises (their representatives and authorisations too).

    Return how many e-IDs were deleted. The logins acting for them go with them (CASCADE).
    """
    codes = list(enterprise_codes)
    _deleted, by_model = OrganisationEid.objects.filter(enterprise_code__in=codes).delete()
    return by_model.get(OrganisationEid._meta.label, 0)


# --- Read by the sandbox's console and the trainer's dashboard -----------------------------


def organisation_of_code(enterprise_code: str) -> OrganisationEid | None:
    """Return the e-ID of this enterprise (at most one: the code is unique), or None."""
    found: OrganisationEid | None = OrganisationEid.objects.filter(
        enterprise_code=enterprise_code
    ).first()
    return found


def enterprise_codes_registered(codes: Collection[str]) -> set[str]:
    """Return which of these enterprise codes an e-ID already holds."""
    return set(
        OrganisationEid.objects.filter(enterprise_code__in=list(codes)).values_list(
            "enterprise_code", flat=True
        )
    )


def refusals_of_numbers(
    cccd_numbers: Collection[str], *, since: datetime
) -> list[tuple[str, str, datetime]]:
    """Return (CCCD, the sentence the app showed, when) of the refusals to these people since then.

    The event's detail starts with the refusal's code (then a masked number, if any).
    """
    rows = AuditEvent.objects.filter(
        account__citizen__cccd_number__in=list(cccd_numbers),
        kind=AuditEvent.Kind.ORGANISATION_REFUSED,
        created_at__gte=since,
    ).values_list("account__citizen__cccd_number", "detail", "created_at")
    return [
        (number, MESSAGES.get(detail.split(" ", 1)[0], ""), created_at)
        for number, detail, created_at in rows
    ]
