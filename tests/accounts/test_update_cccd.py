"""The CCCD screen (guide steps 2–3): local rules, the registry match, and every failure."""

import json
import logging

import pytest
import requests

from accounts.models import AuditEntry

from .conftest import LOOKUP_URL, NGA_CCCD, NGA_CMND, VERIFY_URL, nga_record, verify_answer
from .factories import UserFactory

CCCD_URL = "/tai-khoan/cap-nhat-cccd/"
NEXT = "/ho-so/"
GENERIC_MISMATCH = "Thông tin không khớp với Cơ sở dữ liệu Quốc gia về Dân cư"
UNREACHABLE = "Hiện chưa kết nối được tới Cơ sở dữ liệu Quốc gia về Dân cư"


@pytest.fixture
def nga_client(client, nga):
    client.force_login(nga)
    return client


def update(client, number, next_url=NEXT):
    return client.post(
        f"{CCCD_URL}?next={next_url}",
        {"cccd_number": number, "action": "update", "next": next_url},
    )


def test_cccd_screen_shows_the_guide_texts(nga_client):
    page = nga_client.get(f"{CCCD_URL}?next={NEXT}").content.decode()

    assert ">Chứng minh nhân dân*</label>" in page
    assert f'value="{NGA_CMND}" readonly' in page
    assert ">Số CCCD *</label>" in page
    assert 'placeholder="Nhập số cccd"' in page
    assert ">Bỏ qua</button>" in page
    assert ">Cập nhật</button>" in page
    assert (
        "* Tài khoản của bạn chưa cập nhật số CCCD, vui lòng nhập thông tin để cập nhật số CCCD "
        "từ Cơ sở dữ liệu Quốc gia về Dân cư"
    ) in page
    assert f'name="next" value="{NEXT}"' in page


def test_cccd_screen_requires_login(client, db):
    response = client.get(CCCD_URL)

    assert response["Location"].startswith("/dang-nhap/?next=")


def test_cccd_screen_of_a_linked_account_goes_to_next(client, db):
    client.force_login(UserFactory(cccd_number="001085004321"))

    response = client.get(f"{CCCD_URL}?next={NEXT}")

    assert response["Location"] == NEXT


def test_skip_continues_to_next_without_linking(nga_client, nga):
    response = nga_client.post(CCCD_URL, {"action": "skip", "next": NEXT, "cccd_number": ""})

    assert response["Location"] == NEXT
    nga.refresh_from_db()
    assert nga.cccd_number == ""


@pytest.mark.parametrize("next_url", ["//evil.com", "https://evil.com/", "/\\evil.com"])
def test_skip_never_leaves_the_site(nga_client, next_url):
    response = nga_client.post(CCCD_URL, {"action": "skip", "next": next_url})

    assert response["Location"] == "/"


def test_skip_with_next_pointing_at_the_cccd_screen_goes_home(nga_client):
    response = nga_client.post(CCCD_URL, {"action": "skip", "next": CCCD_URL})

    assert response["Location"] == "/"


@pytest.mark.parametrize(
    ("number", "code", "message"),
    [
        ("", "required", "Vui lòng nhập số CCCD."),
        ("03719061234", "length", "phải gồm đúng 12 chữ số (bạn đã nhập 11 chữ số)"),
        ("03719061234a", "not_digits", "Số CCCD chỉ gồm các chữ số."),
        ("999190612345", "province", "3 chữ số đầu (999) không phải mã tỉnh"),
        ("037185612345", "birth_year", "không khớp với năm sinh 1990 của tài khoản"),
        ("037090612345", "gender", "Chữ số thứ 4 (0) không khớp với giới tính nữ"),
    ],
)
def test_local_rules_say_which_part_is_wrong_without_asking_the_registry(
    nga_client, registry, number, code, message
):
    response = update(nga_client, number)

    assert response.status_code == 200
    assert response.context["form"].has_error("cccd_number", code=code)
    assert message in response.content.decode()
    assert len(registry.calls) == 0


def test_century_digit_is_checked_for_birth_year_and_gender(nga_client, registry):
    response = update(nga_client, "037390612345")

    form = response.context["form"]
    assert form.has_error("cccd_number", code="birth_year")
    assert not form.has_error("cccd_number", code="gender")
    response = update(nga_client, "037080612345")
    form = response.context["form"]
    assert form.has_error("cccd_number", code="birth_year")
    assert form.has_error("cccd_number", code="gender")


def _stub_match(registry, **record):
    registry.post(VERIFY_URL, json=verify_answer())
    registry.post(LOOKUP_URL, json=nga_record(**record))


def test_match_saves_the_cccd_refreshes_identity_and_continues(nga_client, nga, registry):
    _stub_match(registry)

    response = update(nga_client, NGA_CCCD)

    assert response.status_code == 302
    assert response["Location"] == NEXT
    nga.refresh_from_db()
    assert nga.cccd_number == NGA_CCCD
    assert nga.place_of_birth == "Xã Ninh Hải, Huyện Hoa Lư, Tỉnh Ninh Bình"
    assert nga.identity_refreshed_at is not None
    verify_body = json.loads(registry.calls[0].request.body)
    assert verify_body == {
        "cccd_number": NGA_CCCD,
        "cmnd_number": NGA_CMND,
        "full_name": "Tô Thị Nga",
        "birth_date": "1990-03-15",
        "purpose": "cccd_linking",
        "requested_by": f"portal-account:{nga.pk}",
    }
    next_page = nga_client.get("/tai-khoan/thong-tin-dinh-danh/").content.decode()
    assert "Cập nhật số CCCD thành công" in next_page


def test_match_accepts_full_width_digits_spaces_and_dots(nga_client, nga, registry):
    _stub_match(registry)
    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in NGA_CCCD)

    update(nga_client, f" {full_width[:3]}.{full_width[3:6]} {full_width[6:]} ")

    nga.refresh_from_db()
    assert nga.cccd_number == NGA_CCCD
    assert json.loads(registry.calls[0].request.body)["cccd_number"] == NGA_CCCD


def test_match_writes_masked_audit_rows(nga_client, nga, registry):
    _stub_match(registry)

    update(nga_client, NGA_CCCD)

    linked = nga.audit_entries.get(action=AuditEntry.Action.CCCD_LINKED)
    assert linked.changes == {"cccd_number": ["", "0371******45"]}
    assert linked.actor == nga
    assert linked.actor_kind == AuditEntry.ActorKind.CITIZEN
    refreshed = nga.audit_entries.get(action=AuditEntry.Action.IDENTITY_REFRESHED)
    assert refreshed.changes == {
        "place_of_birth": ["Ninh Bình", "Xã Ninh Hải, Huyện Hoa Lư, Tỉnh Ninh Bình"],
        "place_of_origin": ["Ninh Bình", "Xã Ninh Hải, Huyện Hoa Lư, Tỉnh Ninh Bình"],
    }


def test_mismatch_shows_one_generic_message_and_keeps_the_reason_for_officials(
    nga_client, nga, registry, caplog
):
    registry.post(VERIFY_URL, json=verify_answer(match=False, full_name="mismatch"))
    caplog.set_level(logging.INFO)

    response = update(nga_client, NGA_CCCD)

    page = response.content.decode()
    assert GENERIC_MISMATCH in page
    assert "full_name" not in page
    assert response.context["form"].has_error("__all__", code="mismatch")
    nga.refresh_from_db()
    assert nga.cccd_number == ""
    refusal = nga.audit_entries.get(action=AuditEntry.Action.CCCD_LINK_REFUSED)
    assert refusal.reason == "CCCD 0371******45: full_name: mismatch"
    log = "\n".join(record.getMessage() for record in caplog.records)
    assert "full_name: mismatch" in log
    assert NGA_CCCD not in log
    assert NGA_CMND not in log


def test_unknown_cccd_shows_the_same_generic_message(nga_client, nga, registry):
    registry.post(
        VERIFY_URL,
        json={"match": False, "citizen_status": None, "fields": {"cccd_number": "not_found"}},
    )

    response = update(nga_client, NGA_CCCD)

    assert GENERIC_MISMATCH in response.content.decode()
    assert nga.audit_entries.get().reason == "CCCD 0371******45: cccd_number: not_found"


def test_deceased_citizen_is_refused_even_when_the_fields_match(nga_client, nga, registry):
    answer = verify_answer()
    answer["citizen_status"] = "deceased"
    registry.post(VERIFY_URL, json=answer)

    response = update(nga_client, NGA_CCCD)

    assert GENERIC_MISMATCH in response.content.decode()
    assert "citizen_status: deceased" in nga.audit_entries.get().reason


def test_cccd_linked_to_another_account_is_explained_without_asking_the_registry(
    nga_client, nga, registry
):
    UserFactory(cccd_number=NGA_CCCD)

    response = update(nga_client, NGA_CCCD)

    assert "đã được liên kết với một tài khoản khác" in response.content.decode()
    assert response.context["form"].has_error("__all__", code="already_linked")
    assert len(registry.calls) == 0
    nga.refresh_from_db()
    assert nga.cccd_number == ""


def test_cccd_used_as_another_accounts_username_counts_as_linked(nga_client, registry):
    UserFactory(username=NGA_CCCD, cmnd_number="")

    response = update(nga_client, NGA_CCCD)

    assert response.context["form"].has_error("__all__", code="already_linked")


def test_race_lost_to_another_account_gets_the_same_message(nga_client, nga, registry):
    """Another account links the number while the registry answers: the constraint decides."""
    registry.post(VERIFY_URL, json=verify_answer())

    def lookup_while_another_account_links(request):
        UserFactory(cccd_number=NGA_CCCD)
        return 200, {}, json.dumps(nga_record())

    registry.add_callback("POST", LOOKUP_URL, callback=lookup_while_another_account_links)

    response = update(nga_client, NGA_CCCD)

    assert "đã được liên kết với một tài khoản khác" in response.content.decode()
    nga.refresh_from_db()
    assert nga.cccd_number == ""
    assert not nga.audit_entries.filter(action=AuditEntry.Action.CCCD_LINKED).exists()
    assert "constraint" in nga.audit_entries.get(action=AuditEntry.Action.CCCD_LINK_REFUSED).reason


@pytest.mark.parametrize(
    ("endpoint", "answer"),
    [
        (VERIFY_URL, {"body": requests.ReadTimeout("slow")}),
        (VERIFY_URL, {"status": 503, "json": {"error": "unavailable", "message": "Bảo trì"}}),
        (VERIFY_URL, {"body": requests.ConnectionError("Connection refused")}),
        (VERIFY_URL, {"status": 500, "json": {"error": "internal_error", "message": "Lỗi"}}),
        (VERIFY_URL, {"status": 401, "json": {"error": "unauthorized", "message": "Khoá sai"}}),
        (LOOKUP_URL, {"body": requests.ReadTimeout("slow")}),
    ],
)
def test_registry_trouble_keeps_the_number_and_saves_nothing(
    nga_client, nga, registry, endpoint, answer
):
    if endpoint == LOOKUP_URL:
        registry.post(VERIFY_URL, json=verify_answer())
    registry.post(endpoint, **answer)

    response = update(nga_client, NGA_CCCD)

    assert response.status_code == 200
    page = response.content.decode()
    assert UNREACHABLE in page
    assert "thử lại sau" in page
    assert f'value="{NGA_CCCD}"' in page
    nga.refresh_from_db()
    assert nga.cccd_number == ""
    assert nga.identity_refreshed_at is None
    assert not nga.audit_entries.exists()


def test_double_submit_links_once(nga_client, nga, registry):
    _stub_match(registry)

    first = update(nga_client, NGA_CCCD)
    second = update(nga_client, NGA_CCCD)

    assert first["Location"] == second["Location"] == NEXT
    assert len(registry.calls) == 2
    assert nga.audit_entries.filter(action=AuditEntry.Action.CCCD_LINKED).count() == 1


def test_account_without_birth_date_is_verified_on_what_it_has(client, db, registry):
    account = UserFactory(birth_date=None, gender="", cmnd_number="")
    client.force_login(account)
    registry.post(VERIFY_URL, json=verify_answer(match=False, cmnd_number="mismatch"))

    response = update(client, NGA_CCCD)

    assert GENERIC_MISMATCH in response.content.decode()
    body = json.loads(registry.calls[0].request.body)
    assert "birth_date" not in body
    assert body["cmnd_number"] == account.username
