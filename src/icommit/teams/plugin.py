"""What teams plugs in: team roles as access facts, policies, API routers, its navigation entry,
and its home and profile panels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from icommit.access import Action, can, facts, registry
from icommit.accounts.models import User
from icommit.api import registry as api
from icommit.core import jobs
from icommit.teams.models import TeamMembership
from icommit.teams.policies import TeamPolicy
from icommit.teams.selectors import my_team_memberships
from icommit.web import registry as web


def team_role_rows(user: User) -> QuerySet[TeamMembership, tuple[int, str]]:
    """The user's role in each team where the membership is in effect, as (team, role) rows of
    the facts query."""
    return TeamMembership.objects.effective().filter(user=user).values_list("team_id", "role")


def team_role_facts(rows: Sequence[tuple[int, str]]) -> dict[str, Any]:
    return {"team_roles": dict(rows)}


facts.provide_rows(team_role_rows, team_role_facts)
registry.register(TeamPolicy)
api.router("/teams", "icommit.teams.api.router")


def _may_see_teams(user: User, facts: Any) -> bool:
    return bool(facts.team_roles) or can(user, Action.TEAM_CREATE) or facts.is_admin


def home_teams(*, user: User, context: dict[str, Any], obj: Any = None) -> None:
    """The user's team memberships; ``confirmed_teams`` for the panels that follow."""
    memberships = list(my_team_memberships(user=user))
    context["team_memberships"] = memberships
    context["confirmed_teams"] = [m.team for m in memberships if getattr(m, "confirmed", False)]


def profile_teams(*, user: User, context: dict[str, Any], obj: Any = None) -> None:
    """The user's team memberships."""
    context["team_memberships"] = my_team_memberships(user=user)


web.nav_item("teams", _("Teams"), "teams:list", "user-group", 10, _may_see_teams)
web.nav_section("teams", "teams")
web.panel("home", "teams/_home.html", home_teams, order=10)
web.panel("profile", "teams/_profile.html", profile_teams, order=20)
jobs.register("team.roster", "icommit.teams.exports.roster_csv")
