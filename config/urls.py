"""The only URL configuration that includes every app."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("portal.public_urls")),
    path("", include("accounts.urls")),
    path("", include("identity.relying_party.urls")),
    path("registry/", include("citizen_registry.urls")),
    path("business-registry/", include("business_registry.urls")),
    path("vneid/", include("vneid.urls")),
    path("xacthuc/", include("identity.national_login.urls")),
    path("nha-mang/", include("mobile_operator.urls")),
    path("ca/", include("certificate_authority.urls")),
    path("quang-nam/", include("provincial_portal.urls")),
    path("sandbox/", include("sandbox.urls")),
    path("captcha/", include("captcha.urls")),
    path("admin/", admin.site.urls),
]

# Vietnamese pages, or JSON in the format an organisation registered with api_kit.server.
handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
