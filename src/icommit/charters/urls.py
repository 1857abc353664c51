from django.urls import URLPattern

app_name = "charters"
urlpatterns: list[URLPattern] = []
