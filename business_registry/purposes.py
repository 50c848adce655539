"""The published list of lookup purposes a caller must choose from (the OpenAPI enum)."""

PURPOSES = {
    "organisation_eid_registration": "Đăng ký, xác nhận định danh điện tử tổ chức (VNeID)",
    "organisation_eid_refresh": "Cập nhật thông tin định danh điện tử tổ chức",
    "organisation_login": "Xác minh tổ chức và người đại diện khi đăng nhập, kế thừa tài khoản",
    "public_service": "Giải quyết thủ tục hành chính, dịch vụ công",
    "integration_test": "Kiểm thử kết nối, đo hiệu năng (môi trường thử nghiệm)",
}
PURPOSE_NOTE_MAX_LENGTH = 255
