"""Reading and setting a system's fault switch."""

import time
from typing import TypeVar

from .models import FaultSwitch

Mode = FaultSwitch.Mode
Switch = TypeVar("Switch", bound=FaultSwitch)


def set_fault(model: type[Switch], mode: str, latency_ms: int = 0) -> Switch:
    """Switch the system whose switch is `model` into mode; return its row."""
    if mode not in Mode.values:
        raise ValueError(f"Unknown fault mode {mode!r}; expected one of {Mode.values}.")
    if latency_ms < 0:
        raise ValueError("latency_ms must not be negative.")
    fault = model._default_manager.order_by("pk").first() or model()
    fault.mode = mode
    fault.latency_ms = latency_ms if mode == Mode.LATENCY else 0
    fault.save()
    return fault


def delay(latency_ms: int) -> None:
    """Hold an answer back for the injected latency."""
    if latency_ms > 0:
        time.sleep(latency_ms / 1000)
