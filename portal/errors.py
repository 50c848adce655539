"""The error answers of the whole site: Vietnamese pages, or JSON where a protocol wants it.

The organisations' APIs answer in the format each registered with the API kit (the registry's
`error`, `message`; VNeID's OAuth `error`, `error_description`); everything else gets a page in
the portal's look.
"""

import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.template import loader

from api_kit.server import site_error_response

logger = logging.getLogger(__name__)

PAGES = {
    400: (
        "Yêu cầu không hợp lệ",
        "Hệ thống không đọc được yêu cầu vừa gửi (dữ liệu sai định dạng hoặc không đầy đủ).",
        "Vui lòng quay lại trang trước, kiểm tra thông tin đã nhập rồi thử lại.",
    ),
    403: (
        "Không có quyền truy cập",
        "Bạn không có quyền thực hiện thao tác này, hoặc phiên làm việc đã hết hạn.",
        "Vui lòng tải lại trang, đăng nhập lại rồi thử lại; nếu vẫn bị từ chối, hãy liên hệ "
        "bộ phận hỗ trợ.",
    ),
    404: (
        "Không tìm thấy trang",
        "Trang bạn tìm không tồn tại hoặc đã được chuyển đi.",
        "Vui lòng kiểm tra lại địa chỉ, hoặc bắt đầu lại từ trang chủ.",
    ),
    500: (
        "Hệ thống đang gặp sự cố",
        "Đã xảy ra lỗi khi xử lý yêu cầu của bạn; dữ liệu chưa được lưu.",
        "Vui lòng thử lại sau ít phút. Nếu lỗi còn tiếp diễn, hãy liên hệ bộ phận hỗ trợ.",
    ),
}


def _page(request: HttpRequest, status: int, *, with_request: bool = True) -> HttpResponse:
    heading, explanation, next_step = PAGES[status]
    context = {
        "status": status,
        "heading": heading,
        "explanation": explanation,
        "next_step": next_step,
        "sandbox_enabled": settings.SANDBOX_ENABLED,
    }
    template = loader.get_template(f"{status}.html")
    if with_request:
        try:
            # With the request: the header shows who is logged in, as on every other page.
            content = template.render(context, request)
        except DatabaseError:
            logger.warning("error page %s rendered without the account: database error", status)
            content = template.render(context)
    else:
        # No request context on a 500: the session and the account may be what failed.
        content = template.render(context)
    return HttpResponse(content, status=status)


def _answer(request: HttpRequest, status: int, *, with_request: bool = True) -> HttpResponse:
    # An organisation's API answers in the JSON format it registered with the kit.
    answer = site_error_response(request.path, status)
    if answer is not None:
        return answer
    return _page(request, status, with_request=with_request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer a 400 (a suspicious or malformed request)."""
    return _answer(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer a 403."""
    return _answer(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer a 404."""
    return _answer(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Answer a 500 without touching the database, which may be what failed."""
    return _answer(request, 500, with_request=False)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Answer a failed CSRF check (an expired form, cookies off) like any other 403."""
    return _answer(request, 403)
