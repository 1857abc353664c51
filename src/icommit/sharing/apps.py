from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "icommit.sharing"
    label = "sharing"
