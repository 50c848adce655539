"""The sandbox's fault switch for the service: slow, failing or down, as portals see it."""

from fault_switch.switch import Mode
from oidc_kit.faults import API_ERRORS, FaultGate

from .models import ServiceFault

__all__ = ["API_ERRORS", "PAGE_MESSAGES"]

PAGE_MESSAGES: dict[str, str] = {
    Mode.ERROR: (
        "Hệ thống xác thực gặp lỗi khi xử lý yêu cầu. Đây là lỗi của hệ thống, không phải của "
        "bạn. Vui lòng thử lại sau ít phút."
    ),
    Mode.OUTAGE: "Hệ thống xác thực đang tạm ngừng hoạt động. Vui lòng thử lại sau.",
}

FAULTS = FaultGate(ServiceFault, page_messages=PAGE_MESSAGES, template="national_login/error.html")

current_fault = FAULTS.current
set_fault = FAULTS.set
honours_fault = FAULTS.honours_fault
