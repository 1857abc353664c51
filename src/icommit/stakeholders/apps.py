from django.apps import AppConfig


class StakeholdersConfig(AppConfig):
    name = "icommit.stakeholders"
    label = "stakeholders"
