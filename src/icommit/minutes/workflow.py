"""The minutes state machine, pure: states, the one table of steps, who confirms, corrections.

Invariant: a frozen version never changes. Every step from ``FROZEN`` is refused except
``CORRECT``, which leaves it frozen and starts a new version as a draft that points back to it.
Every (state, step) pair is in the table, either with the state it leads to or with the reason
it is refused, so nothing is allowed by omission.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from icommit.access.roles import TeamRole
from icommit.core.exceptions import Conflict, ValidationFailed


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CIRCULATED = "circulated", _("Awaiting confirmation")
    FROZEN = "frozen", _("Frozen")


class Step(enum.StrEnum):
    """What can be done to one version of minutes."""

    EDIT = "edit"  # change the text, attendees or decisions
    CIRCULATE = "circulate"  # send out to the attendees for confirmation
    CONFIRM = "confirm"  # one attendee confirms
    FREEZE = "freeze"  # fixed for good: by the last confirmation, or by hand
    CORRECT = "correct"  # start a new version that corrects this frozen one


_FROZEN = _("These minutes are frozen. Record a correction instead.")
_NOT_FROZEN = _("Only frozen minutes are corrected; these can still be edited.")

D, C, F = MinutesStatus.DRAFT, MinutesStatus.CIRCULATED, MinutesStatus.FROZEN

#: (state, step) -> the state the version is in afterwards, or why the step is refused.
#: Editing minutes out for confirmation keeps them out: the confirmations start over.
TABLE: dict[tuple[MinutesStatus, Step], MinutesStatus | Promise] = {
    (D, Step.EDIT): D,
    (D, Step.CIRCULATE): C,
    (D, Step.CONFIRM): _("These minutes have not been sent out for confirmation yet."),
    (D, Step.FREEZE): _("Send the minutes out for confirmation first."),
    (D, Step.CORRECT): _NOT_FROZEN,
    (C, Step.EDIT): C,
    (C, Step.CIRCULATE): _("These minutes are already waiting for confirmation."),
    (C, Step.CONFIRM): C,
    (C, Step.FREEZE): F,
    (C, Step.CORRECT): _NOT_FROZEN,
    (F, Step.EDIT): _FROZEN,
    (F, Step.CIRCULATE): _FROZEN,
    (F, Step.CONFIRM): _FROZEN,
    (F, Step.FREEZE): _FROZEN,
    (F, Step.CORRECT): F,
}

#: The state a correction starts in.
CORRECTION_STARTS = D

del D, C, F


def transition(status: str, step: Step) -> MinutesStatus:
    """The state after ``step`` from ``status``; Conflict with the reason when it is refused."""
    outcome = TABLE[(MinutesStatus(status), step)]
    if isinstance(outcome, MinutesStatus):
        return outcome
    raise Conflict(str(outcome))


def allowed(status: str, step: Step) -> bool:
    """Whether ``step`` may be taken from ``status``."""
    return isinstance(TABLE[(MinutesStatus(status), step)], MinutesStatus)


def must_confirm(role: str) -> bool:
    """Observers attend and read; everyone else who attended confirms the minutes."""
    return role != TeamRole.OBSERVER


class AttendeeLike(Protocol):
    @property
    def must_confirm(self) -> bool: ...

    confirmed_at: Any


A = TypeVar("A", bound=AttendeeLike)


def pending(attendees: Iterable[A]) -> list[A]:
    """The attendees who must confirm and have not yet; the minutes freeze when none is left."""
    return [a for a in attendees if a.must_confirm and a.confirmed_at is None]


def freeze_note(*, waiting: Iterable[str], departed: Iterable[str]) -> str:
    """The note a freezing by hand records; Conflict while anyone still present must confirm.

    ``waiting`` are the pending attendees still in the group, ``departed`` those who left it.
    """
    waiting = sorted(waiting)
    if waiting:
        raise Conflict(gettext("Still waiting for: %(names)s.") % {"names": ", ".join(waiting)})
    departed = sorted(departed)
    if not departed:
        return ""
    return gettext("Left the team before confirming: %(names)s.") % {"names": ", ".join(departed)}


@dataclass(frozen=True)
class Correction:
    """How a correction of a frozen version starts."""

    number: int
    status: MinutesStatus
    reason: str


def correction(*, status: str, number: int, reason: str) -> Correction:
    """Start a correction of version ``number``: the next number, a draft, with its reason."""
    transition(status, Step.CORRECT)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.field("reason", gettext("Say what the correction is for."))
    return Correction(number=number + 1, status=CORRECTION_STARTS, reason=reason)
