from django.apps import AppConfig


class NationalLoginConfig(AppConfig):
    name = "identity.national_login"
    label = "national_login"
    verbose_name = "Hệ thống xác thực (mô phỏng)"

    def ready(self) -> None:
        from api_kit.server import register_json_errors
        from oidc_kit.errors import OAUTH_ERRORS

        from .urls import json_urlpatterns

        paths = [str(pattern.pattern) for pattern in json_urlpatterns]
        register_json_errors("national_login", paths, OAUTH_ERRORS)
