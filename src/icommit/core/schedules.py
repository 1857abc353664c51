"""The recurring background tasks, kept as django-q2 ``Schedule`` rows.

``ensure_schedules`` is idempotent: it runs after every ``migrate`` and leaves exactly one row
per registered task, with its interval; when a row next runs is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections


@dataclass(frozen=True)
class Recurring:
    name: str
    func: str
    minutes: int


#: The kernel's own tasks; apps add theirs with ``register`` from their ``plugin`` module.
SCHEDULES: list[Recurring] = [
    # Every minute, so that events stay unsigned for a minute or so (the window in which someone
    # with database access can trim or extend the chain unseen); it writes a file only when the
    # chain moved.
    Recurring("audit checkpoint", "icommit.core.checkpoints.checkpoint_job", 1),
    Recurring("mail outbox flush", "icommit.core.outbox.outbox_flush", 1),
    # Once a day the whole chain is walked and checked against the checkpoints; the audit page
    # shows the outcome (core.verification).
    Recurring(
        "audit chain verification", "icommit.core.verification.chain_verify_scheduled", 24 * 60
    ),
]


def register(name: str, func: str, minutes: int) -> None:
    """Run ``func`` ("module.function") every ``minutes``; called once from an app's ``plugin``."""
    task = Recurring(name, func, minutes)
    if task not in SCHEDULES:
        SCHEDULES.append(task)


def ensure_schedules(using: str = DEFAULT_DB_ALIAS) -> None:
    """Create or correct the schedule row of every recurring task."""
    from django_q.models import Schedule

    for task in SCHEDULES:
        wanted: dict[str, Any] = {
            "func": task.func,
            "schedule_type": Schedule.MINUTES,
            "minutes": task.minutes,
            "repeats": -1,
        }
        rows = list(Schedule.objects.using(using).filter(name=task.name).order_by("id"))
        if not rows:
            Schedule.objects.using(using).create(name=task.name, **wanted)
            continue
        first, duplicates = rows[0], rows[1:]
        if any(getattr(first, key) != value for key, value in wanted.items()):
            Schedule.objects.using(using).filter(pk=first.pk).update(**wanted)
        if duplicates:
            Schedule.objects.using(using).filter(pk__in=[row.pk for row in duplicates]).delete()


def schedules_after_migrate(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate receiver for the core app: ensure the schedules once django-q's table exists."""
    from django_q.models import Schedule

    if Schedule._meta.db_table in connections[using].introspection.table_names():
        ensure_schedules(using)
