from django.apps import AppConfig


class RelyingPartyConfig(AppConfig):
    name = "identity.relying_party"
    label = "vneid_login"
    verbose_name = "Đăng nhập bằng VNeID"
