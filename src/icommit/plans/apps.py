from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "icommit.plans"
    label = "plans"

    def ready(self) -> None:
        from icommit.core.jobs import register

        register("plan.pdf", "icommit.plans.exports.plan_pdf")
