from django.apps import AppConfig


class PhasesConfig(AppConfig):
    name = "icommit.phases"
    label = "phases"

    def ready(self) -> None:
        from icommit.phases import checks  # noqa: F401 (registers the system check)
