from django.urls import path

from . import signature_views, sim_views, views

app_name = "accounts"

urlpatterns = [
    path("dang-nhap/", views.PortalLoginView.as_view(), name="login"),
    path("dang-nhap/to-chuc/", views.OrganisationLoginView.as_view(), name="organisation_login"),
    path("dang-nhap/sim-ky-so/", sim_views.SimLoginStartView.as_view(), name="sim_login"),
    path(
        "dang-nhap/sim-ky-so/cho-xac-nhan/",
        sim_views.SimLoginWaitView.as_view(),
        name="sim_login_wait",
    ),
    path(
        "dang-nhap/sim-ky-so/trang-thai/",
        sim_views.SimLoginStatusView.as_view(),
        name="sim_login_status",
    ),
    path(
        "dang-nhap/sim-ky-so/hoan-tat/",
        sim_views.SimLoginFinishView.as_view(),
        name="sim_login_finish",
    ),
    path(
        "dang-nhap/usb-ky-so/", signature_views.UsbLoginStartView.as_view(), name="usb_login_start"
    ),
    path(
        "dang-nhap/usb-ky-so/xac-thuc/",
        signature_views.UsbLoginVerifyView.as_view(),
        name="usb_login_verify",
    ),
    path("quen-mat-khau/", views.SmsPasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/nhap-ma/", views.SmsCodeView.as_view(), name="password_reset_code"),
    path(
        "quen-mat-khau/mat-khau-moi/", views.SmsNewPasswordView.as_view(), name="password_reset_new"
    ),
    path(
        "quen-mat-khau/email/",
        views.PortalPasswordResetView.as_view(),
        name="password_reset_email",
    ),
    path(
        "quen-mat-khau/da-gui/",
        views.PortalPasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "quen-mat-khau/hoan-tat/",
        views.PortalPasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "quen-mat-khau/<uidb64>/<token>/",
        views.PortalPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("tai-khoan/", views.AccountHomeView.as_view(), name="account"),
    path("tai-khoan/cap-nhat-cccd/", views.CccdUpdateView.as_view(), name="update_cccd"),
    path("tai-khoan/thong-tin-dinh-danh/", views.IdentityView.as_view(), name="identity"),
    path(
        "tai-khoan/thong-tin-dinh-danh/cap-nhat-tu-csdl/",
        views.IdentityRefreshView.as_view(),
        name="identity_refresh",
    ),
    path(
        "tai-khoan/thong-tin-dinh-danh/sua/",
        views.ContactUpdateView.as_view(),
        name="contact_edit",
    ),
    path("tai-khoan/thong-tin-mo-rong/", views.ExtendedInfoView.as_view(), name="extended"),
    path(
        "tai-khoan/thong-tin-to-chuc/",
        views.OrganisationInfoView.as_view(),
        name="organisation",
    ),
]
