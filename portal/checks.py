"""System checks of the portal's own settings."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from accounts.models import LoginPolicy


@register()
def check_login_policy(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """Refuse a PORTAL_LOGIN_POLICY that is not one of the three policies."""
    if settings.PORTAL_LOGIN_POLICY in LoginPolicy.values:
        return []
    return [
        Error(
            f"PORTAL_LOGIN_POLICY is {settings.PORTAL_LOGIN_POLICY!r}.",
            hint="Use one of: " + ", ".join(LoginPolicy.values) + ".",
            id="portal.E001",
        )
    ]
