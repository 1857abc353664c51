"""The minutes state machine on its own: every step from every state, frozen stays frozen,
a correction is a new draft. Pure: no database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icommit.access.roles import TeamRole
from icommit.core.exceptions import Conflict, ValidationFailed
from icommit.minutes import workflow
from icommit.minutes.workflow import MinutesStatus, Step

DRAFT, CIRCULATED, FROZEN = MinutesStatus.DRAFT, MinutesStatus.CIRCULATED, MinutesStatus.FROZEN

ALLOWED = {
    (DRAFT, Step.EDIT): DRAFT,
    (DRAFT, Step.CIRCULATE): CIRCULATED,
    (CIRCULATED, Step.EDIT): CIRCULATED,
    (CIRCULATED, Step.CONFIRM): CIRCULATED,
    (CIRCULATED, Step.FREEZE): FROZEN,
    (FROZEN, Step.CORRECT): FROZEN,
}

REFUSED = {
    (DRAFT, Step.CONFIRM): "not been sent out",
    (DRAFT, Step.FREEZE): "Send the minutes out for confirmation first",
    (DRAFT, Step.CORRECT): "Only frozen minutes are corrected",
    (CIRCULATED, Step.CIRCULATE): "already waiting for confirmation",
    (CIRCULATED, Step.CORRECT): "Only frozen minutes are corrected",
    (FROZEN, Step.EDIT): "frozen. Record a correction",
    (FROZEN, Step.CIRCULATE): "frozen. Record a correction",
    (FROZEN, Step.CONFIRM): "frozen. Record a correction",
    (FROZEN, Step.FREEZE): "frozen. Record a correction",
}


def test_the_table_names_every_step_from_every_state_once() -> None:
    every = {(status, step) for status in MinutesStatus for step in Step}
    assert set(workflow.TABLE) == every
    assert set(ALLOWED) | set(REFUSED) == every
    assert not set(ALLOWED) & set(REFUSED)


@pytest.mark.parametrize(("status", "step"), sorted(ALLOWED))
def test_an_allowed_step_leads_to_its_state(status: MinutesStatus, step: Step) -> None:
    assert workflow.transition(status, step) == ALLOWED[(status, step)]
    assert workflow.allowed(status, step)


@pytest.mark.parametrize(("status", "step"), sorted(REFUSED))
def test_a_refused_step_says_why(status: MinutesStatus, step: Step) -> None:
    with pytest.raises(Conflict, match=REFUSED[(status, step)]):
        workflow.transition(status, step)
    assert not workflow.allowed(status, step)


def test_the_stored_value_of_a_state_is_enough() -> None:
    assert workflow.transition("draft", Step.CIRCULATE) == CIRCULATED


@given(st.lists(st.sampled_from(list(Step)), max_size=30))
def test_once_frozen_a_version_never_changes(steps: list[Step]) -> None:
    status = DRAFT
    for step in steps:
        before = status
        try:
            status = workflow.transition(status, step)
        except Conflict:
            continue
        if before == FROZEN:
            assert status == FROZEN
            assert step == Step.CORRECT


@given(st.lists(st.sampled_from(list(Step)), max_size=30))
def test_only_circulated_minutes_freeze(steps: list[Step]) -> None:
    status = DRAFT
    for step in steps:
        before = status
        if workflow.allowed(status, step):
            status = workflow.transition(status, step)
        if status == FROZEN and before != FROZEN:
            assert (before, step) == (CIRCULATED, Step.FREEZE)


@pytest.mark.parametrize("role", list(TeamRole))
def test_everyone_who_attended_confirms_except_observers(role: TeamRole) -> None:
    assert workflow.must_confirm(role) is (role != TeamRole.OBSERVER)


@dataclass
class Person:
    name: str
    must_confirm: bool
    confirmed_at: Any = None


def test_pending_are_those_who_must_confirm_and_have_not() -> None:
    done = Person("done", True, confirmed_at="2026-03-10")
    waiting = Person("waiting", True)
    observer = Person("observer", False)
    assert workflow.pending([done, waiting, observer]) == [waiting]
    assert workflow.pending([done, observer]) == []


def test_freezing_by_hand_waits_for_everyone_still_present() -> None:
    with pytest.raises(Conflict, match=r"Still waiting for: Max Member, Sara Social\."):
        workflow.freeze_note(waiting=["Sara Social", "Max Member"], departed=["Ann Left"])


def test_freezing_by_hand_names_who_left_before_confirming() -> None:
    note = workflow.freeze_note(waiting=[], departed=["Sara Social", "Ann Left"])
    assert note == "Left the team before confirming: Ann Left, Sara Social."
    assert workflow.freeze_note(waiting=[], departed=[]) == ""


def test_a_correction_is_the_next_version_and_starts_as_a_draft() -> None:
    start = workflow.correction(status=FROZEN, number=3, reason="  Police's reason was cut.  ")
    assert start == workflow.Correction(number=4, status=DRAFT, reason="Police's reason was cut.")


@pytest.mark.parametrize("status", [DRAFT, CIRCULATED])
def test_only_frozen_minutes_are_corrected(status: MinutesStatus) -> None:
    with pytest.raises(Conflict, match="Only frozen minutes"):
        workflow.correction(status=status, number=1, reason="Typo")


def test_a_correction_says_what_it_is_for() -> None:
    with pytest.raises(ValidationFailed) as caught:
        workflow.correction(status=FROZEN, number=1, reason="  ")
    assert "reason" in caught.value.details
