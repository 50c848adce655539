"""Seeded personas look as if they had followed the guide: a linked one has its link audited."""

import pytest
from django.contrib.auth import get_user_model

from accounts.models import AuditEntry
from accounts.services import PURPOSE_LINK
from idnumbers.numbers import mask_number
from sandbox.personas import PERSONAS_BY_KEY, ensure_personas, reset_persona

LINKED = ("an", "khoa", "lan")


@pytest.fixture
def accounts(db):
    ensure_personas()
    users = get_user_model().objects
    return {
        key: users.get(username=PERSONAS_BY_KEY[key].account["username"])
        for key in PERSONAS_BY_KEY
        if PERSONAS_BY_KEY[key].account
    }


def _link_rows(account):
    return list(
        account.audit_entries.filter(
            action__in=[AuditEntry.Action.CCCD_LINKED, AuditEntry.Action.IDENTITY_REFRESHED]
        ).order_by("pk")
    )


@pytest.mark.parametrize("key", LINKED)
def test_a_seeded_linked_persona_has_the_audit_rows_of_a_real_link(accounts, key):
    account = accounts[key]

    linked, refreshed = _link_rows(account)

    assert linked.action == AuditEntry.Action.CCCD_LINKED
    assert linked.changes["cccd_number"][0] == ""
    assert linked.changes["cccd_number"][1] == mask_number(account.cccd_number)
    assert refreshed.action == AuditEntry.Action.IDENTITY_REFRESHED
    for entry in (linked, refreshed):
        assert entry.actor == account
        assert entry.actor_kind == AuditEntry.ActorKind.CITIZEN
        assert entry.reason == PURPOSE_LINK
    assert account.identity_refreshed_at is not None


def test_unlinked_personas_have_no_link_rows(accounts):
    assert _link_rows(accounts["nga"]) == []
    assert _link_rows(accounts["binh"]) == []


def test_resetting_a_linked_persona_adds_no_second_link(accounts):
    reset_persona("an")
    ensure_personas()

    assert len(_link_rows(accounts["an"])) == 2


def test_resetting_a_persona_a_tester_unlinked_links_it_again_with_audit(accounts):
    an = accounts["an"]
    an.cccd_number = ""
    an.save(update_fields=["cccd_number"])

    reset_persona("an")

    an.refresh_from_db()
    assert an.cccd_number == PERSONAS_BY_KEY["an"].account["cccd_number"]
    assert [row.action for row in _link_rows(an)][-2:] == [
        AuditEntry.Action.CCCD_LINKED,
        AuditEntry.Action.IDENTITY_REFRESHED,
    ]
