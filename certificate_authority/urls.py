from django.urls import path

from . import views

app_name = "certificate_authority"

urlpatterns = [
    path("root.crt", views.root_certificate, name="root_certificate"),
    path("crl", views.crl, name="crl"),
    path("crl.pem", views.crl_pem, name="crl_pem"),
]
