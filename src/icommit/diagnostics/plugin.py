"""What diagnostics plugs in: policy, router, schedule, home panel, team link, job, plan source."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icommit.access import Action, registry
from icommit.accounts.models import User
from icommit.api import registry as api
from icommit.core import jobs, schedules
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
    """Open rounds waiting for the user's answers (only for someone in a confirmed team).

    Items go to ``attention_items``, which the home page sorts by ``urgency``: overdue first
    (a round is never overdue: it closes), then the oldest, here the day the round opened.
    """
    if not context.get("confirmed_teams"):
        return
    items = context.setdefault("attention_items", [])
    for round in rounds_to_answer(user=user):
        since = timezone.localdate(round.opened_at)
        items.append(
            {
                "template": "diagnostics/_home_attention.html",
                "urgency": (1, since),
                "round": round,
            }
        )
        context["attention_count"] += 1


web.panel("home.attention", "", home_rounds, order=20)
web.team_link(_("Team diagnostics"), "diagnostics:rounds", 50, action=Action.DIAGNOSTICS_VIEW)
web.nav_section("diagnostics", "teams")
jobs.register("diagnostics.pdf", "icommit.diagnostics.exports.results_pdf")
sources.register(PLAN_SOURCE_KIND, _("Diagnostics recommendation"))
