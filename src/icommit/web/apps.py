from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "icommit.web"
    label = "web"
