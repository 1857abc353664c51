from django.apps import AppConfig


class PhasesConfig(AppConfig):
    name = "icommit.phases"
    label = "phases"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from icommit.phases import checks  # noqa: F401 (registers the system check)
        from icommit.plans import sources

        sources.register("phase_task", _("Phase task"))
