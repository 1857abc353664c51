from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "icommit.diagnostics"
    label = "diagnostics"

    def ready(self) -> None:
        from icommit.core.jobs import register

        register("diagnostics.pdf", "icommit.diagnostics.exports.results_pdf")
