"""What every page of the account area (left menu, breadcrumbs) needs.

The dossier counters of the menu come from the portal's `dossier_counters` template tag.
"""

from typing import TYPE_CHECKING, Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse

from .models import User

if TYPE_CHECKING:
    from django.views.generic.base import ContextMixin
else:
    ContextMixin = object


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind a login requirement: its user is an account, never anonymous."""

    user: User


class AccountAreaMixin(LoginRequiredMixin, ContextMixin):
    """Require login and give accounts/templates/accounts/account_base.html its context.

    Set `account_menu` to the key of the menu entry to highlight and, if needed, `crumbs` to
    the breadcrumb labels after "Trang chủ". Context keys added:

    - `account`: the logged-in user (the page's subject);
    - `account_menu`: the active menu key: "account", "identity", "extended" or "dossiers";
    - `crumbs`: list of breadcrumb labels for portal/templates/portal/breadcrumbs.html.
    """

    request: HttpRequest
    account_menu = ""
    crumbs: tuple[str, ...] = ("Thông tin tài khoản",)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            account=self.request.user,
            account_menu=self.account_menu,
            crumbs=list(self.crumbs),
        )
        return context


class CitizenAccountOnlyMixin:
    """Send an organisation's account from a citizen's page (CCCD, identity) to its own page.

    Put it after the login requirement: the account is known by then. An organisation has no
    CCCD to link and no population record to refresh; its data is on "Thông tin tổ chức".
    """

    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if getattr(request.user, "is_organisation", False):
            return HttpResponseRedirect(reverse("accounts:organisation"))
        response: HttpResponseBase = super().dispatch(  # type: ignore[misc]
            request, *args, **kwargs
        )
        return response
