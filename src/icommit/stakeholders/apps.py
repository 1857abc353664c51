from django.apps import AppConfig


class StakeholdersConfig(AppConfig):
    name = "icommit.stakeholders"
    label = "stakeholders"

    def ready(self) -> None:
        from icommit.core.jobs import register
        from icommit.stakeholders import checks  # noqa: F401 (registers the system check)

        register("transparency.matrix.pdf", "icommit.stakeholders.exports.matrix_pdf")
