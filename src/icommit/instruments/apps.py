from django.apps import AppConfig


class InstrumentsConfig(AppConfig):
    name = "icommit.instruments"
    label = "instruments"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from icommit.instruments.shipped import shipped_after_migrate

        post_migrate.connect(shipped_after_migrate, sender=self, dispatch_uid="icommit_instruments")
