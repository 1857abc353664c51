"""What sharing plugs in: the transparency policy, the API router under a team, the team's
protocol and matrix pages, and the matrix PDF job. Shared items register themselves with
``sharing.items.register`` from their own app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from icommit.access import Action, registry
from icommit.api import registry as api
from icommit.core import jobs
from icommit.sharing.policies import BasisPolicy, TransparencyPolicy
from icommit.web import registry as web

registry.register(TransparencyPolicy, BasisPolicy)
api.router("/teams/{team_id}/transparency", "icommit.sharing.api.router")
web.nav_section("transparency", "teams")
web.team_link(
    _("Sharing protocol"), "transparency:protocol", 20, action=Action.TEAM_TRANSPARENCY_VIEW
)
web.team_link(
    _("Transparency matrix"), "transparency:matrix", 21, action=Action.TEAM_TRANSPARENCY_VIEW
)
jobs.register("transparency.matrix.pdf", "icommit.sharing.exports.matrix_pdf")
