from django.urls import path

from . import api, usb_views, views

app_name = "sandbox"

urlpatterns = [
    path("", views.console, name="console"),
    path("personas/<slug:key>/reset/", views.reset, name="reset_persona"),
    path("faults/<slug:target>/", views.switch_fault, name="switch_fault"),
    path("login-policy/", views.switch_login_policy, name="switch_login_policy"),
    path("plugin-ky-so/", usb_views.plugin, name="signing_plugin"),
    path("personas/<slug:key>/usb-ky-so.p12", usb_views.persona_pkcs12, name="persona_pkcs12"),
    path("api/v1/workspaces", api.workspaces, name="api_workspaces"),
    path("api/v1/workspaces/<str:code>", api.workspace, name="api_workspace"),
    path("api/v1/openapi.json", api.openapi, name="api_openapi"),
]
