"""Verifications of the whole audit chain, recorded, and the chain's status as pages show it.

Walking the chain is long work (every event and every detail row), so it never runs inside a
request: the daily schedule runs ``chain_verify_scheduled``, a person starts a job (the web
kit's ``audit.verify`` job) and ``icommit audit verify`` runs it on the command line. Each
verification leaves a ``ChainVerification`` row and an audit event (``audit.chain.verified`` or
``audit.chain.failed``); the audit page reads the newest row (``chain_status``).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from icommit.core import audit
from icommit.core.checkpoints import VerifyResult, verify_chain
from icommit.core.models import AuditHead, ChainVerification

log = logging.getLogger(__name__)

#: A chain last verified longer ago than this is shown as not recently verified. The schedule
#: runs daily; the extra hour leaves room for the run itself.
STALE_AFTER = datetime.timedelta(hours=25)

Trigger = ChainVerification.Trigger


def chain_verify(
    *,
    actor: Any = None,
    trigger: str,
    progress: Callable[[int], None] | None = None,
) -> tuple[ChainVerification, VerifyResult]:
    """Verify the whole chain against its checkpoints; record and audit the outcome.

    ``progress`` is called with a percentage while the walk runs. Returns the recorded row and
    the full result (every problem, for a report).
    """
    started = timezone.now()
    head = AuditHead.objects.filter(id=1).values_list("seq", flat=True).first() or 0

    def walked(seq: int) -> None:
        if progress is not None and head:
            progress(min(99, seq * 100 // head))

    result = verify_chain(progress=walked)
    first = str(result.problems[0]) if result.problems else ""
    with transaction.atomic():
        row = ChainVerification.objects.create(
            started_at=started,
            finished_at=timezone.now(),
            up_to_seq=result.end,
            events=result.events,
            checkpoints=result.checkpoints,
            ok=result.ok,
            problem_count=len(result.problems) + result.more_problems,
            problem=first[:500],
            erased=result.erased,
            trigger=trigger,
            started_by=actor,
        )
        outcome: dict[str, Any] = {
            "actor": actor,
            "obj": row,
            "purpose": f"chain.{trigger}",
            "changes": {
                "up_to": result.end,
                "events": result.events,
                "checkpoints": result.checkpoints,
                "problems": row.problem_count,
                "first_problem": first[:500],
            },
        }
        # each name written out, so that the registry's scan finds it
        if result.ok:
            audit.record(action="audit.chain.verified", **outcome)
        else:
            audit.record(action="audit.chain.failed", **outcome)
    if not result.ok:
        log.error("audit chain does not verify: %s; the first: %s", result.summary, first)
    return row, result


def chain_verify_scheduled() -> str:
    """The daily task: verify the chain; return what it found, for the task log."""
    row, result = chain_verify(trigger=Trigger.SCHEDULE)
    return f"audit chain up to #{row.up_to_seq}: {result.summary}"


class ChainState:
    NEVER = "never"
    OK = "ok"
    FAILED = "failed"
    STALE = "stale"


@dataclass(frozen=True)
class ChainStatus:
    """What the audit page says about the chain: the newest verification and what it means."""

    state: str
    last: ChainVerification | None
    #: The newest verification that passed (the same row as ``last`` when it passed).
    last_ok: ChainVerification | None

    @property
    def warning(self) -> bool:
        return self.state != ChainState.OK


def chain_status(*, now: datetime.datetime | None = None) -> ChainStatus:
    """The newest verification and its state: never run, ok, failed or stale (in two queries
    at most: the newest row, and the newest one that passed when the newest failed)."""
    last = ChainVerification.objects.select_related("started_by").order_by("-finished_at").first()
    if last is None:
        return ChainStatus(ChainState.NEVER, None, None)
    if not last.ok:
        last_ok = ChainVerification.objects.filter(ok=True).order_by("-finished_at").first()
        return ChainStatus(ChainState.FAILED, last, last_ok)
    moment = now or timezone.now()
    state = ChainState.STALE if moment - last.finished_at > STALE_AFTER else ChainState.OK
    return ChainStatus(state, last, last)


def verification_report(row: ChainVerification, result: VerifyResult) -> str:
    """A plain-text report of one verification, the file a person's job hands back."""
    lines = [
        "icommit audit chain verification",
        f"finished: {row.finished_at.astimezone(datetime.UTC):%Y-%m-%d %H:%M:%S} UTC",
        f"result: {'the chain verifies' if row.ok else 'the chain does NOT verify'}",
        f"events checked: {row.events} (up to #{row.up_to_seq})",
        f"checkpoints: {row.checkpoints}",
        f"erased details (subject key destroyed, not tampering): {row.erased}",
        "",
    ]
    if result.problems:
        lines.append(f"problems ({row.problem_count}):")
        lines.extend(f"- {problem}" for problem in result.problems)
        if result.more_problems:
            lines.append(f"- and {result.more_problems} more")
    return "\n".join(lines) + "\n"
