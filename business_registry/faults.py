"""The sandbox's fault switch for the business registry API: slow, failing or down."""

from fault_switch import switch
from fault_switch.switch import Mode

from .models import FaultInjection

__all__ = ["Mode", "current_fault", "set_fault", "wait_for_latency"]

wait_for_latency = switch.delay


def current_fault() -> FaultInjection:
    """Return the fault in force: the single FaultInjection row, or an unsaved "none" one."""
    return FaultInjection.objects.order_by("pk").first() or FaultInjection(mode=Mode.NONE)


def set_fault(mode: str, latency_ms: int = 0) -> FaultInjection:
    """Switch the business registry API into mode (a Mode value); return the row."""
    return switch.set_fault(FaultInjection, mode, latency_ms)
