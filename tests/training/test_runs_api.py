# ruff: noqa: F811  (the fixture rw imported from runs_world is a parameter of the tests)
"""The runs API: a trainer sets up a run, plans sessions, enrols, records attendance and signs
off; a learner asks to join, reads their standing and leaves; bad input names its field."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from icommit.training import services
from icommit.training.models import Attendance, Certificate, Enrolment, Run, Session
from tests.conftest import verified_client
from tests.training.runs_world import CHECK, RunsWorld, check_answers, rw  # noqa: F401  (the fixture, used by name)

pytestmark = pytest.mark.django_db
BASE = "/api/v1/training"


def _call(user: Any, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    return verified_client(user).generic(
        method,
        BASE + url,
        json.dumps(body) if body is not None else "",
        content_type="application/json",
    )


def test_a_trainer_runs_a_course_through_the_api(rw: RunsWorld) -> None:
    today = timezone.localdate()
    body = {
        "course": "msc-team",
        "title": "API run",
        "city": "Flensburg",
        "language": "en",
        "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=20)).isoformat(),
        "modules": ["msc-team.05-case-conferences", "msc-team.01-purpose-and-problem"],
        "team_id": rw.team.pk,
    }
    created = _call(rw.trainer, "POST", "/runs", body)
    assert created.status_code == 201, created.content
    run = created.json()
    assert run["modules"] == body["modules"] and run["may_manage"]
    url = f"/runs/{run['id']}"
    starts = (timezone.now() - datetime.timedelta(hours=2)).isoformat()
    session = _call(
        rw.trainer,
        "POST",
        url + "/sessions",
        {"starts_at": starts, "minutes": 120, "module": body["modules"][0], "place": "Hall"},
    )
    assert session.status_code == 201
    session_id = session.json()["id"]
    people = _call(rw.trainer, "GET", url + "/people?q=lena@example.org").json()
    assert people["mode"] == "search" and [p["id"] for p in people["people"]] == [rw.learner.pk]
    enrolled = _call(rw.trainer, "POST", url + "/enrolments", {"learner_ids": [rw.learner.pk]})
    assert enrolled.status_code == 201
    enrolment_id = enrolled.json()["enrolled"][0]["enrolment_id"]
    marks = _call(
        rw.trainer,
        "PUT",
        f"{url}/sessions/{session_id}/attendance",
        {"marks": [{"enrolment_id": enrolment_id, "present": True}]},
    )
    assert marks.status_code == 200 and marks.json() == [
        {"enrolment_id": enrolment_id, "present": True}
    ]
    detail = _call(rw.trainer, "GET", url).json()
    (learner,) = detail["learners"]
    assert learner["attended"] == 1 and learner["sessions"] == 1
    assert [m["rule"] for m in learner["missing"]] == ["check", "signoff"]
    assert learner["missing_text"] == ["pass the knowledge check", "trainer sign-off"]
    with transaction.atomic():
        services.check_take(
            actor=rw.learner,
            enrolment=Enrolment.objects.get(pk=enrolment_id),
            instrument=CHECK,
            answers=check_answers(CHECK, 14),
        )
    standing = _call(rw.learner, "GET", f"{url}/enrolments/{enrolment_id}").json()
    assert standing["ready_for_signoff"] and standing["attendance"][0]["present"] is True
    refused = _call(rw.learner, "POST", f"{url}/enrolments/{enrolment_id}/signoff", {})
    assert refused.status_code == 403
    signed = _call(
        rw.trainer, "POST", f"{url}/enrolments/{enrolment_id}/signoff", {"family_name": "Lorenz"}
    )
    assert signed.status_code == 200 and signed.json()["complete"]
    assert Certificate.objects.filter(enrolment_id=enrolment_id).exists()


def test_bad_input_names_the_field_and_changes_nothing(rw: RunsWorld) -> None:
    before = (Run.objects.count(), Session.objects.count())
    today = timezone.localdate().isoformat()
    body = {
        "course": "msc-team",
        "title": "x",
        "city": "Kiel",
        "language": "en",
        "starts_on": today,
        "ends_on": "2000-01-01",
    }
    answer = _call(rw.trainer, "POST", "/runs", body)
    assert answer.status_code == 422 and "ends_on" in answer.json()["details"]
    answer = _call(
        rw.trainer,
        "POST",
        f"/runs/{rw.run.pk}/sessions",
        {"starts_at": timezone.now().isoformat(), "minutes": 90, "module": "nope", "place": "x"},
    )
    assert answer.status_code == 422 and "module" in answer.json()["details"]
    assert (Run.objects.count(), Session.objects.count()) == before


def test_attendance_for_a_future_session_is_a_conflict(rw: RunsWorld) -> None:
    answer = _call(
        rw.trainer,
        "PUT",
        f"/runs/{rw.run.pk}/sessions/{rw.coming.pk}/attendance",
        {"marks": [{"enrolment_id": rw.enrolment.pk, "present": True}]},
    )
    assert answer.status_code == 409 and not Attendance.objects.exists()


def test_joining_an_open_run_deciding_and_leaving(rw: RunsWorld) -> None:
    url = f"/runs/{rw.run.pk}"
    assert _call(rw.outsider, "POST", url + "/join", {"note": "Please"}).status_code == 404
    rw.run.open_for_requests = True
    rw.run.save()
    listed = _call(rw.outsider, "GET", "/runs").json()
    assert [r["id"] for r in listed["items"]] == [rw.run.pk]
    asked = _call(rw.outsider, "POST", url + "/join", {"note": "Please"})
    assert asked.status_code == 201 and asked.json()["status"] == "requested"
    enrolment_id = asked.json()["enrolment_id"]
    decide = f"{url}/enrolments/{enrolment_id}/decide"
    assert _call(rw.coordinator, "POST", decide, {"accept": True}).status_code == 404
    assert _call(rw.trainer, "POST", decide, {"accept": True}).json()["status"] == "enrolled"
    left = _call(rw.outsider, "POST", f"{url}/enrolments/{enrolment_id}/withdraw")
    assert left.status_code == 200 and left.json()["status"] == "withdrawn"


def test_the_dashboard_and_the_courses(rw: RunsWorld) -> None:
    board = _call(rw.learner, "GET", "/dashboard").json()
    (run,) = board["runs"]
    assert run["standing"]["missing_text"][0] == "attend 2 more sessions"
    assert run["next_session"]["id"] == rw.coming.pk and board["teaching"] is None
    teaching = _call(rw.trainer, "GET", "/dashboard").json()["teaching"]
    assert [s["id"] for s in teaching["sessions_to_mark"]] == [rw.held.pk]
    courses = _call(rw.outsider, "GET", "/courses").json()
    assert {c["id"] for c in courses} == {"msc-team", "nonsec-cert"}
    cert = _call(rw.outsider, "GET", "/courses/nonsec-cert").json()
    assert cert["validity_months"] == 24 and cert["assignments"]
    assert _call(rw.outsider, "GET", "/courses/nothing").status_code == 404


def test_a_trainer_finds_by_name_only_linked_people_and_others_by_their_exact_address(
    rw: RunsWorld,
) -> None:
    url = f"/runs/{rw.run.pk}/people"
    # the finding: a part of an address listed every account of the domain with its address
    for query in ("example.org", "@example.org", "otto", "outsider"):
        response = _call(rw.trainer, "GET", f"{url}?q={query}")
        assert response.status_code == 200
        assert response.json() == {"mode": "search", "people": []}, query
    # by name, a member of the run's team; no address
    assert _call(rw.trainer, "GET", f"{url}?q=mara").json()["people"] == [
        {"id": rw.member.pk, "name": "Mara Member", "email": None}
    ]
    # by the exact address (case aside), anyone active; with the address
    assert _call(rw.trainer, "GET", f"{url}?q=OTTO@example.org").json()["people"] == [
        {"id": rw.outsider.pk, "name": "Otto Outsider", "email": "otto@example.org"}
    ]
    # the coordinator's choice among the team's members shows no addresses either
    team = _call(rw.coordinator, "GET", url).json()
    assert team["mode"] == "team" and {p["email"] for p in team["people"]} == {None}
