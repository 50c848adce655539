"""An official in a real browser: password + TOTP into the admin, a reasoned correction, audited."""

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from playwright.sync_api import expect

from accounts.models import AuditEntry
from sandbox.personas import PASSWORD, PERSONAS_BY_KEY, totp_key_hex
from tests.personas import NGA_CMND

pytestmark = pytest.mark.browser

LAN = PERSONAS_BY_KEY["lan"]
User = get_user_model()


def current_code():
    """Compute the code Lan's authenticator app shows now, from the secret in `personas`."""
    return f"{totp(bytes.fromhex(totp_key_hex(LAN.totp_secret))):06d}"


def log_in_to_admin(page):
    page.goto(f"{page.base_url}/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    expect(page.get_by_test_id("sandbox-marker")).to_contain_text("MÔI TRƯỜNG THỬ NGHIỆM")
    expect(page.locator("#site-name")).to_contain_text("Cổng Dịch vụ công Quốc gia")
    page.screens.shot("admin-login")
    page.get_by_label("Tên đăng nhập").fill(LAN.account["username"])
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_label("Mã xác thực").fill(current_code())
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{page.base_url}/admin/")
    page.screens.shot("admin-index")


def test_lan_corrects_a_birth_date_with_a_reason_and_sees_the_audit_entry(page):
    log_in_to_admin(page)

    page.get_by_role("link", name="Tài khoản", exact=True).first.click()
    page.locator("#searchbar").fill(NGA_CMND)
    page.locator("#changelist-search").get_by_role("button").click()
    # The search is posted: the number never lands in the address bar or the server's logs.
    expect(page).to_have_url(re.compile(r"\?qt="))
    assert NGA_CMND not in page.url
    expect(page.get_by_test_id("number-search-shown")).to_contain_text("1644***56")
    expect(page.locator("#result_list")).to_contain_text("1644***56")
    expect(page.locator("#result_list")).not_to_contain_text(NGA_CMND)
    page.screens.shot("account-search")
    page.locator("#result_list").get_by_role("link", name="Tô Thị Nga").click()

    birth_date = page.locator("#id_birth_date")
    expect(birth_date).to_have_value("15/03/1990")
    birth_date.fill("16/03/1990")
    page.locator('input[name="_save"]').click()

    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".field-reason")).to_contain_text("Vui lòng nhập lý do thay đổi.")
    page.screens.shot("refused-without-reason")
    assert User.objects.get(username=NGA_CMND).birth_date == date(1990, 3, 15)
    assert not AuditEntry.objects.filter(actor_kind="official").exists()

    page.locator("#id_reason").fill("Sửa ngày sinh theo giấy khai sinh, đơn số 15/ĐN")
    page.locator('input[name="_continue"]').click()

    expect(page.locator(".messagelist")).to_be_visible()
    expect(page.locator("#id_birth_date")).to_have_value("16/03/1990")
    history = page.locator("#audit_entries-group")
    expect(history).to_contain_text("Cán bộ sửa thông tin tài khoản")
    expect(history).to_contain_text("ngày sinh: 1990-03-15 → 1990-03-16")
    expect(history).to_contain_text("Sửa ngày sinh theo giấy khai sinh, đơn số 15/ĐN")
    expect(page.locator("#dossiers-group")).to_contain_text("G22.240520.000103")
    page.screens.shot("corrected-with-history")

    page.goto(f"{page.base_url}/admin/accounts/auditentry/?action__exact=identity_corrected")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Đỗ Thị Lan")
    expect(rows.first).to_contain_text("1644***56")
    page.screens.shot("audit-list")

    nga = User.objects.get(username=NGA_CMND)
    assert nga.birth_date == date(1990, 3, 16)
    entry = AuditEntry.objects.get(actor_kind="official")
    assert entry.actor.username == LAN.account["username"]
    assert entry.changes == {"birth_date": ["1990-03-15", "1990-03-16"]}


def test_a_wrong_code_keeps_the_official_out(page):
    page.goto(f"{page.base_url}/admin/login/")
    page.get_by_label("Tên đăng nhập").fill(LAN.account["username"])
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_label("Mã xác thực").fill(f"{(int(current_code()) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("login-error")).to_contain_text("Mã xác thực không đúng")
    page.screens.shot("wrong-code")
    page.goto(f"{page.base_url}/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
