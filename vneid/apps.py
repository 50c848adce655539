from django.apps import AppConfig


class VneidProviderConfig(AppConfig):
    name = "vneid"
    label = "vneid_provider"
    verbose_name = "VNeID (mô phỏng)"

    def ready(self) -> None:
        from api_kit.server import register_json_errors

        from .errors import OAUTH_ERRORS
        from .urls import json_urlpatterns

        paths = [str(pattern.pattern) for pattern in json_urlpatterns]
        register_json_errors("vneid", paths, OAUTH_ERRORS)
