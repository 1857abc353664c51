# ruff: noqa: F811  (the fixture ww imported from work_world is a parameter of the tests)
"""Reads of the learner's work: which questions were wrong, calibration of two raters, the
home page's reminders for feedback and the self-assessment."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

from django.db import transaction
from django.utils import timezone

from icommit.training import selectors_work as sw
from icommit.training import services
from icommit.training.models import Run
from tests.conftest import verified_client
from tests.training.work_world import (  # noqa: F401  (ww is a fixture)
    CHECK,
    WorkWorld,
    check_answers,
    rubric_answers,
    survey_answers,
    version,
    ww,
)


def test_the_wrong_questions_are_those_without_the_best_answer(db: None) -> None:
    definition = version(CHECK).parsed
    scored = [i.key for i in definition.items() if i.scored]
    wrong = sw.wrong_items(definition, check_answers(definition, 10))
    assert [i.key for i in wrong] == scored[10:]
    unanswered = sw.wrong_items(definition, {})
    assert len(unanswered) == len(scored)


def _review(levels: Any) -> Any:
    return SimpleNamespace(response=SimpleNamespace(answers=levels))


def test_calibration_marks_criteria_two_levels_apart_or_apart_on_level_3(db: None) -> None:
    rubric = version("rubric-social-diagnostics").parsed
    first = rubric_answers(rubric, {"c1_client_view": 4, "c2_concerns_resources": 2})
    second = rubric_answers(rubric, {"c1_client_view": 2, "c2_concerns_resources": 3})
    rows = {
        r.criterion.key: r for r in sw.calibration(rubric, [_review(first), _review(second)], "en")
    }
    assert len(rows) == 7
    assert (rows["c1_client_view"].gap, rows["c1_client_view"].differs) == (2, True)
    # one level apart, but across level 3: marked too
    assert (rows["c2_concerns_resources"].gap, rows["c2_concerns_resources"].differs) == (1, True)
    assert rows["c2_concerns_resources"].reached == [False, True]
    assert not rows["c3_formulation"].differs  # both at level 3
    alone = sw.calibration(rubric, [_review(first)], "en")
    assert not any(r.differs for r in alone)
    assert [c.key for c in sw.criteria_below(rubric, first, "en")] == ["c2_concerns_resources"]


def test_the_home_page_asks_for_feedback_and_the_self_assessment(ww: WorkWorld) -> None:
    Run.objects.filter(pk=ww.run.pk).update(starts_on=timezone.localdate())
    todos = sw.learner_todos(ww.learner, [ww.run.pk, ww.msc_run.pk])
    kinds = sorted((t.kind, t.enrolment.run_id) for t in todos)
    assert ("feedback", ww.run.pk) in kinds and ("before", ww.run.pk) in kinds
    assert ("before", ww.msc_run.pk) in kinds and ("after", ww.run.pk) not in kinds
    home = verified_client(ww.learner).get("/")
    assert "Give feedback" in home.content.decode()
    with transaction.atomic():
        services.survey_answer(
            actor=ww.learner,
            enrolment=ww.enrolment,
            stage="session",
            answers=survey_answers(version(services.FEEDBACK).parsed),
            session=ww.held,
        )
        services.attendance_record(
            actor=ww.trainer, session=ww.held, present={ww.other_enrolment.pk: False}
        )
    assert not any(t.kind == "feedback" for t in sw.learner_todos(ww.learner, [ww.run.pk]))
    # marked absent: no feedback asked for
    assert not any(t.kind == "feedback" for t in sw.learner_todos(ww.other, [ww.run.pk]))
    Run.objects.filter(pk=ww.run.pk).update(
        ends_on=timezone.localdate() + datetime.timedelta(days=2)
    )
    assert any(t.kind == "after" for t in sw.learner_todos(ww.learner, [ww.run.pk]))
    assert sw.learner_todos(ww.learner, []) == []
