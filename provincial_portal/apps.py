from django.apps import AppConfig


class ProvincialPortalConfig(AppConfig):
    name = "provincial_portal"
    label = "provincial_portal"
    verbose_name = "Cổng DVC tỉnh Quảng Nam (mô phỏng)"
