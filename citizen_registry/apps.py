from django.apps import AppConfig


class CitizenRegistryConfig(AppConfig):
    name = "citizen_registry"
    verbose_name = "CSDL Quốc gia về Dân cư"

    def ready(self) -> None:
        from api_kit.server import register_json_errors

        from .views import REGISTRY_ERRORS

        # Below its API every path answers in the API's JSON, an unknown one included.
        register_json_errors("citizen_registry", ["api/"], REGISTRY_ERRORS)
