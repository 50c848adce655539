from django.apps import AppConfig


class MobileOperatorConfig(AppConfig):
    name = "mobile_operator"
    verbose_name = "Nhà mạng di động (mô phỏng)"
