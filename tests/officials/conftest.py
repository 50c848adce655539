"""Officials in the admin: one per role, each logged in with a verified second factor."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.roles import (
    ACCOUNT_OFFICER,
    BUSINESS_REGISTRY_OFFICER,
    PROVINCIAL_OFFICER,
    REGISTRY_OFFICER,
    SYSTEM_ADMINISTRATOR,
    ensure_roles,
)
from citizen_registry.models import Citizen
from tests.accounts.factories import DossierFactory, UserFactory
from tests.conftest import verify_admin_session

ROLE_KEYS = {
    "account": ACCOUNT_OFFICER,
    "registry": REGISTRY_OFFICER,
    "system": SYSTEM_ADMINISTRATOR,
    "province": PROVINCIAL_OFFICER,
    "business": BUSINESS_REGISTRY_OFFICER,
}
REASON = "Sửa theo đơn đề nghị số 15/ĐN ngày 20/11/2026"


@pytest.fixture
def roles(db):
    from django.contrib.auth.models import Permission

    return ensure_roles(group_model=Group, permission_model=Permission)


def make_official(role_key, **fields):
    official = UserFactory(is_staff=True, full_name=f"Cán bộ {role_key}", **fields)
    if role_key in ROLE_KEYS:
        official.groups.add(Group.objects.get(name=ROLE_KEYS[role_key]))
    return official


@pytest.fixture
def official_client(roles):
    """Return a function giving a verified admin client for a role key (or "none")."""

    def log_in(role_key):
        official = make_official(role_key)
        client = verify_admin_session(Client(), official)
        client.official = official
        return client

    return log_in


@pytest.fixture
def superuser_client(db):
    superuser = UserFactory(is_staff=True, is_superuser=True, full_name="Quản trị viên")
    client = verify_admin_session(Client(), superuser)
    client.official = superuser
    return client


@pytest.fixture
def an(db):
    """Nguyễn Văn An: an account with a linked CCCD and a dossier."""
    account = UserFactory(
        username="012345678",
        cmnd_number="012345678",
        cccd_number="001085004321",
        full_name="Nguyễn Văn An",
        birth_date=date(1985, 7, 2),
        gender="male",
    )
    DossierFactory(owner=account, code="G22.220915.000201")
    return account


@pytest.fixture
def an_record(db):
    return Citizen.objects.create(
        cccd_number="001085004321",
        cmnd_number="012345678",
        full_name="Nguyễn Văn An",
        birth_date=date(1985, 7, 2),
        gender="male",
        place_of_birth="Phường Hàng Bạc, Quận Hoàn Kiếm, Hà Nội",
        place_of_origin="Xã Phù Đổng, Huyện Gia Lâm, Hà Nội",
    )


def account_form_data(account, **overrides):
    """Return the change form of an account as an account officer submits it."""
    data = {
        "full_name": account.full_name,
        "birth_date": account.birth_date.strftime("%d/%m/%Y") if account.birth_date else "",
        "gender": account.gender,
        "place_of_birth": account.place_of_birth,
        "place_of_origin": account.place_of_origin,
        "cmnd_number": account.cmnd_number,
        "cccd_number": account.cccd_number,
        "phone": account.phone,
        "email": account.email,
        "reason": REASON,
    }
    for prefix in ("audit_entries", "dossiers"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return data


def citizen_form_data(citizen, **overrides):
    data = {
        "full_name": citizen.full_name,
        "cmnd_number": citizen.cmnd_number,
        "birth_date": citizen.birth_date.strftime("%d/%m/%Y"),
        "gender": citizen.gender,
        "place_of_birth": citizen.place_of_birth,
        "place_of_origin": citizen.place_of_origin,
        "permanent_address": citizen.permanent_address,
        "ethnicity": citizen.ethnicity,
        "nationality": citizen.nationality,
        "card_issue_date": "",
        "reason": REASON,
    }
    for prefix in ("changes", "lookuplog_set"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return data
