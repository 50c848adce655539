"""The sandbox console: personas, resets, faults and the outbox (never in production)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.middleware import cccd_not_required
from business_registry import faults as business_registry_faults
from citizen_registry import faults as registry_faults
from identity.national_login import services as national_login_faults
from mobile_operator import faults as operator_faults
from mobile_operator.models import SmsMessage
from vneid import faults as vneid_faults

from .forms import FaultForm, LoginPolicyForm
from .models import OutboxMessage
from .organisations import ORGANISATIONS, ORGANISATIONS_BY_KEY, organisation_state
from .organisations import reset_organisation as reset_organisation_data
from .persona_data import ORGANISATION_PASSWORD
from .personas import PERSONAS, PERSONAS_BY_KEY, persona_state, reset_persona
from .usb_tokens import PKCS12_PASSWORD


def sandbox_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer 404 unless the sandbox console is switched on (it never is in production)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.SANDBOX_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return cccd_not_required(wrapper)


# The systems whose faults the console switches: (name shown, module with current/set_fault).
FAULT_TARGETS = {
    "registry": ("CSDL Quốc gia về Dân cư", registry_faults),
    "vneid": ("VNeID", vneid_faults),
    "xacthuc": ("Hệ thống xác thực (Văn phòng Chính phủ)", national_login_faults),
    "operator": ("nhà mạng (Sim ký số, SMS)", operator_faults),
    "business-registry": ("CSDL quốc gia về đăng ký doanh nghiệp", business_registry_faults),
}


@sandbox_only
def console(request: HttpRequest) -> HttpResponse:
    fault_panels = []
    for key, (label, module) in FAULT_TARGETS.items():
        fault = module.current_fault()
        form = FaultForm(initial={"mode": fault.mode, "latency_ms": fault.latency_ms}, prefix=key)
        fault_panels.append({"key": key, "label": label, "fault": fault, "form": form})
    return render(
        request,
        "sandbox/console.html",
        {
            "personas": [persona_state(persona) for persona in PERSONAS],
            "organisations": [organisation_state(org) for org in ORGANISATIONS],
            "organisation_password": ORGANISATION_PASSWORD,
            "fault_panels": fault_panels,
            "outbox": OutboxMessage.objects.all()[:20],
            # SMS travel through the operator, which keeps them: shown beside the e-mails.
            "sms_outbox": SmsMessage.objects.all()[:20],
            "captcha_test_mode": settings.CAPTCHA_TEST_MODE,
            "login_policy_form": LoginPolicyForm(),
            "login_policy_setting": settings.PORTAL_LOGIN_POLICY,
            "pkcs12_password": PKCS12_PASSWORD,
            "sandbox_api_token": settings.SANDBOX_API_TOKEN,
            "sandbox_base_url": settings.SANDBOX_BASE_URL,
        },
    )


@sandbox_only
@require_POST
def reset(request: HttpRequest, key: str) -> HttpResponse:
    if key not in PERSONAS_BY_KEY:
        raise Http404
    persona = reset_persona(key)
    messages.success(request, f"Đã đặt lại persona {persona.full_name} về trạng thái ban đầu.")
    return redirect("sandbox:console")


@sandbox_only
@require_POST
def reset_organisation(request: HttpRequest, key: str) -> HttpResponse:
    if key not in ORGANISATIONS_BY_KEY:
        raise Http404
    organisation = reset_organisation_data(key)
    messages.success(
        request,
        f"Đã đặt lại {organisation.name} về trạng thái ban đầu: CSDL đăng ký doanh nghiệp, "
        "định danh VNeID, ủy quyền và tài khoản tổ chức cũ trên hai Cổng.",
    )
    return redirect("sandbox:console")


@sandbox_only
@require_POST
def switch_fault(request: HttpRequest, target: str) -> HttpResponse:
    if target not in FAULT_TARGETS:
        raise Http404
    label, module = FAULT_TARGETS[target]
    form = FaultForm(request.POST, prefix=target)
    if not form.is_valid():
        messages.error(request, "Cấu hình sự cố không hợp lệ: " + form.errors.as_text())
        return redirect("sandbox:console")
    fault = module.set_fault(form.cleaned_data["mode"], form.cleaned_data["latency_ms"] or 0)
    messages.success(request, f"{label}: {fault.get_mode_display()}.")
    return redirect("sandbox:console")


@sandbox_only
@require_POST
def switch_login_policy(request: HttpRequest) -> HttpResponse:
    form = LoginPolicyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Chính sách đăng nhập không hợp lệ: " + form.errors.as_text())
        return redirect("sandbox:console")
    state = form.apply()
    messages.success(request, f"Chính sách đăng nhập của Cổng: {state.label}.")
    return redirect("sandbox:console")
