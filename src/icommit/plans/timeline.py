"""The plan seen over time: overdue marks and a month-by-month timeline, from loaded goals.

Pure functions over goals whose actions are already prefetched, so no query runs here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from icommit.plans.models import Goal, PlanAction


@dataclass
class Entry:
    date: datetime.date
    kind: str  # "goal" (target date) or "action" (due date)
    title: str
    goal: Goal
    action: PlanAction | None = None
    overdue: bool = False


@dataclass
class Month:
    start: datetime.date
    entries: list[Entry] = field(default_factory=list)


def mark_overdue(goals: Iterable[Goal], today: datetime.date) -> dict[str, Any]:
    """Set ``overdue`` on every prefetched action; return counts for the page summary."""
    total = overdue = 0
    for goal in goals:
        for action in goal.actions.all():
            action.overdue = action.is_overdue(today)  # type: ignore[attr-defined]  # display flag
            total += 1
            overdue += action.overdue  # type: ignore[attr-defined]  # set just above
    return {"actions": total, "overdue": overdue}


def timeline(goals: Iterable[Goal], today: datetime.date) -> list[Month]:
    """Target dates of goals and due dates of actions, grouped by month, oldest first."""
    entries: list[Entry] = []
    for goal in goals:
        if goal.target_date:
            entries.append(Entry(goal.target_date, "goal", goal.title, goal))
        for action in goal.actions.all():
            if action.due_date:
                entries.append(
                    Entry(
                        action.due_date,
                        "action",
                        action.title,
                        goal,
                        action,
                        action.is_overdue(today),
                    )
                )
    entries.sort(key=lambda e: (e.date, e.kind != "goal", e.title))
    months: list[Month] = []
    for entry in entries:
        start = entry.date.replace(day=1)
        if not months or months[-1].start != start:
            months.append(Month(start))
        months[-1].entries.append(entry)
    return months
