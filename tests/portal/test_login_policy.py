"""PORTAL_LOGIN_POLICY: the setting, the run-time override, its cache and its check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks

from accounts import login_policy
from accounts.models import LoginPolicy, LoginPolicyOverride

ROOT = Path(__file__).resolve().parents[2]


def test_the_setting_applies_without_an_override(db, settings):
    settings.PORTAL_LOGIN_POLICY = "legacy"

    state = login_policy.current()

    assert state.value == "legacy"
    assert state.overridden is False
    assert state.allows_legacy_logins is True
    assert state.asks_to_link is False


def test_the_override_wins_over_the_setting_until_it_is_cleared(db, settings):
    settings.PORTAL_LOGIN_POLICY = "transition"

    login_policy.set_policy(policy="vneid_only", changed_by="test")
    overridden = login_policy.current()
    login_policy.clear_override()
    restored = login_policy.current()

    assert (overridden.value, overridden.overridden) == ("vneid_only", True)
    assert overridden.allows_legacy_logins is False
    assert overridden.vneid_only is True
    assert (restored.value, restored.overridden) == ("transition", False)
    assert not LoginPolicyOverride.objects.exists()


def test_switching_twice_keeps_one_row(db):
    login_policy.set_policy(policy="legacy")
    login_policy.set_policy(policy="vneid_only", changed_by="sandbox")

    row = LoginPolicyOverride.objects.get()
    assert (row.pk, row.policy, row.changed_by) == (1, "vneid_only", "sandbox")


def test_reading_the_policy_again_costs_no_query(db, django_assert_num_queries):
    login_policy.set_policy(policy="transition")
    with django_assert_num_queries(1):
        login_policy.current()
    with django_assert_num_queries(0):
        assert login_policy.current().value == "transition"


def test_no_override_is_cached_too_so_the_setting_costs_no_query(
    db, settings, django_assert_num_queries
):
    login_policy.current()
    settings.PORTAL_LOGIN_POLICY = "vneid_only"
    with django_assert_num_queries(0):
        assert login_policy.current().value == "vneid_only"


def test_a_switch_is_seen_at_once_by_the_next_read(db):
    login_policy.set_policy(policy="legacy")
    assert login_policy.current().value == "legacy"

    login_policy.set_policy(policy="vneid_only")

    assert login_policy.current().value == "vneid_only"


def test_an_unknown_policy_is_refused_and_nothing_is_written(db):
    with pytest.raises(ValueError):
        login_policy.set_policy(policy="everyone")
    assert not LoginPolicyOverride.objects.exists()


def test_the_labels_name_each_policy_in_vietnamese():
    labels = [login_policy.PolicyState(value, overridden=False).label for value in LoginPolicy]
    assert labels == [
        "Trước 2024: mọi cách đăng nhập, không nhắc liên kết",
        "Giai đoạn chuyển đổi: mọi cách đăng nhập, nhắc liên kết CCCD",
        "Từ 01/7/2024: VNeID là tài khoản duy nhất",
        "Từ 01/7/2025: VNeID là tài khoản duy nhất của công dân và tổ chức",
    ]


@pytest.mark.parametrize(
    ("value", "citizens_vneid_only", "organisations_legacy"),
    [
        ("legacy", False, True),
        ("transition", False, True),
        ("vneid_only", True, True),
        ("vneid_only_all", True, False),
    ],
)
def test_citizens_rules_are_the_same_under_both_vneid_only_policies(
    value, citizens_vneid_only, organisations_legacy
):
    state = login_policy.PolicyState(value, overridden=False)

    assert state.vneid_only is citizens_vneid_only
    assert state.allows_legacy_logins is not citizens_vneid_only
    assert state.allows_legacy_organisation_logins is organisations_legacy


def test_the_system_check_refuses_an_unknown_setting(settings):
    settings.PORTAL_LOGIN_POLICY = "everyone"

    errors = [error for error in run_checks() if error.id == "portal.E001"]

    assert len(errors) == 1
    assert "legacy, transition, vneid_only, vneid_only_all" in errors[0].hint


def test_the_system_check_accepts_each_policy(settings):
    for value in LoginPolicy.values:
        settings.PORTAL_LOGIN_POLICY = value
        assert not [error for error in run_checks() if error.id == "portal.E001"]


def test_settings_refuse_an_unknown_policy_from_the_environment():
    env = {**os.environ, "PORTAL_LOGIN_POLICY": "everyone"}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings.base"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert (
        "PORTAL_LOGIN_POLICY must be legacy, transition, vneid_only or vneid_only_all"
        in result.stderr
    )
