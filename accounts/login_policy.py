"""The portal's login policy: the PORTAL_LOGIN_POLICY setting, or the override chosen at run time.

Nghị định 59/2022/NĐ-CP makes VNeID the only account from 01/7/2024. The portal runs under one of
three policies (`accounts.models.LoginPolicy`): `legacy` (before 2024), `transition` (every login,
with a banner asking citizens to link their CCCD) and `vneid_only` (the password, USB and SIM
logins explain the change and lead to VNeID). The sandbox console switches it at run time by
writing `LoginPolicyOverride` through `set_policy`; reading it costs no query once cached.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .models import LoginPolicy, LoginPolicyOverride

CACHE_KEY = "accounts.login_policy.override"
# Each server process may keep its own cache (local memory): this bounds how long another
# process serves the previous policy after a switch.
CACHE_SECONDS = 10
# Cached for "no override row", so that the setting then applies without a query either.
NO_OVERRIDE = ""


@dataclass(frozen=True)
class PolicyState:
    """The policy in force and whether it comes from the run-time override."""

    value: str
    overridden: bool

    @property
    def label(self) -> str:
        return LoginPolicy(self.value).label

    @property
    def allows_legacy_logins(self) -> bool:
        """Whether the CMT/CCCD password, USB ký số and Sim ký số logins may be used."""
        return self.value != LoginPolicy.VNEID_ONLY

    @property
    def vneid_only(self) -> bool:
        return self.value == LoginPolicy.VNEID_ONLY

    @property
    def asks_to_link(self) -> bool:
        """Whether pages show the transition banner asking citizens to link their CCCD."""
        return self.value == LoginPolicy.TRANSITION


def current() -> PolicyState:
    """Return the policy in force: the run-time override if any, else the setting."""
    override = cache.get(CACHE_KEY)
    if override is None:
        override = (
            LoginPolicyOverride.objects.filter(pk=LoginPolicyOverride.SINGLETON_PK)
            .values_list("policy", flat=True)
            .first()
        ) or NO_OVERRIDE
        cache.set(CACHE_KEY, override, CACHE_SECONDS)
    if override:
        return PolicyState(override, overridden=True)
    return PolicyState(settings.PORTAL_LOGIN_POLICY, overridden=False)


@transaction.atomic
def set_policy(*, policy: str, changed_by: str = "") -> PolicyState:
    """Override the setting with policy until `clear_override` is called."""
    policy = LoginPolicy(policy).value
    LoginPolicyOverride.objects.update_or_create(
        pk=LoginPolicyOverride.SINGLETON_PK,
        defaults={"policy": policy, "changed_at": timezone.now(), "changed_by": changed_by},
    )
    _forget_cached()
    return PolicyState(policy, overridden=True)


@transaction.atomic
def clear_override() -> PolicyState:
    """Drop the run-time override: the PORTAL_LOGIN_POLICY setting applies again."""
    LoginPolicyOverride.objects.filter(pk=LoginPolicyOverride.SINGLETON_PK).delete()
    _forget_cached()
    return PolicyState(settings.PORTAL_LOGIN_POLICY, overridden=False)


def _forget_cached() -> None:
    cache.delete(CACHE_KEY)
    # Again after commit: a request reading meanwhile may have cached the old row.
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))
