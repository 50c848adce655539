"""Send logged-in accounts without a CCCD to the CCCD screen (guide step 2)."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

# Set by "Bỏ qua"; `accounts.signals` removes it at every login, so the prompt comes back.
CCCD_PROMPT_SKIPPED = "accounts.cccd_prompt_skipped"


def cccd_not_required(view_func):
    """Mark a view as reachable by an account that has not linked its CCCD."""
    view_func.cccd_not_required = True
    return view_func


def cccd_prompt_url(next_url):
    """Return the URL of the CCCD screen that continues to next_url afterwards."""
    return f"{reverse('accounts:update_cccd')}?{urlencode({'next': next_url})}"


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
        {"admin", "citizen_registry", "vneid", "certificate_authority", "mobile_operator"}
    )
    exempt_view_modules = ("captcha.", "django.contrib.staticfiles.", "django.views.static")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Only page navigations: a POST is never intercepted, so no form input is lost.
        if request.method not in ("GET", "HEAD"):
            return None
        if self.is_exempt(request, view_func):
            return None
        user = request.user
        if not user.is_authenticated or user.cccd_number:
            return None
        if request.session.get(CCCD_PROMPT_SKIPPED):
            return None
        return redirect(cccd_prompt_url(request.get_full_path()))

    def is_exempt(self, request, view_func):
        """Return whether the resolved view may be shown to an account without a CCCD."""
        if getattr(view_func, "cccd_not_required", False):
            return True
        match = request.resolver_match
        if match is not None and self.exempt_namespaces.intersection(match.namespaces):
            return True
        module = getattr(view_func, "__module__", "") or ""
        return module.startswith(self.exempt_view_modules)
