"""Background work: schedules fire once per period, unfinished tasks come back to the queue."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.models import OrmQ, Schedule
from django_q.scheduler import scheduler


@pytest.mark.django_db
def test_a_due_schedule_is_queued_once_however_often_the_scheduler_runs(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(Conf, "SYNC", False)
    # the scheduler closes stale connections between runs; inside a test that is our transaction
    monkeypatch.setattr("django_q.scheduler.close_old_django_connections", lambda: None)
    Schedule.objects.all().delete()
    Schedule.objects.create(
        func="icommit.core.outbox.outbox_flush",
        schedule_type=Schedule.MINUTES,
        minutes=1,
        next_run=timezone.now() - datetime.timedelta(seconds=5),
    )
    broker = get_broker()
    scheduler(broker=broker)
    scheduler(broker=broker)
    assert OrmQ.objects.count() == 1
    assert Schedule.objects.get().next_run > timezone.now()


@pytest.mark.django_db
def test_a_task_a_dead_worker_took_is_handed_out_again() -> None:
    broker = get_broker()
    broker.enqueue("payload")
    first = broker.dequeue()
    assert first
    assert not broker.dequeue()  # taken, not acknowledged: hidden while the worker may run it
    # a dead worker never acknowledges; once the retry time has passed the task is visible again
    OrmQ.objects.update(lock=timezone.now() - datetime.timedelta(seconds=Conf.RETRY + 1))
    again = broker.dequeue()
    assert again and again[0][1] == "payload"
