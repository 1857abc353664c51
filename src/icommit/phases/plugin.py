"""What phases plugs in: policy, router, phase lines, team link, system check, plan source kind."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from icommit.access import Action, registry
from icommit.accounts.models import User
from icommit.api import registry as api
from icommit.phases import checks  # noqa: F401 (registers the system check)
from icommit.phases.policies import PhasePolicy
from icommit.phases.selectors import phase_summaries, phase_summary
from icommit.plans import sources
from icommit.web import registry as web

registry.register(PhasePolicy)
api.router("/teams/{team_id}/phases", "icommit.phases.api.router")


def home_phase_lines(*, user: User, context: dict[str, Any], obj: Any = None) -> None:
    """Where each of the user's confirmed teams stands, beside its line on the home page."""
    confirmed = context.get("confirmed_teams") or []
    phases = phase_summaries(confirmed) if confirmed else {}
    for m in context.get("team_memberships", []):
        m.phase = phases.get(m.team_id)


def team_phase_line(*, user: User, context: dict[str, Any], obj: Any = None) -> None:
    """Where the team stands, at the top of its page."""
    context["phase"] = phase_summary(obj)


web.panel("home.team_line", "phases/_home_team_line.html", home_phase_lines)
web.panel("team.summary", "phases/_team_phase_line.html", team_phase_line)
web.team_link(_("Phase model"), "phases:detail", 10, action=Action.PHASES_VIEW)
web.nav_section("phases", "teams")
sources.register("phase_task", _("Phase task"))
