from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts import login_policy

from . import guide


def portal(request: HttpRequest) -> dict[str, Any]:
    """Expose what every page's header needs without touching the database."""
    return {
        "sandbox_enabled": settings.SANDBOX_ENABLED,
        # Lazy: read (from the cache) only by the pages that show it.
        "login_policy": SimpleLazyObject(login_policy.current),
        "guide_enabled": guide.guide_enabled(request),
        "guide_step": guide.current_step(request),
    }
