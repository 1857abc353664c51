"""Reads for the home page (drawn from the panels apps register), the audit log and jobs."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet

from icommit.access import Action, get_visible, visible
from icommit.core.audit import TEAM_CONFIDENTIAL, object_label
from icommit.core.http import Person
from icommit.core.models import AuditEvent, Job
from icommit.web import registry


def home_overview(*, user: Person) -> dict[str, Any]:
    """The panels the apps put on the home page, each in a fixed number of queries.

    ``home_panels`` and ``attention_panels`` are templates to include; providers add what they
    draw to the context and count their "needs your attention" items in ``attention_count``.
    """
    context: dict[str, Any] = {"attention_count": 0}
    context["home_panels"] = registry.fill("home", user=user, context=context)
    context["team_line_panels"] = registry.fill("home.team_line", user=user, context=context)
    context["attention_panels"] = registry.fill("home.attention", user=user, context=context)
    return context


def audit_events(
    *,
    user: Person,
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


def job_get(*, user: Person, pk: Any) -> Job:
    """One of the user's own jobs, or NotFound."""
    return get_visible(user, Action.JOB_VIEW, Job.objects.all(), pk=pk)


def object_history(
    *, obj: Any, team_id: int | None = None, related: Any = None, limit: int = 50
) -> QuerySet[AuditEvent]:
    """The newest audit events about an object (and, for a team, everything in the team)."""
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
