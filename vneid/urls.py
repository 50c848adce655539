from django.urls import path

from . import app_views, views

app_name = "vneid"

# The endpoints that programs, not people, call: the site's error handlers answer under them in
# OAuth's JSON format (registered in apps.py); VNeID's login pages stay HTML.
json_urlpatterns = [
    path(".well-known/openid-configuration", views.discovery, name="discovery"),
    path("jwks", views.jwks, name="jwks"),
    path("token", views.token, name="token"),
    path("userinfo", views.userinfo, name="userinfo"),
]

urlpatterns = [
    *json_urlpatterns,
    path("authorize", views.authorize, name="authorize"),
    path("authorize/cancel", views.authorize_cancel, name="authorize_cancel"),
    path("logout", views.end_session, name="end_session"),
    path("qr/status", views.qr_status, name="qr_status"),
    path("app/", app_views.app_home, name="app_home"),
    path("app/scan/<str:qr_token>", app_views.app_scan, name="app_scan"),
    path("app/logout", app_views.app_logout, name="app_logout"),
    path("app/organisations/", app_views.app_organisations, name="app_organisations"),
    path(
        "app/organisations/register",
        app_views.app_organisation_register,
        name="app_organisation_register",
    ),
    path(
        "app/organisations/confirm",
        app_views.app_organisation_confirm,
        name="app_organisation_confirm",
    ),
    path("app/organisations/switch", app_views.app_switch, name="app_switch"),
    path(
        "app/organisations/<int:organisation_id>/authorisations",
        app_views.app_authorisations,
        name="app_authorisations",
    ),
    path(
        "app/organisations/<int:organisation_id>/authorisations/revoke",
        app_views.app_revoke,
        name="app_revoke",
    ),
]
