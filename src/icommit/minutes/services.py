"""The writing steps of the minutes workflow, on an app's concrete rows.

The calling service has checked access, locked what serialises its numbering and runs the
transaction; these steps check the workflow, save and write the audit events the app names,
on the object and team it names. Each refuses a step the table in ``workflow`` refuses.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from icommit.accounts.models import User
from icommit.core import audit
from icommit.core.exceptions import Conflict, Forbidden, ValidationFailed
from icommit.minutes import workflow
from icommit.minutes.models import MinutesAttendee, MinutesRecord
from icommit.minutes.workflow import MinutesStatus, Step

R = TypeVar("R", bound=MinutesRecord)


def _now() -> datetime.datetime:
    return timezone.now()


@dataclass(frozen=True)
class Events:
    """The audit event names an app gives the steps (e.g. ``meeting.circulate``)."""

    circulate: str
    confirm: str
    freeze: str
    correct: str


@dataclass(frozen=True)
class Trail:
    """Where the steps are recorded: the events, the object they are about, team and subject."""

    events: Events
    obj: Model
    team_id: int | None = None
    subject: Any = None


def _record(trail: Trail, actor: User, action: str, changes: dict[str, Any]) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=trail.obj,
        team_id=trail.team_id,
        changes=changes,
        subject=trail.subject,
    )


def _pending(attendees: QuerySet[Any]) -> list[Any]:
    return workflow.pending(attendees.select_related("user").filter(confirmed_at__isnull=True))


def _freeze(actor: User, version: MinutesRecord, trail: Trail, note: str = "") -> None:
    version.status = workflow.transition(version.status, Step.FREEZE)
    version.frozen_at, version.frozen_by, version.freeze_note = _now(), actor, note
    version.save(update_fields=["status", "frozen_at", "frozen_by", "freeze_note", "updated_at"])
    _record(trail, actor, trail.events.freeze, {"version": version.number, "note": note})


def minutes_circulate(
    *,
    actor: User,
    version: MinutesRecord,
    attendees: QuerySet[Any],
    trail: Trail,
    check: Callable[[], None] | None = None,
) -> None:
    """Send a draft out for confirmation; it freezes at once when nobody has to confirm.

    ``check`` raises what the app needs before minutes go out (e.g. no text yet).
    """
    status = workflow.transition(version.status, Step.CIRCULATE)
    if check is not None:
        check()
    if not attendees.exists():
        raise ValidationFailed.field("attendees", _("Record who attended first."))
    version.status, version.circulated_at = status, _now()
    version.save(update_fields=["status", "circulated_at", "updated_at"])
    _record(trail, actor, trail.events.circulate, {"version": version.number})
    if not _pending(attendees):
        _freeze(actor, version, trail)


def minutes_confirm(
    *, actor: User, version: MinutesRecord, attendees: QuerySet[Any], trail: Trail
) -> MinutesAttendee:
    """Confirm circulated minutes as one of the attendees; the last confirmation freezes them."""
    workflow.transition(version.status, Step.CONFIRM)
    attendee = attendees.filter(user=actor).first()
    if attendee is None or not attendee.must_confirm:
        raise Forbidden(_("Only the members who attended confirm the minutes."))
    if attendee.confirmed_at is not None:
        raise Conflict(_("You have already confirmed these minutes."))
    attendee.confirmed_at = _now()
    attendee.save(update_fields=["confirmed_at"])
    _record(
        trail,
        actor,
        trail.events.confirm,
        {"version": version.number, "organisation": attendee.organisation_id},
    )
    if not _pending(attendees):
        _freeze(actor, version, trail)
    return attendee


def minutes_freeze(
    *,
    actor: User,
    version: MinutesRecord,
    attendees: QuerySet[Any],
    trail: Trail,
    present: Callable[[Sequence[int]], Collection[int]],
) -> None:
    """Freeze circulated minutes by hand once everyone still present has confirmed them.

    ``present(user_ids)`` answers which of these users still belong to the group; those who
    left are named in the freeze note instead.
    """
    workflow.transition(version.status, Step.FREEZE)
    pending = _pending(attendees)
    still_in = set(present([a.user_id for a in pending]))
    note = workflow.freeze_note(
        waiting=[a.user.full_name for a in pending if a.user_id in still_in],
        departed=[a.user.full_name for a in pending],
    )
    _freeze(actor, version, trail, note)


def minutes_correct(
    *,
    actor: User,
    previous: R,
    reason: str,
    trail: Trail,
    create: Callable[..., R],
) -> R:
    """Start the correction of frozen minutes as a new draft version that points back to them.

    ``create(number=, previous=, correction_reason=, status=)`` saves the new version with the
    app's own fields and children copied from ``previous``.
    """
    start = workflow.correction(status=previous.status, number=previous.number, reason=reason)
    version = create(
        number=start.number,
        previous=previous,
        correction_reason=start.reason,
        status=start.status,
    )
    if version.status != MinutesStatus.DRAFT or version.previous_id != previous.pk:  # type: ignore[attr-defined]  # concrete models have it
        raise RuntimeError("a correction must start as a draft that points to the corrected one")
    _record(
        trail,
        actor,
        trail.events.correct,
        {"version": version.number, "corrects": previous.number, "reason": start.reason},
    )
    return version
