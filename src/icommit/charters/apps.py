from django.apps import AppConfig


class ChartersConfig(AppConfig):
    name = "icommit.charters"
    label = "charters"

    def ready(self) -> None:
        from icommit.core.jobs import register

        register("charter.pdf", "icommit.charters.exports.charter_pdf")

        from django.utils.translation import gettext_lazy as _

        from icommit.charters.models import PLAN_SOURCE_KIND
        from icommit.plans import sources

        sources.register(PLAN_SOURCE_KIND, _("Meeting decision"))
