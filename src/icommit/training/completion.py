"""The completion rules of a course, as one pure function.

A learner completes a run when every rule of the course holds: a share of the run's sessions
attended, every knowledge check passed, every practice assignment passed, and a trainer's
sign-off. ``evaluate`` says whether the run is complete and lists, in a fixed order, what is
still missing, so the learner sees exactly that. A refresher run asks for the same except the
practice assignments (it renews a certificate its holder earned with them).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rules:
    attendance_share: float
    knowledge_checks: tuple[str, ...] = ()
    assignments: tuple[str, ...] = ()
    signoff: bool = True

    def for_refresher(self) -> Rules:
        return Rules(self.attendance_share, self.knowledge_checks, (), self.signoff)


@dataclass(frozen=True)
class Progress:
    sessions: int
    attended: int
    checks_passed: frozenset[str] = frozenset()
    assignments_passed: frozenset[str] = frozenset()
    signed_off: bool = False


@dataclass(frozen=True)
class Missing:
    """One rule not met yet: ``rule`` is attendance, check, assignment or signoff; ``ref`` the
    instrument or assignment key; ``have``/``need`` the sessions for attendance."""

    rule: str
    ref: str = ""
    have: int = 0
    need: int = 0


@dataclass(frozen=True)
class Completion:
    complete: bool
    missing: tuple[Missing, ...]
    sessions_needed: int


def sessions_needed(share: float, sessions: int) -> int:
    """Sessions to attend: the share of all sessions, rounded up (at least one if any is asked)."""
    if sessions <= 0 or share <= 0:
        return 0
    return max(1, math.ceil(round(share * sessions, 9)))


def evaluate(rules: Rules, progress: Progress) -> Completion:
    missing: list[Missing] = []
    need = sessions_needed(rules.attendance_share, progress.sessions)
    if progress.sessions == 0 and rules.attendance_share > 0:
        missing.append(Missing("attendance", have=0, need=0))
    elif progress.attended < need:
        missing.append(Missing("attendance", have=progress.attended, need=need))
    missing += [Missing("check", k) for k in _unmet(rules.knowledge_checks, progress.checks_passed)]
    missing += [
        Missing("assignment", k) for k in _unmet(rules.assignments, progress.assignments_passed)
    ]
    signoff_due = rules.signoff and not progress.signed_off
    if signoff_due:
        missing.append(Missing("signoff"))
    return Completion(complete=not missing, missing=tuple(missing), sessions_needed=need)


def ready_for_signoff(rules: Rules, progress: Progress) -> bool:
    """Everything but the sign-off holds: a trainer may now sign the learner off."""
    result = evaluate(rules, progress)
    return all(m.rule == "signoff" for m in result.missing)


def _unmet(required: Iterable[str], done: frozenset[str]) -> list[str]:
    return [key for key in required if key not in done]
