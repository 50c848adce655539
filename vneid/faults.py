"""The sandbox's fault switch for VNeID: slow, failing or down, as relying parties see it."""

from django.http import HttpRequest

from fault_switch.switch import Mode
from oidc_kit.faults import API_ERRORS, FaultGate

from . import hot_path
from .models import ServiceFault
from .way_back import service_home

__all__ = ["API_ERRORS", "PAGE_MESSAGES"]

# What a citizen reads on VNeID's own pages while the switch is on.
PAGE_MESSAGES: dict[str, str] = {
    Mode.ERROR: "Hệ thống VNeID gặp lỗi khi xử lý yêu cầu. Vui lòng thử lại sau ít phút.",
    Mode.OUTAGE: "Hệ thống VNeID đang tạm ngừng hoạt động. Vui lòng thử lại sau.",
}


def _way_back(request: HttpRequest) -> dict[str, str | None]:
    return {"service_home": service_home(request)}


# The switch is read as the hot path reads it: it is asked for on every request.
FAULTS = FaultGate(
    ServiceFault,
    page_messages=PAGE_MESSAGES,
    template="vneid/error.html",
    page_context=_way_back,
    find=hot_path.current_service_fault,
)

current_fault = FAULTS.current
set_fault = FAULTS.set
honours_fault = FAULTS.honours_fault
