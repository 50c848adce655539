"""Reactions of the VNeID login to the portal's authentication events."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from accounts.views import IDENTITY_PROVIDER_LOGOUT

from . import flows

VNEID_LOGOUT_FAILED = (
    "Chưa kết nối được tới VNeID để đăng xuất khỏi tài khoản VNeID. Nếu dùng máy "
    "tính chung, hãy đóng trình duyệt sau khi sử dụng."
)


@receiver(user_logged_out, dispatch_uid="vneid_login.offer_vneid_logout")
def offer_vneid_logout(sender, request, user, **kwargs):
    """Let the portal's logout page end the VNeID session the citizen logged in with.

    Only the logout page calls it (RP-initiated logout): other logouts make no request to VNeID.
    """
    if request is None or not hasattr(request, "session"):
        return
    # Sent before logout flushes the session that remembers the VNeID login.
    id_token = flows.vneid_id_token(request)
    if id_token:
        setattr(request, IDENTITY_PROVIDER_LOGOUT, partial(vneid_logout_url, request, id_token))


def vneid_logout_url(request, id_token):
    """Return VNeID's logout URL for this login, or "" with a warning if VNeID cannot say."""
    end_session = flows.end_session_url(request, id_token)
    if not end_session:
        messages.warning(request, VNEID_LOGOUT_FAILED)
    return end_session
