from django.apps import AppConfig

from icommit.core.plugins import autodiscover


class CoreConfig(AppConfig):
    name = "icommit.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # every icommit app's ``plugin`` module, core's own first (decision 0011)
        autodiscover()
