from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "icommit.plans"
    label = "plans"
