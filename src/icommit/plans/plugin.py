"""What plans plugs in: its policy, API router, reminder schedule, team-page links and the
home page's overdue actions."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from icommit.access import Action, registry
from icommit.accounts.models import User
from icommit.api import registry as api
from icommit.core import jobs, schedules
from icommit.plans.policies import PlanPolicy
from icommit.plans.selectors import overdue_actions_owned
from icommit.web import registry as web

registry.register(PlanPolicy)
api.router("/teams/{team_id}/plan", "icommit.plans.api.router")
schedules.register("plan action reminders", "icommit.plans.reminders.plan_reminders_send", 24 * 60)
web.team_link(_("Goals and action plan"), "plans:plan", 40, action=Action.PLAN_VIEW)
web.team_link(_("Risk register"), "plans:risks", 41, action=Action.PLAN_VIEW)
web.nav_section("plans", "teams")
jobs.register("plan.pdf", "icommit.plans.exports.plan_pdf")


def home_overdue_actions(*, user: User, context: dict[str, Any], obj: Any = None) -> None:
    """Overdue actions of the user or their organisation, one item per team and owner (one query).

    Items go to ``attention_items``, which the home page sorts by ``urgency``: overdue first,
    then the oldest.
    """
    items = context.setdefault("attention_items", [])
    for row in overdue_actions_owned(user=user):
        items.append(
            {**row, "template": "plans/_home_attention.html", "urgency": (0, row["oldest"])}
        )
        context["attention_count"] += row["count"]


web.panel("home.attention", "", home_overdue_actions, order=30)
