"""Logging out of the portal, and out of VNeID too when the session came from VNeID."""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest

from . import protocol, single_logout, state

VNEID_LOGOUT_FAILED = (
    "Chưa kết nối được tới VNeID để đăng xuất khỏi tài khoản VNeID. Nếu dùng máy "
    "tính chung, hãy đóng trình duyệt sau khi sử dụng."
)


def log_out(request: HttpRequest) -> str:
    """Log out of the portal; return VNeID's logout URL if the login came from VNeID, else "".

    Only the portal's logout page calls it (RP-initiated logout): other logouts, a locked
    account's or an expired session's, make no request to VNeID. When VNeID cannot be reached
    the portal session still ends, with a warning that the VNeID session may not have.
    """
    # Read before logout() flushes the session that remembers the VNeID login.
    id_token = state.vneid_id_token(request)
    single_logout.forget(request)
    logout(request)
    if not id_token:
        return ""
    end_session = protocol.end_session_url(
        id_token, post_logout_redirect_uri=protocol.post_logout_uri(request)
    )
    if not end_session:
        messages.warning(request, VNEID_LOGOUT_FAILED)
    return end_session
