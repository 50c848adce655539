from django.urls import path

from . import api, views

app_name = "mobile_operator"

urlpatterns = [
    path("api/v1/signing-requests", api.create_signing_request, name="api_signing_requests"),
    path(
        "api/v1/signing-requests/<str:public_id>",
        api.signing_request_status,
        name="api_signing_request",
    ),
    path("api/v1/sms", api.send_sms, name="api_sms"),
    path("dien-thoai/", views.phone, name="phone"),
    path("dien-thoai/moi-nhat/", views.latest, name="phone_latest"),
    path("dien-thoai/chon-so/", views.choose_number, name="choose_number"),
    path("dien-thoai/doi-so/", views.forget_number, name="forget_number"),
    path("dien-thoai/ky-so/<str:public_id>/", views.decide, name="decide"),
]
