from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "icommit.training"
    label = "training"
