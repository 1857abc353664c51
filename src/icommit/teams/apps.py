from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "icommit.teams"
    label = "teams"

    def ready(self) -> None:
        from icommit.core.jobs import register

        register("team.roster", "icommit.teams.exports.roster_csv")
