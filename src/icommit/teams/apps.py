from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "icommit.teams"
    label = "teams"
