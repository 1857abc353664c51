"""The completion rules: one pure function, every rule and what the learner is shown missing."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from icommit.training.completion import (
    Missing,
    Progress,
    Rules,
    evaluate,
    ready_for_signoff,
    sessions_needed,
)

CERT = Rules(0.8, ("kc-nonsec-cert",), ("practice-analysis", "consent-conversation"), True)


def test_a_learner_who_did_everything_is_complete() -> None:
    done = Progress(
        sessions=10,
        attended=8,
        checks_passed=frozenset({"kc-nonsec-cert"}),
        assignments_passed=frozenset({"practice-analysis", "consent-conversation"}),
        signed_off=True,
    )
    result = evaluate(CERT, done)
    assert result.complete
    assert result.missing == ()


def test_each_missing_rule_is_listed_in_order() -> None:
    result = evaluate(
        CERT,
        Progress(sessions=10, attended=7, assignments_passed=frozenset({"consent-conversation"})),
    )
    assert not result.complete
    assert result.missing == (
        Missing("attendance", have=7, need=8),
        Missing("check", "kc-nonsec-cert"),
        Missing("assignment", "practice-analysis"),
        Missing("signoff"),
    )


def test_attendance_rounds_up_and_needs_at_least_one_session() -> None:
    assert sessions_needed(0.8, 10) == 8
    assert sessions_needed(0.8, 9) == 8  # 7.2 → 8
    assert sessions_needed(0.7, 10) == 7  # 7.000000001 from floating point stays 7
    assert sessions_needed(0.1, 3) == 1
    assert sessions_needed(0.0, 5) == 0  # no attendance asked
    assert sessions_needed(0.8, 0) == 0


def test_a_run_without_sessions_is_never_complete_by_attendance() -> None:
    result = evaluate(Rules(0.8, signoff=False), Progress(sessions=0, attended=0))
    assert result.missing == (Missing("attendance", have=0, need=0),)


def test_sign_off_is_possible_once_everything_else_holds() -> None:
    almost = Progress(
        sessions=4,
        attended=4,
        checks_passed=frozenset({"kc-nonsec-cert"}),
        assignments_passed=frozenset({"practice-analysis", "consent-conversation"}),
    )
    assert ready_for_signoff(CERT, almost)
    assert not ready_for_signoff(CERT, Progress(sessions=4, attended=2))


def test_a_refresher_does_not_ask_for_the_practice_assignments_again() -> None:
    progress = Progress(
        sessions=2, attended=2, checks_passed=frozenset({"kc-nonsec-cert"}), signed_off=True
    )
    assert not evaluate(CERT, progress).complete
    assert evaluate(CERT.for_refresher(), progress).complete


@example(sessions=0, attended=0, share=0.0, signed=True)
@example(sessions=0, attended=0, share=0.5, signed=True)
@given(
    sessions=st.integers(0, 40),
    attended=st.integers(0, 40),
    share=st.floats(0, 1),
    signed=st.booleans(),
)
def test_complete_exactly_when_nothing_is_missing(
    sessions: int, attended: int, share: float, signed: bool
) -> None:
    attended = min(attended, sessions)
    result = evaluate(Rules(share), Progress(sessions, attended, signed_off=signed))
    assert result.complete == (not result.missing)
    if result.complete:
        assert attended >= share * sessions - 1e-9 and signed
        assert sessions > 0 or share == 0
