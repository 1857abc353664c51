from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "icommit.cases"
    label = "cases"
