from django.urls import path

from . import api, class_views, usb_views, views

app_name = "sandbox"

urlpatterns = [
    path("", views.console, name="console"),
    path("personas/<slug:key>/reset/", views.reset, name="reset_persona"),
    path("to-chuc/<slug:key>/reset/", views.reset_organisation, name="reset_organisation"),
    path("faults/<slug:target>/", views.switch_fault, name="switch_fault"),
    path("login-policy/", views.switch_login_policy, name="switch_login_policy"),
    path("plugin-ky-so/", usb_views.plugin, name="signing_plugin"),
    path("personas/<slug:key>/usb-ky-so.p12", usb_views.persona_pkcs12, name="persona_pkcs12"),
    path("cho-ngoi/<str:code>/", class_views.seat_card, name="seat_card"),
    path("cho-ngoi/<str:code>/hanh-trinh/", class_views.seat_timeline_page, name="seat_timeline"),
    path("lop/<int:pk>/", class_views.class_dashboard, name="class_dashboard"),
    path("lop/<int:pk>/tien-do.json", class_views.class_progress_json, name="class_progress"),
    path("lop/<int:pk>/the/", class_views.class_cards, name="class_cards"),
    path("lop/<int:pk>/dat-lai/", class_views.reset_class, name="reset_class"),
    path("lop/<int:pk>/cho/<int:seat>/dat-lai/", class_views.reset_seat, name="reset_seat"),
    path("api/v1/workspaces", api.workspaces, name="api_workspaces"),
    path("api/v1/workspaces/<str:code>", api.workspace, name="api_workspace"),
    path("api/v1/openapi.json", api.openapi, name="api_openapi"),
]
