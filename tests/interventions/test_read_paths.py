"""Pages and API handlers of interventions read through selectors only (review finding: direct
ORM reads in views and API): no model manager and no related manager of a plan is queried there;
the counts on the case page are computed in SQL by a selector."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from icommit.interventions import selectors
from icommit.interventions.models import Measure
from tests.interventions.conftest import TODAY, PlanWorld

SRC = Path(__file__).resolve().parents[2] / "src" / "icommit" / "interventions"
WEB_LAYER = ["views.py", "api.py"]
#: a model manager, or a query through one of a plan's or goal's related managers
QUERY = re.compile(r"\.objects\b|\.(goals|measures|events|scale_decisions|audience)\.\w+\(")


@pytest.mark.parametrize("module", WEB_LAYER)
def test_the_web_layer_reads_through_selectors(module: str) -> None:
    text = (SRC / module).read_text()
    found = [
        f"{module}:{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), start=1)
        if QUERY.search(line)
    ]
    assert found == []


@pytest.mark.django_db
def test_the_measure_counts_are_the_open_and_the_overdue_ones(pw: PlanWorld) -> None:
    assert selectors.measure_counts(plan=pw.plan) == (2, 0)
    yesterday = TODAY() - datetime.timedelta(days=1)
    Measure.objects.filter(pk=pw.youth_measure.pk).update(due_date=yesterday)
    assert selectors.measure_counts(plan=pw.plan) == (2, 1)
    # a date due today is not overdue yet; a measure done is no longer open
    Measure.objects.filter(pk=pw.housing_measure.pk).update(review_date=TODAY())
    Measure.objects.filter(pk=pw.youth_measure.pk).update(status="done")
    assert selectors.measure_counts(plan=pw.plan) == (1, 0)
