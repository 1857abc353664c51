"""What conferences plugs in: its policies, the conference part as a kind of case item, the API
router, the team link, the case page's section, the timeline, home attention items and what the
app holds about a client for erasure and export."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from icommit.access import Action, registry
from icommit.accounts.models import User
from icommit.api import registry as api
from icommit.cases import kinds
from icommit.cases.selectors import TimelineEntry
from icommit.conferences import erasure, selectors
from icommit.conferences.models import ConferencePart, PartAudience
from icommit.conferences.policies import ConferencePolicy, PartPolicy
from icommit.dataprotection import registry as dataprotection
from icommit.sharing import items
from icommit.web import registry as web

registry.register(ConferencePolicy, PartPolicy)
items.register(ConferencePart, PartAudience)


def _part_url(case: Any, part: Any) -> str:
    conference = part.entry.conference
    return (
        reverse("conferences:detail", args=[conference.team_id, conference.pk])
        + f"#case-{part.entry_id}"
    )


kinds.register(
    kinds.ItemKind(
        key="conference_part",
        model=ConferencePart,
        audience=PartAudience,
        of_case=lambda case: Q(case=case),
        label=_("conference minutes"),
        title=lambda part: str(_("Minutes of a case conference")),
        url=_part_url,
    )
)
api.router("/teams/{team_id}/conferences", "icommit.conferences.api.router")
web.team_link(_("Case conferences"), "conferences:list", 47, action=Action.CONFERENCE_VIEW)
web.nav_section("conferences", "teams")


def case_panel(*, user: User, context: dict[str, Any], obj: Any = None) -> None:
    """The case page's section: the conferences the case was on, and the minutes the reader's
    organisation may read."""
    if obj is None:
        return
    parts = {p.entry_id: p for p in selectors.parts_of_case(user=user, case=obj)}
    context["conference_rows"] = [
        {"entry": e, "part": parts.get(e.pk)} for e in selectors.agenda_of_case(case=obj)
    ]


web.panel("case.page", "conferences/_case_panel.html", case_panel, order=40)


def timeline(*, user: User, case: Any) -> list[TimelineEntry]:
    """ "Discussed at the conference of <date>", for readers whose organisation was present."""
    rows = []
    for part in selectors.parts_of_case(user=user, case=case):
        conference = part.entry.conference
        at = timezone.make_aware(datetime.datetime.combine(conference.held_on, datetime.time()))
        rows.append(
            TimelineEntry(
                at=at,
                kind="conference",
                obj=str(_("case conference")),
                summary=_g("Discussed at the case conference of %(date)s.")
                % {"date": conference.held_on.isoformat()},
                url=_part_url(case, part),
                organisation=part.origin_organisation.name,
            )
        )
    return rows


kinds.timeline_source(timeline)


def home_parts(*, user: User, context: dict[str, Any], obj: Any = None) -> None:
    """Minutes of cases waiting for the user's confirmation (one query)."""
    items_ = context.setdefault("attention_items", [])
    for part in selectors.parts_to_confirm(user=user)[:20]:
        sent = part.current.circulated_at if part.current else None
        since = timezone.localdate(sent) if sent else timezone.localdate()
        items_.append(
            {
                "template": "conferences/_home_attention.html",
                "urgency": (1, since),
                "kind": "part",
                "part": part,
            }
        )
        context["attention_count"] = context.get("attention_count", 0) + 1


web.panel("home.attention", "", home_parts, order=42)

dataprotection.register(
    dataprotection.ClientData(
        key="conferences",
        label=_("Case conferences"),
        erase=erasure.erase,
        export=erasure.export,
    )
)
