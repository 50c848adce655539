from django.urls import path

app_name = "citizen_registry"
urlpatterns: list = []
