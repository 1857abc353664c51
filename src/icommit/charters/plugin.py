"""What charters plugs in: its policy, API router, team-page links, PDF job and plan source kind."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from icommit.access import registry
from icommit.api import registry as api
from icommit.charters.models import PLAN_SOURCE_KIND
from icommit.charters.policies import CharterPolicy
from icommit.core import jobs
from icommit.plans import sources
from icommit.web import registry as web

registry.register(CharterPolicy)
api.router("/teams/{team_id}/charter", "icommit.charters.api.router")
web.team_link(_("Team charter"), "charters:charter", 30)
web.team_link(_("Team meetings"), "charters:meetings", 31)
web.nav_section("charters", "teams")
jobs.register("charter.pdf", "icommit.charters.exports.charter_pdf")
sources.register(PLAN_SOURCE_KIND, _("Meeting decision"))
