"""The portal's login policy: the PORTAL_LOGIN_POLICY setting, or the override chosen at run time.

Nghị định 59/2022/NĐ-CP makes VNeID the only account from 01/7/2024. The portal runs under one of
four policies (`accounts.models.LoginPolicy`): `legacy` (before 2024), `transition` (every login,
with a banner asking citizens to link their CCCD), `vneid_only` (the citizens' password, USB and
SIM logins explain the change and lead to VNeID; organisations still log in with their tax code
and password) and `vneid_only_all` (Nghị định 69/2024/NĐ-CP, from 01/7/2025: the same for
citizens, and the organisations' legacy login is refused too). The sandbox console switches it
at run time by writing `LoginPolicyOverride` through `set_policy`; reading it costs no query
once cached.
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
        """Whether the citizens' CMT/CCCD password, USB ký số and Sim ký số logins may be used."""
        return not self.vneid_only

    @property
    def vneid_only(self) -> bool:
        """Whether VNeID is the citizens' only account: under vneid_only and vneid_only_all."""
        return self.value in (LoginPolicy.VNEID_ONLY, LoginPolicy.VNEID_ONLY_ALL)

    @property
    def allows_legacy_organisation_logins(self) -> bool:
        """Whether organisations may log in with their tax code and password (until 30/6/2025)."""
        return self.value != LoginPolicy.VNEID_ONLY_ALL

    @property
    def vneid_only_all(self) -> bool:
        """Whether VNeID is the only account of organisations too."""
        return not self.allows_legacy_organisation_logins

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
