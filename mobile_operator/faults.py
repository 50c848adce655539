"""The sandbox's fault switch for the operator's API: slow, failing or down."""

from fault_switch import switch
from fault_switch.switch import Mode

from .models import ServiceFault

__all__ = ["Mode", "current_fault", "set_fault"]


def current_fault() -> ServiceFault:
    """Return the fault in force: the single ServiceFault row, or an unsaved "none" one."""
    return ServiceFault.objects.order_by("pk").first() or ServiceFault(mode=Mode.NONE)


def set_fault(mode: str, latency_ms: int = 0) -> ServiceFault:
    """Switch the operator's API into mode (a Mode value); return the row."""
    return switch.set_fault(ServiceFault, mode, latency_ms)
