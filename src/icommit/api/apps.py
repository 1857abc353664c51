from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "icommit.api"
    label = "api"
