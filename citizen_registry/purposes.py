"""The published list of lookup purposes a caller must choose from (the OpenAPI enum)."""

PURPOSES = {
    "cccd_linking": "Liên kết số CCCD với tài khoản dịch vụ công",
    "identity_refresh": "Cập nhật thông tin định danh từ CSDL Quốc gia về Dân cư",
    "identity_verification": "Xác minh danh tính người nộp hồ sơ, người đăng ký tài khoản",
    "public_service": "Giải quyết thủ tục hành chính, dịch vụ công",
    "integration_test": "Kiểm thử kết nối, đo hiệu năng (môi trường thử nghiệm)",
}
PURPOSE_NOTE_MAX_LENGTH = 255
