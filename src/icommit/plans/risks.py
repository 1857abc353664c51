"""The likelihood × impact grid of a team's collaboration risks (pure, over loaded risks)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from icommit.plans.models import Risk

SCALE = (1, 2, 3, 4, 5)


@dataclass
class Cell:
    likelihood: int
    impact: int
    risks: list[Risk] = field(default_factory=list)

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def band(self) -> str:
        """low, medium or high, for the cell's class and its text label."""
        if self.score >= 15:
            return "high"
        if self.score >= 6:
            return "medium"
        return "low"


@dataclass
class Row:
    likelihood: int
    cells: list[Cell]


def grid(risks: Iterable[Risk]) -> list[Row]:
    """Rows from likelihood 5 down to 1, each with cells for impact 1 to 5."""
    cells = {(lk, im): Cell(lk, im) for lk in SCALE for im in SCALE}
    for risk in risks:
        cells[(risk.likelihood, risk.impact)].risks.append(risk)
    return [Row(lk, [cells[(lk, im)] for im in SCALE]) for lk in reversed(SCALE)]
