"""Public pages of the portal, its e-service and the citizen's dossiers."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import DatabaseError, connection
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView

from accounts.middleware import cccd_not_required
from accounts.mixins import AccountAreaMixin, AuthenticatedHttpRequest
from admin_kit.redirects import local_url
from identity.relying_party import logout as vneid_logout

from .forms import CriminalRecordRequestForm
from .guide import GUIDE_COOKIE, GUIDE_COOKIE_MAX_AGE
from .models import Dossier
from .services import CRIMINAL_RECORD_PROCEDURE, DuplicateSubmission, file_dossier

INFO_PAGES = {
    "about": "portal/about.html",
    "payment": "portal/payment.html",
    "feedback": "portal/feedback.html",
    "help": "portal/help.html",
}

PUBLIC_SERVICES = [
    {
        "code": CRIMINAL_RECORD_PROCEDURE[0],
        "name": CRIMINAL_RECORD_PROCEDURE[1],
        "agency": "Bộ Tư pháp",
        "level": "Dịch vụ công trực tuyến toàn trình",
        "url_name": "portal:criminal_record_service",
    },
]


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"services": PUBLIC_SERVICES})


def info_page(request: HttpRequest, page: str) -> HttpResponse:
    if page not in INFO_PAGES:
        raise Http404
    return render(request, INFO_PAGES[page])


def services(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/services.html", {"services": PUBLIC_SERVICES})


@cccd_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the app and its database answer, 503 otherwise (for scripts that wait)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class DossierListView(AccountAreaMixin, ListView):
    """'Hồ sơ của tôi': the dossiers of the logged-in account, newest first."""

    template_name = "portal/dossier_list.html"
    context_object_name = "dossiers"
    paginate_by = 20
    account_menu = "dossiers"
    crumbs = ("Quản lý dịch vụ công", "Hồ sơ của tôi")
    request: AuthenticatedHttpRequest

    def get_queryset(self) -> QuerySet[Dossier]:
        return Dossier.objects.filter(owner=self.request.user)


class CriminalRecordServiceView(LoginRequiredMixin, FormView):
    """The 'màn hình nghiệp vụ' of the guide: an e-service that files a dossier."""

    template_name = "portal/criminal_record_service.html"
    form_class = CriminalRecordRequestForm
    request: AuthenticatedHttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if getattr(request.user, "is_organisation", False):
            # A criminal record certificate is a person's: an organisation files none.
            messages.info(
                request,
                f"Thủ tục “{CRIMINAL_RECORD_PROCEDURE[1]}” dành cho cá nhân; tài khoản tổ chức "
                "không nộp được hồ sơ này, và chưa có hồ sơ nào được tạo. Người cần cấp phiếu vui "
                "lòng đăng xuất rồi đăng nhập bằng tài khoản cá nhân của mình.",
            )
            return redirect(reverse("portal:services"))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {**super().get_initial(), "submission_token": uuid.uuid4()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            procedure_code=CRIMINAL_RECORD_PROCEDURE[0],
            procedure_name=CRIMINAL_RECORD_PROCEDURE[1],
            **kwargs,
        )

    def form_valid(self, form: CriminalRecordRequestForm) -> HttpResponse:
        data = form.cleaned_data
        details = {
            "certificate_type": data["certificate_type"],
            "purpose": data["purpose"],
            "copies": data["copies"],
            "delivery": data["delivery"],
            "delivery_address": data["delivery_address"],
        }
        try:
            dossier = file_dossier(
                owner=self.request.user,
                procedure=CRIMINAL_RECORD_PROCEDURE,
                details=details,
                submission_token=data["submission_token"],
            )
        except DuplicateSubmission as duplicate:
            messages.info(
                self.request,
                f"Hồ sơ {duplicate.dossier.code} đã được nộp trước đó; hệ thống không tạo "
                "hồ sơ trùng lặp.",
            )
            return redirect(reverse("portal:dossiers"))
        messages.success(
            self.request,
            f"Nộp hồ sơ thành công. Mã hồ sơ của bạn là {dossier.code}. "
            "Bạn có thể theo dõi tại mục Hồ sơ của tôi.",
        )
        return redirect(reverse("portal:dossiers"))


@cccd_not_required
@require_POST
def toggle_guide(request: HttpRequest) -> HttpResponse:
    """Turn guided mode on or off for this browser and go back to the screen it came from."""
    next_url = local_url(request, request.POST.get("next", "")) or reverse("portal:home")
    response = HttpResponseRedirect(next_url)
    if request.POST.get("on") == "1":
        response.set_cookie(
            GUIDE_COOKIE, "1", max_age=GUIDE_COOKIE_MAX_AGE, samesite="Lax", httponly=True
        )
    else:
        response.delete_cookie(GUIDE_COOKIE, samesite="Lax")
    return response


@method_decorator(cccd_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    """Log out on POST; on GET show a page with the button that does it.

    The portal knows every way in, so its logout calls the VNeID login's directly: a session
    that came from VNeID ends VNeID's session too (RP-initiated logout), the browser going to
    the URL it returns.
    """

    http_method_names = ["get", "post", "options"]
    template_name = "portal/logout.html"
    extra_context = {"crumbs": ["Đăng xuất"]}

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated:
            # Queued on the request until the response: the logout's session flush keeps it.
            messages.info(request, "Bạn đã đăng xuất khỏi Cổng Dịch vụ công Quốc gia.")
        end_session = vneid_logout.log_out(request)
        return HttpResponseRedirect(end_session or self.get_success_url())
