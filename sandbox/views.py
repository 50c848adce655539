"""The sandbox console: personas, resets, registry faults and the outbox (never in production)."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.middleware import cccd_not_required
from citizen_registry.faults import current_fault, set_fault

from .forms import RegistryFaultForm
from .models import OutboxMessage
from .personas import PERSONAS, PERSONAS_BY_KEY, persona_state, reset_persona


def sandbox_only(view):
    """Answer 404 unless the sandbox console is switched on (it never is in production)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.SANDBOX_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return cccd_not_required(wrapper)


@sandbox_only
def console(request):
    fault = current_fault()
    return render(
        request,
        "sandbox/console.html",
        {
            "personas": [persona_state(persona) for persona in PERSONAS],
            "fault": fault,
            "fault_form": RegistryFaultForm(
                initial={"mode": fault.mode, "latency_ms": fault.latency_ms}
            ),
            "outbox": OutboxMessage.objects.all()[:20],
            "captcha_test_mode": settings.CAPTCHA_TEST_MODE,
        },
    )


@sandbox_only
@require_POST
def reset(request, key):
    if key not in PERSONAS_BY_KEY:
        raise Http404
    persona = reset_persona(key)
    messages.success(request, f"Đã đặt lại persona {persona.full_name} về trạng thái ban đầu.")
    return redirect("sandbox:console")


@sandbox_only
@require_POST
def registry_fault(request):
    form = RegistryFaultForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Cấu hình sự cố không hợp lệ: " + form.errors.as_text())
        return redirect("sandbox:console")
    fault = set_fault(form.cleaned_data["mode"], form.cleaned_data["latency_ms"] or 0)
    messages.success(request, f"CSDL dân cư: {fault.get_mode_display()}.")
    return redirect("sandbox:console")
