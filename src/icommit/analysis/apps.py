from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "icommit.analysis"
    label = "analysis"
