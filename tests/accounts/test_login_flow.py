"""The one end of every login (login_flow.finish_login): backend, audit row, next page."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from accounts import login_flow
from accounts.middleware import CCCD_PROMPT_SKIPPED, cccd_prompt_url, needs_cccd_prompt
from accounts.models import AuditEntry
from tests.personas import NGA_CCCD

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def _request(path="/dang-nhap/"):
    request = RequestFactory().post(path)
    request.session = SessionStore()
    request.user = None
    return request


@pytest.mark.parametrize(
    ("method", "action"),
    [
        ("password", AuditEntry.Action.PASSWORD_LOGIN),
        ("usb", AuditEntry.Action.USB_LOGIN),
        ("sim", AuditEntry.Action.SIM_LOGIN),
        ("vneid", AuditEntry.Action.VNEID_LOGIN),
    ],
)
def test_every_way_in_logs_in_with_the_portal_backend_and_audits_its_action(method, action):
    account = UserFactory(cccd_number=NGA_CCCD)
    request = _request()

    url = login_flow.finish_login(
        request, account=account, method=method, next_url="/ho-so/", audit_reason="lý do"
    )

    assert url == "/ho-so/"
    assert request.session[SESSION_KEY] == str(account.pk)
    assert request.session["_auth_user_backend"] == login_flow.LOGIN_BACKEND
    entry = account.audit_entries.get()
    assert (entry.action, entry.actor, entry.actor_kind, entry.reason) == (
        action,
        account,
        AuditEntry.ActorKind.CITIZEN,
        "lý do",
    )


def test_a_login_already_audited_with_its_account_change_writes_no_second_row():
    account = UserFactory(cccd_number=NGA_CCCD)

    login_flow.finish_login(
        _request(), account=account, method="vneid", next_url="", audit_reason=None
    )

    assert not account.audit_entries.exists()


def test_a_next_address_off_the_site_goes_to_the_home_page():
    account = UserFactory(cccd_number=NGA_CCCD)

    url = login_flow.finish_login(
        _request(), account=account, method="password", next_url="https://evil.example/"
    )

    assert url == "/"


def test_an_account_without_cccd_sees_the_cccd_screen_first_whatever_the_way_in():
    account = UserFactory()
    request = _request()
    # "Bỏ qua" in an earlier session of this browser is forgotten at login.
    request.session[CCCD_PROMPT_SKIPPED] = True

    url = login_flow.finish_login(request, account=account, method="sim", next_url="/ho-so/")

    assert url == "/tai-khoan/cap-nhat-cccd/?next=%2Fho-so%2F"


def test_an_unknown_way_in_is_a_code_error():
    with pytest.raises(ValueError, match="Unknown login method"):
        login_flow.finish_login(
            _request(), account=UserFactory(), method="fax", next_url="", audit_reason=""
        )


def test_the_cccd_prompt_is_not_shown_after_skip_nor_to_a_linked_or_anonymous_visitor():
    request = _request()
    request.user = UserFactory()
    assert needs_cccd_prompt(request)
    assert cccd_prompt_url("/x/") == "/tai-khoan/cap-nhat-cccd/?next=%2Fx%2F"

    request.session[CCCD_PROMPT_SKIPPED] = True
    assert not needs_cccd_prompt(request)

    request.session.pop(CCCD_PROMPT_SKIPPED)
    request.user = UserFactory(cccd_number=NGA_CCCD)
    assert not needs_cccd_prompt(request)

    request.user = AnonymousUser()
    assert not needs_cccd_prompt(request)
