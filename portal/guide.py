"""Guided mode: on each screen of the walk, which step of the guide this is and what comes next.

The wording is the guide's own (Văn phòng Chính phủ, "Liên kết tài khoản và đăng nhập tài khoản
VNeID trên Cổng Dịch vụ công Quốc gia", Bước 1–4). The step is chosen from the screen being drawn
and what the session already knows, never from a query: the panel costs nothing per request.
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from identity.relying_party.state import vneid_id_token

GUIDE_COOKIE = "dvc_huong_dan"
GUIDE_COOKIE_MAX_AGE = 30 * 24 * 3600

STEP_TITLES = {
    1: "Bước 1: Đăng nhập hệ thống",
    2: "Bước 2: Hệ thống kiểm tra tài khoản sau khi đăng nhập",
    3: "Bước 3: Công dân nhập và xác nhận cập nhật dữ liệu",
    4: "Bước 4: Công dân đăng nhập bằng tài khoản VNeID",
}


@dataclass(frozen=True)
class GuideStep:
    number: int
    text: str
    next_text: str
    # The walk is over: the trainee is logged in with VNeID.
    done: bool = False

    @property
    def title(self) -> str:
        return STEP_TITLES[self.number]


LOGIN_SCREEN = GuideStep(
    1,
    "Tại màn hình đăng nhập của CDVCQG, Công dân chọn đăng nhập bằng Tài khoản được cấp Cổng "
    "dịch vụ công Quốc gia.",
    "Nhập Tên đăng nhập (CMT/CCCD), Mật khẩu và mã xác thực, rồi chọn “Đăng nhập”. "
    "Tiếp theo — Bước 2: Hệ thống kiểm tra tài khoản sau khi đăng nhập.",
)
NOT_LOGGED_IN = GuideStep(
    1,
    "Công dân chọn đăng nhập bằng Tài khoản được cấp Cổng dịch vụ công Quốc gia.",
    "Chọn “Đăng nhập” ở góc trên bên phải để mở màn hình đăng nhập.",
)
CCCD_SCREEN = GuideStep(
    2,
    "Hệ thống Cổng dịch vụ công Quốc gia kiểm tra tài khoản đã có số CCCD hay chưa? "
    "Trường hợp chưa có số CCCD: Hệ thống bật màn hình yêu cầu nhập CCCD và so khớp với "
    "CSDL Dân cư.",
    "Bước 3: Công dân/cán bộ nhập số CCCD và chọn nút “Cập nhật”. Hệ thống điều hướng đến "
    "màn hình nghiệp vụ cần thực hiện với trạng thái Đã đăng nhập.",
)
SKIPPED = GuideStep(
    3,
    "Trường hợp Công dân/cán bộ nhấn nút “Bỏ qua”, sau đó có thể thực hiện cập nhật CCCD ở màn "
    "hình Thông tin định danh.",
    "Truy cập vào chức năng “Thông tin cá nhân” -> chọn “Thông tin định danh” và thực hiện "
    "“Cập nhật từ CSDL Quốc gia về Dân cư”.",
)
SKIPPED_ON_IDENTITY = GuideStep(
    3,
    "Trường hợp Công dân/cán bộ nhấn nút “Bỏ qua”, sau đó có thể thực hiện cập nhật CCCD ở màn "
    "hình Thông tin định danh.",
    "Chọn “Cập nhật từ CSDL Quốc gia về Dân cư” để cập nhật số CCCD.",
)
LINKED = GuideStep(
    3,
    "Hệ thống điều hướng đến màn hình nghiệp vụ cần thực hiện với trạng thái Đã đăng nhập: "
    "tài khoản đã có số CCCD.",
    "Bước 4: Sau khi đã thực hiện liên kết tài khoản, Công dân/cán bộ chọn đăng nhập qua "
    "VNeID (đăng xuất, rồi chọn VNeID ở màn hình đăng nhập).",
)
VNEID_SCREEN = GuideStep(
    4,
    "Hệ thống điều hướng sang màn hình đăng nhập VNeID.",
    "Nhập Số định danh cá nhân và Mật khẩu VNeID, rồi chọn “Đăng nhập”.",
)
VNEID_LINK_SCREEN = GuideStep(
    4,
    "Tài khoản cũ chưa cập nhật số CCCD: hệ thống hỏi có liên kết tài khoản cũ với VNeID không.",
    "Nhập mật khẩu tài khoản cũ để liên kết và kế thừa hồ sơ đã thực hiện trước đó.",
)
VNEID_DONE = GuideStep(
    4,
    "Đăng nhập thành công, hệ thống quay về màn hình nghiệp vụ cần thực hiện với trạng thái "
    "Đã đăng nhập.",
    "Mở “Hồ sơ của tôi” để xem các hồ sơ, thông tin đã thực hiện trước đó.",
    done=True,
)

LOGIN_SCREENS = {
    ("accounts", "login"),
    ("accounts", "sim_login"),
    ("accounts", "sim_login_wait"),
    ("accounts", "usb_login_start"),
}
VNEID_SCREENS = {("vneid", "authorize")}


def guide_enabled(request: HttpRequest) -> bool:
    """Say whether this browser turned guided mode on (a training aid: sandbox only)."""
    return settings.SANDBOX_ENABLED and request.COOKIES.get(GUIDE_COOKIE) == "1"


def current_step(request: HttpRequest) -> GuideStep | None:
    """Return the GuideStep for the screen being drawn, or None when guided mode is off."""
    if not guide_enabled(request):
        return None
    match = getattr(request, "resolver_match", None)
    screen = (match.namespace, match.url_name) if match else ("", "")
    if screen in VNEID_SCREENS:
        return VNEID_SCREEN
    if screen[0] == "vneid":
        # VNeID's other pages (its phone app, errors) are not screens of the guide's walk.
        return None
    if screen == ("vneid_login", "link"):
        return VNEID_LINK_SCREEN
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return LOGIN_SCREEN if screen in LOGIN_SCREENS else NOT_LOGGED_IN
    if vneid_id_token(request):
        return VNEID_DONE
    if screen == ("accounts", "update_cccd"):
        return CCCD_SCREEN
    if not user.cccd_number:
        return SKIPPED_ON_IDENTITY if screen == ("accounts", "identity") else SKIPPED
    return LINKED
