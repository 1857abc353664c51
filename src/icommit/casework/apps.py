from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "icommit.casework"
    label = "casework"
