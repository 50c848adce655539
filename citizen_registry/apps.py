from django.apps import AppConfig


class CitizenRegistryConfig(AppConfig):
    name = "citizen_registry"
    verbose_name = "CSDL Quốc gia về Dân cư"
