"""Single logout: client logout URIs, the issuer of logins and codes, back-channel audit kinds.

The login's public `sid` arrives in three steps (Django's recipe for a unique field on a table
with rows): added empty here, filled in 0008, made unique in 0009.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("vneid_provider", "0006_loginfailure_checked"),
    ]

    operations = [
        migrations.AddField(
            model_name="authorizationcode",
            name="issuer",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.AddField(
            model_name="loginsession",
            name="issuer",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.AddField(
            model_name="loginsession",
            name="sid",
            field=models.CharField(max_length=32, null=True),
        ),
        migrations.AddField(
            model_name="oidcclient",
            name="backchannel_logout_uri",
            field=models.CharField(
                blank=True,
                default="",
                max_length=2000,
                verbose_name="địa chỉ nhận thông báo đăng xuất (back-channel)",
            ),
        ),
        migrations.AddField(
            model_name="oidcclient",
            name="frontchannel_logout_uri",
            field=models.CharField(
                blank=True,
                default="",
                max_length=2000,
                verbose_name="địa chỉ đăng xuất qua trình duyệt (front-channel)",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("login_succeeded", "Đăng nhập thành công"),
                    ("login_failed", "Đăng nhập sai"),
                    ("login_throttled", "Đăng nhập bị tạm khoá"),
                    ("login_locked_account", "Đăng nhập vào tài khoản bị khoá"),
                    ("code_reused", "Mã uỷ quyền bị dùng lại"),
                    ("qr_approved", "Xác nhận đăng nhập bằng mã QR"),
                    ("qr_refused", "Từ chối đăng nhập bằng mã QR"),
                    ("client_created", "Đăng ký hệ thống kết nối"),
                    ("account_saved", "Tạo / cập nhật tài khoản VNeID"),
                    ("key_rotated", "Xoay vòng khoá ký"),
                    ("client_changed", "Sửa hệ thống kết nối"),
                    ("client_secret_issued", "Cấp lại client secret"),
                    ("request_answered", "Trả lời yêu cầu (authorize, token, userinfo)"),
                    ("logout_delivered", "Đã gửi thông báo đăng xuất (back-channel)"),
                    ("logout_failed", "Gửi thông báo đăng xuất (back-channel) thất bại"),
                ],
                max_length=24,
                verbose_name="sự kiện",
            ),
        ),
    ]
