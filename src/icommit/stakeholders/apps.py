from django.apps import AppConfig


class StakeholdersConfig(AppConfig):
    name = "icommit.stakeholders"
    label = "stakeholders"

    def ready(self) -> None:
        from icommit.stakeholders import checks  # noqa: F401 (registers the system check)
