"""What charters plugs in: its policy, API router, team-page links, PDF job, plan source kind,
and the charter versions and minutes waiting for the user's confirmation on the home page."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icommit.access import Action, registry
from icommit.accounts.models import User
from icommit.api import registry as api
from icommit.charters import checks  # noqa: F401 (registers the system check)
from icommit.charters.models import PLAN_SOURCE_KIND
from icommit.charters.policies import CharterPolicy
from icommit.charters.selectors import charters_to_confirm, minutes_to_confirm
from icommit.core import jobs
from icommit.plans import sources
from icommit.web import registry as web

registry.register(CharterPolicy)
api.router("/teams/{team_id}/charter", "icommit.charters.api.router")
web.team_link(_("Team charter"), "charters:charter", 30, action=Action.CHARTER_VIEW)
web.team_link(_("Team meetings"), "charters:meetings", 31, action=Action.MEETING_VIEW)
web.nav_section("charters", "teams")
jobs.register("charter.pdf", "icommit.charters.exports.charter_pdf")
sources.register(PLAN_SOURCE_KIND, _("Meeting decision"))


def home_confirmations(*, user: User, context: dict[str, Any], obj: Any = None) -> None:
    """Charter versions and minutes the user is to confirm, oldest first (two queries).

    Items go to ``attention_items``, which the home page sorts by ``urgency``: overdue first
    (nothing here is), then the oldest.
    """
    items = context.setdefault("attention_items", [])
    template = "charters/_home_attention.html"
    for version in charters_to_confirm(user=user)[:20]:
        since = timezone.localdate(version.published_at)
        items.append(
            {"kind": "charter", "template": template, "urgency": (1, since), "version": version}
        )
        context["attention_count"] += 1
    for meeting in minutes_to_confirm(user=user)[:20]:
        sent = meeting.current.circulated_at if meeting.current else None
        since = timezone.localdate(sent) if sent else timezone.localdate()
        items.append(
            {"kind": "minutes", "template": template, "urgency": (1, since), "meeting": meeting}
        )
        context["attention_count"] += 1


web.panel("home.attention", "", home_confirmations, order=40)
