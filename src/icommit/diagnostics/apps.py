from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "icommit.diagnostics"
    label = "diagnostics"

    def ready(self) -> None:
        from icommit.core import audit
        from icommit.core.jobs import register

        register("diagnostics.pdf", "icommit.diagnostics.exports.results_pdf")
        # who took part, and when, stays out of every view of the team (decision 0009)
        audit.confidential_to_team("diagnostics.round.participated")

        from django.utils.translation import gettext_lazy as _

        from icommit.diagnostics.models import PLAN_SOURCE_KIND
        from icommit.plans import sources

        sources.register(PLAN_SOURCE_KIND, _("Diagnostics recommendation"))
