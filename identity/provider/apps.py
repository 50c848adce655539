from django.apps import AppConfig


class VneidProviderConfig(AppConfig):
    name = "identity.provider"
    label = "vneid_provider"
    verbose_name = "VNeID (mô phỏng)"
