"""The timeline and the risk grid, computed from loaded objects without queries."""

from __future__ import annotations

import datetime

from icommit.plans.models import Goal, PlanAction, Risk
from icommit.plans.risks import grid
from icommit.plans.timeline import mark_overdue, timeline

TODAY = datetime.date(2030, 6, 15)


def _goal(pk: int, target: datetime.date | None, actions: list[PlanAction]) -> Goal:
    goal = Goal(pk=pk, title=f"G{pk}", target_date=target)
    goal._prefetched_objects_cache = {"actions": actions}  # as prefetch_related leaves it
    return goal


def test_the_timeline_groups_dates_by_month_and_marks_overdue_actions() -> None:
    late = PlanAction(title="Late", due_date=datetime.date(2030, 5, 30), status="open")
    done = PlanAction(title="Done", due_date=datetime.date(2030, 5, 2), status="done")
    soon = PlanAction(title="Soon", due_date=datetime.date(2030, 6, 20), status="in_progress")
    undated = PlanAction(title="Undated", status="open")
    goals = [
        _goal(1, datetime.date(2030, 6, 20), [late, soon, undated]),
        _goal(2, None, [done]),
    ]
    # no database in this test: a query would raise
    months = timeline(goals, TODAY)
    counts = mark_overdue(goals, TODAY)
    assert [m.start for m in months] == [datetime.date(2030, 5, 1), datetime.date(2030, 6, 1)]
    assert [(e.title, e.kind, e.overdue) for e in months[0].entries] == [
        ("Done", "action", False),
        ("Late", "action", True),
    ]
    # on the same day the goal's target comes before the action due
    assert [(e.title, e.kind) for e in months[1].entries] == [("G1", "goal"), ("Soon", "action")]
    assert counts == {"actions": 4, "overdue": 1}


def test_the_grid_has_five_rows_from_likely_to_unlikely_and_counts_cells() -> None:
    risks = [Risk(title="a", likelihood=5, impact=1), Risk(title="b", likelihood=5, impact=1)]
    risks.append(Risk(title="c", likelihood=1, impact=5))
    rows = grid(risks)
    assert [r.likelihood for r in rows] == [5, 4, 3, 2, 1]
    assert all([c.impact for c in r.cells] == [1, 2, 3, 4, 5] for r in rows)
    assert [x.title for x in rows[0].cells[0].risks] == ["a", "b"]
    assert [x.title for x in rows[4].cells[4].risks] == ["c"]
    assert (rows[0].cells[4].band, rows[2].cells[1].band, rows[4].cells[0].band) == (
        "high",
        "medium",
        "low",
    )
