"""The VNeID login's decisions (login.decide_login), without the protocol around them."""

from datetime import date

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from identity.relying_party import login
from identity.relying_party.protocol import CompletedLogin, VneidIdentity
from tests.accounts.factories import UserFactory
from tests.personas import NGA_CCCD, NGA_CMND

pytestmark = pytest.mark.django_db


def _decide(level=2, **identity):
    request = RequestFactory().get("/dang-nhap/vneid/callback/")
    request.session = SessionStore()
    fields = {
        "sub": "vneid-sub-1",
        "personal_id_number": NGA_CCCD,
        "old_cmnd_number": NGA_CMND,
        "full_name": "Tô Thị Nga",
        "birth_date": date(1990, 6, 12),
        "gender": "female",
        "level": level,
        **identity,
    }
    completed = CompletedLogin(VneidIdentity(**fields), id_token="token", next_url="/ho-so/")
    return login.decide_login(request, completed), request


def test_unknown_or_low_level_is_refused_and_keeps_the_next_page():
    unknown, _ = _decide(level=None)
    low, _ = _decide(level=1)

    assert (unknown.outcome, unknown.refusal, unknown.next_url) == (
        login.REFUSED,
        "level_unknown",
        "/ho-so/",
    )
    assert (low.outcome, low.refusal) == (login.REFUSED, "level")


def test_a_locked_linked_account_is_refused():
    UserFactory(cccd_number=NGA_CCCD, is_active=False)

    decision, _ = _decide()

    assert (decision.outcome, decision.refusal) == (login.REFUSED, "locked")


def test_a_legacy_account_is_only_offered_never_linked_silently():
    legacy = UserFactory(username=NGA_CMND)

    decision, request = _decide()

    assert (decision.outcome, decision.account) == (login.OFFER_LINK, legacy)
    legacy.refresh_from_db()
    assert legacy.cccd_number == ""
    assert request.session["vneid_login.pending_link"]["account_id"] == legacy.pk


def test_a_citizen_without_an_account_gets_a_new_one():
    decision, _ = _decide()

    assert decision.outcome == login.CREATED
    assert decision.account.cccd_number == NGA_CCCD
