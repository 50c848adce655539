"""The account area: menu and counters, identity, contact edit, extended information."""

import pytest
import requests
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEntry
from portal.models import Dossier
from portal.templatetags.dossier_tags import dossier_counters

from .conftest import LOOKUP_URL, NGA_CCCD, NGA_CMND, nga_record
from .factories import PASSWORD, DossierFactory, UserFactory

IDENTITY_URL = "/tai-khoan/thong-tin-dinh-danh/"
REFRESH_URL = "/tai-khoan/thong-tin-dinh-danh/cap-nhat-tu-csdl/"
CONTACT_URL = "/tai-khoan/thong-tin-dinh-danh/sua/"
EXTENDED_URL = "/tai-khoan/thong-tin-mo-rong/"


@pytest.fixture
def linked_nga(nga):
    nga.cccd_number = NGA_CCCD
    nga.save()
    return nga


@pytest.fixture
def nga_client(client, linked_nga):
    client.force_login(linked_nga)
    return client


def test_account_home_is_the_account_area_overview_with_its_pages(nga_client):
    response = nga_client.get("/tai-khoan/")

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["account_menu"] == "account"
    assert response.context["crumbs"] == ["Thông tin tài khoản"]
    assert '<h1 class="h5 mb-0">Thông tin tài khoản</h1>' in page
    assert "Đã cập nhật — tài khoản được nhận diện khi đăng nhập bằng VNeID" in page
    for url in (IDENTITY_URL, EXTENDED_URL, "/ho-so/"):
        assert f'href="{url}"' in page


def test_account_menu_holds_the_guide_entries_in_order(nga_client):
    page = nga_client.get(IDENTITY_URL).content.decode()

    menu = page[page.index('aria-label="Menu tài khoản"') :]
    entries = [
        "Thông tin tài khoản",
        "Thông tin định danh",
        "Thông tin mở rộng",
        "Quản lý dịch vụ công",
        "Hồ sơ của tôi",
    ]
    positions = [menu.index(entry) for entry in entries]
    assert positions == sorted(positions)
    assert 'href="/tai-khoan/"' in menu


@pytest.mark.parametrize("path", ["/tai-khoan/", IDENTITY_URL, CONTACT_URL, EXTENDED_URL])
def test_account_pages_require_login(client, db, path):
    assert client.get(path)["Location"].startswith("/dang-nhap/?next=")


def test_identity_page_shows_the_guide_fields_and_buttons(nga_client):
    page = nga_client.get(IDENTITY_URL).content.decode()

    for label in (
        "Họ tên",
        "Số CMT (9 số)",
        "Số CMT/CCCD (12 số)",
        "Ngày sinh",
        "Số điện thoại",
        "Giới tính",
        "Nơi sinh",
        "Email",
        "Quê Quán",
    ):
        assert f'<th scope="row">{label}</th>' in page
    for value in ("Tô Thị Nga", NGA_CMND, NGA_CCCD, "15/03/1990", "0912345678", "Nữ"):
        assert value in page
    assert f'action="{REFRESH_URL}"' in page
    assert "Cập nhật từ CSDL Quốc gia về Dân cư</button>" in page
    assert f'href="{CONTACT_URL}"' in page


def test_identity_page_has_the_account_menu_breadcrumbs_and_counters(nga_client, linked_nga):
    for status in ("completed", "completed", "received", "processing", "supplement", "rejected"):
        DossierFactory(owner=linked_nga, status=status)
    DossierFactory(status="completed")

    response = nga_client.get(IDENTITY_URL)

    page = response.content.decode()
    assert response.context["account_menu"] == "identity"
    assert response.context["crumbs"] == ["Thông tin tài khoản"]
    assert 'data-testid="completed-count">2<' in page
    assert 'data-testid="in-progress-count">3<' in page
    assert "Hồ sơ đã hoàn thành" in page
    assert "Hồ sơ đang xử lý" in page
    assert 'data-testid="account-initials">TN<' in page
    assert ">Trang chủ</a>" in page
    assert 'aria-current="page">Thông tin tài khoản</li>' in page
    for entry in ("Thông tin định danh", "Thông tin mở rộng", "Quản lý dịch vụ công"):
        assert entry in page
    assert 'href="/ho-so/">Hồ sơ của tôi</a>' in page


def test_dossier_counters_take_one_query(nga):
    DossierFactory(owner=nga, status=Dossier.Status.COMPLETED)

    with CaptureQueriesContext(connection) as queries:
        counters = dossier_counters(nga)

    assert counters == {"completed_count": 1, "in_progress_count": 0}
    assert len(queries) == 1


def test_identity_page_of_an_unlinked_account_warns_about_vneid(client, nga):
    client.force_login(nga)
    session = client.session
    session["accounts.cccd_prompt_skipped"] = True
    session.save()

    page = client.get(IDENTITY_URL).content.decode()

    assert "Tài khoản của bạn chưa cập nhật số CCCD" in page
    assert "không được nhận diện khi bạn đăng nhập bằng VNeID" in page


def test_refresh_button_of_an_unlinked_account_opens_the_cccd_screen(client, nga):
    client.force_login(nga)

    response = client.post(REFRESH_URL)

    assert response["Location"] == (
        "/tai-khoan/cap-nhat-cccd/?next=%2Ftai-khoan%2Fthong-tin-dinh-danh%2F"
    )


def test_refresh_button_updates_identity_from_the_registry(nga_client, linked_nga, registry):
    registry.post(LOOKUP_URL, json=nga_record())

    response = nga_client.post(REFRESH_URL, follow=True)

    assert response.redirect_chain == [(IDENTITY_URL, 302)]
    assert "Đã cập nhật thông tin định danh" in response.content.decode()
    linked_nga.refresh_from_db()
    assert linked_nga.place_of_origin == "Xã Ninh Hải, Huyện Hoa Lư, Tỉnh Ninh Bình"
    entry = linked_nga.audit_entries.get()
    assert entry.action == AuditEntry.Action.IDENTITY_REFRESHED
    assert entry.actor_kind == AuditEntry.ActorKind.CITIZEN


def test_refresh_button_says_when_nothing_changed(nga_client, linked_nga, registry):
    registry.post(
        LOOKUP_URL,
        json=nga_record(place_of_birth="Ninh Bình", place_of_origin="Ninh Bình"),
    )

    response = nga_client.post(REFRESH_URL, follow=True)

    assert "không có thay đổi" in response.content.decode()


def test_refresh_button_when_the_registry_is_down_changes_nothing(nga_client, linked_nga, registry):
    registry.post(LOOKUP_URL, body=requests.ConnectionError("refused"))

    response = nga_client.post(REFRESH_URL, follow=True)

    assert "Hiện chưa kết nối được tới Cơ sở dữ liệu Quốc gia về Dân cư" in (
        response.content.decode()
    )
    linked_nga.refresh_from_db()
    assert linked_nga.identity_refreshed_at is None
    assert not linked_nga.audit_entries.exists()


def test_refresh_button_when_the_registry_lost_the_record(nga_client, registry):
    registry.post(LOOKUP_URL, status=404, json={"error": "not_found", "message": "…"})

    response = nga_client.post(REFRESH_URL, follow=True)

    assert "không có thông tin của số CCCD đã liên kết" in response.content.decode()


def test_refresh_is_post_only(nga_client):
    assert nga_client.get(REFRESH_URL).status_code == 405


def test_contact_edit_saves_phone_and_email_with_an_audit_row(nga_client, linked_nga):
    response = nga_client.post(
        CONTACT_URL,
        {
            "phone": "+84 987 654 321",
            "email": "Nga.Moi@Example.vn",
            "current_password": PASSWORD,
            "full_name": "Người Khác",
        },
        follow=True,
    )

    assert response.redirect_chain == [(IDENTITY_URL, 302)]
    assert "Đã cập nhật thông tin liên hệ." in response.content.decode()
    linked_nga.refresh_from_db()
    assert linked_nga.phone == "0987654321"
    assert linked_nga.email == "nga.moi@example.vn"
    assert linked_nga.full_name == "Tô Thị Nga"
    entry = linked_nga.audit_entries.get()
    assert entry.action == AuditEntry.Action.CONTACT_CHANGED
    assert entry.changes == {
        "phone": ["0912345678", "0987654321"],
        "email": ["to.thi.nga@example.vn", "nga.moi@example.vn"],
    }


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"phone": "12345", "email": ""}, "phone", "phone_format"),
        ({"phone": "0912 345 678 999", "email": ""}, "phone", "phone_format"),
        ({"phone": "", "email": "khong-phai-email"}, "email", "invalid"),
        ({"phone": "٠٩١٢٣٤٥٦٧٨", "email": ""}, "phone", "phone_format"),
    ],
)
def test_contact_edit_rejects_invalid_data(nga_client, linked_nga, data, field, code):
    response = nga_client.post(CONTACT_URL, data)

    assert response.status_code == 200
    assert response.context["form"].has_error(field, code=code)
    assert not linked_nga.audit_entries.exists()


def test_changing_the_email_needs_the_current_password(nga_client, linked_nga):
    response = nga_client.post(
        CONTACT_URL,
        {"phone": "0912345678", "email": "ke.gian@example.vn", "current_password": "sai"},
    )

    assert response.context["form"].has_error("current_password", code="wrong_password")
    assert 'value="ke.gian@example.vn"' in response.content.decode()
    linked_nga.refresh_from_db()
    assert linked_nga.email == "to.thi.nga@example.vn"
    assert not linked_nga.audit_entries.exists()


def test_guessing_the_password_on_the_contact_form_is_throttled_like_the_login(
    nga_client, linked_nga, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        nga_client.post(
            CONTACT_URL,
            {"phone": "0912345678", "email": "ke.gian@example.vn", "current_password": "sai"},
        )

    response = nga_client.post(
        CONTACT_URL,
        {"phone": "0912345678", "email": "ke.gian@example.vn", "current_password": PASSWORD},
    )

    assert response.status_code == 429
    linked_nga.refresh_from_db()
    assert linked_nga.email == "to.thi.nga@example.vn"


@pytest.mark.parametrize("typed", ["84 912 345 678", "+84 912.345.678", "０９１２３４５６７８"])
def test_contact_edit_reads_a_phone_as_the_sim_login_does(nga_client, linked_nga, typed):
    nga_client.post(CONTACT_URL, {"phone": typed, "email": "to.thi.nga@example.vn"})

    linked_nga.refresh_from_db()
    assert linked_nga.phone == "0912345678"


def test_changing_only_the_phone_needs_no_password(nga_client, linked_nga):
    nga_client.post(CONTACT_URL, {"phone": "0987654321", "email": "to.thi.nga@example.vn"})

    linked_nga.refresh_from_db()
    assert linked_nga.phone == "0987654321"


def test_contact_edit_page_is_prefilled_and_explains_what_is_not_editable(nga_client):
    page = nga_client.get(CONTACT_URL).content.decode()

    assert 'value="0912345678"' in page
    assert 'value="to.thi.nga@example.vn"' in page
    assert "Bạn chỉ sửa được số điện thoại và email" in page
    assert 'name="full_name"' not in page


def test_extended_page_shows_link_state_login_methods_and_history(nga_client, linked_nga):
    AuditEntry.objects.create(
        account=linked_nga,
        actor=linked_nga,
        actor_kind=AuditEntry.ActorKind.CITIZEN,
        action=AuditEntry.Action.CCCD_LINK_REFUSED,
        reason="CCCD 0371******45: full_name: mismatch",
    )

    response = nga_client.get(EXTENDED_URL)

    page = response.content.decode()
    assert response.context["account_menu"] == "extended"
    assert "Ngày đăng ký tài khoản" in page
    assert "Lần đăng nhập gần nhất" in page
    assert 'data-testid="cccd-link-status">\n        Đã liên kết' in page
    assert "Chưa lần nào" in page
    assert "số CMT hoặc số CCCD đã liên kết và mật khẩu" in page
    assert "Từ chối liên kết số CCCD" in page
    assert "full_name" not in page


def test_extended_page_of_an_unlinked_account_offers_the_link(client, nga):
    client.force_login(nga)
    session = client.session
    session["accounts.cccd_prompt_skipped"] = True
    session.save()

    page = client.get(EXTENDED_URL).content.decode()

    assert "Chưa liên kết" in page
    assert 'href="/tai-khoan/cap-nhat-cccd/?next=/tai-khoan/thong-tin-mo-rong/"' in page
    assert "sẽ không được nhận diện khi đăng nhập bằng VNeID" in page


def test_menu_names_a_person_without_full_name_by_username(client, db):
    account = UserFactory(full_name="", cccd_number="001085004321")
    client.force_login(account)

    page = client.get(IDENTITY_URL).content.decode()

    assert f'data-testid="account-name">{account.username}<' in page


def test_identity_rows_carry_edit_marks_that_lead_somewhere_real(nga_client):
    page = nga_client.get(IDENTITY_URL).content.decode()

    for key, label in (("phone", "Số điện thoại"), ("email", "Email")):
        assert (
            f'href="{CONTACT_URL}#id_{key}" title="Sửa {label}" aria-label="Sửa {label}" '
            f'data-testid="edit-mark-{key}"'
        ) in page
    for key, label in (
        ("full_name", "Họ tên"),
        ("cmnd_9", "Số CMT (9 số)"),
        ("number_12", "Số CMT/CCCD (12 số)"),
        ("birth_date", "Ngày sinh"),
        ("gender", "Giới tính"),
        ("place_of_birth", "Nơi sinh"),
        ("place_of_origin", "Quê Quán"),
    ):
        assert (
            f'type="submit" form="identity-refresh-form" '
            f'title="Cập nhật {label} từ CSDL Quốc gia về Dân cư"'
        ) in page, key
    assert f'action="{REFRESH_URL}" id="identity-refresh-form"' in page
    assert page.count('class="btn btn-link btn-sm edit-mark"') == 9


def test_extended_page_names_the_login_methods_of_the_policy(nga_client, settings):
    settings.PORTAL_LOGIN_POLICY = "transition"
    page = nga_client.get(EXTENDED_URL).content.decode()
    assert 'chọn thẻ "USB ký số" tại màn hình đăng nhập' in page
    assert 'chọn thẻ "Sim ký số" tại màn hình đăng nhập' in page
    assert "chưa được mô phỏng" not in page

    settings.PORTAL_LOGIN_POLICY = "vneid_only"
    page = nga_client.get(EXTENDED_URL).content.decode()
    assert 'data-testid="login-methods-vneid-only"' in page
    assert 'chọn thẻ "USB ký số"' not in page
    assert 'chọn thẻ "Sim ký số"' not in page
