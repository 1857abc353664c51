from django.apps import AppConfig


class ChartersConfig(AppConfig):
    name = "icommit.charters"
    label = "charters"

    def ready(self) -> None:
        from icommit.core.jobs import register

        register("charter.pdf", "icommit.charters.exports.charter_pdf")
