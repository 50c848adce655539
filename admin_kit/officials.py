"""Who is behind an admin page."""

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest

if TYPE_CHECKING:
    # The user model (AUTH_USER_MODEL) as django-stubs resolves it, without importing the app
    # that defines it; the name exists for the type checker only.
    from django.contrib.auth.models import _User as Official


def official(request: HttpRequest) -> "Official":
    """Return the official behind an admin request: the admin site lets only staff in."""
    return cast("Official", request.user)
