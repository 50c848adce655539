"""Two seats walk the guide side by side, one in guided mode, while the trainer watches."""

import re

import pytest
from playwright.sync_api import expect

from sandbox.personas import PASSWORD, VNEID_PASSWORD
from sandbox.workspaces import create_class, workspace_personas

from .conftest import press_logout, watch_csp_violations

pytestmark = pytest.mark.browser

DOSSIERS_PATH = "/ho-so/"


def _nga(workspace):
    return next(copy for copy in workspace_personas(workspace) if copy.key == "nga")


def _open(chromium, base_url, viewport=None):
    context = chromium.new_context(
        locale="vi-VN", viewport=viewport or {"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = base_url
    page.csp_violations = watch_csp_violations(page)
    return context, page


def _log_in(page, username, password=PASSWORD):
    page.goto(f"{page.base_url}/dang-nhap/?next={DOSSIERS_PATH}")
    form = page.get_by_test_id("login-form")
    form.get_by_label("Tên đăng nhập").fill(username)
    form.get_by_label("Mật khẩu").fill(password)
    form.get_by_label("Nhập mã xác thực").fill("PASSED")
    form.get_by_role("button", name="Đăng nhập").click()


def _row(dashboard, seat):
    return dashboard.get_by_test_id(f"seat-row-{seat}")


def _expect_step(dashboard, seat, label):
    # The dashboard polls by itself: no reload, just wait for the row to change.
    expect(_row(dashboard, seat).locator("[data-field='step_label']")).to_have_text(label)


def test_two_seats_walk_side_by_side_with_guided_mode_in_one(page, chromium, sandbox_server):
    training_class = create_class(name="Lớp thử", seats=2)
    first, second = training_class.workspaces.order_by("seat")
    nga_one, nga_two = _nga(first), _nga(second)
    trainer = page
    trainer.goto(f"{trainer.base_url}/sandbox/lop/{training_class.pk}/")
    expect(_row(trainer, 1)).to_contain_text("Chưa bắt đầu")
    trainer.screens.shot("dashboard-start")

    one_context, one = _open(chromium, sandbox_server.url)
    two_context, two = _open(chromium, sandbox_server.url)
    try:
        # Seat 1 opens its card and turns on guided mode.
        one.goto(f"{one.base_url}/sandbox/cho-ngoi/{first.code}/")
        expect(one.get_by_test_id("seat-card")).to_contain_text(nga_one.account["username"])
        trainer.screens.page = one
        trainer.screens.shot("seat-1-card")
        one.get_by_role("button", name=re.compile("Hướng dẫn")).click()
        expect(one.get_by_role("button", name=re.compile("Hướng dẫn"))).to_have_attribute(
            "aria-pressed", "true"
        )
        one.goto(f"{one.base_url}/dang-nhap/")
        panel = one.get_by_test_id("guide-panel")
        expect(panel).to_contain_text("Bước 1: Đăng nhập hệ thống")
        trainer.screens.shot("seat-1-step-1-guided")

        # Step 1 in both seats; seat 2 first mistypes its password.
        _log_in(one, nga_one.account["username"])
        expect(one).to_have_url(re.compile(r"/tai-khoan/cap-nhat-cccd/"))
        expect(panel).to_contain_text("Bước 2: Hệ thống kiểm tra tài khoản sau khi đăng nhập")
        # The panel sits above the form, never over it.
        panel_box = panel.bounding_box()
        form_box = one.get_by_test_id("cccd-form").bounding_box()
        assert panel_box["y"] + panel_box["height"] <= form_box["y"]
        trainer.screens.shot("seat-1-step-2-guided")

        _log_in(two, nga_two.account["username"], password="Sai@2026")
        expect(two.get_by_role("alert")).to_contain_text("mật khẩu không đúng")
        expect(two.get_by_test_id("guide-panel")).to_have_count(0)
        trainer.screens.page = trainer
        _expect_step(trainer, 1, "Bước 2: Hệ thống kiểm tra tài khoản sau khi đăng nhập")
        expect(_row(trainer, 2).locator("[data-field='last_error']")).to_contain_text(
            "Tên đăng nhập hoặc mật khẩu không đúng"
        )
        _expect_step(trainer, 2, "Chưa bắt đầu")
        trainer.screens.shot("dashboard-seat-1-at-step-2-seat-2-error")

        _log_in(two, nga_two.account["username"])
        expect(two).to_have_url(re.compile(r"/tai-khoan/cap-nhat-cccd/"))
        two.get_by_role("button", name="Bỏ qua").click()
        expect(two).to_have_url(f"{two.base_url}{DOSSIERS_PATH}")

        # Step 3: seat 1 links its own CCCD.
        one.get_by_placeholder("Nhập số cccd").fill(nga_one.citizen["cccd_number"])
        one.get_by_role("button", name="Cập nhật").click()
        expect(one).to_have_url(f"{one.base_url}{DOSSIERS_PATH}")
        expect(panel).to_contain_text("Bước 3")
        expect(panel).to_contain_text("đăng nhập qua VNeID")
        _expect_step(trainer, 1, "Bước 3: Công dân nhập và xác nhận cập nhật dữ liệu")
        _expect_step(trainer, 2, "Bước 2: Hệ thống kiểm tra tài khoản sau khi đăng nhập")
        trainer.screens.shot("dashboard-seat-1-at-step-3")

        # Step 4: seat 1 logs out and comes back with VNeID.
        press_logout(one)
        one.goto(f"{one.base_url}/dang-nhap/?next={DOSSIERS_PATH}")
        one.get_by_test_id("login-vneid").click()
        expect(one).to_have_url(re.compile(r"/vneid/authorize\?"))
        expect(one.get_by_test_id("guide-panel")).to_contain_text(
            "Hệ thống điều hướng sang màn hình đăng nhập VNeID"
        )
        trainer.screens.page = one
        trainer.screens.shot("seat-1-vneid-guided")
        form = one.get_by_test_id("vneid-login-form")
        form.get_by_label("Số định danh cá nhân").fill(nga_one.citizen["cccd_number"])
        form.get_by_label("Mật khẩu", exact=True).fill(VNEID_PASSWORD)
        form.get_by_role("button", name="Đăng nhập").click()
        expect(one).to_have_url(f"{one.base_url}{DOSSIERS_PATH}")
        expect(one.get_by_test_id("guide-panel")).to_contain_text("Đăng nhập thành công")
        for code in (dossier.code for dossier in nga_one.dossiers):
            expect(one.locator("main")).to_contain_text(code)
        trainer.screens.shot("seat-1-step-4-dossiers")

        trainer.screens.page = trainer
        _expect_step(trainer, 1, "Bước 4: Công dân đăng nhập bằng tài khoản VNeID")
        _expect_step(trainer, 2, "Bước 2: Hệ thống kiểm tra tài khoản sau khi đăng nhập")
        trainer.screens.shot("dashboard-seat-1-done")

        # Seat 1's hops on the wire, numbers masked.
        trainer.goto(f"{trainer.base_url}/sandbox/cho-ngoi/{first.code}/hanh-trinh/")
        timeline = trainer.get_by_test_id("seat-timeline")
        for endpoint in (
            "/vneid/authorize",
            "/vneid/authorize (POST)",
            "/vneid/token",
            "/registry/api/v1/citizens/verify",
            "/registry/api/v1/citizens/lookup",
        ):
            expect(timeline.get_by_text(endpoint, exact=True).first).to_be_visible()
        expect(timeline).not_to_contain_text(nga_one.citizen["cccd_number"])
        trainer.screens.shot("seat-1-timeline")
        trainer.goto(f"{trainer.base_url}/sandbox/cho-ngoi/{second.code}/hanh-trinh/")
        expect(trainer.get_by_test_id("seat-timeline-empty")).to_be_visible()

        # Reset seat 1: its row starts again, seat 2's stays.
        trainer.goto(f"{trainer.base_url}/sandbox/lop/{training_class.pk}/")
        _row(trainer, 1).get_by_role("button", name="Đặt lại chỗ 1").click()
        _expect_step(trainer, 1, "Chưa bắt đầu")
        _expect_step(trainer, 2, "Bước 2: Hệ thống kiểm tra tài khoản sau khi đăng nhập")
    finally:
        violations = one.csp_violations + two.csp_violations
        one_context.close()
        two_context.close()
    assert violations == []


def test_dashboard_and_seat_card_fit_a_narrow_phone(chromium, sandbox_server, page):
    training_class = create_class(name="Lớp điện thoại", seats=2)
    context, phone = _open(chromium, sandbox_server.url, viewport={"width": 320, "height": 700})
    try:
        for path in (
            f"/sandbox/lop/{training_class.pk}/",
            f"/sandbox/cho-ngoi/{training_class.workspaces.first().code}/",
        ):
            phone.goto(f"{phone.base_url}{path}")
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, (path, width)
            page.screens.page = phone
            page.screens.shot(path.strip("/").replace("/", "-"))
    finally:
        context.close()
