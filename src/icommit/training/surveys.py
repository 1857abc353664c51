"""When a run's feedback and self-assessments are taken, and so when their totals may show.

Each group of anonymous answer sets (the feedback on one session, the self-assessment before,
the one after) is open for a fixed window. Its totals show only once the window has closed and
at least ``MIN_ANSWER_SETS`` people answered: a total that changed while the trainers watched
would tell them one person's answers by subtraction (the total before and after that person
answered), and a total of fewer people tells too much about each.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

#: An aggregate of fewer answer sets (or answers) than this is not shown; the diagnostics and
#: the course material promise groups of at least five.
MIN_ANSWER_SETS = 5
#: Feedback on a session is taken from its start for this many days.
FEEDBACK_DAYS = 14
#: The self-assessment "before" is taken until this many days after the run's first day (and
#: asked for from as many days before it); the one "after" from this many days before the
#: run's last day until twice as many after it.
SELF_ASSESSMENT_DAYS = 7

SESSION, BEFORE, AFTER = "session", "before", "after"


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def session_closes(starts_at: datetime.datetime) -> datetime.datetime:
    """When feedback on a session that started at ``starts_at`` is no longer taken."""
    return starts_at + datetime.timedelta(days=FEEDBACK_DAYS)


def window(
    stage: str,
    *,
    starts_on: datetime.date,
    ends_on: datetime.date,
    session_starts_at: datetime.datetime | None = None,
) -> tuple[datetime.datetime | None, datetime.datetime]:
    """When answers of ``stage`` are taken: from (None: any time before) until (exclusive)."""
    if stage == SESSION:
        if session_starts_at is None:
            raise ValueError("a session's feedback needs the session's start")
        return session_starts_at, session_closes(session_starts_at)
    days = datetime.timedelta(days=SELF_ASSESSMENT_DAYS)
    if stage == BEFORE:
        return None, _day_start(starts_on + days + datetime.timedelta(days=1))
    return _day_start(ends_on - days), _day_start(ends_on + 2 * days + datetime.timedelta(days=1))


def closed(closes: datetime.datetime, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) >= closes
