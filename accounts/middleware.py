"""Send logged-in accounts without a CCCD to the CCCD screen (guide step 2)."""

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Set by "Bỏ qua"; `accounts.signals` removes it at every login, so the prompt comes back.
CCCD_PROMPT_SKIPPED = "accounts.cccd_prompt_skipped"

View = TypeVar("View", bound=Callable[..., Any])


def cccd_not_required(view_func: View) -> View:
    """Mark a view as reachable by an account that has not linked its CCCD."""
    view_func.cccd_not_required = True  # type: ignore[attr-defined]
    return view_func


def cccd_prompt_url(next_url: str) -> str:
    """Return the URL of the CCCD screen that continues to next_url afterwards."""
    return f"{reverse('accounts:update_cccd')}?{urlencode({'next': next_url})}"


def needs_cccd_prompt(request: HttpRequest) -> bool:
    """Tell whether this session's account must see the CCCD screen before going on.

    The one place that decides: a logged-in citizen's account without a CCCD that has not
    chosen "Bỏ qua" since it logged in (an organisation's account has no CCCD to link). It
    reads only `request.user` and the session, which the authentication middleware loads
    anyway, so it adds no query.
    """
    user = request.user
    return (
        user.is_authenticated
        # An organisation has a tax code, never a CCCD to link.
        and not getattr(user, "is_organisation", False)
        and not user.cccd_number
        and not request.session.get(CCCD_PROMPT_SKIPPED)
    )


class CccdRequiredMiddleware:
    """Redirect page views of logged-in accounts without a CCCD to the CCCD screen.

    Modelled on Django's LoginRequiredMiddleware: the decision is taken in `process_view`, and
    views opt out with `@cccd_not_required` (for class-based views,
    `@method_decorator(cccd_not_required, name="dispatch")`). Views this project cannot decorate
    are exempt by where they come from, never by URL patterns, so moving a URL changes nothing:
    the URL namespaces of other organisations' apps and of the admin (`exempt_namespaces`), and
    the modules of third-party views (`exempt_view_modules`: captcha images and refresh, static
    files in development).

    It adds no database query: the exemptions are checked first from the resolved view alone,
    and the remaining views are pages whose header renders `request.user`, which the
    authentication middleware loads (session, then account) for them anyway.
    """

    exempt_namespaces = frozenset(
        {
            "admin",
            "citizen_registry",
            "vneid",
            "certificate_authority",
            "mobile_operator",
            # Another site with its own login: the national portal's prompt has no place there.
            "provincial_portal",
        }
    )
    exempt_view_modules = ("captcha.", "django.contrib.staticfiles.", "django.views.static")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        # Only page navigations: a POST is never intercepted, so no form input is lost.
        if request.method not in ("GET", "HEAD"):
            return None
        if self.is_exempt(request, view_func):
            return None
        if not needs_cccd_prompt(request):
            return None
        return redirect(cccd_prompt_url(request.get_full_path()))

    def is_exempt(self, request: HttpRequest, view_func: Callable[..., Any]) -> bool:
        """Return whether the resolved view may be shown to an account without a CCCD."""
        if getattr(view_func, "cccd_not_required", False):
            return True
        match = request.resolver_match
        if match is not None and self.exempt_namespaces.intersection(match.namespaces):
            return True
        module = getattr(view_func, "__module__", "") or ""
        return module.startswith(self.exempt_view_modules)
