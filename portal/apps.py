from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Cổng Dịch vụ công Quốc gia"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the officials' two-factor site as the default `admin.site`."""

    # Named explicitly in INSTALLED_APPS; PortalConfig stays this module's default.
    default = False
    default_site = "portal.admin_site.PortalAdminSite"
