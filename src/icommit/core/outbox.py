"""Mail goes through an outbox: queued in the caller's transaction, sent by a task after commit.

A message is claimed (pending -> sending) by a conditional UPDATE before it is sent, so two
workers, or a task that runs again, never send the same message twice.
"""

from __future__ import annotations

import datetime
import logging

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from icommit.core.emails import email_problem
from icommit.core.exceptions import ValidationFailed
from icommit.core.models import OutboxMessage

log = logging.getLogger(__name__)

#: A claim older than this is taken to belong to a dead worker and is released.
STALE_CLAIM = datetime.timedelta(minutes=15)


def mail_enqueue(*, to: str, subject: str, body: str) -> OutboxMessage:
    """Queue one mail; it is sent after the surrounding transaction commits."""
    # Services clean addresses first; this refuses, inside the caller's transaction, one that
    # would only fail later in the worker (a header smuggled in with CR LF, say).
    problem = email_problem(to)
    if problem is not None:
        raise ValidationFailed.field("email", problem)
    message = OutboxMessage.objects.create(to=to, subject=subject[:200], body=body)
    transaction.on_commit(_schedule_flush)
    return message


def _schedule_flush() -> None:
    from django_q.tasks import async_task

    async_task("icommit.core.outbox.outbox_flush", task_name="outbox_flush", group="outbox")


def outbox_flush(limit: int = 100) -> int:
    """Send pending mail; return how many were sent by this call."""
    now = timezone.now()
    OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(status=OutboxMessage.Status.PENDING)
    sent = 0
    ids = list(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
        .order_by("created_at")
        .values_list("id", flat=True)[:limit]
    )
    for message_id in ids:
        claimed = OutboxMessage.objects.filter(
            id=message_id, status=OutboxMessage.Status.PENDING
        ).update(status=OutboxMessage.Status.SENDING, claimed_at=timezone.now())
        if not claimed:
            continue
        message = OutboxMessage.objects.get(id=message_id)
        try:
            send_mail(message.subject, message.body, None, [message.to])
        except Exception as exc:
            failed = message.attempts + 1 >= 5
            OutboxMessage.objects.filter(id=message_id).update(
                status=OutboxMessage.Status.FAILED if failed else OutboxMessage.Status.PENDING,
                attempts=message.attempts + 1,
                last_error=str(exc)[:300],
            )
            log.warning("mail %s to outbox failed: %s", message_id, exc)
            continue
        OutboxMessage.objects.filter(id=message_id).update(
            status=OutboxMessage.Status.SENT, sent_at=timezone.now(), attempts=message.attempts + 1
        )
        sent += 1
    return sent
