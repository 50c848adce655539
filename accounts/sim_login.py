"""The "Sim ký số" login: the operator asks the citizen's phone to sign the portal's challenge.

| step   | portal                                         | operator / phone                  |
|--------|------------------------------------------------|-----------------------------------|
| start  | fresh challenge in the session; signing request | shows it with a confirmation code |
| wait   | the page polls; each poll asks the operator    | PIN entered, or refused           |
| finish | uses the challenge once; shared check; login   | gives signature and certificate   |

Every ending other than a login drops the session's challenge, so a late approval on the phone
cannot log anyone in.
"""

import logging
import time
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext, suppress
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from idnumbers.phones import mask_phone

from . import login_flow, signature_login
from .ca_client import CaClient
from .operator_client import (
    OperatorClient,
    OperatorError,
    OperatorTimeout,
    SimLocked,
    TooManyRequests,
    UnknownSubscriber,
)
from .signature_login import SignatureLoginError

logger = logging.getLogger(__name__)

METHOD = login_flow.SIGNING_SIM
SESSION_KEY = "accounts.sim_login"
DISPLAY_TEXT = "Đăng nhập Cổng Dịch vụ công Quốc gia"

MESSAGES = {
    "unknown_number": (
        "Số điện thoại {phone} chưa đăng ký dịch vụ Sim ký số (hoặc không phải thuê bao di "
        "động). Vui lòng kiểm tra lại số điện thoại, hoặc đăng nhập bằng cách khác."
    ),
    "sim_locked": (
        "Chức năng ký số của Sim đã bị khoá do nhập sai mã PIN quá 3 lần. Vui lòng liên hệ nhà "
        "mạng để mở khoá, hoặc đăng nhập bằng cách khác."
    ),
    "too_many_requests": (
        "Đã có nhiều yêu cầu ký số gửi tới số điện thoại này trong 2 phút qua. Vui lòng xác "
        "nhận hoặc từ chối các yêu cầu đang chờ trên điện thoại, hoặc thử lại sau ít phút."
    ),
    "operator_slow": (
        "Hệ thống ký số của nhà mạng phản hồi quá chậm nên yêu cầu ký số chưa được gửi tới điện "
        "thoại. Vui lòng thử lại sau ít phút, hoặc đăng nhập bằng cách khác."
    ),
    "operator_down": (
        "Hệ thống ký số của nhà mạng đang gián đoạn nên chưa gửi được yêu cầu ký số tới điện "
        "thoại. Vui lòng thử lại sau ít phút, hoặc đăng nhập bằng cách khác."
    ),
    "operator_waiting": (
        "Tạm thời chưa liên lạc được với nhà mạng; Cổng vẫn đang chờ xác nhận trên điện thoại."
    ),
    "wrong_pin": "Mã PIN vừa nhập trên điện thoại không đúng. Còn {left} lần thử.",
    "refused": (
        "Bạn đã từ chối yêu cầu ký số trên điện thoại nên Cổng không đăng nhập. Chọn “Đăng nhập "
        "lại” để gửi yêu cầu mới."
    ),
    "timeout": (
        "Đã quá 2 phút mà yêu cầu ký số chưa được xác nhận trên điện thoại nên yêu cầu đã hết "
        "hạn. Vui lòng đăng nhập lại."
    ),
    "pin_locked": (
        "Mã PIN của Sim ký số đã bị nhập sai 3 lần nên chức năng ký số của Sim bị khoá và Cổng "
        "không đăng nhập. Vui lòng liên hệ nhà mạng để mở khoá, hoặc đăng nhập bằng cách khác."
    ),
    "not_signed": (
        "Yêu cầu ký số chưa được xác nhận trên điện thoại. Vui lòng nhập mã PIN trên điện thoại; "
        "trang sẽ tự động tiếp tục."
    ),
    "no_request": (
        "Không có yêu cầu đăng nhập bằng Sim ký số nào đang chờ. Vui lòng nhập số điện thoại để "
        "bắt đầu."
    ),
}


class SimLoginProblem(Exception):
    """A SIM login that cannot go on; `code` is a key of MESSAGES."""

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(code)
        self.code = code
        self.message = MESSAGES[code].format(**values)


@dataclass(frozen=True)
class Waiting:
    """What the waiting page shows."""

    confirmation_code: str
    masked_phone: str
    seconds_left: int


@dataclass(frozen=True)
class Progress:
    """Where the login stands for the polling page: a status and the sentence to show."""

    status: str
    message: str = ""


def start(
    request: HttpRequest,
    *,
    phone_number: str,
    next_url: str = "",
    client: OperatorClient | None = None,
) -> Waiting:
    """Send a signing request for a fresh challenge to phone_number; return what to show."""
    challenge = signature_login.issue_challenge(request, method=METHOD, next_url=next_url)
    try:
        with _client(client) as operator:
            signing = operator.request_signature(
                phone_number=phone_number, data=challenge.encode("utf-8"), display_text=DISPLAY_TEXT
            )
    except OperatorError as error:
        # Nothing half-done: no challenge stays behind for a request that never left.
        _forget(request)
        logger.info("SIM login for %s not started: %r", mask_phone(phone_number), error)
        raise SimLoginProblem(_start_problem(error), phone=mask_phone(phone_number)) from error
    request.session[SESSION_KEY] = {
        "request_id": signing.request_id,
        "confirmation_code": signing.confirmation_code,
        "masked_phone": mask_phone(phone_number),
        "started_at": time.time(),
    }
    return waiting(request)


def _start_problem(error: OperatorError) -> str:
    if isinstance(error, UnknownSubscriber):
        return "unknown_number"
    if isinstance(error, SimLocked):
        return "sim_locked"
    if isinstance(error, TooManyRequests):
        return "too_many_requests"
    if isinstance(error, OperatorTimeout):
        return "operator_slow"
    return "operator_down"


def waiting(request: HttpRequest) -> Waiting:
    """Return what the waiting page shows, or raise SimLoginProblem("no_request")."""
    state = request.session.get(SESSION_KEY)
    if not state:
        raise SimLoginProblem("no_request")
    return Waiting(
        confirmation_code=state["confirmation_code"],
        masked_phone=state["masked_phone"],
        seconds_left=max(0, int(_deadline(state) - time.time())),
    )


def _deadline(state: Mapping[str, Any]) -> float:
    deadline: float = state["started_at"] + settings.SIGNATURE_CHALLENGE_SECONDS
    return deadline


def progress(request: HttpRequest, *, client: OperatorClient | None = None) -> Progress:
    """Ask the operator where the request stands; end the login on a final answer."""
    state = request.session.get(SESSION_KEY)
    if not state:
        return Progress("no_request", MESSAGES["no_request"])
    if time.time() > _deadline(state):
        return _end(request, "timeout")
    try:
        with _client(client) as operator:
            signing = operator.signing_status(state["request_id"])
    except OperatorError as error:
        logger.info("SIM login status: operator error %r", error)
        return Progress("pending", MESSAGES["operator_waiting"])
    if signing.status == "approved":
        return Progress("approved")
    if signing.status == "pending":
        left = signing.pin_tries_left
        message = MESSAGES["wrong_pin"].format(left=left) if 0 < left < 3 else ""
        return Progress("pending", message)
    return _end(request, _final_code(signing.status))


def _final_code(operator_status: str) -> str:
    # "expired" and anything unforeseen end the wait as a timeout: nothing was signed in time.
    return {"refused": "refused", "pin_locked": "pin_locked"}.get(operator_status, "timeout")


def _end(request: HttpRequest, code: str) -> Progress:
    _forget(request)
    return Progress(code, MESSAGES[code])


def finish(
    request: HttpRequest,
    *,
    client: OperatorClient | None = None,
    ca_client: CaClient | None = None,
) -> str:
    """Verify the approved signature and log in; return the URL to go to.

    Raises SimLoginProblem when the phone has not signed, and SignatureLoginError from the
    shared verification; the challenge is used up either way.
    """
    state = request.session.get(SESSION_KEY)
    if not state:
        raise SimLoginProblem("no_request")
    try:
        with _client(client) as operator:
            signing = operator.signing_status(state["request_id"])
    except OperatorTimeout as error:
        raise SimLoginProblem("operator_slow") from error
    except OperatorError as error:
        raise SimLoginProblem("operator_down") from error
    if signing.status == "pending" and time.time() <= _deadline(state):
        raise SimLoginProblem("not_signed")
    if signing.status != "approved":
        _forget(request)
        raise SimLoginProblem(_final_code(signing.status))
    request.session.pop(SESSION_KEY, None)
    pending = signature_login.take_challenge(request, method=METHOD)
    identity = signature_login.verify_signed_challenge(
        challenge=pending.value,
        certificate_pem=signing.certificate_pem,
        signature=signing.signature,
        client=ca_client,
    )
    account = signature_login.find_account(identity)
    return login_flow.finish_login(
        request,
        account=account,
        method=METHOD,
        next_url=pending.next_url,
        audit_reason=signature_login.login_reason(identity, method=METHOD),
    )


def _forget(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    with suppress(SignatureLoginError):
        signature_login.take_challenge(request, method=METHOD)


def _client(client: OperatorClient | None) -> AbstractContextManager[OperatorClient]:
    return nullcontext(client) if client is not None else OperatorClient()
