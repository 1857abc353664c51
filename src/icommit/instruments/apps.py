from django.apps import AppConfig


class InstrumentsConfig(AppConfig):
    name = "icommit.instruments"
    label = "instruments"
