from django.apps import AppConfig


class VneidProviderConfig(AppConfig):
    name = "vneid"
    label = "vneid_provider"
    verbose_name = "VNeID (mô phỏng)"

    def ready(self) -> None:
        from api_kit.server import register_json_errors

        from .errors import JSON_PATHS, OAUTH_ERRORS

        register_json_errors("vneid", JSON_PATHS, OAUTH_ERRORS)
