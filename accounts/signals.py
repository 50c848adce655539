"""Reactions of the accounts app to authentication events."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from .middleware import CCCD_PROMPT_SKIPPED


@receiver(user_logged_in, dispatch_uid="accounts.forget_cccd_prompt_skip")
def forget_cccd_prompt_skip(
    sender: type[AbstractBaseUser],
    request: HttpRequest | None,
    user: AbstractBaseUser,
    **kwargs: Any,
) -> None:
    """Ask again for the CCCD at every login, whatever way the person logged in."""
    # login() keeps session data when the same account logs in again without logging out.
    if request is not None and hasattr(request, "session"):
        request.session.pop(CCCD_PROMPT_SKIPPED, None)
