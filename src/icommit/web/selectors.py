"""Reads for the home page, the audit log and jobs."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet

from icommit.access import Action, get_visible, visible
from icommit.core.models import AuditEvent, Job
from icommit.stakeholders.selectors import my_memberships, pending_confirmations
from icommit.teams.selectors import my_team_memberships


def home_overview(*, user: Any) -> dict[str, Any]:
    """The user's teams and what needs their attention, in a fixed number of queries."""
    from icommit.diagnostics.selectors import rounds_to_answer
    from icommit.phases.selectors import phase_summaries

    team_memberships = list(my_team_memberships(user=user))
    memberships = list(my_memberships(user=user))
    confirmed_teams = [m.team for m in team_memberships if getattr(m, "confirmed", False)]
    phases = phase_summaries(confirmed_teams) if confirmed_teams else {}
    for m in team_memberships:
        m.phase = phases.get(m.team_id)  # type: ignore[attr-defined]  # shown on the home page
    return {
        "team_memberships": team_memberships,
        "pending_confirmations": list(pending_confirmations(user=user)[:20]),
        "my_pending": [m for m in memberships if m.confirmed_at is None],
        "memberships": memberships,
        "rounds_to_answer": rounds_to_answer(user=user) if confirmed_teams else [],
    }


def audit_events(
    *,
    user: Any,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events the user may read, filtered, newest first."""
    qs = visible(user, Action.AUDIT_VIEW, AuditEvent.objects.select_related("actor"))
    if actor:
        qs = qs.filter(actor__email__icontains=actor)
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    return qs.order_by("-seq")


def job_get(*, user: Any, pk: Any) -> Job:
    """One of the user's own jobs, or NotFound."""
    return get_visible(user, Action.JOB_VIEW, Job.objects.all(), pk=pk)


def object_history(
    *, obj: Any, team_id: int | None = None, related: Any = None, limit: int = 50
) -> QuerySet[AuditEvent]:
    """The newest audit events about an object (and, for a team, everything in the team)."""
    from django.db.models import Q

    from icommit.core.audit import TEAM_CONFIDENTIAL, object_label

    object_type, object_id = object_label(obj)
    condition = Q(object_type=object_type, object_id=object_id)
    if team_id is not None:
        condition |= Q(team_id=team_id)
    if related is not None:
        related_type, related_ids = related
        condition |= Q(object_type=related_type, object_id__in=[str(i) for i in related_ids])
    # who took part in a diagnostics round, and when, is no history panel's to show
    events = AuditEvent.objects.filter(condition).exclude(action__in=TEAM_CONFIDENTIAL)
    return events.select_related("actor").order_by("-seq")[:limit]
