"""The national login service's URLs, under `/xacthuc/` (config/urls.py)."""

from django.urls import path

from . import logout_views, views

app_name = "national_login"

# The endpoints programs call: the site's error handlers answer under them in OAuth's JSON.
json_urlpatterns = [
    path(".well-known/openid-configuration", views.discovery, name="discovery"),
    path("oauth2/jwks", views.jwks, name="jwks"),
    path("oauth2/token", views.token, name="token"),
    path("oauth2/userinfo", views.userinfo, name="userinfo"),
    path(
        "oauth2/backchannel-logout",
        logout_views.backchannel_logout,
        name="backchannel_logout",
    ),
]

urlpatterns = [
    *json_urlpatterns,
    path("oauth2/authorize", views.authorize, name="authorize"),
    path("oauth2/logout", logout_views.end_session, name="end_session"),
    path("oauth2/logout/vneid", logout_views.vneid_logged_out, name="vneid_logged_out"),
    path("oauth2/logout/done", logout_views.logged_out, name="logged_out"),
    path("authenticationendpoint/login", views.chooser, name="chooser"),
    path("vneid/callback", views.vneid_callback, name="vneid_callback"),
]
