"""Guided mode: on each screen of the walk, which step of the guide this is and what comes next.

Three guides. The national portal's wording is the guide's own (Văn phòng Chính phủ, "Liên kết tài
khoản và đăng nhập tài khoản VNeID trên Cổng Dịch vụ công Quốc gia", Bước 1–4). The second, "Đăng
nhập Cổng DVC tỉnh bằng VNeID", follows a citizen from the provincial portal through the national
login service and VNeID and back; its screens belong to other organisations, which are known here
only by their URL namespaces (never imported). The third, "Tổ chức đăng nhập bằng VNeID"
(Nghị định 69/2024/NĐ-CP), follows an organisation from its legacy account (tax code and password,
before 2025) through the representative's registration of the organisation e-ID in the VNeID app
to the VNeID login as the organisation, which inherits the legacy account. The step is chosen
from the screen being drawn and what the session already knows, never from a query: the panel
costs nothing per request.
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from identity.relying_party.conf import vneid_settings
from identity.relying_party.state import vneid_id_token

GUIDE_COOKIE = "dvc_huong_dan"
GUIDE_COOKIE_MAX_AGE = 30 * 24 * 3600

STEP_TITLES = {
    1: "Bước 1: Đăng nhập hệ thống",
    2: "Bước 2: Hệ thống kiểm tra tài khoản sau khi đăng nhập",
    3: "Bước 3: Công dân nhập và xác nhận cập nhật dữ liệu",
    4: "Bước 4: Công dân đăng nhập bằng tài khoản VNeID",
}


NATIONAL_GUIDE = "Liên kết tài khoản và đăng nhập VNeID trên Cổng DVCQG"
PROVINCIAL_GUIDE = "Đăng nhập Cổng DVC tỉnh bằng VNeID"
PROVINCIAL_STEP_TITLES = {
    1: "Bước 1: Mở Cổng DVC tỉnh và chọn Đăng nhập",
    2: "Bước 2: Chọn VNeID tại Hệ thống xác thực",
    3: "Bước 3: Đăng nhập bằng tài khoản VNeID",
    4: "Bước 4: Trở về Cổng DVC tỉnh với tài khoản của mình",
}
ORGANISATION_GUIDE = "Tổ chức đăng nhập bằng VNeID"
ORGANISATION_STEP_TITLES = {
    1: "Bước 1: Đăng nhập tài khoản tổ chức cũ (trước năm 2025)",
    2: "Bước 2: Người đại diện đăng ký định danh tổ chức trên ứng dụng VNeID",
    3: "Bước 3: Đăng nhập bằng VNeID với tư cách tổ chức",
    4: "Bước 4: Kế thừa tài khoản tổ chức cũ",
}
GUIDE_TITLES = {
    NATIONAL_GUIDE: STEP_TITLES,
    PROVINCIAL_GUIDE: PROVINCIAL_STEP_TITLES,
    ORGANISATION_GUIDE: ORGANISATION_STEP_TITLES,
}


@dataclass(frozen=True)
class GuideStep:
    number: int
    text: str
    next_text: str
    # The walk is over: the trainee is logged in with VNeID.
    done: bool = False
    guide: str = NATIONAL_GUIDE

    @property
    def _titles(self) -> dict[int, str]:
        return GUIDE_TITLES[self.guide]

    @property
    def title(self) -> str:
        return self._titles[self.number]

    @property
    def named(self) -> bool:
        """Say whether the panel names its guide: the national portal's is the default one."""
        return self.guide != NATIONAL_GUIDE

    @property
    def total(self) -> int:
        return len(self._titles)


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

# "Đăng nhập Cổng DVC tỉnh bằng VNeID": the provincial portal's, the national login service's
# and VNeID's screens on the provincial login's way.
PROVINCE_START = GuideStep(
    1,
    "Công dân mở Cổng Dịch vụ công tỉnh Quảng Nam. Cổng tỉnh không tự xác thực công dân: nút "
    "“Đăng nhập” chuyển sang Hệ thống xác thực của Văn phòng Chính phủ.",
    "Chọn “Đăng nhập” ở góc trên bên phải.",
    guide=PROVINCIAL_GUIDE,
)
PROVINCE_CHOOSER = GuideStep(
    2,
    "Hệ thống xác thực (xacthuc.dichvucong.gov.vn) cho chọn cách đăng nhập: “CÔNG DÂN – Tài "
    "khoản Định danh điện tử (VNeID)” hoặc “TÀI KHOẢN ĐƯỢC CẤP”. Nếu trình duyệt đã đăng nhập "
    "VNeID (ví dụ trên Cổng DVCQG), màn hình này và Bước 3 được bỏ qua: đăng nhập một lần.",
    "Chọn “CÔNG DÂN – Tài khoản Định danh điện tử (VNeID)”.",
    guide=PROVINCIAL_GUIDE,
)
PROVINCE_VNEID = GuideStep(
    3,
    "Hệ thống xác thực chuyển sang màn hình đăng nhập VNeID của Bộ Công an.",
    "Nhập Số định danh cá nhân và Mật khẩu VNeID, rồi chọn “Đăng nhập”. VNeID trả công dân "
    "về Hệ thống xác thực, rồi về Cổng tỉnh.",
    guide=PROVINCIAL_GUIDE,
)
PROVINCE_BACK = GuideStep(
    4,
    "Cổng tỉnh nhận Số định danh và họ tên từ Hệ thống xác thực. Tài khoản tỉnh đã có số CCCD: "
    "kế thừa ngay. Tài khoản chỉ có CMND: Cổng tỉnh đề nghị liên kết. Chưa có tài khoản: Cổng "
    "tỉnh tạo tài khoản mới, chưa có hồ sơ.",
    "Xem “Tài khoản” và “Hồ sơ” của Cổng tỉnh.",
    done=True,
    guide=PROVINCIAL_GUIDE,
)
PROVINCE_LINK = GuideStep(
    4,
    "Cổng tỉnh tìm thấy tài khoản cũ chỉ có số CMND: hỏi có liên kết tài khoản đó với VNeID không.",
    "Nhập mật khẩu tài khoản tỉnh cũ để liên kết và kế thừa hồ sơ đã nộp trước đó.",
    guide=PROVINCIAL_GUIDE,
)
# "Tổ chức đăng nhập bằng VNeID": the two portals' organisation screens, VNeID's app screens
# of "Định danh tổ chức" and VNeID's login page when the portal asked for the organisation.
ORG_LEGACY_LOGIN = GuideStep(
    1,
    "Trước ngày 01/7/2025, tổ chức đăng nhập Cổng bằng tài khoản tổ chức được cấp: mã số thuế, "
    "mật khẩu và mã xác thực (tab “Tổ chức”).",
    "Nhập mã số thuế, mật khẩu tài khoản tổ chức và mã xác thực, rồi chọn “Đăng nhập”. Từ "
    "01/7/2025 cách này không còn dùng được: tổ chức chuyển sang định danh điện tử tổ chức.",
    guide=ORGANISATION_GUIDE,
)
ORG_LEGACY_SIGNED_IN = GuideStep(
    1,
    "Tổ chức đang đăng nhập bằng tài khoản cũ (mã số thuế và mật khẩu). Tài khoản này chỉ có "
    "giá trị đến hết 30/6/2025.",
    "Bước 2: người đại diện theo pháp luật mở ứng dụng VNeID, chọn “Định danh tổ chức” → “Đăng "
    "ký định danh tổ chức”.",
    guide=ORGANISATION_GUIDE,
)
ORG_APP = GuideStep(
    2,
    "Người đại diện theo pháp luật (tài khoản VNeID mức 2) đăng ký định danh tổ chức trong ứng "
    "dụng VNeID: xác nhận bằng passcode, rồi nhập loại hình, tên và mã số doanh nghiệp. VNeID "
    "đối chiếu với CSDL quốc gia về đăng ký doanh nghiệp. Tổ chức có nhiều người đại diện: mỗi "
    "người xác nhận trong ứng dụng của mình thì định danh mới được kích hoạt.",
    "Khi định danh đã kích hoạt — Bước 3: trên Cổng, chọn “Đăng nhập bằng VNeID (tổ chức)”.",
    guide=ORGANISATION_GUIDE,
)
ORG_VNEID = GuideStep(
    3,
    "VNeID hỏi đăng nhập với tư cách nào: cá nhân, hoặc tổ chức mà người này đại diện hay được "
    "ủy quyền.",
    "Đăng nhập bằng tài khoản VNeID của người đại diện, rồi chọn tổ chức trong “Chọn tài khoản "
    "đăng nhập”.",
    guide=ORGANISATION_GUIDE,
)
ORG_INHERITED = GuideStep(
    4,
    "Đăng nhập bằng VNeID với tư cách tổ chức: Cổng tìm tài khoản tổ chức cũ theo mã số thuế. "
    "Người đại diện theo pháp luật, hoặc người được ủy quyền toàn quyền, kế thừa tài khoản đó "
    "cùng các hồ sơ đã nộp; việc kế thừa được ghi nhật ký (ai, lúc nào).",
    "Mở “Thông tin tổ chức” và “Hồ sơ của tôi” để xem dữ liệu đã kế thừa.",
    done=True,
    guide=ORGANISATION_GUIDE,
)
ORG_PROVINCE_INFO = GuideStep(
    4,
    "“Thông tin tổ chức” của Cổng tỉnh: sau lần đăng nhập đầu tiên bằng VNeID với tư cách tổ "
    "chức, trang ghi tài khoản cũ đã được kế thừa, ai kế thừa và lúc nào.",
    "Nếu vừa đăng nhập bằng mã số thuế: đăng xuất, rồi đăng nhập lại qua Hệ thống xác thực, "
    "chọn “TỔ CHỨC – Tài khoản định danh điện tử tổ chức (VNeID)”.",
    guide=ORGANISATION_GUIDE,
)
# The "Tổ chức" tab posts to its own address; drawn on the login page under `?tab=to-chuc`.
ORGANISATION_LOGIN_SCREENS = {("accounts", "organisation_login")}
ORGANISATION_TAB = ("tab", "to-chuc")
# VNeID's app screens of "Định danh tổ chức" (its other app screens are not the walk's).
ORGANISATION_APP_SCREENS = {
    "app_organisations",
    "app_organisation_register",
    "app_organisation_confirm",
    "app_switch",
    "app_authorisations",
}
# The scope a client asks for to allow an organisation login at VNeID.
ORGANISATION_SCOPE = "vneid_organisation"
PROVINCE_ORGANISATION_LOGIN_SCREENS = {"organisation_login"}
PROVINCE_ORGANISATION_SCREENS = {"organisation"}
PROVINCE_NAMESPACE = "provincial_portal"
NATIONAL_LOGIN_NAMESPACE = "national_login"
# The provincial portal's screens (URL names): its link offer, and those only a login reaches.
PROVINCE_LINK_SCREENS = {"inherit"}
PROVINCE_SIGNED_IN_SCREENS = {"account", "dossiers"}
# The province keeps its login in a cookie of its own (never this portal's session): its
# presence is what the guide knows of a provincial login without asking the province.
PROVINCE_SESSION_COOKIE = "qnam_session"
NATIONAL_LOGIN_CHOOSER_SCREENS = {"chooser"}
# Drawn in another site's hidden iframe, or answered to a server: no panel there.
PROVINCE_QUIET_SCREENS = {"frontchannel_logout", "backchannel_logout"}

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
    if screen[0] in (PROVINCE_NAMESPACE, NATIONAL_LOGIN_NAMESPACE):
        return provincial_step(screen, signed_in=PROVINCE_SESSION_COOKIE in request.COOKIES)
    if screen in VNEID_SCREENS:
        if ORGANISATION_SCOPE in request.GET.get("scope", "").split():
            return ORG_VNEID
        if _for_another_service(request):
            return PROVINCE_VNEID
        return VNEID_SCREEN
    if screen[0] == "vneid":
        # VNeID's other pages (its phone app, errors) are not screens of the guide's walk.
        return ORG_APP if screen[1] in ORGANISATION_APP_SCREENS else None
    if screen == ("vneid_login", "link"):
        return VNEID_LINK_SCREEN
    if screen in ORGANISATION_LOGIN_SCREENS or (
        screen == ("accounts", "login")
        and request.GET.get(ORGANISATION_TAB[0]) == ORGANISATION_TAB[1]
    ):
        return ORG_LEGACY_LOGIN
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return LOGIN_SCREEN if screen in LOGIN_SCREENS else NOT_LOGGED_IN
    if getattr(user, "is_organisation", False):
        # An organisation's session came from its legacy password or from VNeID, whose login
        # is the one that inherits the account.
        return ORG_INHERITED if vneid_id_token(request) else ORG_LEGACY_SIGNED_IN
    if vneid_id_token(request):
        return VNEID_DONE
    if screen == ("accounts", "update_cccd"):
        return CCCD_SCREEN
    if not user.cccd_number:
        return SKIPPED_ON_IDENTITY if screen == ("accounts", "identity") else SKIPPED
    return LINKED


def _for_another_service(request: HttpRequest) -> bool:
    """Say whether VNeID's login screen serves a client other than this portal's own login.

    In the sandbox that is the national login service, on a provincial portal's login's way.
    """
    client_id = request.GET.get("client_id", "")
    return bool(client_id) and client_id != vneid_settings.CLIENT_ID


def provincial_step(screen: tuple[str, str | None], *, signed_in: bool) -> GuideStep | None:
    """Return the step of "Đăng nhập Cổng DVC tỉnh bằng VNeID" a provincial-tier screen is."""
    namespace, name = screen
    if namespace == NATIONAL_LOGIN_NAMESPACE:
        # Its other pages (a refusal, the logout) are not screens of the walk.
        return PROVINCE_CHOOSER if name in NATIONAL_LOGIN_CHOOSER_SCREENS else None
    if name in PROVINCE_QUIET_SCREENS:
        return None
    if name in PROVINCE_ORGANISATION_LOGIN_SCREENS:
        return ORG_LEGACY_LOGIN
    if name in PROVINCE_ORGANISATION_SCREENS:
        return ORG_PROVINCE_INFO
    if name in PROVINCE_LINK_SCREENS:
        return PROVINCE_LINK
    if name in PROVINCE_SIGNED_IN_SCREENS or (name == "home" and signed_in):
        return PROVINCE_BACK
    return PROVINCE_START
