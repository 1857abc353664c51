"""What assessments plugs in: its policy, its shared items (track entries, risk references) as
case item kinds, the case page's section, the case timeline, the API routers, and its client
data for erasure and export."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from icommit.access import Action, can, registry
from icommit.accounts.models import User
from icommit.api import registry as api
from icommit.assessments import (
    checks,  # noqa: F401 (registers the content system check)
    events,  # noqa: F401 (registers the audit event types)
    selectors,
)
from icommit.assessments.clientdata import CLIENT_DATA
from icommit.assessments.models import RiskAudience, RiskReference, TrackAudience, TrackEntry
from icommit.assessments.policies import AssessmentPolicy
from icommit.cases import kinds
from icommit.dataprotection import registry as dataprotection
from icommit.sharing import items
from icommit.web import registry as web

registry.register(AssessmentPolicy)
items.register(TrackEntry, TrackAudience)
items.register(RiskReference, RiskAudience)
kinds.register(
    kinds.ItemKind(
        key="track",
        model=TrackEntry,
        audience=TrackAudience,
        of_case=lambda case: Q(case=case),
        label=_("track entry"),
        # the ledger stores the title: the track and the date, never the stage or the rationale
        title=lambda entry: f"{selectors.track_title(entry.track)}, {entry.on.isoformat()}",
        url=lambda case, entry: reverse("assessments:tracks", args=[case.team_id, case.pk]),
    )
)
kinds.register(
    kinds.ItemKind(
        key="risk",
        model=RiskReference,
        audience=RiskAudience,
        of_case=lambda case: Q(case=case),
        label=_("risk-assessment reference"),
        title=lambda ref: (
            str(_("Risk-assessment reference of %(date)s")) % {"date": ref.assessed_on.isoformat()}
        ),
        url=lambda case, ref: reverse("assessments:risk", args=[case.team_id, case.pk, ref.pk]),
    )
)
kinds.timeline_source(selectors.timeline)
dataprotection.register(CLIENT_DATA)
api.router("/teams/{team_id}/cases/{case_id}/assessments", "icommit.assessments.api.router")
api.router("/risk-assessors", "icommit.assessments.api.assessors_router")


def case_panel(*, user: User, context: dict[str, Any], obj: Any = None) -> None:
    """The case page's section: current phase, current stage per track and organisation, the
    references the viewer may see and overdue reviews of the viewer's own organisation."""
    if obj is None or not can(user, Action.ASSESSMENT_VIEW, obj):
        context["assessments"] = None
        return
    phases = selectors.phase_history(user=user, case=obj)
    context["assessments"] = {
        "phase": phases[-1] if phases else None,
        "phase_title": selectors.phase_title(phases[-1].phase) if phases else "",
        "tracks": selectors.tracks_for(user=user, case=obj),
        "risks": selectors.decorate_risks(list(selectors.risk_references(user=user, case=obj)[:5])),
        "overdue": selectors.overdue_reviews(user=user, case=obj),
        "can_phase": can(user, Action.ASSESSMENT_PHASE, obj),
        "can_track": can(user, Action.ASSESSMENT_RECORD_TRACK, obj),
        "can_risk": can(user, Action.ASSESSMENT_RECORD_RISK, obj),
    }


web.panel("case.page", "assessments/_case_panel.html", case_panel, order=20)
web.nav_section("assessments", "teams")
web.team_link(_("Risk assessors"), "assessments:assessors", 95, action=Action.ASSESSMENT_DESIGNATE)
