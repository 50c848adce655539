"""Every text of the guide's step-3 picture (seed) is on the identity screen, spelt as there."""

import pytest

from tests.accounts.factories import UserFactory

# The picture under "Bước 3" of the seed, top to bottom (OCR slips corrected: "Trang chủ").
STEP_3_TEXTS = [
    "CỔNG DỊCH VỤ CÔNG QUỐC GIA",
    "Kết nối, cung cấp thông tin và dịch vụ công mọi lúc, mọi nơi",
    "Tô Thị Nga",
    "Giới thiệu",
    "Thông tin và dịch vụ",
    "Thanh toán trực tuyến",
    "Phản ánh kiến nghị",
    "Thủ tục hành chính",
    "Hỗ trợ",
    "Trang chủ",
    "Thông tin tài khoản",
    "Thông tin định danh",
    "Cập nhật từ CSDL Quốc gia về Dân cư",
    "Sửa",
    "Hồ sơ đã hoàn thành",
    "Hồ sơ đang xử lý",
    "Họ tên",
    "Số CMT (9 số)",
    "Số CMT/CCCD (12 số)",
    "Ngày sinh",
    "Số điện thoại",
    "Giới tính",
    "Nơi sinh",
    "Email",
    "Quê Quán",
    "Thông tin mở rộng",
    "Quản lý dịch vụ công",
    "Hồ sơ của tôi",
]


@pytest.mark.django_db
def test_identity_screen_carries_every_text_of_the_guide_picture(client):
    client.force_login(
        UserFactory(username="164438056", full_name="Tô Thị Nga", cccd_number="037190612345")
    )

    page = client.get("/tai-khoan/thong-tin-dinh-danh/").content.decode()

    missing = [text for text in STEP_3_TEXTS if text not in page]
    assert missing == []
    crumbs = page[page.index('aria-label="breadcrumb"') :]
    assert crumbs.index("Trang chủ") < crumbs.index("Thông tin tài khoản")


@pytest.mark.django_db
def test_login_screen_carries_every_text_of_the_guide_picture(client):
    page = client.get("/dang-nhap/").content.decode()

    for text in (
        ">Đăng nhập</h1>",
        ">CMT/CCCD<",
        ">USB ký số<",
        ">Sim ký số<",
        ">Tên đăng nhập<",
        'placeholder="Nhập CMT/CCCD"',
        ">Mật khẩu<",
        'placeholder="Nhập mật khẩu"',
        ">Nhập mã xác thực<",
        'placeholder="Mã xác thực"',
        ">Quên mật khẩu?<",
        ">Đăng nhập</button>",
        ">– Hoặc đăng nhập bằng –<",
        'src="/static/portal/img/vneid-mark.svg"',
    ):
        assert text in page, text
