"""Where each seat of a class stands in the guide, read from what the organisations recorded.

Progress comes from the portal's audit entries, VNeID's events and the provincial portal's
answered requests, never from the guided-mode panel: a step counts when the system really did
it. Two walks per seat: the citizen's guide (steps 1–4) and "Tổ chức đăng nhập bằng VNeID"
(the seat's organisations: a legacy organisation login, an e-ID registered in the VNeID app, a
VNeID login as the organisation, the takeover of the legacy account). A class is read in a
fixed number of queries whatever its size; the rows are grouped by seat here.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from accounts import services as accounts
from accounts.forms import LoginForm
from accounts.models import AuditEntry
from accounts.organisations import takeover_refusal_message
from accounts.services import IdentityMismatch
from citizen_registry import services as registry
from identity.national_login import services as national_login
from identity.relying_party.conf import vneid_settings
from identity.relying_party.forms import LinkPasswordForm
from idnumbers.numbers import mask_number
from portal.guide import ORGANISATION_STEP_TITLES
from provincial_portal import services as province
from provincial_portal.models import AuditEvent as ProvincialEvent
from vneid import organisations as vneid_organisations
from vneid import services as vneid
from vneid.models import AuditEvent
from vneid.services import LoginRefused

from .models import Workspace, WorkspaceOrganisation, WorkspacePersona

Action = AuditEntry.Action
Kind = AuditEvent.Kind
ProvincialKind = ProvincialEvent.Kind

STEP_LABELS = {
    1: "Bước 1: Đăng nhập hệ thống",
    2: "Bước 2: Hệ thống kiểm tra tài khoản sau khi đăng nhập",
    3: "Bước 3: Công dân nhập và xác nhận cập nhật dữ liệu",
    4: "Bước 4: Công dân đăng nhập bằng tài khoản VNeID",
}
LEGACY_LOGINS = {Action.PASSWORD_LOGIN, Action.USB_LOGIN, Action.SIM_LOGIN}
# "Tổ chức đăng nhập bằng VNeID": the step each record of the organisations' walk reaches.
ORGANISATION_STEP_LABELS = ORGANISATION_STEP_TITLES
ORGANISATION_PORTAL_STEPS: dict[str, int] = {
    Action.ORGANISATION_PASSWORD_LOGIN: 1,
    Action.ORGANISATION_VNEID_LOGIN: 3,
    # An account made by the first VNeID login (nothing to inherit) is a VNeID login too.
    Action.ORGANISATION_ACCOUNT_CREATED: 3,
    Action.ORGANISATION_TAKEOVER: 4,
}
# The same walk at Quảng Nam's portal (its own records of its organisation accounts).
ORGANISATION_PROVINCE_STEPS: dict[str, int] = {
    ProvincialKind.LEGACY_ORG_LOGIN: 1,
    ProvincialKind.ORGANISATION_LOGIN: 3,
    ProvincialKind.ORGANISATION_TAKEOVER: 4,
}
# The e-ID counts as registered when VNeID recorded the registration or the activation (the
# last representative's confirmation).
ORGANISATION_VNEID_STEPS: dict[str, int] = {
    Kind.ORGANISATION_REGISTERED: 2,
    Kind.ORGANISATION_ACTIVATED: 2,
}
PROVINCIAL_LOGIN_LABEL = "đã đăng nhập Cổng DVC tỉnh"

# What the person was shown for each refusal the organisations record (keyed by the stored
# value, which the trails return as a plain string).
PORTAL_ERRORS: dict[str, str] = {
    Action.CCCD_LINK_REFUSED: IdentityMismatch.message,
    Action.VNEID_LINK_REFUSED: LinkPasswordForm.error_messages["invalid_password"],
}
VNEID_ERRORS: dict[str, str] = {
    Kind.LOGIN_FAILED: LoginRefused.messages["invalid"],
    Kind.LOGIN_LOCKED_ACCOUNT: LoginRefused.messages["locked"],
}

# The hops of a login between the organisations, as each one recorded them: endpoint name →
# (route, address). A VNeID route names its caller (see _vneid_route).
VNEID_HOPS = {
    "authorize": ("{caller} → VNeID", "/vneid/authorize"),
    "login": ("VNeID: đăng nhập", "/vneid/authorize (POST)"),
    "token": ("{caller} → VNeID", "/vneid/token"),
    "userinfo": ("{caller} → VNeID", "/vneid/userinfo"),
}
PROVINCIAL_HOPS = {
    "dang-nhap": ("Công dân → Cổng tỉnh: Đăng nhập", "/quang-nam/dang-nhap/"),
    "callback": ("Hệ thống xác thực → Cổng tỉnh", "/quang-nam/dang-nhap/callback/"),
    "ke-thua": ("Cổng tỉnh: kế thừa tài khoản cũ", "/quang-nam/dang-nhap/ke-thua/"),
}
NATIONAL_LOGIN_HOPS = {
    "authorize": ("Cổng tỉnh → Hệ thống xác thực", "/xacthuc/oauth2/authorize"),
    "chooser": ("Hệ thống xác thực: chọn cách đăng nhập", "/xacthuc/authenticationendpoint/login"),
    # Any answer to the chooser's form: VNeID chosen, or an issued account's password.
    "chooser_login": (
        "Hệ thống xác thực: gửi lựa chọn đăng nhập",
        "/xacthuc/authenticationendpoint/login (POST)",
    ),
    "vneid_callback": ("VNeID → Hệ thống xác thực", "/xacthuc/vneid/callback"),
    "token": ("Cổng tỉnh → Hệ thống xác thực", "/xacthuc/oauth2/token"),
    "userinfo": ("Cổng tỉnh → Hệ thống xác thực", "/xacthuc/oauth2/userinfo"),
    "logout": ("Cổng tỉnh → Hệ thống xác thực: đăng xuất", "/xacthuc/oauth2/logout"),
    "backchannel_logout": (
        "VNeID → Hệ thống xác thực: đăng xuất (back-channel)",
        "/xacthuc/oauth2/backchannel-logout",
    ),
}
# The provincial portal's answers that end in its session: a redirect after a login.
PROVINCIAL_LOGIN_ENDPOINTS = {"callback", "ke-thua"}
REGISTRY_HOPS = {
    "verify": ("Cổng → CSDL Dân cư", "/registry/api/v1/citizens/verify"),
    "lookup": ("Cổng → CSDL Dân cư", "/registry/api/v1/citizens/lookup"),
}


@dataclass
class SeatProgress:
    workspace: Workspace
    # Step number → when the seat first reached it (since its start or last reset).
    reached: dict[int, datetime] = field(default_factory=dict)
    last_action_at: datetime | None = None
    last_error: str = ""
    last_error_at: datetime | None = None
    # When the provincial portal first recorded a login of one of the seat's personas.
    provincial_login_at: datetime | None = None
    # "Tổ chức đăng nhập bằng VNeID": step number → when the seat first reached it.
    organisation_reached: dict[int, datetime] = field(default_factory=dict)

    @property
    def step(self) -> int:
        """Return the last step reached in order (0: not started)."""
        step = 0
        while step + 1 in self.reached:
            step += 1
        return step

    @property
    def step_label(self) -> str:
        label = STEP_LABELS.get(self.step, "Chưa bắt đầu")
        if self.provincial_login_at is not None:
            label = f"{label} · {PROVINCIAL_LOGIN_LABEL}"
        return label

    @property
    def organisation_step(self) -> int:
        """Return the organisation walk's last step reached in order (0: not started)."""
        step = 0
        while step + 1 in self.organisation_reached:
            step += 1
        return step

    @property
    def organisation_step_label(self) -> str:
        return ORGANISATION_STEP_LABELS.get(self.organisation_step, "Chưa bắt đầu")

    def reach_organisation(self, step: int, when: datetime) -> None:
        reached = self.organisation_reached
        if step not in reached or when < reached[step]:
            reached[step] = when

    def provincial_login(self, when: datetime) -> None:
        if self.provincial_login_at is None or when < self.provincial_login_at:
            self.provincial_login_at = when

    def saw(self, when: datetime | None) -> None:
        if when is not None and (self.last_action_at is None or when > self.last_action_at):
            self.last_action_at = when

    def error(self, message: str, when: datetime) -> None:
        if self.last_error_at is None or when > self.last_error_at:
            self.last_error, self.last_error_at = message, when

    def reach(self, step: int, when: datetime) -> None:
        if step not in self.reached or when < self.reached[step]:
            self.reached[step] = when

    def as_json(self) -> dict[str, Any]:
        return {
            "seat": self.workspace.seat,
            "code": self.workspace.code,
            "step": self.step,
            "step_label": self.step_label,
            "reached": {str(step): when.isoformat() for step, when in self.reached.items()},
            "last_action_at": self.last_action_at.isoformat() if self.last_action_at else None,
            "last_error": self.last_error,
            "provincial_login_at": (
                self.provincial_login_at.isoformat() if self.provincial_login_at else None
            ),
            "organisation_step": self.organisation_step,
            "organisation_step_label": self.organisation_step_label,
            "organisation_reached": {
                str(step): when.isoformat() for step, when in self.organisation_reached.items()
            },
        }


def seat_start(workspace: Workspace) -> datetime:
    """Return from when a seat's history counts: its creation or its last reset."""
    return workspace.progress_since or workspace.created_at


def _seat_rows(
    workspaces: list[Workspace],
) -> tuple[dict[int, Workspace], dict[str, Workspace], dict[str, Workspace]]:
    """Return who is whose: accounts, CCCDs, and every number (CCCD and CMND) by seat."""
    by_pk = {workspace.pk: workspace for workspace in workspaces}
    rows = list(
        WorkspacePersona.objects.filter(workspace__in=list(by_pk)).only(
            "workspace_id", "username", "cccd_number", "cmnd_number"
        )
    )
    seat_of_username = {row.username: by_pk[row.workspace_id] for row in rows if row.username}
    seat_of_cccd = {row.cccd_number: by_pk[row.workspace_id] for row in rows}
    seat_of_number = dict(seat_of_cccd)
    seat_of_number.update(
        {row.cmnd_number: by_pk[row.workspace_id] for row in rows if row.cmnd_number}
    )
    named = accounts.accounts_named(list(seat_of_username)).only("pk", "username")
    seat_of_account = {account.pk: seat_of_username[account.username] for account in named}
    return seat_of_account, seat_of_cccd, seat_of_number


def _organisation_seats(
    workspaces: list[Workspace],
) -> tuple[dict[int, Workspace], dict[str, Workspace]]:
    """Return the seat of each organisation account at the portal (by account) and by tax code."""
    by_pk = {workspace.pk: workspace for workspace in workspaces}
    seat_of_tax_code = dict(
        (tax_code, by_pk[workspace_id])
        for workspace_id, tax_code in WorkspaceOrganisation.objects.filter(
            workspace__in=list(by_pk)
        ).values_list("workspace_id", "tax_code")
    )
    named = accounts.accounts_named(list(seat_of_tax_code)).only("pk", "username")
    return {account.pk: seat_of_tax_code[account.username] for account in named}, seat_of_tax_code


def class_progress(workspaces: Iterable[Workspace]) -> list[SeatProgress]:
    """Return a SeatProgress per workspace, in the order given, in a fixed number of queries."""
    workspaces = list(workspaces)
    progress = {workspace.pk: SeatProgress(workspace) for workspace in workspaces}
    if not workspaces:
        return []
    seat_of_account, seat_of_cccd, seat_of_number = _seat_rows(workspaces)
    seat_of_organisation, seat_of_tax_code = _organisation_seats(workspaces)
    earliest = min(seat_start(workspace) for workspace in workspaces)
    entries = accounts.audit_trail([*seat_of_account, *seat_of_organisation], since=earliest)
    linked_accounts: set[int] = set()
    for account_id, action, actor_kind, created_at in entries:
        if account_id in seat_of_organisation:
            _organisation_entry(progress, seat_of_organisation[account_id], action, created_at)
            continue
        workspace = seat_of_account[account_id]
        if created_at < seat_start(workspace):
            continue
        if actor_kind != AuditEntry.ActorKind.CITIZEN and action not in PORTAL_ERRORS:
            # Refreshes and corrections the system or an official made are not the trainee's.
            continue
        seat = progress[workspace.pk]
        seat.saw(created_at)
        if action in LEGACY_LOGINS:
            seat.reach(1, created_at)
        elif action == Action.CCCD_PROMPT_SHOWN:
            seat.reach(2, created_at)
        elif action == Action.CCCD_LINKED:
            seat.reach(3, created_at)
            linked_accounts.add(account_id)
        elif action == Action.VNEID_LOGIN and account_id in linked_accounts:
            seat.reach(4, created_at)
        elif action == Action.LOGIN_FAILED:
            seat.error(str(LoginForm.error_messages["invalid_login"]), created_at)
        elif action in PORTAL_ERRORS:
            seat.error(PORTAL_ERRORS[action], created_at)
    events = vneid.events_of_numbers(list(seat_of_cccd), since=earliest)
    for cccd_number, kind, created_at in events:
        workspace = seat_of_cccd[cccd_number]
        if created_at < seat_start(workspace):
            continue
        seat = progress[workspace.pk]
        seat.saw(created_at)
        if kind in VNEID_ERRORS:
            seat.error(VNEID_ERRORS[kind], created_at)
        elif kind in ORGANISATION_VNEID_STEPS:
            seat.reach_organisation(ORGANISATION_VNEID_STEPS[kind], created_at)
    for cccd_number, message, created_at in vneid_organisations.refusals_of_numbers(
        list(seat_of_cccd), since=earliest
    ):
        workspace = seat_of_cccd[cccd_number]
        if created_at >= seat_start(workspace) and message:
            progress[workspace.pk].error(message, created_at)
    for event in province.organisation_events(list(seat_of_tax_code), since=earliest):
        workspace = seat_of_tax_code[event.tax_code]
        if event.at < seat_start(workspace):
            continue
        seat = progress[workspace.pk]
        seat.saw(event.at)
        if event.kind in ORGANISATION_PROVINCE_STEPS:
            step = ORGANISATION_PROVINCE_STEPS[event.kind]
            seat.reach_organisation(step, event.at)
            if step == 4:
                seat.reach_organisation(3, event.at)
    for answered in province.requests_answered(list(seat_of_number), since=earliest):
        workspace = seat_of_number[answered.personal_id_number]
        if answered.at < seat_start(workspace):
            continue
        seat = progress[workspace.pk]
        seat.saw(answered.at)
        if _provincial_login(answered):
            seat.provincial_login(answered.at)
    return [progress[workspace.pk] for workspace in workspaces]


def _organisation_entry(
    progress: dict[int, SeatProgress], workspace: Workspace, action: str, created_at: datetime
) -> None:
    """Count one audit entry of a seat's organisation account at the portal."""
    if created_at < seat_start(workspace):
        return
    seat = progress[workspace.pk]
    seat.saw(created_at)
    if action in ORGANISATION_PORTAL_STEPS:
        step = ORGANISATION_PORTAL_STEPS[action]
        seat.reach_organisation(step, created_at)
        if step == 4:
            # A takeover happens at a VNeID organisation login, recorded just after it.
            seat.reach_organisation(3, created_at)
    elif action == Action.ORGANISATION_TAKEOVER_REFUSED:
        seat.error(takeover_refusal_message("tổ chức"), created_at)


def _provincial_login(answered: province.AnsweredRequest) -> bool:
    """Say whether the provincial portal's answer opened a session: a redirect after a login."""
    status = answered.status_code
    return (
        answered.endpoint in PROVINCIAL_LOGIN_ENDPOINTS
        and status is not None
        and 300 <= status < 400
    )


@dataclass(frozen=True)
class Hop:
    at: datetime
    route: str
    endpoint: str
    status_code: int | None
    duration_ms: int | None
    masked_number: str

    @property
    def failed(self) -> bool:
        return self.status_code is not None and self.status_code >= 400


def _vneid_route(route: str, client: Any) -> str:
    """Name VNeID's caller: the national portal's own login, or the service it registered as."""
    if client is None or client.client_id == vneid_settings.CLIENT_ID:
        return route.format(caller="Cổng DVCQG")
    return route.format(caller=client.name)


# Each organisation's frozen AnsweredRequest has the same fields (the common interface).
Answered = province.AnsweredRequest | national_login.AnsweredRequest


def _answered_hops(
    answered: Iterable[Answered], routes: dict[str, tuple[str, str]], *, limit: int
) -> list[Hop]:
    """Return the newest `limit` answers as hops (the organisations' orders are their own)."""
    newest = sorted(answered, key=lambda request: request.at, reverse=True)[:limit]
    return [
        Hop(
            at=request.at,
            route=routes[request.endpoint][0],
            endpoint=routes[request.endpoint][1],
            status_code=request.status_code,
            duration_ms=request.duration_ms,
            masked_number=request.masked_number,
        )
        for request in newest
        if request.endpoint in routes
    ]


# The organisation walk's records as hops: what the portal recorded of the seat's organisation
# accounts, and what VNeID recorded in its app (registration, confirmations, the switch).
ORGANISATION_PORTAL_HOPS: dict[str, tuple[str, str]] = {
    Action.ORGANISATION_PASSWORD_LOGIN: (
        "Tổ chức → Cổng DVCQG: đăng nhập tài khoản tổ chức cũ",
        "/dang-nhap/to-chuc/",
    ),
    Action.ORGANISATION_VNEID_LOGIN: (
        "VNeID → Cổng DVCQG: đăng nhập với tư cách tổ chức",
        "/dang-nhap/vneid/callback/",
    ),
    Action.ORGANISATION_ACCOUNT_CREATED: (
        "Cổng DVCQG: tạo tài khoản tổ chức mới (không có tài khoản cũ)",
        "/dang-nhap/vneid/callback/",
    ),
    Action.ORGANISATION_TAKEOVER: (
        "Cổng DVCQG: kế thừa tài khoản tổ chức cũ",
        "/dang-nhap/vneid/callback/",
    ),
    Action.ORGANISATION_TAKEOVER_REFUSED: (
        "Cổng DVCQG: từ chối kế thừa tài khoản tổ chức cũ",
        "/dang-nhap/vneid/callback/",
    ),
}
ORGANISATION_PROVINCE_HOPS: dict[str, tuple[str, str]] = {
    ProvincialKind.LEGACY_ORG_LOGIN: (
        "Tổ chức → Cổng tỉnh: đăng nhập tài khoản tổ chức cũ",
        "/quang-nam/dang-nhap/to-chuc/",
    ),
    ProvincialKind.LEGACY_ORG_REFUSED: (
        "Cổng tỉnh: từ chối tài khoản tổ chức cũ",
        "/quang-nam/dang-nhap/to-chuc/",
    ),
    ProvincialKind.ORGANISATION_LOGIN: (
        "Hệ thống xác thực → Cổng tỉnh: đăng nhập với tư cách tổ chức",
        "/quang-nam/dang-nhap/callback/",
    ),
    ProvincialKind.ORGANISATION_TAKEOVER: (
        "Cổng tỉnh: kế thừa tài khoản tổ chức cũ",
        "/quang-nam/dang-nhap/callback/",
    ),
    ProvincialKind.TAKEOVER_REFUSED: (
        "Cổng tỉnh: từ chối kế thừa tài khoản tổ chức cũ",
        "/quang-nam/dang-nhap/callback/",
    ),
}
ORGANISATION_VNEID_HOPS: dict[str, tuple[str, str]] = {
    Kind.ORGANISATION_REGISTERED: (
        "Ứng dụng VNeID: đăng ký định danh tổ chức",
        "/vneid/app/organisations/register",
    ),
    Kind.ORGANISATION_CONFIRMED: (
        "Ứng dụng VNeID: người đại diện xác nhận",
        "/vneid/app/organisations/confirm",
    ),
    Kind.ORGANISATION_ACTIVATED: (
        "VNeID: định danh tổ chức được kích hoạt",
        "/vneid/app/organisations/confirm",
    ),
    Kind.ORGANISATION_REFUSED: (
        "Ứng dụng VNeID: từ chối đăng ký định danh tổ chức",
        "/vneid/app/organisations/register",
    ),
    Kind.ACCOUNT_SWITCHED: (
        "Ứng dụng VNeID: chuyển tài khoản cá nhân / tổ chức",
        "/vneid/app/organisations/switch",
    ),
}


def _organisation_hops(
    workspace: Workspace, cccds: list[str], *, since: datetime, limit: int
) -> list[Hop]:
    """Return the seat's organisation walk as hops: the portal's and VNeID's records."""
    tax_codes = list(workspace.organisations.values_list("tax_code", flat=True))
    named = {
        account.pk: account.username
        for account in accounts.accounts_named(tax_codes).only("pk", "username")
    }
    hops = [
        Hop(
            at=created_at,
            route=ORGANISATION_PORTAL_HOPS[action][0],
            endpoint=ORGANISATION_PORTAL_HOPS[action][1],
            status_code=None,
            duration_ms=None,
            masked_number=mask_number(named[account_id]),
        )
        for account_id, action, _, created_at in accounts.audit_trail(list(named), since=since)
        if action in ORGANISATION_PORTAL_HOPS
    ]
    hops += [
        Hop(
            at=created_at,
            route=ORGANISATION_VNEID_HOPS[kind][0],
            endpoint=ORGANISATION_VNEID_HOPS[kind][1],
            status_code=None,
            duration_ms=None,
            masked_number=mask_number(number),
        )
        for number, kind, created_at in vneid.events_of_numbers(cccds, since=since).filter(
            kind__in=list(ORGANISATION_VNEID_HOPS)
        )
    ]
    hops += [
        Hop(
            at=event.at,
            route=ORGANISATION_PROVINCE_HOPS[event.kind][0],
            endpoint=ORGANISATION_PROVINCE_HOPS[event.kind][1],
            status_code=None,
            duration_ms=None,
            masked_number=mask_number(event.tax_code),
        )
        for event in province.organisation_events(tax_codes, since=since)
        if event.kind in ORGANISATION_PROVINCE_HOPS
    ]
    return sorted(hops, key=lambda hop: hop.at, reverse=True)[:limit]


def seat_timeline(workspace: Workspace, *, limit: int = 200) -> list[Hop]:
    """Return the hops between the organisations of a seat's logins, newest first.

    Three tiers: the national portal ↔ VNeID (and the population database), and the provincial
    portal ↔ the national login service ↔ VNeID; and the organisation walk's records.
    """
    rows = list(workspace.personas.only("username", "cccd_number", "cmnd_number"))
    cccds = [row.cccd_number for row in rows]
    numbers = cccds + [row.cmnd_number for row in rows if row.cmnd_number]
    named = accounts.accounts_named([row.username for row in rows if row.username])
    requesters = [f"portal-account:{pk}" for pk in named.values_list("pk", flat=True)]
    since = seat_start(workspace)
    events = vneid.requests_answered(cccds, since=since, endpoints=list(VNEID_HOPS))[:limit]
    hops = [
        Hop(
            at=event.created_at,
            route=_vneid_route(VNEID_HOPS[event.endpoint][0], event.client),
            endpoint=VNEID_HOPS[event.endpoint][1],
            status_code=event.status_code,
            duration_ms=event.duration_ms,
            masked_number=mask_number(event.account.citizen.cccd_number),
        )
        for event in events
        # The query matched on the account's CCCD: every event has one.
        if event.account is not None
    ]
    lookups = registry.lookups_by(requesters, since=since, endpoints=list(REGISTRY_HOPS))[:limit]
    hops += [
        Hop(
            at=log.created_at,
            route=REGISTRY_HOPS[log.endpoint][0],
            endpoint=REGISTRY_HOPS[log.endpoint][1],
            status_code=log.status_code,
            duration_ms=log.duration_ms,
            masked_number=log.masked_number,
        )
        for log in lookups
    ]
    hops += _answered_hops(
        province.requests_answered(numbers, since=since), PROVINCIAL_HOPS, limit=limit
    )
    hops += _answered_hops(
        national_login.requests_answered(numbers, since=since), NATIONAL_LOGIN_HOPS, limit=limit
    )
    hops += _organisation_hops(workspace, cccds, since=since, limit=limit)
    return sorted(hops, key=lambda hop: hop.at, reverse=True)[:limit]
