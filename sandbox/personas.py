"""The shipped personas: fictional citizens with a fixed registry record, account and dossiers.

Personas are data; `ensure_persona` makes the database agree with it (idempotent) and
`reset_persona` puts a persona back to its starting state after a tester changed it.
"""

import base64
from dataclasses import dataclass, field, fields
from datetime import date, datetime

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.conf import operator_settings, registry_settings
from accounts.registry_client import CitizenRecord
from accounts.roles import ACCOUNT_OFFICER, ensure_default_roles
from accounts.services import save_cccd_link
from certificate_authority import services as ca
from citizen_registry.models import Citizen
from citizen_registry.services import ensure_api_client
from identity.relying_party.conf import vneid_settings
from mobile_operator.services import ensure_api_client as ensure_operator_client
from mobile_operator.services import provision_new_sims
from portal.models import Dossier
from vneid.models import VneidAccount
from vneid.services import create_vneid_accounts, ensure_client, ensure_vneid_account

from .secret_hashes import hashed_secret
from .signing_sims import certificate_order as sim_certificate
from .signing_sims import reset_signing_sim, signing_sim_state, sim_missing, sim_order, sim_phone
from .usb_tokens import certificate_order as usb_certificate
from .usb_tokens import persona_token, reset_usb_token, token_order, usb_token_state

PASSWORD = "DvcSandbox@2026"
VNEID_PASSWORD = "VneidSandbox@2026"
PORTAL_NAME = "Cổng Dịch vụ công Quốc gia"
# The portal asks the registry for every citizen it serves, all from one address.
PORTAL_REGISTRY_RATE_LIMIT_PER_MINUTE = 6000


@dataclass(frozen=True)
class PersonaDossier:
    code: str
    procedure_code: str
    procedure_name: str
    status: str
    submitted_on: date


@dataclass(frozen=True)
class Persona:
    key: str
    role: str
    citizen: dict
    # None: the citizen has no legacy portal account.
    account: dict | None = None
    dossiers: tuple = field(default=())
    # The VNeID assurance level (1 or 2); None: no VNeID account.
    vneid_level: int | None = 2
    # Officials: their roles (group names) and the base32 secret of their admin TOTP device.
    roles: tuple = field(default=())
    totp_secret: str | None = None
    # The code of the workspace (seat) this copy belongs to; "" for the shipped persona.
    workspace: str = ""

    @property
    def full_name(self):
        return self.citizen["full_name"]


_LLTP = ("1.001233", "Cấp phiếu lý lịch tư pháp cho công dân Việt Nam")
_BIRTH_REG = ("1.004884", "Đăng ký khai sinh")
_RESIDENCE = ("1.004194", "Đăng ký thường trú")

PERSONAS = (
    Persona(
        key="nga",
        role="Công dân trong tài liệu hướng dẫn: tài khoản cũ chưa cập nhật CCCD, có hồ sơ cũ",
        citizen={
            "cccd_number": "037190612345",
            "cmnd_number": "164438056",
            "full_name": "Tô Thị Nga",
            "birth_date": date(1990, 3, 15),
            "gender": "female",
            "place_of_birth": "Xã Ninh Hải, Huyện Hoa Lư, Tỉnh Ninh Bình",
            "place_of_origin": "Xã Ninh Hải, Huyện Hoa Lư, Tỉnh Ninh Bình",
            "permanent_address": "Số 12 Đường Lê Hồng Phong, Phường Đông Thành, TP. Ninh Bình",
            "card_issue_date": date(2021, 5, 20),
        },
        account={
            "username": "164438056",
            "cmnd_number": "164438056",
            "cccd_number": "",
            "full_name": "Tô Thị Nga",
            "birth_date": date(1990, 3, 15),
            "gender": "female",
            "place_of_birth": "Ninh Bình",
            "place_of_origin": "Ninh Bình",
            "phone": "0912345678",
            "email": "to.thi.nga@example.vn",
            "is_active": True,
        },
        dossiers=(
            PersonaDossier("G22.230410.000101", *_LLTP, "completed", date(2023, 4, 10)),
            PersonaDossier("G22.231102.000102", *_BIRTH_REG, "completed", date(2023, 11, 2)),
            PersonaDossier("G22.240520.000103", *_RESIDENCE, "processing", date(2024, 5, 20)),
        ),
    ),
    Persona(
        key="an",
        role="Công dân đã liên kết số CCCD với tài khoản cũ",
        citizen={
            "cccd_number": "001085004321",
            "cmnd_number": "012345678",
            "full_name": "Nguyễn Văn An",
            "birth_date": date(1985, 7, 2),
            "gender": "male",
            "place_of_birth": "Phường Hàng Bạc, Quận Hoàn Kiếm, Hà Nội",
            "place_of_origin": "Xã Phù Đổng, Huyện Gia Lâm, Hà Nội",
            "permanent_address": "Số 8 Phố Hàng Bạc, Phường Hàng Bạc, Quận Hoàn Kiếm, Hà Nội",
            "card_issue_date": date(2021, 3, 1),
        },
        account={
            "username": "012345678",
            "cmnd_number": "012345678",
            "cccd_number": "001085004321",
            "full_name": "Nguyễn Văn An",
            "birth_date": date(1985, 7, 2),
            "gender": "male",
            "place_of_birth": "Phường Hàng Bạc, Quận Hoàn Kiếm, Hà Nội",
            "place_of_origin": "Xã Phù Đổng, Huyện Gia Lâm, Hà Nội",
            "phone": "0987654321",
            "email": "nguyen.van.an@example.vn",
            "is_active": True,
        },
        dossiers=(PersonaDossier("G22.220915.000201", *_LLTP, "completed", date(2022, 9, 15)),),
    ),
    Persona(
        key="binh",
        role="Công dân có dữ liệu tài khoản không khớp CSDL dân cư (họ tên gõ không dấu)",
        citizen={
            "cccd_number": "079078088012",
            "cmnd_number": "023456789",
            "full_name": "Trần Văn Bình",
            "birth_date": date(1978, 11, 20),
            "gender": "male",
            "place_of_birth": "Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh",
            "place_of_origin": "Xã Tân Phú, Huyện Châu Thành, Tỉnh Tiền Giang",
            "permanent_address": "45 Đường Nguyễn Huệ, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh",
            "card_issue_date": date(2022, 1, 12),
        },
        account={
            "username": "023456789",
            "cmnd_number": "023456789",
            "cccd_number": "",
            "full_name": "Tran Van Binh",
            "birth_date": date(1978, 11, 20),
            "gender": "male",
            "place_of_birth": "TP. Hồ Chí Minh",
            "place_of_origin": "Tiền Giang",
            "phone": "0903111222",
            "email": "tran.van.binh@example.vn",
            "is_active": True,
        },
        dossiers=(PersonaDossier("G22.210305.000301", *_RESIDENCE, "completed", date(2021, 3, 5)),),
    ),
    Persona(
        key="hoa",
        role="Công dân chỉ có tài khoản VNeID, chưa có tài khoản Cổng DVCQG",
        citizen={
            "cccd_number": "048195020233",
            "cmnd_number": "201234567",
            "full_name": "Lê Thị Hoa",
            "birth_date": date(1995, 1, 9),
            "gender": "female",
            "place_of_birth": "Phường Hải Châu I, Quận Hải Châu, TP. Đà Nẵng",
            "place_of_origin": "Xã Hòa Tiến, Huyện Hòa Vang, TP. Đà Nẵng",
            "permanent_address": "22 Đường Bạch Đằng, Phường Hải Châu I, Quận Hải Châu, Đà Nẵng",
            "card_issue_date": date(2021, 8, 30),
        },
    ),
    Persona(
        key="khoa",
        role="Công dân có tài khoản VNeID mức 1 (đã đăng ký tài khoản Cổng bằng số CCCD)",
        vneid_level=1,
        citizen={
            "cccd_number": "040201051888",
            "cmnd_number": "",
            "full_name": "Phạm Minh Khoa",
            "birth_date": date(2001, 6, 30),
            "gender": "male",
            "place_of_birth": "Phường Hưng Bình, TP. Vinh, Tỉnh Nghệ An",
            "place_of_origin": "Xã Nam Giang, Huyện Nam Đàn, Tỉnh Nghệ An",
            "permanent_address": "15 Đường Trường Thi, Phường Trường Thi, TP. Vinh, Nghệ An",
            "card_issue_date": date(2019, 7, 1),
        },
        account={
            "username": "040201051888",
            "cmnd_number": "",
            "cccd_number": "040201051888",
            "full_name": "Phạm Minh Khoa",
            "birth_date": date(2001, 6, 30),
            "gender": "male",
            "place_of_birth": "Phường Hưng Bình, TP. Vinh, Tỉnh Nghệ An",
            "place_of_origin": "Xã Nam Giang, Huyện Nam Đàn, Tỉnh Nghệ An",
            "phone": "0976000111",
            "email": "pham.minh.khoa@example.vn",
            "is_active": True,
        },
    ),
    Persona(
        key="dung",
        role="Tài khoản Cổng đã bị khoá (chưa có tài khoản VNeID)",
        vneid_level=None,
        citizen={
            "cccd_number": "031069077001",
            "cmnd_number": "031234567",
            "full_name": "Hoàng Văn Dũng",
            "birth_date": date(1969, 9, 9),
            "gender": "male",
            "place_of_birth": "Phường Máy Chai, Quận Ngô Quyền, TP. Hải Phòng",
            "place_of_origin": "Xã An Hưng, Huyện An Dương, TP. Hải Phòng",
            "permanent_address": "3 Đường Lạch Tray, Phường Lạch Tray, Quận Ngô Quyền, Hải Phòng",
            "card_issue_date": date(2021, 11, 11),
        },
        account={
            "username": "031234567",
            "cmnd_number": "031234567",
            "cccd_number": "",
            "full_name": "Hoàng Văn Dũng",
            "birth_date": date(1969, 9, 9),
            "gender": "male",
            "place_of_birth": "Hải Phòng",
            "place_of_origin": "Hải Phòng",
            "phone": "0934555666",
            "email": "",
            "is_active": False,
        },
    ),
    Persona(
        key="lan",
        role=f"Cán bộ ({ACCOUNT_OFFICER}): đăng nhập trang quản trị bằng mật khẩu và mã TOTP",
        roles=(ACCOUNT_OFFICER,),
        # Public on purpose, like the passwords: scripts compute the codes from it.
        totp_secret="JBSWY3DPEHPK3PXPDVCSANDBOXLAN234",
        citizen={
            "cccd_number": "026182030517",
            "cmnd_number": "135791357",
            "full_name": "Đỗ Thị Lan",
            "birth_date": date(1982, 4, 4),
            "gender": "female",
            "place_of_birth": "Phường Liên Bảo, TP. Vĩnh Yên, Tỉnh Vĩnh Phúc",
            "place_of_origin": "Xã Tam Hợp, Huyện Bình Xuyên, Tỉnh Vĩnh Phúc",
            "permanent_address": "10 Đường Kim Ngọc, Phường Ngô Quyền, TP. Vĩnh Yên, Vĩnh Phúc",
            "card_issue_date": date(2021, 2, 2),
        },
        account={
            "username": "026182030517",
            "cmnd_number": "135791357",
            "cccd_number": "026182030517",
            "full_name": "Đỗ Thị Lan",
            "birth_date": date(1982, 4, 4),
            "gender": "female",
            "place_of_birth": "Phường Liên Bảo, TP. Vĩnh Yên, Tỉnh Vĩnh Phúc",
            "place_of_origin": "Xã Tam Hợp, Huyện Bình Xuyên, Tỉnh Vĩnh Phúc",
            "phone": "0211388888",
            "email": "do.thi.lan@example.vn",
            "is_active": True,
            "is_staff": True,
            "is_superuser": False,
        },
    ),
)

PERSONAS_BY_KEY = {persona.key: persona for persona in PERSONAS}


def _dossier_rows(persona, account):
    """Return the persona's starting dossiers, unsaved, owned by account."""
    rows = []
    for dossier in persona.dossiers:
        submitted = timezone.make_aware(datetime.combine(dossier.submitted_on, datetime.min.time()))
        rows.append(
            Dossier(
                code=dossier.code,
                procedure_code=dossier.procedure_code,
                procedure_name=dossier.procedure_name,
                status=dossier.status,
                owner=account,
                submitted_at=submitted,
                completed_at=submitted if dossier.status == Dossier.Status.COMPLETED else None,
            )
        )
    return rows


def _restore_dossiers(persona, account):
    Dossier.objects.filter(owner=account).delete()
    Dossier.objects.bulk_create(_dossier_rows(persona, account))


def _restore_account(persona, citizen):
    data = dict(persona.account)
    username = data.pop("username")
    cccd_number = data.pop("cccd_number")
    account, _ = get_user_model().objects.update_or_create(
        username=username, defaults={**data, "identity_refreshed_at": None}
    )
    account.password = hashed_secret(PASSWORD)
    if account.cccd_number != cccd_number:
        account.cccd_number = ""
    account.save(update_fields=["password", "cccd_number"])
    if cccd_number and not account.cccd_number:
        # Through the portal's own link, so a seeded link leaves the audit rows a real one does.
        account = save_cccd_link(account=account, record=record_of(citizen), actor=account)
    AccessAttempt.objects.filter(username=username).delete()
    _restore_dossiers(persona, account)
    _restore_official(persona, account)
    return account


def record_of(citizen):
    """Return a registry row as the record the portal receives from the registry's API."""
    return CitizenRecord(
        **{field.name: getattr(citizen, field.name) for field in fields(CitizenRecord)}
    )


def _roles(names):
    """Return the groups called names."""
    # A flushed test database loses the groups its migration created: make them again.
    if Group.objects.filter(name__in=names).count() != len(set(names)):
        ensure_default_roles()
    return Group.objects.filter(name__in=names)


def _totp_device(persona, account):
    return TOTPDevice(
        user=account,
        name="Ứng dụng xác thực",
        key=totp_key_hex(persona.totp_secret),
        confirmed=True,
    )


def _restore_official(persona, account):
    if persona.roles:
        account.groups.set(_roles(persona.roles))
    if persona.totp_secret:
        TOTPDevice.objects.filter(user=account).delete()
        _totp_device(persona, account).save()


def totp_key_hex(secret):
    """Return the hex key django-otp stores for a base32 secret as authenticator apps show it."""
    return base64.b32decode(secret.upper()).hex()


@transaction.atomic
def reset_persona(key):
    """Put one persona's registry record, account and dossiers back to their starting state."""
    return restore_persona(PERSONAS_BY_KEY[key])


@transaction.atomic
def restore_persona(persona):
    """Make the database hold this persona (shipped or a workspace's copy) as it starts."""
    citizen, _ = Citizen.objects.update_or_create(
        cccd_number=persona.citizen["cccd_number"],
        defaults={**persona.citizen, "status": Citizen.Status.ALIVE},
    )
    if persona.vneid_level is not None:
        ensure_vneid_account(
            citizen,
            password=VNEID_PASSWORD,
            password_hash=hashed_secret(VNEID_PASSWORD),
            level=persona.vneid_level,
        )
    if persona.account is not None:
        _restore_account(persona, citizen)
        reset_usb_token(persona)
        reset_signing_sim(persona)
    return persona


@transaction.atomic
def create_personas(personas):
    """Make the database hold new personas as restore_persona would, table by table.

    For a class's copies, whose numbers nobody holds yet: a few INSERTs per table instead of
    dozens of statements per persona. Links still go through the portal's save_cccd_link, so a
    seeded link leaves the audit rows a real one does.
    """
    personas = list(personas)
    citizens = Citizen.objects.bulk_create(
        Citizen(**persona.citizen, status=Citizen.Status.ALIVE) for persona in personas
    )
    create_vneid_accounts(
        [
            (citizen, persona.vneid_level)
            for persona, citizen in zip(personas, citizens, strict=True)
            if persona.vneid_level is not None
        ],
        password_hash=hashed_secret(VNEID_PASSWORD),
    )
    holders = [
        (persona, citizen)
        for persona, citizen in zip(personas, citizens, strict=True)
        if persona.account is not None
    ]
    accounts = get_user_model().objects.bulk_create(_new_account(persona) for persona, _ in holders)
    for index, ((persona, citizen), account) in enumerate(zip(holders, accounts, strict=True)):
        if persona.account["cccd_number"]:
            accounts[index] = save_cccd_link(
                account=account, record=record_of(citizen), actor=account
            )
    Dossier.objects.bulk_create(
        row
        for (persona, _), account in zip(holders, accounts, strict=True)
        for row in _dossier_rows(persona, account)
    )
    officials = [
        (persona, account)
        for (persona, _), account in zip(holders, accounts, strict=True)
        if persona.roles or persona.totp_secret
    ]
    memberships = get_user_model().groups.through
    roles = {group.name: group for group in _roles([r for p, _ in officials for r in p.roles])}
    memberships.objects.bulk_create(
        memberships(user=account, group=roles[name])
        for persona, account in officials
        for name in persona.roles
    )
    TOTPDevice.objects.bulk_create(
        _totp_device(persona, account) for persona, account in officials if persona.totp_secret
    )
    token_holders = [persona for persona, _ in holders]
    certificates = ca.issue_certificates([usb_certificate(p) for p in token_holders])
    ca.create_usb_tokens(
        [token_order(p, c) for p, c in zip(token_holders, certificates, strict=True)]
    )
    sim_holders = [persona for persona in token_holders if sim_phone(persona)]
    orders = [sim_certificate(persona) for persona in sim_holders]
    certificates = ca.issue_certificates(orders)
    provision_new_sims(
        [
            sim_order(persona, certificate, order.private_key)
            for persona, certificate, order in zip(sim_holders, certificates, orders, strict=True)
        ]
    )
    return personas


def _new_account(persona):
    """Return the persona's portal account as _restore_account makes it, unsaved and unlinked."""
    data = dict(persona.account)
    data.pop("cccd_number")
    return get_user_model()(**data, cccd_number="", password=hashed_secret(PASSWORD))


@transaction.atomic
def ensure_personas():
    """Create every persona that is missing; leave the ones that exist as testers left them."""
    created = []
    user_model = get_user_model()
    for persona in PERSONAS:
        citizen_exists = Citizen.objects.filter(cccd_number=persona.citizen["cccd_number"]).exists()
        account_missing = (
            persona.account is not None
            and not user_model.objects.filter(username=persona.account["username"]).exists()
        )
        vneid_missing = (
            persona.vneid_level is not None
            and not VneidAccount.objects.filter(
                citizen__cccd_number=persona.citizen["cccd_number"]
            ).exists()
        )
        official_missing = (
            persona.totp_secret is not None
            and not TOTPDevice.objects.filter(
                user__username=persona.account["username"], confirmed=True
            ).exists()
        )
        token_missing = persona.account is not None and persona_token(persona) is None
        if (
            not citizen_exists
            or account_missing
            or vneid_missing
            or official_missing
            or token_missing
            or sim_missing(persona)
        ):
            reset_persona(persona.key)
            created.append(persona.key)
    return created


def persona_state(persona):
    """Describe where a persona stands now, for the console and `personas --json`."""
    account = None
    if persona.account is not None:
        account = get_user_model().objects.filter(username=persona.account["username"]).first()
    return {
        "key": persona.key,
        "role": persona.role,
        "full_name": persona.full_name,
        "password": PASSWORD if persona.account else None,
        "username": persona.account["username"] if persona.account else None,
        "cmnd_number": persona.citizen["cmnd_number"] or None,
        "cccd_number": persona.citizen["cccd_number"],
        "birth_date": persona.citizen["birth_date"].isoformat(),
        "has_portal_account": account is not None,
        "linked": bool(account and account.cccd_number),
        "active": bool(account and account.is_active),
        "is_official": bool(account and account.is_staff),
        "official_roles": list(persona.roles),
        "totp_secret": persona.totp_secret,
        "dossiers": account.dossiers.count() if account else 0,
        "vneid": _vneid_state(persona),
        "usb_token": usb_token_state(persona),
        "sim": signing_sim_state(persona),
    }


def _vneid_state(persona):
    vneid = (
        VneidAccount.objects.filter(citizen__cccd_number=persona.citizen["cccd_number"])
        .only("assurance_level", "status")
        .first()
    )
    if vneid is None:
        return None
    return {
        "personal_id_number": persona.citizen["cccd_number"],
        "password": VNEID_PASSWORD,
        "level": int(vneid.assurance_level),
        "active": vneid.is_active,
    }


def register_portal(*, base_urls):
    """Register the portal, with the keys in its settings, at the registry and at VNeID."""
    if registry_settings.API_KEY:
        ensure_api_client(
            name=PORTAL_NAME,
            raw_key=registry_settings.API_KEY,
            can_read_records=True,
            rate_limit_per_minute=PORTAL_REGISTRY_RATE_LIMIT_PER_MINUTE,
        )
    if operator_settings.API_KEY:
        ensure_operator_client(name=PORTAL_NAME, raw_key=operator_settings.API_KEY)
    if vneid_settings.CLIENT_ID and vneid_settings.CLIENT_SECRET:
        bases = [url.rstrip("/") for url in base_urls]
        ensure_client(
            client_id=vneid_settings.CLIENT_ID,
            client_secret=vneid_settings.CLIENT_SECRET,
            name=PORTAL_NAME,
            redirect_uris=[f"{base}{reverse('vneid_login:callback')}" for base in bases],
            post_logout_redirect_uris=[f"{base}{reverse('portal:home')}" for base in bases],
        )
