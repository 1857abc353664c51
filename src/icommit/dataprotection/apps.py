from django.apps import AppConfig


class DataprotectionConfig(AppConfig):
    name = "icommit.dataprotection"
    label = "dataprotection"
