# ruff: noqa: F811  (the fixture ww imported from work_world is a parameter of the tests)
"""The API of the learner's work and the trainers' reviews: the same rules as the pages."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction

from icommit.training import services
from icommit.training.models import Submission, SurveyAnswer
from tests.conftest import verified_client
from tests.training.work_world import (  # noqa: F401  (ww is a fixture)
    CHECK,
    PRACTICE,
    WorkWorld,
    analysis_answers,
    check_answers,
    rubric_answers,
    survey_answers,
    version,
    ww,
)

API = "/api/v1/training"


def _send(client: Any, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def test_a_learner_takes_a_check_and_reads_the_wrong_questions(ww: WorkWorld) -> None:
    client = verified_client(ww.learner)
    url = f"{API}/enrolments/{ww.enrolment.pk}/checks/{CHECK}"
    shown = client.get(url).json()
    assert shown["pass_mark"] == 75 and len(shown["questions"]) == 16
    answers = check_answers(version(CHECK).parsed, 12)
    taken = _send(client, "POST", url, {"answers": answers})
    assert taken.status_code == 201
    result = taken.json()["result"]
    assert result["attempt"]["passed"] is True and result["attempt"]["score"] == 75.0
    assert [w["number"] for w in result["wrong"]] == [13, 14, 15, 16]
    assert "choices" not in result["wrong"][0]  # never the right answer
    refused = _send(client, "POST", url, {"answers": {}})
    assert refused.status_code == 422
    assert verified_client(ww.trainer).get(url).status_code == 403


def test_the_sandbox_analysis_through_the_api(ww: WorkWorld) -> None:
    client = verified_client(ww.learner)
    url = f"{API}/enrolments/{ww.enrolment.pk}/assignments/{PRACTICE}"
    start = client.get(url).json()
    assert start["status"] == "" and len(start["vignettes"]) == 8
    bad = _send(client, "PUT", url, {"vignette": "nowhere", "answers": {}})
    assert bad.status_code == 422 and "vignette" in bad.json()["details"]
    assert Submission.objects.count() == 0
    body = {"vignette": "pupil-online", "answers": analysis_answers(), "submit": True}
    saved = _send(client, "PUT", url, body)
    assert saved.status_code == 200 and saved.json()["status"] == "submitted"
    assert saved.json()["answers"]["client_involved"] == "with_client"
    again = _send(client, "PUT", url, body)
    assert again.status_code == 409


def test_a_second_rater_reads_the_first_rating_only_after_rating(ww: WorkWorld) -> None:
    with transaction.atomic():
        services.submission_save(
            actor=ww.learner,
            enrolment=ww.enrolment,
            assignment=PRACTICE,
            vignette="pupil-online",
            answers=analysis_answers(),
            submit=True,
        )
    rubric = version("rubric-social-diagnostics").parsed
    url = f"{API}/runs/{ww.run.pk}/enrolments/{ww.enrolment.pk}/assignments/{PRACTICE}/review"
    first = _send(
        verified_client(ww.trainer),
        "POST",
        url,
        {"answers": rubric_answers(rubric, 2), "decision": "pass", "comment": "Thin"},
    )
    assert first.status_code == 201
    assert len(first.json()["below_pass_level"]) == 7
    second = verified_client(ww.second)
    before = second.get(url).json()
    assert before["ratings"] == [] and before["hidden_ratings"] == 1 and before["may_rate"]
    assert before["answers"]["client_involved"] == "with_client"
    rated = _send(second, "POST", url, {"answers": rubric_answers(rubric, 4), "decision": "pass"})
    after = rated.json()
    assert [r["comment"] for r in after["ratings"]] == ["", "Thin"]
    assert all(row["differs"] for row in after["calibration"])
    # both passed it, yet every criterion is apart on level 3: a third trainer decides
    assert (after["status"], after["escalation"]) == ("submitted", "third")
    assert verified_client(ww.learner).get(url).status_code == 403


def test_feedback_through_the_api_and_totals_hidden_while_open_or_below_five(
    ww: WorkWorld,
) -> None:
    answers = survey_answers(version(services.FEEDBACK).parsed)
    people = [(ww.learner, ww.enrolment), (ww.other, ww.other_enrolment)]
    for user, enrolment in people:
        url = f"{API}/enrolments/{enrolment.pk}/sessions/{ww.held.pk}/feedback"
        assert _send(verified_client(user), "POST", url, {"answers": answers}).status_code == 201
    twice = f"{API}/enrolments/{ww.enrolment.pk}/sessions/{ww.held.pk}/feedback"
    assert (
        _send(verified_client(ww.learner), "POST", twice, {"answers": answers}).status_code == 409
    )
    totals_url = f"{API}/runs/{ww.run.pk}/feedback"
    totals = verified_client(ww.coordinator).get(totals_url).json()
    held = next(s for s in totals["sessions"] if s["session_id"] == ww.held.pk)
    assert held["totals"]["hidden"] is True and held["totals"]["items"] == []
    more = ww.learners(3)
    for e in more:
        url = f"{API}/enrolments/{e.pk}/sessions/{ww.held.pk}/feedback"
        _send(verified_client(e.learner), "POST", url, {"answers": answers})
    # five answered, but answers are still taken: a total now could change by one answer
    held = next(
        s
        for s in verified_client(ww.trainer).get(totals_url).json()["sessions"]
        if s["session_id"] == ww.held.pk
    )
    assert held["totals"]["answer_sets"] == 5 and held["totals"]["open"] is True
    assert held["totals"]["hidden"] is True and held["totals"]["items"] == []
    ww.close_surveys()
    held = next(
        s
        for s in verified_client(ww.trainer).get(totals_url).json()["sessions"]
        if s["session_id"] == ww.held.pk
    )
    assert held["totals"]["open"] is False and held["totals"]["hidden"] is False
    means = {i["key"]: i["mean"] for i in held["totals"]["items"]}
    assert means["aims_clear"] == 4.0
    # once closed, no answer is taken any more
    (late,) = ww.learners(1)
    late_url = f"{API}/enrolments/{late.pk}/sessions/{ww.held.pk}/feedback"
    refused = _send(verified_client(late.learner), "POST", late_url, {"answers": answers})
    assert refused.status_code == 409 and "closed" in refused.json()["message"]
    assert SurveyAnswer.objects.count() == 5
    work = verified_client(ww.learner).get(f"{API}/enrolments/{ww.enrolment.pk}/work").json()
    assert [s["feedback_given"] for s in work["sessions"]] == [True]
