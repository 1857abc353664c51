from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "icommit.interventions"
    label = "interventions"
