from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "icommit.assessments"
    label = "assessments"
