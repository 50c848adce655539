"""The simulated phone: pick a number, read its SMS, approve or refuse signing requests."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import services
from .forms import PhoneNumberForm, PinForm
from .models import SigningRequest, Sim, SmsMessage

PHONE_SESSION_KEY = "mobile_operator_phone"
TEMPLATE = "mobile_operator/phone.html"

DECISION_PROBLEMS = {
    "not_found": "Không còn yêu cầu ký số này trên điện thoại.",
    "expired": "Yêu cầu ký số đã hết hạn. Vui lòng thực hiện lại trên trang đăng nhập.",
    "approved": "Yêu cầu ký số này đã được xác nhận trước đó.",
    "refused": "Yêu cầu ký số này đã bị từ chối trước đó.",
    "pin_locked": "Chức năng ký số của Sim đã bị khoá do nhập sai mã PIN quá số lần cho phép.",
}


def _problem_message(problem: services.SigningProblem) -> str:
    return DECISION_PROBLEMS.get(problem.code, DECISION_PROBLEMS["not_found"])


def sandbox_phone(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the simulated phone only where the sandbox is on: it shows anyone's SMS."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.SANDBOX_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


@sandbox_phone
def phone(request: HttpRequest) -> HttpResponse:
    number = request.session.get(PHONE_SESSION_KEY)
    if not number:
        return render(request, TEMPLATE, {"form": PhoneNumberForm()})
    return render(request, TEMPLATE, _phone_context(number, pin_form=PinForm()))


def _phone_context(
    number: str, *, pin_form: Form, pin_error_for: str | None = None
) -> dict[str, Any]:
    sim = Sim.objects.filter(phone_number=number).first()
    pending = []
    if sim is not None:
        pending = [
            item
            for item in sim.signing_requests.select_related("client").filter(
                status=SigningRequest.Status.PENDING
            )
            if not item.is_expired()
        ]
    return {
        "number": number,
        "latest": _latest(number),
        "sim": sim,
        "tries_left": services.pin_tries_left(sim) if sim else 0,
        "pending": pending,
        "pin_form": pin_form,
        "pin_error_for": pin_error_for,
        "inbox": SmsMessage.objects.filter(phone_number=number)[:20],
    }


def _latest(number: str) -> str:
    """Return a fingerprint of what the phone shows, which changes when something arrives."""
    sms = SmsMessage.objects.filter(phone_number=number).order_by("-pk").values_list("pk")[:1]
    requests = SigningRequest.objects.filter(
        sim__phone_number=number, status=SigningRequest.Status.PENDING
    ).values_list("pk", flat=True)
    return f"{next(iter(sms), (0,))[0]}:{','.join(map(str, sorted(requests)))}"


@sandbox_phone
def latest(request: HttpRequest) -> HttpResponse:
    number = request.session.get(PHONE_SESSION_KEY)
    return JsonResponse({"latest": _latest(number) if number else ""})


@sandbox_phone
@require_POST
def choose_number(request: HttpRequest) -> HttpResponse:
    form = PhoneNumberForm(request.POST)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    request.session[PHONE_SESSION_KEY] = form.cleaned_data["phone_number"]
    return redirect("mobile_operator:phone")


@sandbox_phone
@require_POST
def forget_number(request: HttpRequest) -> HttpResponse:
    request.session.pop(PHONE_SESSION_KEY, None)
    return redirect("mobile_operator:phone")


@sandbox_phone
@require_POST
def decide(request: HttpRequest, public_id: str) -> HttpResponse:
    number = request.session.get(PHONE_SESSION_KEY)
    if not number:
        return redirect("mobile_operator:phone")
    if request.POST.get("decision") == "refuse":
        try:
            services.refuse(phone_number=number, public_id=public_id)
        except services.SigningProblem as problem:
            messages.error(request, _problem_message(problem))
        else:
            messages.info(request, "Bạn đã từ chối yêu cầu ký số.")
        return redirect("mobile_operator:phone")
    form = PinForm(request.POST)
    if not form.is_valid():
        context = _phone_context(number, pin_form=form, pin_error_for=public_id)
        return render(request, TEMPLATE, context, status=400)
    try:
        decision = services.approve(
            phone_number=number, public_id=public_id, pin=form.cleaned_data["pin"]
        )
    except services.SigningProblem as problem:
        messages.error(request, _problem_message(problem))
        return redirect("mobile_operator:phone")
    if decision.outcome == "wrong_pin":
        form.add_error(
            "pin",
            f"Mã PIN không đúng. Bạn còn {decision.tries_left} lần thử trước khi chức năng ký "
            "số của Sim bị khoá.",
        )
        context = _phone_context(number, pin_form=form, pin_error_for=public_id)
        return render(request, TEMPLATE, context, status=400)
    if decision.outcome == "pin_locked":
        messages.error(
            request,
            "Bạn đã nhập sai mã PIN 3 lần. Chức năng ký số của Sim đã bị khoá; vui lòng liên hệ "
            "nhà mạng để mở khoá.",
        )
        return redirect("mobile_operator:phone")
    messages.success(request, "Đã ký xác nhận. Trang đăng nhập sẽ tự động tiếp tục.")
    return redirect("mobile_operator:phone")
