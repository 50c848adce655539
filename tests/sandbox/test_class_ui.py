"""The seat card, the trainer's dashboard (progress from real records) and a seat's timeline."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEntry
from accounts.services import save_cccd_link
from citizen_registry.models import Citizen, LookupLog
from sandbox.personas import PASSWORD, ensure_personas, record_of
from sandbox.workspaces import (
    create_class,
    create_workspace,
    delete_workspace,
    workspace_personas,
)
from vneid.models import AuditEvent, VneidAccount

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_seats(db):
    ensure_personas()
    return create_class(name="Lớp 1", seats=2)


def _nga(workspace):
    copy = next(c for c in workspace_personas(workspace) if c.key == "nga")
    account = get_user_model().objects.get(username=copy.account["username"])
    return copy, account


def _log_in(client, username, password=PASSWORD):
    data = {"username": username, "password": password, "captcha_0": "k", "captcha_1": "PASSED"}
    return client.post(reverse("accounts:login"), data)


def _progress(training_class, client):
    response = client.get(reverse("sandbox:class_progress", args=[training_class.pk]))
    assert response.status_code == 200
    return {seat["seat"]: seat for seat in response.json()["seats"]}


def test_seat_card_shows_the_seats_personas_credentials_and_a_qr_of_its_address(
    client, two_seats, settings
):
    workspace = two_seats.workspaces.first()
    copy, _ = _nga(workspace)
    page = client.get(reverse("sandbox:seat_card", args=[workspace.code])).content.decode()
    url = f"{settings.SANDBOX_BASE_URL}/sandbox/cho-ngoi/{workspace.code}/"
    assert f'href="{url}"' in page
    assert "<svg" in page and "Quét để mở thẻ trên điện thoại" in page
    assert copy.account["username"] in page and PASSWORD in page
    assert copy.citizen["cccd_number"] in page
    assert "mã PIN" in page and "số điện thoại" in page
    other, _ = _nga(two_seats.workspaces.last())
    assert other.citizen["cccd_number"] not in page


def test_unknown_seat_code_answers_404(client, db):
    assert client.get(reverse("sandbox:seat_card", args=["ZZZZZZZZ"])).status_code == 404


def test_a_deleted_seats_card_and_timeline_say_what_happened(client, db):
    workspace = create_workspace(name="Lớp đã xoá")
    code = workspace.code
    delete_workspace(workspace)

    for name in ("sandbox:seat_card", "sandbox:seat_timeline"):
        response = client.get(reverse(name, args=[code]))

        assert response.status_code == 404
        page = response.content.decode()
        assert "Không tìm thấy chỗ ngồi này" in page
        assert "xin giảng viên thẻ mới" in page


def test_class_cards_prints_every_seat(client, two_seats):
    page = client.get(reverse("sandbox:class_cards", args=[two_seats.pk])).content.decode()
    assert page.count('data-testid="seat-card"') == 2


def test_progress_follows_what_the_seat_really_did(client, two_seats):
    first = two_seats.workspaces.first()
    copy, account = _nga(first)
    assert _progress(two_seats, client)[1]["step"] == 0

    _log_in(client, account.username)
    assert _progress(two_seats, client)[1]["step"] == 1
    client.get(reverse("accounts:update_cccd"))
    assert _progress(two_seats, client)[1]["step"] == 2

    citizen = Citizen.objects.get(cccd_number=copy.citizen["cccd_number"])
    save_cccd_link(account=account, record=record_of(citizen), actor=account)
    assert _progress(two_seats, client)[1]["step"] == 3

    AuditEntry.objects.create(
        account=account, actor=account, actor_kind="citizen", action="vneid_login"
    )
    seats = _progress(two_seats, client)
    assert seats[1]["step"] == 4
    assert seats[1]["step_label"] == "Bước 4: Công dân đăng nhập bằng tài khoản VNeID"
    assert seats[1]["last_action_at"] is not None
    # The other seat did nothing.
    assert seats[2]["step"] == 0 and seats[2]["last_action_at"] is None


def test_clicks_on_the_guide_panel_do_not_count_as_progress(client, two_seats):
    client.post(reverse("portal:toggle_guide"), {"on": "1", "next": "/"})
    client.get(reverse("accounts:login"))
    assert _progress(two_seats, client)[1]["step"] == 0


def test_vneid_login_without_a_linked_cccd_is_not_step_four(client, two_seats):
    _, account = _nga(two_seats.workspaces.first())
    AuditEntry.objects.create(
        account=account, actor=account, actor_kind="citizen", action="vneid_login"
    )
    assert _progress(two_seats, client)[1]["step"] == 0


def test_last_error_is_the_message_the_trainee_saw(client, two_seats):
    copy, account = _nga(two_seats.workspaces.first())
    _log_in(client, account.username, password="Sai@2026")
    seat = _progress(two_seats, client)[1]
    assert seat["last_error"] == "Tên đăng nhập hoặc mật khẩu không đúng. Vui lòng kiểm tra lại."

    vneid = VneidAccount.objects.get(citizen__cccd_number=copy.citizen["cccd_number"])
    AuditEvent.objects.create(kind=AuditEvent.Kind.LOGIN_FAILED, account=vneid)
    seat = _progress(two_seats, client)[1]
    assert seat["last_error"] == "Số định danh cá nhân hoặc mật khẩu không đúng."
    assert _progress(two_seats, client)[2]["last_error"] == ""


def test_resetting_a_seat_starts_its_row_again(client, two_seats):
    _, account = _nga(two_seats.workspaces.first())
    _log_in(client, account.username)
    client.logout()
    _, other = _nga(two_seats.workspaces.last())
    _log_in(client, other.username)
    response = client.post(reverse("sandbox:reset_seat", args=[two_seats.pk, 1]))
    assert response.status_code == 302
    seats = _progress(two_seats, client)
    assert seats[1]["step"] == 0 and seats[1]["last_action_at"] is None
    assert seats[2]["step"] == 1


def test_resetting_the_class_starts_every_row_again(client, two_seats):
    for workspace in two_seats.workspaces.all():
        _log_in(client, _nga(workspace)[1].username)
        client.logout()
    client.post(reverse("sandbox:reset_class", args=[two_seats.pk]))
    assert {seat["step"] for seat in _progress(two_seats, client).values()} == {0}


def test_resets_answer_only_post(client, two_seats):
    assert client.get(reverse("sandbox:reset_class", args=[two_seats.pk])).status_code == 405


def test_dashboard_draws_a_row_per_seat_and_polls_for_progress(client, two_seats):
    page = client.get(reverse("sandbox:class_dashboard", args=[two_seats.pk])).content.decode()
    assert 'data-testid="seat-row-1"' in page and 'data-testid="seat-row-2"' in page
    assert 'src="/static/sandbox/class_dashboard.js"' in page
    assert f'data-progress-url="/sandbox/lop/{two_seats.pk}/tien-do.json"' in page


def _dashboard_queries(client, training_class):
    for workspace in training_class.workspaces.all():
        _log_in(client, _nga(workspace)[1].username)
        client.logout()
    with CaptureQueriesContext(connection) as page:
        client.get(reverse("sandbox:class_dashboard", args=[training_class.pk]))
    with CaptureQueriesContext(connection) as poll:
        client.get(reverse("sandbox:class_progress", args=[training_class.pk]))
    return len(page), len(poll)


def test_dashboard_queries_do_not_grow_with_the_number_of_seats(client, db):
    ensure_personas()
    one = _dashboard_queries(client, create_class(name="Lớp một chỗ", seats=1))
    thirty = _dashboard_queries(client, create_class(name="Lớp ba mươi chỗ", seats=30))
    assert one == thirty


def test_timeline_shows_the_seats_hops_masked_and_not_anothers(client, two_seats):
    copy, account = _nga(two_seats.workspaces.first())
    vneid = VneidAccount.objects.get(citizen__cccd_number=copy.citizen["cccd_number"])
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.REQUEST_ANSWERED,
        account=vneid,
        endpoint="token",
        status_code=200,
        duration_ms=12,
    )
    LookupLog.objects.create(
        endpoint="verify",
        masked_number="0371******45",
        requested_by=f"portal-account:{account.pk}",
        result="match",
        status_code=200,
        duration_ms=7,
    )
    _, other = _nga(two_seats.workspaces.last())
    LookupLog.objects.create(
        endpoint="lookup",
        requested_by=f"portal-account:{other.pk}",
        result="found",
        status_code=200,
    )
    url = reverse("sandbox:seat_timeline", args=[two_seats.workspaces.first().code])
    page = client.get(url).content.decode()
    assert page.count('data-testid="hop"') == 2
    assert "/vneid/token" in page and "12 ms" in page
    assert "/registry/api/v1/citizens/verify" in page and "7 ms" in page
    assert copy.citizen["cccd_number"] not in page
    assert copy.citizen["cccd_number"][:4] + "******" in page
    assert "/registry/api/v1/citizens/lookup" not in page


def test_progress_json_is_plain_json(client, two_seats):
    response = client.get(reverse("sandbox:class_progress", args=[two_seats.pk]))
    body = json.loads(response.content)
    assert body["class"]["name"] == "Lớp 1" and len(body["seats"]) == 2


def test_class_pages_are_off_without_the_sandbox(client, two_seats, settings):
    settings.SANDBOX_ENABLED = False
    assert client.get(reverse("sandbox:class_dashboard", args=[two_seats.pk])).status_code == 404
