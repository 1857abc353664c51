from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "icommit.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from icommit.core import checks  # noqa: F401 (registers the system checks)
