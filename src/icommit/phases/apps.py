from django.apps import AppConfig


class PhasesConfig(AppConfig):
    name = "icommit.phases"
    label = "phases"
