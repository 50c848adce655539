from django.urls import path

from . import views

app_name = "sandbox"

urlpatterns = [
    path("", views.console, name="console"),
    path("personas/<slug:key>/reset/", views.reset, name="reset_persona"),
    path("registry-fault/", views.registry_fault, name="registry_fault"),
]
