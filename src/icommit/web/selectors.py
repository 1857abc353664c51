"""Reads for the home page (drawn from the panels apps register), the audit log and jobs."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from icommit.access import Action, get_visible, visible
from icommit.core import audit
from icommit.core.audit import TEAM_CONFIDENTIAL, object_label
from icommit.core.http import Person
from icommit.core.jobs import STALE_AFTER
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
    actor: int | None = None,
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events the user may read, filtered, newest first.

    ``actor`` is a person's id; ``action`` an event name, or its first word and a dot
    ("team.") for all of that subject's events.
    """
    qs = visible(user, Action.AUDIT_VIEW, AuditEvent.objects.select_related("actor"))
    if actor:
        qs = qs.filter(actor_id=actor)
    if action.endswith("."):
        qs = qs.filter(action__startswith=action)
    elif action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    return qs.order_by("-seq")


def audit_read(*, user: Person, purpose: str, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The audit events the user may read with these filters; reading the log is itself
    recorded (``audit.read``, with the purpose — the page or the API — and the filters)."""
    with transaction.atomic():
        audit.record(
            actor=user,
            action="audit.read",
            purpose=purpose,
            changes={key: str(value) for key, value in filters.items()},
        )
    return audit_events(user=user, **filters)


def audit_filter_choices(*, user: Person) -> dict[str, Any]:
    """What the audit log's filters offer: the people and the kinds of object that appear in
    the events the user may read (two queries, however long the log)."""
    events = visible(user, Action.AUDIT_VIEW, AuditEvent.objects.all()).order_by()
    people = (
        get_user_model()
        .objects.filter(pk__in=events.filter(actor__isnull=False).values("actor_id"))
        .order_by("full_name", "email")
        .values_list("pk", "full_name", "email")
    )
    object_types = events.exclude(object_type="").values_list("object_type", flat=True).distinct()
    return {"people": list(people), "object_types": list(object_types)}


def audit_verification_under_way(*, user: Person) -> Job | None:
    """The user's own verification job still queued or running, if any (one query)."""
    recent = timezone.now() - STALE_AFTER
    jobs = Job.objects.filter(
        kind="audit.verify",
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
        created_at__gt=recent,
    )
    return visible(user, Action.JOB_VIEW, jobs).order_by("-created_at").first()


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
