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
