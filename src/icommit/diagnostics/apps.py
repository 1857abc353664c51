from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "icommit.diagnostics"
    label = "diagnostics"
