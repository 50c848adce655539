"""The sandbox's fault switch for the registry API: slow, failing or down."""

import time

from .models import FaultInjection

Mode = FaultInjection.Mode


def current_fault():
    """Return the fault in force: the single FaultInjection row, or an unsaved "none" one."""
    return FaultInjection.objects.order_by("pk").first() or FaultInjection(mode=Mode.NONE)


def set_fault(mode, latency_ms=0):
    """Switch the registry API into mode (a FaultInjection.Mode value); return the row."""
    if mode not in Mode.values:
        raise ValueError(f"Unknown fault mode {mode!r}; expected one of {Mode.values}.")
    if latency_ms < 0:
        raise ValueError("latency_ms must not be negative.")
    fault = current_fault()
    fault.mode = mode
    fault.latency_ms = latency_ms if mode == Mode.LATENCY else 0
    fault.save()
    return fault


def wait_for_latency(latency_ms):
    """Hold the answer back for the injected latency."""
    if latency_ms > 0:
        time.sleep(latency_ms / 1000)
