"""The portal's "Đăng nhập bằng VNeID": an OpenID Connect client that talks to VNeID over HTTP."""

from django.urls import path

from . import views

app_name = "vneid_login"

urlpatterns = [
    path("dang-nhap/vneid/", views.VneidStartView.as_view(), name="start"),
    path("dang-nhap/vneid/callback/", views.VneidCallbackView.as_view(), name="callback"),
    path("dang-nhap/vneid/lien-ket/", views.VneidLinkView.as_view(), name="link"),
]
