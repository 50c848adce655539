"""The third portal's URLs: the library's login, callback and logout, and its own pages."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("me.json", views.me, name="me"),
    path("dang-nhap-that-bai/", views.login_failed, name="login_failed"),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("backchannel-logout", views.backchannel_logout, name="backchannel_logout"),
]
