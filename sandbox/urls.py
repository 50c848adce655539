from django.urls import path

from . import usb_views, views

app_name = "sandbox"

urlpatterns = [
    path("", views.console, name="console"),
    path("personas/<slug:key>/reset/", views.reset, name="reset_persona"),
    path("faults/<slug:target>/", views.switch_fault, name="switch_fault"),
    path("plugin-ky-so/", usb_views.plugin, name="signing_plugin"),
    path("personas/<slug:key>/usb-ky-so.p12", usb_views.persona_pkcs12, name="persona_pkcs12"),
]
