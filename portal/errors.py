"""The error answers of the whole site: Vietnamese pages, or JSON where a protocol wants it.

The registry API answers in its own format (`error`, `message`), the VNeID protocol endpoints
in OAuth's (`error`, `error_description`); everything else gets a page in the portal's look.
"""

import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse
from django.template import loader

from admin_kit.responses import json_response

logger = logging.getLogger(__name__)

REGISTRY_API_PREFIX = "/registry/api/"
# The VNeID endpoints that programs, not people, call; its login pages stay HTML.
VNEID_JSON_PATHS = (
    "/vneid/.well-known/openid-configuration",
    "/vneid/jwks",
    "/vneid/token",
    "/vneid/userinfo",
)

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

# What a program is told: about the request it made, not about a page.
JSON_MESSAGES = {
    400: "Yêu cầu không hợp lệ; vui lòng kiểm tra định dạng yêu cầu rồi gửi lại.",
    403: "Yêu cầu bị từ chối: không có quyền thực hiện thao tác này.",
    404: "Không có đường dẫn này; vui lòng xem tài liệu của dịch vụ (OpenAPI, discovery).",
    500: "Hệ thống gặp lỗi khi xử lý yêu cầu, dữ liệu chưa được lưu; vui lòng thử lại sau.",
}

# (registry code, VNeID/OAuth code) per status.
CODES = {
    400: ("invalid_request", "invalid_request"),
    403: ("forbidden", "access_denied"),
    404: ("not_found", "not_found"),
    500: ("internal_error", "server_error"),
}


def _json_format(path):
    if path.startswith(REGISTRY_API_PREFIX):
        return "registry"
    if path.startswith(VNEID_JSON_PATHS):
        return "vneid"
    return None


def _json_error(kind, status):
    registry_code, oauth_code = CODES[status]
    if kind == "registry":
        body = {"error": registry_code, "message": JSON_MESSAGES[status]}
    else:
        body = {"error": oauth_code, "error_description": JSON_MESSAGES[status]}
    return json_response(body, status=status)


def _page(request, status, *, with_request=True):
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


def _answer(request, status, **options):
    kind = _json_format(request.path)
    if kind is not None:
        return _json_error(kind, status)
    return _page(request, status, **options)


def bad_request(request, exception=None):
    """Answer a 400 (a suspicious or malformed request)."""
    return _answer(request, 400)


def permission_denied(request, exception=None):
    """Answer a 403."""
    return _answer(request, 403)


def page_not_found(request, exception=None):
    """Answer a 404."""
    return _answer(request, 404)


def server_error(request):
    """Answer a 500 without touching the database, which may be what failed."""
    return _answer(request, 500, with_request=False)


def csrf_failure(request, reason=""):
    """Answer a failed CSRF check (an expired form, cookies off) like any other 403."""
    return _answer(request, 403)
