from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "icommit.demo"
    label = "demo"
