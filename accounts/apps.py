from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Tài khoản Cổng DVCQG"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
