from django.apps import AppConfig


class BusinessRegistryConfig(AppConfig):
    name = "business_registry"
    verbose_name = "CSDL quốc gia về đăng ký doanh nghiệp"

    def ready(self) -> None:
        from api_kit.server import register_json_errors

        from .views import REGISTRY_ERRORS

        # Below its API every path answers in the API's JSON, an unknown one included.
        register_json_errors("business_registry", ["api/"], REGISTRY_ERRORS)
