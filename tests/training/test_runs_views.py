# ruff: noqa: F811  (the fixture rw imported from runs_world is a parameter of the tests)
"""The runs pages: dashboards, courses, modules and vignettes, runs, sessions, attendance,
enrolment, requests to join, a learner's standing and the sign-off, as each person sees them."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from icommit.diagnostics import reports
from icommit.training import services
from icommit.training.models import Attendance, Enrolment, EnrolmentStatus, Run, Session
from tests.conftest import World, verified_client
from tests.diagnostics.conftest import answered_round
from tests.factories import OrganisationFactory, UserFactory, team_member
from tests.training.runs_world import CHECK, RunsWorld, check_answers, rw  # noqa: F401  (the fixture, used by name)

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    """The page's text without tags, spaces collapsed."""
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _as(user: Any) -> Client:
    return verified_client(user)


# --- dashboards ------------------------------------------------------------------------------


def test_the_learner_sees_the_run_with_what_is_missing_and_the_next_session(
    rw: RunsWorld,
) -> None:
    response = _as(rw.learner).get(reverse("training:home"))
    assert response.status_code == 200
    text = _text(response)
    assert "MSC team course Kiel" in text
    assert "attend 2 more sessions" in text
    assert "pass the knowledge check" in text
    assert "trainer sign-off" in text
    assert "0 of 3 steps done" in text
    assert "Next session:" in text and "online" in text
    assert "Teaching" not in text  # no trainer dashboard for a learner


def test_the_trainer_sees_runs_requests_and_sessions_waiting_for_attendance(
    rw: RunsWorld,
) -> None:
    rw.run.open_for_requests = True
    rw.run.save()
    with transaction.atomic():
        services.join_request(actor=rw.outsider, run=rw.run, note="School social work")
    text = _text(_as(rw.trainer).get(reverse("training:home")))
    assert "Teaching" in text
    assert "Otto Outsider" in text and "School social work" in text
    assert "Sessions waiting for attendance" in text
    home = _text(_as(rw.trainer).get(reverse("web:home")))
    assert "1 request to join a training run waits for your decision." in home


def test_a_learner_is_reminded_on_the_home_page_of_a_session_within_a_week(
    rw: RunsWorld,
) -> None:
    text = _text(_as(rw.learner).get(reverse("web:home")))
    assert "Training session on" in text and "MSC team course Kiel" in text
    assert "Training" in text  # the navigation item
    assert "Training session" not in _text(_as(rw.outsider).get(reverse("web:home")))


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_dashboards_and_the_run_page_run_as_many_queries_for_3_as_for_12_learners(
    rw: RunsWorld,
) -> None:
    trainer, learner = _as(rw.trainer), _as(rw.learner)
    urls = [reverse("training:home"), reverse("training:run", args=[rw.run.pk])]
    rw.learners(2)
    few = [_queries(trainer, u) for u in urls] + [_queries(learner, urls[0])]
    more = rw.learners(9)
    with transaction.atomic():
        services.attendance_record(
            actor=rw.trainer, session=rw.held, present={e.pk: True for e in more}
        )
    many = [_queries(trainer, u) for u in urls] + [_queries(learner, urls[0])]
    assert few == many


def test_the_learners_dashboard_runs_as_many_queries_for_one_run_as_for_three(
    rw: RunsWorld,
) -> None:
    learner = _as(rw.learner)
    one = _queries(learner, reverse("training:home"))
    with transaction.atomic():
        for title in ("Second", "Third"):
            run = services.run_create(
                actor=rw.trainer,
                course="nonsec-cert",
                title=title,
                city="Kiel",
                language="en",
                starts_on=timezone.localdate(),
                ends_on=timezone.localdate() + datetime.timedelta(days=9),
            )
            services.enrol(actor=rw.trainer, run=run, learner_ids=[rw.learner.pk])
            services.session_save(
                actor=rw.trainer,
                run=run,
                starts_at=timezone.now() + datetime.timedelta(days=2),
                minutes=60,
                module=run.modules[0],
                place="Room",
            )
    assert _queries(learner, reverse("training:home")) == one


# --- courses, modules, vignettes -------------------------------------------------------------


def test_everyone_signed_in_reads_the_courses_and_modules(rw: RunsWorld) -> None:
    client = _as(rw.outsider)
    text = _text(client.get(reverse("training:courses")))
    assert "Certificate" in text and "valid for 24 months" in text
    text = _text(client.get(reverse("training:course", args=["nonsec-cert"])))
    assert "Attend at least 80 % of the run's sessions." in text
    assert "Set up a run" not in text
    response = client.get(reverse("training:module", args=["msc-team.03-information-sharing"]))
    text = _text(response)
    assert "Learning outcomes" in text and "Dilemma cards: DE" in text
    assert "Transfer to practice" in text
    assert client.get(reverse("training:module", args=["nothing"])).status_code == 404
    assert client.get(reverse("training:course", args=["nothing"])).status_code == 404


def test_the_module_page_links_the_transfer_task_in_the_phase_model_of_the_readers_teams(
    rw: RunsWorld,
) -> None:
    module = "msc-team.03-information-sharing"
    html = _as(rw.member).get(reverse("training:module", args=[module])).content.decode()
    assert reverse("phases:detail", args=[rw.team.pk]) + "#task-setup-sharing-protocol" in html
    html = _as(rw.outsider).get(reverse("training:module", args=[module])).content.decode()
    assert reverse("phases:detail", args=[rw.team.pk]) not in html


def test_a_vignette_shows_its_documents_in_order_and_teaching_notes_to_trainers_only(
    rw: RunsWorld,
) -> None:
    url = reverse("training:vignette", args=[rw.run.pk, "pupil-online"])
    trainer = _text(_as(rw.trainer).get(url))
    learner = _text(_as(rw.learner).get(url))
    assert "Fictional case written for training." in learner
    assert "may not be shared" in learner and "Restriction:" in learner
    assert "Teaching notes" in trainer and "Teaching notes" not in learner
    assert _as(rw.coordinator).get(url).status_code == 403
    assert _as(rw.outsider).get(url).status_code == 404
    # a vignette the course does not use
    other = reverse("training:vignette", args=[rw.run.pk, "custody-father"])
    assert _as(rw.trainer).get(other).status_code == 404


def test_the_phase_page_links_its_training_modules(rw: RunsWorld) -> None:
    html = _as(rw.coordinator).get(reverse("phases:detail", args=[rw.team.pk])).content.decode()
    assert reverse("training:module", args=["msc-team.01-purpose-and-problem"]) in html


# --- runs ------------------------------------------------------------------------------------


def _run_post(**more: Any) -> dict[str, Any]:
    data = {
        "title": "Autumn course",
        "city": "Lübeck",
        "language": "de",
        "team": "",
        "starts_on": "2027-03-01",
        "ends_on": "2027-03-31",
        "local_notes": "Room booked at the town hall.",
        "module_0": "on",
        "order_0": "2",
        "module_3": "on",
        "order_3": "1",
        "open_for_requests": "on",
    }
    data.update(more)
    return data


def test_a_trainer_sets_up_a_run_choosing_the_course_then_modules_in_order(
    rw: RunsWorld,
) -> None:
    client = _as(rw.trainer)
    text = _text(client.get(reverse("training:run_new")))
    assert "First choose the course." in text
    url = reverse("training:run_new") + "?course=msc-team"
    assert client.get(url).status_code == 200
    response = client.post(url, _run_post(trainers=[str(rw.cotrainer.pk)]))
    run = Run.objects.get(title="Autumn course")
    assert response.status_code == 302 and response["Location"] == reverse(
        "training:run", args=[run.pk]
    )
    assert run.modules == ["msc-team.03-information-sharing", "msc-team.01-purpose-and-problem"]
    assert run.open_for_requests and run.language == "de" and run.team is None
    assert {t.user_id for t in run.trainers.all()} == {rw.trainer.pk, rw.cotrainer.pk}


def test_a_bad_run_form_names_the_fields_and_creates_nothing(rw: RunsWorld) -> None:
    url = reverse("training:run_new") + "?course=msc-team"
    before = Run.objects.count()
    response = _as(rw.trainer).post(
        url, _run_post(ends_on="2027-02-01", module_0="", module_3="", title="")
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert {"title", "ends_on", "modules"} <= set(form.errors)
    assert Run.objects.count() == before


def test_only_trainers_open_the_set_up_page(rw: RunsWorld) -> None:
    assert _as(rw.coordinator).get(reverse("training:run_new")).status_code == 403
    assert _as(rw.learner).get(reverse("training:run_new")).status_code == 403


def test_the_run_page_shows_the_roster_to_trainers_and_the_schedule_to_others(
    rw: RunsWorld,
) -> None:
    url = reverse("training:run", args=[rw.run.pk])
    trainer = _text(_as(rw.trainer).get(url))
    assert "Lena Lorenz" in trainer and "1 learner enrolled" in trainer
    assert "Cancel the run" in trainer and "Add a session" in trainer
    coordinator = _text(_as(rw.coordinator).get(url))
    assert "Town hall, room 1" in coordinator
    assert "Lena Lorenz" not in coordinator and "Enrol people" in coordinator
    learner = _text(_as(rw.learner).get(url))
    assert "Your place in this run" in learner and "Add a session" not in learner
    assert _as(rw.outsider).get(url).status_code == 404


def test_the_runs_list_marks_open_runs_and_paginates(rw: RunsWorld) -> None:
    rw.run.open_for_requests = True
    rw.run.save()
    text = _text(_as(rw.outsider).get(reverse("training:runs")))
    assert "MSC team course Kiel" in text and "open for requests" in text
    with transaction.atomic():
        for n in range(26):
            services.run_create(
                actor=rw.trainer,
                course="msc-team",
                title=f"Run {n}",
                city="Kiel",
                language="en",
                starts_on=timezone.localdate(),
                ends_on=timezone.localdate(),
            )
    text = _text(_as(rw.trainer).get(reverse("training:runs")))
    assert "27 runs" in text and "Page 1 of 2" in text


def test_editing_a_run_keeps_course_and_team(rw: RunsWorld) -> None:
    url = reverse("training:run_edit", args=[rw.run.pk])
    client = _as(rw.trainer)
    assert client.get(url).status_code == 200
    data = _run_post(title="Renamed", module_0="on", order_0="1", module_1="on", order_1="2")
    data.pop("module_3")
    assert client.post(url, data).status_code == 302
    rw.run.refresh_from_db()
    assert rw.run.title == "Renamed" and rw.run.team == rw.team
    assert rw.run.modules == ["msc-team.01-purpose-and-problem", "msc-team.11-phase-model"]
    assert _as(rw.learner).get(url).status_code == 403


def test_cancelling_asks_a_reason(rw: RunsWorld) -> None:
    url = reverse("training:run_cancel", args=[rw.run.pk])
    client = _as(rw.trainer)
    response = client.post(url, {"reason": " "})
    assert response.status_code == 422 and "reason" in response.context["form"].errors
    rw.run.refresh_from_db()
    assert rw.run.cancelled_at is None
    assert client.post(url, {"reason": "Too few learners"}).status_code == 302
    rw.run.refresh_from_db()
    assert rw.run.cancelled_at is not None


# --- sessions and attendance -----------------------------------------------------------------


def test_a_trainer_plans_changes_and_removes_a_session(rw: RunsWorld) -> None:
    client = _as(rw.trainer)
    url = reverse("training:session_new", args=[rw.run.pk])
    data = {
        "day": "2027-01-12",
        "time": "09:30",
        "minutes": "180",
        "module": rw.run.modules[2],
        "place": "",
        "online_link": "",
    }
    response = client.post(url, data)
    assert response.status_code == 422 and "place" in response.context["form"].errors
    assert client.post(url, {**data, "place": "Room 4"}).status_code == 302
    session = Session.objects.get(run=rw.run, place="Room 4")
    assert timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M") == "2027-01-12 09:30"
    edit = reverse("training:session_edit", args=[rw.run.pk, session.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, {**data, "place": "Room 5"}).status_code == 302
    session.refresh_from_db()
    assert session.place == "Room 5"
    delete = reverse("training:session_delete", args=[rw.run.pk, session.pk])
    assert client.post(delete).status_code == 302
    assert not Session.objects.filter(pk=session.pk).exists()


def test_attendance_saves_every_enrolled_learner_at_once(rw: RunsWorld) -> None:
    (other,) = rw.learners(1)
    client = _as(rw.trainer)
    url = reverse("training:attendance", args=[rw.run.pk, rw.held.pk])
    text = _text(client.get(url))
    assert "Lena Lorenz" in text
    response = client.post(url, {f"present_{rw.enrolment.pk}": "on"})
    assert response.status_code == 302
    marks = dict(Attendance.objects.values_list("enrolment_id", "present"))
    assert marks == {rw.enrolment.pk: True, other.pk: False}


def test_attendance_for_a_session_still_to_come_is_refused_and_nothing_is_saved(
    rw: RunsWorld,
) -> None:
    client = _as(rw.trainer)
    url = reverse("training:attendance", args=[rw.run.pk, rw.coming.pk])
    assert "once the session has started" in _text(client.get(url))
    response = client.post(url, {f"present_{rw.enrolment.pk}": "on"})
    assert response.status_code == 422
    assert not Attendance.objects.exists()


# --- enrolment -------------------------------------------------------------------------------


def test_a_trainer_finds_linked_people_with_three_characters_and_at_most_twenty(
    rw: RunsWorld,
) -> None:
    org = OrganisationFactory(name="School")
    for n in range(25):
        team_member(rw.team, UserFactory(full_name=f"Sam Searchable {n}"), org)
    client = _as(rw.trainer)
    url = reverse("training:enrol", args=[rw.run.pk])
    page = _text(client.get(url))
    assert "To find anyone else, type their whole e-mail address." in page
    assert "Type at least three characters." in _text(client.get(url + "?q=Sa"))
    response = client.get(url + "?q=searchable")
    assert len(response.context["offer"].people) == 20
    response = client.get(url + "?q=lena")  # enrolled already
    assert response.context["offer"].people == []
    response = client.post(url, {"q": "otto@example.org", "learners": [str(rw.outsider.pk)]})
    assert response.status_code == 302
    assert Enrolment.objects.get(run=rw.run, learner=rw.outsider).status == "enrolled"


def test_a_trainer_finds_no_one_else_by_name_or_part_of_an_address(rw: RunsWorld) -> None:
    client = _as(rw.trainer)
    url = reverse("training:enrol", args=[rw.run.pk])
    for query in ("otto", "example.org", "@example.org"):
        response = client.get(url, {"q": query})
        assert response.context["offer"].people == [], query
        html = response.content.decode()
        assert "Otto Outsider" not in html and "@example.org<" not in html, query
        assert "Nobody found who is not enrolled yet." in _text(response), query
    # by name, a member of the run's team, without the address
    html = client.get(url, {"q": "mara"}).content.decode()
    assert "Mara Member" in html and "mara@example.org" not in html
    # enrolling someone the search did not offer is refused
    response = client.post(url, {"q": "otto", "learners": [str(rw.outsider.pk)]})
    assert response.status_code == 422
    assert not Enrolment.objects.filter(run=rw.run, learner=rw.outsider).exists()


def test_a_trainer_finds_anyone_by_their_exact_address_and_sees_it(rw: RunsWorld) -> None:
    client = _as(rw.trainer)
    url = reverse("training:enrol", args=[rw.run.pk])
    response = client.get(url, {"q": "Otto@Example.org"})
    assert response.context["offer"].people == [rw.outsider]
    assert "Otto Outsider (otto@example.org)" in _text(response)


def test_a_coordinator_picks_from_the_teams_members(rw: RunsWorld) -> None:
    client = _as(rw.coordinator)
    url = reverse("training:enrol", args=[rw.run.pk])
    response = client.get(url + "?q=otto")
    people = response.context["offer"].people
    assert {p.pk for p in people} == {rw.coordinator.pk, rw.member.pk}
    response = client.post(url, {"learners": [str(rw.outsider.pk)]})
    assert response.status_code == 422 and "learners" in response.context["form"].errors
    assert client.post(url, {"learners": [str(rw.member.pk)]}).status_code == 302
    assert _as(rw.learner).get(url).status_code == 403


def test_asking_to_join_and_the_decision(rw: RunsWorld) -> None:
    url = reverse("training:join", args=[rw.run.pk])
    assert _as(rw.outsider).get(url).status_code == 404  # R is not open
    rw.run.open_for_requests = True
    rw.run.save()
    assert _as(rw.learner).get(url).status_code == 403  # enrolled already
    response = _as(rw.outsider).post(url, {"note": "I would like to join."})
    assert response.status_code == 302
    asked = Enrolment.objects.get(run=rw.run, learner=rw.outsider)
    assert asked.status == EnrolmentStatus.REQUESTED
    decide = reverse("training:request_decide", args=[rw.run.pk, asked.pk])
    assert _as(rw.coordinator).post(decide, {"decision": "accept"}).status_code == 404
    assert _as(rw.trainer).post(decide, {"decision": "decline"}).status_code == 302
    asked.refresh_from_db()
    assert asked.status == EnrolmentStatus.DECLINED


def test_a_learner_leaves_and_a_trainer_takes_someone_off(rw: RunsWorld) -> None:
    (other,) = rw.learners(1)
    url = reverse("training:withdraw", args=[rw.run.pk, other.pk])
    assert _as(rw.learner).post(url).status_code == 404  # not their enrolment
    assert _as(rw.trainer).post(url).status_code == 302
    own = reverse("training:withdraw", args=[rw.run.pk, rw.enrolment.pk])
    response = _as(rw.learner).post(own)
    assert response.status_code == 302 and response["Location"] == reverse("training:home")
    assert set(Enrolment.objects.values_list("status", flat=True)) == {"withdrawn"}


# --- standing and sign-off -------------------------------------------------------------------


def test_the_learners_standing_is_read_by_the_learner_and_the_runs_trainers(
    rw: RunsWorld,
) -> None:
    url = reverse("training:learner", args=[rw.run.pk, rw.enrolment.pk])
    text = _text(_as(rw.learner).get(url))
    assert "My standing" in text and "still to come" in text
    assert "Lena Lorenz" in _text(_as(rw.cotrainer).get(url))
    assert _as(rw.coordinator).get(url).status_code == 404
    assert _as(rw.outsider).get(url).status_code == 404


def _ready(rw: RunsWorld) -> None:
    with transaction.atomic():
        services.session_delete(actor=rw.trainer, session=rw.coming)
        services.attendance_record(
            actor=rw.trainer, session=rw.held, present={rw.enrolment.pk: True}
        )
        services.check_take(
            actor=rw.learner,
            enrolment=rw.enrolment,
            instrument=CHECK,
            answers=check_answers(CHECK, 14),
        )


def test_the_sign_off_page_shows_what_is_met_and_prefills_the_family_name(
    rw: RunsWorld,
) -> None:
    url = reverse("training:signoff", args=[rw.run.pk, rw.enrolment.pk])
    client = _as(rw.trainer)
    text = _text(client.get(url))
    assert "Not everything is met yet:" in text
    assert client.post(url, {"family_name": "Lorenz"}).status_code == 422
    assert Enrolment.objects.get(pk=rw.enrolment.pk).signed_off_at is None
    _ready(rw)
    response = client.get(url)
    assert response.context["form"]["family_name"].value() == "Lorenz"
    assert "Everything but the sign-off is met." in _text(response)
    assert _as(rw.learner).get(url).status_code == 403
    assert client.post(url, {"family_name": "Lorenz-Berg"}).status_code == 302
    enrolment = Enrolment.objects.get(pk=rw.enrolment.pk)
    assert enrolment.signed_off_at is not None
    assert enrolment.certificate.course == "msc-team"
    text = _text(_as(rw.learner).get(reverse("training:home")))
    assert "Completed" in text and enrolment.certificate.number in text


def test_diagnostics_recommendations_link_their_training_modules(world: World) -> None:
    answered = answered_round(world, security=[1] * 5, non_security=[1] * 5)
    url = reverse("diagnostics:results", args=(answered.round.team_id, answered.round.pk))
    html = _as(world.member).get(url).content.decode()
    report = reports.round_report(user=world.member, round=answered.round, lang="en")
    modules = {m for d in report.domains for a in d.advice for m, _title in a.modules}
    assert modules
    for module_id in modules:
        assert f'href="{reverse("training:module", args=[module_id])}"' in html


def test_a_request_to_join_shows_on_the_home_page_and_can_be_taken_back(rw: RunsWorld) -> None:
    rw.run.open_for_requests = True
    rw.run.save()
    with transaction.atomic():
        asked = services.join_request(actor=rw.outsider, run=rw.run)
    client = _as(rw.outsider)
    home = client.get(reverse("training:home")).content.decode()
    page = reverse("training:learner", args=[rw.run.pk, asked.pk])
    assert "You asked to join this run." in home and page in home
    assert "Take back the request" in _text(client.get(page))
    assert client.post(reverse("training:withdraw", args=[rw.run.pk, asked.pk])).status_code == 302
    asked.refresh_from_db()
    assert asked.status == EnrolmentStatus.WITHDRAWN


def test_the_run_page_links_the_work_pages_to_whom_may_open_them(rw: RunsWorld) -> None:
    work = reverse("training:work", args=[rw.enrolment.pk])
    totals = reverse("training:run_feedback", args=[rw.run.pk])
    assignments = reverse("training:run_work", args=[rw.run.pk])
    url = reverse("training:run", args=[rw.run.pk])
    trainer = _as(rw.trainer).get(url).content.decode()
    assert totals in trainer and assignments in trainer and work not in trainer
    coordinator = _as(rw.coordinator).get(url).content.decode()
    assert totals in coordinator and assignments not in coordinator
    learner = _as(rw.learner).get(url).content.decode()
    assert work in learner and totals not in learner
    assert work in _as(rw.learner).get(reverse("training:home")).content.decode()
