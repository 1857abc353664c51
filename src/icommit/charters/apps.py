from django.apps import AppConfig


class ChartersConfig(AppConfig):
    name = "icommit.charters"
    label = "charters"
