from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "icommit.conferences"
    label = "conferences"
