from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "icommit.access"
    label = "access"
