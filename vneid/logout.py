"""RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): who asks, and where to go."""

from oidc_kit.logout import LogoutRefusals, LogoutRequests

from . import keys
from .models import OidcClient

LOGOUT_REQUESTS = LogoutRequests(
    OidcClient,
    keys.published_key_set,
    LogoutRefusals(
        foreign_hint="Mã xác nhận đăng xuất (id_token_hint) không do VNeID cấp.",
        unknown_client="Dịch vụ yêu cầu đăng xuất chưa được đăng ký với VNeID.",
        other_client="Yêu cầu đăng xuất không khớp với dịch vụ đã đăng nhập.",
        unregistered_redirect=(
            "Địa chỉ quay lại sau khi đăng xuất chưa được đăng ký cho dịch vụ này."
        ),
    ),
)

verify_id_token_hint = LOGOUT_REQUESTS.verify_id_token_hint
parse_logout_request = LOGOUT_REQUESTS.parse
