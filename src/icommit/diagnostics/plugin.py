"""What diagnostics plugs in: policy, router, schedule, home panel, team link, job, plan source."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from icommit.access import Action, registry
from icommit.accounts.models import User
from icommit.api import registry as api
from icommit.core import audit, jobs, schedules
from icommit.diagnostics.models import PLAN_SOURCE_KIND
from icommit.diagnostics.policies import DiagnosticsPolicy
from icommit.diagnostics.selectors import rounds_to_answer
from icommit.plans import sources
from icommit.web import registry as web

registry.register(DiagnosticsPolicy)
api.router("/teams/{team_id}/diagnostics", "icommit.diagnostics.api.router")
schedules.register(
    "diagnostics rounds closing", "icommit.diagnostics.services.rounds_close_due", 60
)


def home_rounds(*, user: User, context: dict[str, Any], obj: Any = None) -> None:
    """Open rounds waiting for the user's answers (only for someone in a confirmed team)."""
    rounds = rounds_to_answer(user=user) if context.get("confirmed_teams") else []
    context["rounds_to_answer"] = rounds
    context["attention_count"] += len(rounds)


web.panel("home.attention", "diagnostics/_home_attention.html", home_rounds, order=20)
web.team_link(_("Team diagnostics"), "diagnostics:rounds", 50, action=Action.DIAGNOSTICS_VIEW)
web.nav_section("diagnostics", "teams")
jobs.register("diagnostics.pdf", "icommit.diagnostics.exports.results_pdf")
# who took part, and when, stays out of every view of the team (decision 0009)
audit.confidential_to_team("diagnostics.round.participated")
sources.register(PLAN_SOURCE_KIND, _("Diagnostics recommendation"))
