from django.urls import URLPattern

app_name = "phases"
urlpatterns: list[URLPattern] = []
