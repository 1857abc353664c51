"""Mail goes out through the outbox once, even when the flush runs again."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from icommit.core.models import OutboxMessage
from icommit.core.outbox import mail_enqueue, outbox_flush


@pytest.mark.django_db
def test_a_queued_mail_is_sent_once_however_often_the_flush_runs() -> None:
    with transaction.atomic():
        mail_enqueue(to="a@example.org", subject="Hello", body="Body")
    outbox_flush()
    outbox_flush()
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT


@pytest.mark.django_db
def test_a_message_claimed_by_a_dead_worker_is_sent_later() -> None:
    msg = OutboxMessage.objects.create(to="b@example.org", subject="S", body="B")
    OutboxMessage.objects.filter(pk=msg.pk).update(
        status=OutboxMessage.Status.SENDING, claimed_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert outbox_flush() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_fresh_claim_is_not_sent_twice() -> None:
    msg = OutboxMessage.objects.create(to="c@example.org", subject="S", body="B")
    OutboxMessage.objects.filter(pk=msg.pk).update(
        status=OutboxMessage.Status.SENDING, claimed_at=timezone.now()
    )
    assert outbox_flush() == 0
    assert mail.outbox == []
