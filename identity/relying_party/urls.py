"""The portal's "Đăng nhập bằng VNeID": an OpenID Connect client that talks to VNeID over HTTP."""

from django.urls import path

from . import single_logout, views

app_name = "vneid_login"

urlpatterns = [
    path("dang-nhap/vneid/", views.VneidStartView.as_view(), name="start"),
    path(
        "dang-nhap/vneid/to-chuc/",
        views.VneidOrganisationStartView.as_view(),
        name="start_organisation",
    ),
    path("dang-nhap/vneid/callback/", views.VneidCallbackView.as_view(), name="callback"),
    path("dang-nhap/vneid/lien-ket/", views.VneidLinkView.as_view(), name="link"),
    # VNeID posts its logout tokens here (OpenID Connect Back-Channel Logout 1.0).
    path(
        "dang-nhap/vneid/backchannel-logout/",
        single_logout.receive_logout,
        name="backchannel_logout",
    ),
]
