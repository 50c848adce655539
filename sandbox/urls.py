from django.urls import path

from . import views

app_name = "sandbox"

urlpatterns = [
    path("", views.console, name="console"),
    path("personas/<slug:key>/reset/", views.reset, name="reset_persona"),
    path("faults/<slug:target>/", views.switch_fault, name="switch_fault"),
    path("login-policy/", views.switch_login_policy, name="switch_login_policy"),
]
