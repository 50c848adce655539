from django.urls import path

from . import app_views, views

app_name = "vneid"

urlpatterns = [
    path(".well-known/openid-configuration", views.discovery, name="discovery"),
    path("jwks", views.jwks, name="jwks"),
    path("authorize", views.authorize, name="authorize"),
    path("authorize/cancel", views.authorize_cancel, name="authorize_cancel"),
    path("token", views.token, name="token"),
    path("userinfo", views.userinfo, name="userinfo"),
    path("logout", views.end_session, name="end_session"),
    path("qr/status", views.qr_status, name="qr_status"),
    path("app/", app_views.app_home, name="app_home"),
    path("app/scan/<str:qr_token>", app_views.app_scan, name="app_scan"),
    path("app/logout", app_views.app_logout, name="app_logout"),
]
