"""Reading and setting a system's fault switch."""

import time

from .models import FaultSwitch

Mode = FaultSwitch.Mode


def set_fault(model, mode, latency_ms=0):
    """Switch the system whose switch is `model` into mode; return its row."""
    if mode not in Mode.values:
        raise ValueError(f"Unknown fault mode {mode!r}; expected one of {Mode.values}.")
    if latency_ms < 0:
        raise ValueError("latency_ms must not be negative.")
    fault = model.objects.order_by("pk").first() or model()
    fault.mode = mode
    fault.latency_ms = latency_ms if mode == Mode.LATENCY else 0
    fault.save()
    return fault


def delay(latency_ms):
    """Hold an answer back for the injected latency."""
    if latency_ms > 0:
        time.sleep(latency_ms / 1000)
