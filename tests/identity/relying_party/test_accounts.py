"""Which portal account a VNeID login lands in: linked, offered for linking, or new."""

import time
from datetime import date

import pytest
import time_machine
from django.conf import settings

from accounts.models import AuditEntry, User
from identity.relying_party.state import ID_TOKEN_SESSION_KEY, PENDING_LINK_SESSION_KEY
from tests.accounts.factories import PASSWORD, DossierFactory, UserFactory

from .conftest import LINK_PATH, NGA_CCCD, NGA_CMND, is_logged_in, log_in_with_vneid


def _actions(account):
    return list(account.audit_entries.order_by("id").values_list("action", flat=True))


# (1) The account already linked its CCCD (guide step 3 done).


def test_linked_account_is_logged_in_and_goes_to_next_with_its_old_dossiers(
    client, vneid, nga_linked
):
    DossierFactory(owner=nga_linked, code="G22.230410.000101")

    response = log_in_with_vneid(client, vneid, next_url="/ho-so/")

    assert response.status_code == 302
    assert response["Location"] == "/ho-so/"
    assert client.session["_auth_user_id"] == str(nga_linked.pk)
    assert client.session["_auth_user_backend"] == "accounts.backends.CmndOrCccdBackend"
    assert client.session[ID_TOKEN_SESSION_KEY] == vneid.tokens_issued[-1]
    assert "G22.230410.000101" in client.get("/ho-so/").content.decode()
    assert _actions(nga_linked) == [AuditEntry.Action.VNEID_LOGIN]


def test_linked_account_without_next_goes_to_the_home_page(client, vneid, nga_linked):
    response = log_in_with_vneid(client, vneid, next_url="")

    assert response["Location"] == "/"


def test_locked_account_is_refused_with_the_locked_message(client, vneid, db):
    UserFactory(username=NGA_CMND, cccd_number=NGA_CCCD, locked=True)

    response = log_in_with_vneid(client, vneid)

    assert response.status_code == 403
    assert "Tài khoản của bạn đã bị khoá" in response.content.decode()
    assert not is_logged_in(client)


# (2) A legacy account registered with the old CMND, CCCD never linked.


def test_legacy_account_gets_the_link_offer_and_is_not_linked_silently(client, vneid, nga_legacy):
    response = log_in_with_vneid(client, vneid)

    assert response.status_code == 302
    assert response["Location"] == LINK_PATH
    assert not is_logged_in(client)
    nga_legacy.refresh_from_db()
    assert nga_legacy.cccd_number == ""
    page = client.get(LINK_PATH).content.decode()
    assert f">{NGA_CMND}</strong>" in page
    assert "các hồ sơ đã nộp trước đây sẽ không hiển thị" in page
    assert 'value="link"' in page
    assert 'value="new"' in page


def test_legacy_account_registered_with_the_12_digit_number_gets_the_offer_too(client, vneid, db):
    legacy = UserFactory(username=NGA_CCCD, cmnd_number=NGA_CCCD, cccd_number="")

    response = log_in_with_vneid(client, vneid, old_cmnd_number=None)

    assert response["Location"] == LINK_PATH
    assert User.objects.get(pk=legacy.pk).cccd_number == ""


def test_link_with_the_right_password_links_refreshes_and_logs_in(client, vneid, nga_legacy):
    DossierFactory(owner=nga_legacy, code="G22.240520.000103")
    log_in_with_vneid(client, vneid, next_url="/ho-so/")

    response = client.post(LINK_PATH, {"action": "link", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/ho-so/"
    nga_legacy.refresh_from_db()
    assert nga_legacy.cccd_number == NGA_CCCD
    assert nga_legacy.full_name == "Tô Thị Nga"
    assert nga_legacy.birth_date == date(1990, 3, 15)
    assert nga_legacy.identity_refreshed_at is not None
    assert client.session["_auth_user_id"] == str(nga_legacy.pk)
    assert client.session[ID_TOKEN_SESSION_KEY] == vneid.tokens_issued[-1]
    assert PENDING_LINK_SESSION_KEY not in client.session
    assert "G22.240520.000103" in client.get("/ho-so/").content.decode()
    assert _actions(nga_legacy) == [
        AuditEntry.Action.CCCD_LINKED,
        AuditEntry.Action.IDENTITY_REFRESHED,
        AuditEntry.Action.VNEID_LOGIN,
    ]
    refreshed = nga_legacy.audit_entries.get(action=AuditEntry.Action.IDENTITY_REFRESHED)
    assert refreshed.changes == {"full_name": ["To Thi Nga", "Tô Thị Nga"]}
    assert User.objects.count() == 1


def test_next_login_after_linking_goes_straight_in(client, vneid, nga_legacy):
    log_in_with_vneid(client, vneid)
    client.post(LINK_PATH, {"action": "link", "password": PASSWORD})
    client.post("/dang-xuat/")

    response = log_in_with_vneid(client, vneid, next_url="/ho-so/")

    assert response["Location"] == "/ho-so/"
    assert client.session["_auth_user_id"] == str(nga_legacy.pk)


def test_link_with_a_wrong_password_is_refused_and_audited(client, vneid, nga_legacy):
    log_in_with_vneid(client, vneid)

    response = client.post(LINK_PATH, {"action": "link", "password": "sai-mat-khau"})

    assert response.status_code == 200
    assert "Mật khẩu không đúng" in response.content.decode()
    nga_legacy.refresh_from_db()
    assert nga_legacy.cccd_number == ""
    assert not is_logged_in(client)
    assert _actions(nga_legacy) == [AuditEntry.Action.VNEID_LINK_REFUSED]
    assert PENDING_LINK_SESSION_KEY in client.session


def test_link_is_locked_after_five_wrong_passwords_like_the_login(client, vneid, nga_legacy):
    log_in_with_vneid(client, vneid)

    statuses = [
        client.post(LINK_PATH, {"action": "link", "password": "sai"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    locked = client.post(LINK_PATH, {"action": "link", "password": PASSWORD})

    assert statuses == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    assert "Bạn đã đăng nhập sai quá 5 lần" in locked.content.decode()
    nga_legacy.refresh_from_db()
    assert nga_legacy.cccd_number == ""
    assert not is_logged_in(client)


def test_link_failures_count_with_the_password_login_of_the_same_account(client, vneid, nga_legacy):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(
            "/dang-nhap/",
            {
                "username": NGA_CMND,
                "password": "sai",
                "captcha_0": "k",
                "captcha_1": "PASSED",
            },
        )
    log_in_with_vneid(client, vneid)

    response = client.post(LINK_PATH, {"action": "link", "password": "sai"})

    assert response.status_code == 429


def test_continue_with_a_new_account_leaves_the_old_one_alone(client, vneid, nga_legacy):
    DossierFactory(owner=nga_legacy, code="G22.240520.000103")
    log_in_with_vneid(client, vneid, next_url="/ho-so/")

    response = client.post(LINK_PATH, {"action": "new"}, follow=True)

    new = User.objects.get(cccd_number=NGA_CCCD)
    assert new.pk != nga_legacy.pk
    assert new.username == NGA_CCCD
    assert not new.has_usable_password()
    assert new.full_name == "Tô Thị Nga"
    assert new.cmnd_number == NGA_CMND
    assert client.session["_auth_user_id"] == str(new.pk)
    page = response.content.decode()
    assert response.redirect_chain[0][0] == "/ho-so/"
    assert "không hiển thị trong tài khoản này" in page
    assert "bộ phận Hỗ trợ" in page
    assert "G22.240520.000103" not in page
    nga_legacy.refresh_from_db()
    assert nga_legacy.cccd_number == ""
    assert _actions(new) == [AuditEntry.Action.VNEID_ACCOUNT_CREATED]
    assert NGA_CMND[:4] in new.audit_entries.get().reason


def test_link_offer_expires_after_ten_minutes(client, vneid, nga_legacy):
    log_in_with_vneid(client, vneid)

    with time_machine.travel(time.time() + 601):
        response = client.post(LINK_PATH, {"action": "link", "password": PASSWORD})

    assert response.status_code == 400
    assert 'data-kind="expired"' in response.content.decode()
    nga_legacy.refresh_from_db()
    assert nga_legacy.cccd_number == ""
    assert PENDING_LINK_SESSION_KEY not in client.session


@pytest.mark.parametrize("method", ["get", "post"])
def test_link_page_without_a_vneid_login_is_refused(client, db, method):
    response = getattr(client, method)(LINK_PATH)

    assert response.status_code == 400
    assert 'data-kind="expired"' in response.content.decode()


# (3) No portal account at all.


def test_citizen_without_a_portal_account_gets_a_new_one(client, vneid, db):
    response = log_in_with_vneid(client, vneid, next_url="/ho-so/")

    assert response["Location"] == "/ho-so/"
    account = User.objects.get()
    assert account.username == NGA_CCCD
    assert account.cccd_number == NGA_CCCD
    assert account.cmnd_number == NGA_CMND
    assert (account.full_name, account.birth_date, account.gender) == (
        "Tô Thị Nga",
        date(1990, 3, 15),
        "female",
    )
    assert not account.has_usable_password()
    assert client.session["_auth_user_id"] == str(account.pk)
    page = client.get("/ho-so/").content.decode()
    assert "Đã tạo tài khoản trên Cổng Dịch vụ công Quốc gia" in page
    assert "liên hệ bộ phận Hỗ trợ của Cổng" in page
    assert _actions(account) == [AuditEntry.Action.VNEID_ACCOUNT_CREATED]


def test_one_cccd_one_account_is_explained(client, vneid, db):
    # An account already uses the number as its username but linked another CCCD.
    UserFactory(username=NGA_CCCD, cmnd_number=NGA_CCCD, cccd_number="001085004321")

    response = log_in_with_vneid(client, vneid, old_cmnd_number=None)

    assert response.status_code == 409
    assert "Mỗi số CCCD chỉ liên kết được với một tài khoản" in response.content.decode()
    assert User.objects.count() == 1
    assert not is_logged_in(client)
