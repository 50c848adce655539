"""What every page of the account area (left menu, counters, breadcrumbs) needs."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q

from portal.models import Dossier


def dossier_counters(owner):
    """Return the owner's completed and in-progress dossier counts in one aggregate query."""
    return Dossier.objects.filter(owner=owner).aggregate(
        completed_count=Count("pk", filter=Q(status=Dossier.Status.COMPLETED)),
        in_progress_count=Count("pk", filter=Q(status__in=Dossier.IN_PROGRESS)),
    )


class AccountAreaMixin(LoginRequiredMixin):
    """Require login and give templates/accounts/account_base.html its context.

    Set `account_menu` to the key of the menu entry to highlight and, if needed, `crumbs` to
    the breadcrumb labels after "Trang chủ". Context keys added:

    - `account`: the logged-in user (the page's subject);
    - `completed_count`: dossiers with status "completed" ("Hồ sơ đã hoàn thành");
    - `in_progress_count`: dossiers in `Dossier.IN_PROGRESS` ("Hồ sơ đang xử lý");
    - `account_menu`: the active menu key: "account", "identity", "extended" or "dossiers";
    - `crumbs`: list of breadcrumb labels for templates/portal/breadcrumbs.html.
    """

    account_menu = ""
    crumbs = ("Thông tin tài khoản",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            account=self.request.user,
            account_menu=self.account_menu,
            crumbs=list(self.crumbs),
            **dossier_counters(self.request.user),
        )
        return context
