"""Pages of the "Sim ký số" login: the phone number, the waiting page and its status."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from . import signature_login, sim_login
from .forms import SimLoginForm
from .middleware import cccd_not_required
from .signature_views import signature_logins_open

FORM_TEMPLATE = "accounts/sim_login.html"


def _form_page(
    request: HttpRequest, form: SimLoginForm, *, problem: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "problem": problem,
        "next": request.POST.get("next", request.GET.get("next", "")),
        "crumbs": ["Đăng nhập bằng Sim ký số"],
    }
    return render(request, FORM_TEMPLATE, context, status=status)


@method_decorator([cccd_not_required, never_cache, signature_logins_open], name="dispatch")
class SimLoginStartView(View):
    """Type the phone number; the operator sends the signing request to that phone."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return _form_page(request, SimLoginForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SimLoginForm(request.POST)
        if not form.is_valid():
            return _form_page(request, form, status=400)
        try:
            sim_login.start(
                request,
                phone_number=form.cleaned_data["phone_number"],
                next_url=request.POST.get("next", ""),
            )
        except sim_login.SimLoginProblem as problem:
            status = 503 if problem.code in ("operator_slow", "operator_down") else 400
            return _form_page(request, form, problem=problem.message, status=status)
        return redirect("accounts:sim_login_wait")


@method_decorator([cccd_not_required, never_cache], name="dispatch")
class SimLoginWaitView(View):
    """Show the confirmation code while the citizen confirms on the phone; poll, then finish."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            waiting = sim_login.waiting(request)
        except sim_login.SimLoginProblem as problem:
            return _form_page(request, SimLoginForm(), problem=problem.message)
        context = {"waiting": waiting, "crumbs": ["Đăng nhập bằng Sim ký số"]}
        return render(request, "accounts/sim_login_wait.html", context)


@method_decorator([cccd_not_required, never_cache], name="dispatch")
class SimLoginStatusView(View):
    """Answer the waiting page's poll: pending, approved, or how the request ended."""

    def get(self, request: HttpRequest) -> JsonResponse:
        progress = sim_login.progress(request)
        body = {"status": progress.status, "message": progress.message}
        return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@method_decorator([cccd_not_required, never_cache, signature_logins_open], name="dispatch")
class SimLoginFinishView(View):
    """Check the signature the phone made and log in, as after a password login."""

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            url = sim_login.finish(request)
        except sim_login.SimLoginProblem as problem:
            if problem.code == "not_signed":
                return redirect("accounts:sim_login_wait")
            return _form_page(request, SimLoginForm(), problem=problem.message, status=400)
        except signature_login.SignatureLoginError as error:
            signature_login.log_refusal(sim_login.METHOD, error)
            return _form_page(request, SimLoginForm(), problem=error.message, status=error.status)
        return HttpResponseRedirect(url)
