from django.urls import path

from . import views

app_name = "business_registry"
urlpatterns = [
    path("api/v1/enterprises/verify", views.verify, name="api_verify"),
    path("api/v1/enterprises/lookup", views.lookup, name="api_lookup"),
    path("api/v1/openapi.json", views.openapi, name="api_openapi"),
]
