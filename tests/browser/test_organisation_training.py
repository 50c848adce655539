"""The trainer's organisation screens and a seat's first step of "Tổ chức đăng nhập bằng VNeID".

At desktop and phone width, every screen checked by axe: the console's "Tổ chức" table and its
reset, a seat card's organisations, guided mode on the "Tổ chức" tab, a legacy organisation
login, and the dashboard's organisation column following it by itself.
"""

import re

import pytest
from playwright.sync_api import expect

from sandbox.persona_data import ORGANISATION_PASSWORD
from sandbox.workspaces import create_class, workspace_organisations

pytestmark = pytest.mark.browser


def test_a_trainer_and_a_seat_practise_the_organisation_walk(page):
    base = page.base_url
    page.goto(f"{base}/sandbox/")
    table = page.get_by_test_id("organisations")
    expect(table).to_contain_text("Công ty TNHH Hội An Xanh")
    expect(page.get_by_test_id("eid-sontra")).to_contain_text("chờ tuan xác nhận")
    page.screens.shot("console-organisations")
    table.get_by_role("button", name="Đặt lại Công ty Cổ phần Du lịch Sơn Trà").click()
    expect(page.get_by_text("Đã đặt lại Công ty Cổ phần Du lịch Sơn Trà")).to_be_visible()

    training_class = create_class(name="Lớp tổ chức", seats=1)
    workspace = training_class.workspaces.get()
    hoian = next(org for org, _ in workspace_organisations(workspace) if org.key == "hoian")
    page.goto(f"{base}/sandbox/cho-ngoi/{workspace.code}/")
    expect(page.get_by_test_id("tax-code-hoian")).to_have_text(hoian.tax_code)
    page.screens.shot("seat-card-organisations")

    page.get_by_role("button", name=re.compile("Hướng dẫn")).click()
    page.goto(f"{base}/dang-nhap/?tab=to-chuc")
    panel = page.get_by_test_id("guide-panel")
    expect(panel).to_contain_text("Tổ chức đăng nhập bằng VNeID")
    expect(panel).to_contain_text("Bước 1: Đăng nhập tài khoản tổ chức cũ (trước năm 2025)")
    page.screens.shot("guide-organisation-step-1")
    form = page.get_by_test_id("organisation-login-form")
    form.get_by_label("Mã số thuế").fill(hoian.tax_code)
    form.get_by_label("Mật khẩu").fill(ORGANISATION_PASSWORD)
    form.get_by_label("Nhập mã xác thực").fill("PASSED")
    form.get_by_role("button", name="Đăng nhập").click()
    expect(panel).to_contain_text("“Định danh tổ chức” → “Đăng ký định danh tổ chức”")
    page.screens.shot("guide-organisation-signed-in")

    page.goto(f"{base}/sandbox/lop/{training_class.pk}/")
    row = page.get_by_test_id("seat-row-1")
    expect(row.locator("[data-field='organisation_step_label']")).to_have_text(
        "Bước 1: Đăng nhập tài khoản tổ chức cũ (trước năm 2025)"
    )
    page.screens.shot("dashboard-organisation-step-1")
