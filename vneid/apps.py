from django.apps import AppConfig


class VneidProviderConfig(AppConfig):
    name = "vneid"
    label = "vneid_provider"
    verbose_name = "VNeID (mô phỏng)"
