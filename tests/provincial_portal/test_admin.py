"""Officials' pages for the provincial portal: numbers masked, changes audited with a reason."""

import pytest

from idnumbers.numbers import mask_number
from provincial_portal.models import AuditEvent, PasswordFailure, ProvincialAccount
from tests.personas import AN_CCCD, NGA_CMND

from .factories import AN_SEED, HOIAN_TAX_CODE, NGA_SEED

pytestmark = pytest.mark.django_db

ACCOUNTS = "/admin/provincial_portal/provincialaccount/"


def test_the_account_list_masks_numbers(admin_client, personas):
    response = admin_client.get(ACCOUNTS)
    html = response.content.decode()
    assert response.status_code == 200
    assert NGA_SEED.username in html and AN_SEED.username in html
    assert NGA_CMND not in html and AN_CCCD not in html


def test_a_number_searched_is_posted_and_matched_whole(admin_client, personas):
    response = admin_client.post(ACCOUNTS, {"_number_search": "1", "q": NGA_CMND}, follow=True)
    html = response.content.decode()
    assert NGA_SEED.username in html and AN_SEED.username not in html
    assert NGA_CMND not in response.redirect_chain[-1][0]


def test_a_change_without_a_reason_is_refused(admin_client, personas):
    nga = ProvincialAccount.objects.get(username=NGA_SEED.username)
    response = admin_client.post(
        f"{ACCOUNTS}{nga.pk}/change/",
        {"full_name": "Tô Thị Ngà", "birth_date": "15/03/1990", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "Vui lòng nhập lý do thay đổi." in response.content.decode()
    nga.refresh_from_db()
    assert nga.full_name == "Tô Thị Nga"
    assert not AuditEvent.objects.exists()


def test_a_change_is_audited_with_the_official_and_the_reason(admin_client, admin_user, personas):
    nga = ProvincialAccount.objects.get(username=NGA_SEED.username)
    response = admin_client.post(
        f"{ACCOUNTS}{nga.pk}/change/",
        {
            "full_name": "Tô Thị Nga",
            "birth_date": "15/03/1990",
            "reason": "Công dân đề nghị khoá tài khoản cũ",
        },
    )
    assert response.status_code == 302, response.content.decode()
    nga.refresh_from_db()
    assert not nga.is_active
    event = AuditEvent.objects.get()
    assert event.kind == AuditEvent.Kind.ACCOUNT_CHANGED
    assert (event.actor, event.reason) == (admin_user, "Công dân đề nghị khoá tài khoản cũ")
    assert event.changes == {"is_active": [True, False]}


def test_clearing_password_failures_asks_a_reason_then_audits(admin_client, personas):
    nga = ProvincialAccount.objects.get(username=NGA_SEED.username)
    PasswordFailure.objects.create(account=nga, address="127.0.0.1")
    action = {"action": "clear_password_failures", "_selected_action": [nga.pk]}
    page = admin_client.post(ACCOUNTS, action)
    assert page.status_code == 200 and "Lý do thay đổi" in page.content.decode()
    assert PasswordFailure.objects.exists()
    admin_client.post(ACCOUNTS, {**action, "confirm": "yes", "reason": "Công dân gọi tổng đài"})
    assert not PasswordFailure.objects.exists()
    event = AuditEvent.objects.get()
    assert event.reason == "Công dân gọi tổng đài" and event.account == nga


def test_the_audit_trail_is_read_only(admin_client, personas):
    nga = ProvincialAccount.objects.get(username=NGA_SEED.username)
    event = AuditEvent.record(kind=AuditEvent.Kind.LOGIN, account=nga, detail="test")
    assert admin_client.get("/admin/provincial_portal/auditevent/").status_code == 200
    response = admin_client.post(f"/admin/provincial_portal/auditevent/{event.pk}/delete/")
    assert response.status_code == 403


# Organisation accounts -------------------------------------------------------------------------


def test_organisation_accounts_are_listed_with_masked_tax_codes(admin_client, hoian):
    response = admin_client.get(ACCOUNTS)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Công ty TNHH Hội An Xanh" in html and "Tổ chức" in html
    assert HOIAN_TAX_CODE not in html
    assert mask_number(HOIAN_TAX_CODE) in html


def test_a_whole_tax_code_searched_finds_the_organisation(admin_client, personas, hoian):
    response = admin_client.post(
        ACCOUNTS, {"_number_search": "1", "q": HOIAN_TAX_CODE}, follow=True
    )
    html = response.content.decode()
    assert "Công ty TNHH Hội An Xanh" in html and NGA_SEED.username not in html
    assert HOIAN_TAX_CODE not in html
    assert HOIAN_TAX_CODE not in response.redirect_chain[-1][0]


def test_the_organisation_change_page_masks_and_audits(admin_client, admin_user, hoian):
    account = ProvincialAccount.objects.get(tax_code=HOIAN_TAX_CODE)
    page = admin_client.get(f"{ACCOUNTS}{account.pk}/change/").content.decode()
    assert HOIAN_TAX_CODE not in page and "Địa chỉ trụ sở" in page
    response = admin_client.post(
        f"{ACCOUNTS}{account.pk}/change/",
        {"full_name": account.full_name, "reason": "Tổ chức đề nghị khoá tài khoản cũ"},
    )
    assert response.status_code == 302, response.content.decode()
    account.refresh_from_db()
    assert not account.is_active
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ACCOUNT_CHANGED)
    assert event.actor == admin_user and event.changes == {"is_active": [True, False]}


def test_the_provincial_officer_sees_organisation_accounts_and_their_audit(db, hoian):
    from django.contrib.auth.models import Group, Permission
    from django.test import Client

    from accounts.roles import PROVINCIAL_OFFICER, ensure_roles
    from tests.accounts.factories import UserFactory
    from tests.conftest import verify_admin_session

    ensure_roles(group_model=Group, permission_model=Permission)
    officer = UserFactory(is_staff=True, full_name="Cán bộ tỉnh")
    officer.groups.add(Group.objects.get(name=PROVINCIAL_OFFICER))
    client = verify_admin_session(Client(), officer)
    account = ProvincialAccount.objects.get(tax_code=HOIAN_TAX_CODE)
    AuditEvent.of(AuditEvent.Kind.LEGACY_ORG_LOGIN, account, "mã số thuế, mật khẩu")

    listing = client.get(ACCOUNTS)
    audit = client.get("/admin/provincial_portal/auditevent/")

    assert listing.status_code == 200 and "Công ty TNHH Hội An Xanh" in listing.content.decode()
    assert audit.status_code == 200
    assert "Đăng nhập bằng tài khoản tổ chức do tỉnh cấp" in audit.content.decode()
    assert HOIAN_TAX_CODE not in audit.content.decode()
