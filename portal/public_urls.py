from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("huong-dan/", views.toggle_guide, name="toggle_guide"),
    path("gioi-thieu/", views.info_page, {"page": "about"}, name="about"),
    path("thong-tin-va-dich-vu/", views.services, name="services"),
    path("thanh-toan-truc-tuyen/", views.info_page, {"page": "payment"}, name="payment"),
    path("phan-anh-kien-nghi/", views.info_page, {"page": "feedback"}, name="feedback"),
    path("thu-tuc-hanh-chinh/", views.services, name="procedures"),
    path("ho-tro/", views.info_page, {"page": "help"}, name="help"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("ho-so/", views.DossierListView.as_view(), name="dossiers"),
    path(
        "dich-vu-cong/cap-phieu-ly-lich-tu-phap/",
        views.CriminalRecordServiceView.as_view(),
        name="criminal_record_service",
    ),
]
