"""Cổng Dịch vụ công tỉnh Quảng Nam (mô phỏng), served under /quang-nam/."""

from django.urls import path

from . import views

app_name = "provincial_portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.StartLoginView.as_view(), name="login"),
    path("dang-nhap/callback/", views.CallbackView.as_view(), name="callback"),
    path("dang-nhap/ke-thua/", views.InheritView.as_view(), name="inherit"),
    path("dang-nhap/to-chuc/", views.OrganisationLoginView.as_view(), name="organisation_login"),
    path("to-chuc/", views.organisation, name="organisation"),
    path("dang-xuat/", views.logout, name="logout"),
    path("ho-so/", views.dossiers, name="dossiers"),
    path("tai-khoan/", views.account, name="account"),
    path("backchannel-logout", views.backchannel_logout, name="backchannel_logout"),
    path("frontchannel-logout", views.frontchannel_logout, name="frontchannel_logout"),
]
