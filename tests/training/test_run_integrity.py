# ruff: noqa: F811  (the fixture ww imported from work_world is a parameter of the tests)
"""What keeps a run honest: nobody trains, rates, marks or signs off themselves; a session
takes place within the run's dates; the dates that open and close feedback cannot move once
someone answered; and the team's history carries the run's events, not what one learner did."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from icommit.access.roles import PlatformRole
from icommit.core.exceptions import Conflict, Forbidden, ValidationFailed
from icommit.core.models import AuditDetail, AuditEvent
from icommit.instruments.models import Response
from icommit.training import services
from icommit.training.models import (
    Attendance,
    Enrolment,
    EnrolmentStatus,
    Review,
    Session,
    SurveyAnswer,
    SurveyGiven,
)
from tests.conftest import verified_client
from tests.factories import UserFactory, grant
from tests.training.work_world import (  # noqa: F401  (ww is a fixture)
    PRACTICE,
    WorkWorld,
    analysis_answers,
    rubric_answers,
    survey_answers,
    version,
    ww,
)


def _update(ww: WorkWorld, **changes: Any) -> None:
    ww.update_run(**changes)


def test_a_trainer_of_the_run_is_not_enrolled_and_cannot_ask_to_join(ww: WorkWorld) -> None:
    before = Enrolment.objects.count()
    for who in (ww.trainer, ww.second):
        with pytest.raises(ValidationFailed) as refused, transaction.atomic():
            services.enrol(actor=ww.trainer, run=ww.run, learner_ids=[who.pk])
        assert "learners" in refused.value.details
    ww.run.open_for_requests = True
    ww.run.save(update_fields=["open_for_requests"])
    with pytest.raises((Conflict, Forbidden)), transaction.atomic():
        services.join_request(actor=ww.second, run=ww.run)
    assert Enrolment.objects.count() == before


def test_a_learner_of_the_run_cannot_become_its_trainer(ww: WorkWorld) -> None:
    grant(ww.learner, PlatformRole.TRAINER)  # a trainer elsewhere, a learner here
    with pytest.raises(ValidationFailed) as refused:
        _update(ww, trainer_ids=[ww.second.pk, ww.learner.pk])
    assert "trainers" in refused.value.details
    assert "Lena Learner" in refused.value.details["trainers"][0]
    assert not ww.run.trainers.filter(user=ww.learner).exists()


def test_nobody_marks_rates_or_signs_off_their_own_enrolment(ww: WorkWorld) -> None:
    # an enrolment of a trainer in their own run, as older data might hold
    own = Enrolment.objects.create(run=ww.run, learner=ww.second, status=EnrolmentStatus.ENROLLED)
    with pytest.raises(Forbidden), transaction.atomic():
        services.attendance_record(actor=ww.second, session=ww.held, present={own.pk: True})
    assert not Attendance.objects.filter(enrolment=own).exists()
    with pytest.raises(Forbidden), transaction.atomic():
        services.review_record(
            actor=ww.second,
            enrolment=own,
            assignment="consent-conversation",
            rubric_answers=rubric_answers(version("rubric-consent-conversation").parsed, 4),
            comment="",
            decision="pass",
        )
    assert not Review.objects.exists()
    with pytest.raises(Forbidden), transaction.atomic():
        services.sign_off(actor=ww.second, enrolment=own)
    own.refresh_from_db()
    assert own.signed_off_at is None


def test_a_session_takes_place_within_the_runs_dates(ww: WorkWorld) -> None:
    sessions = Session.objects.count()
    for days in (-8, 31):  # the run goes from 7 days ago to 30 days ahead
        with pytest.raises(ValidationFailed) as refused, transaction.atomic():
            services.session_save(
                actor=ww.trainer,
                run=ww.run,
                starts_at=timezone.now() + datetime.timedelta(days=days),
                minutes=90,
                module=ww.run.modules[0],
                place="Room 1",
            )
        assert "starts_at" in refused.value.details
    assert Session.objects.count() == sessions


def test_dates_that_close_answers_do_not_move_once_someone_answered(ww: WorkWorld) -> None:
    ww.answer("session")
    ww.answer("before")
    held = ww.held
    with pytest.raises(ValidationFailed) as refused, transaction.atomic():
        services.session_save(
            actor=ww.trainer,
            run=ww.run,
            session=held,
            starts_at=held.starts_at - datetime.timedelta(days=5),
            minutes=held.minutes,
            module=held.module,
            place="Room 1",
        )
    assert "starts_at" in refused.value.details
    # the place may still change
    with transaction.atomic():
        services.session_save(
            actor=ww.trainer,
            run=ww.run,
            session=held,
            starts_at=held.starts_at,
            minutes=held.minutes,
            module=held.module,
            place="Room 2",
        )
    with pytest.raises(ValidationFailed) as moved:
        _update(ww, starts_on=ww.run.starts_on - datetime.timedelta(days=10))
    assert "starts_on" in moved.value.details
    _update(ww, ends_on=ww.run.ends_on + datetime.timedelta(days=1))  # nobody answered "after"


def test_the_teams_history_has_the_runs_events_and_nothing_one_learner_did(
    ww: WorkWorld,
) -> None:
    ww.answer("session")
    with transaction.atomic():
        services.submission_save(
            actor=ww.learner,
            enrolment=ww.enrolment,
            assignment=PRACTICE,
            vignette="pupil-online",
            answers=analysis_answers(),
            submit=True,
        )
        services.attendance_record(
            actor=ww.trainer, session=ww.held, present={ww.enrolment.pk: True}
        )
    team = set(AuditEvent.objects.filter(team_id=ww.team.pk).values_list("action", flat=True))
    assert {"training.session.saved", "training.run.created"} & team
    learner_side = {
        "training.survey.answered",
        "training.submission.submitted",
        "training.attendance.recorded",
        "training.enrolment.enrolled",
    }
    assert not learner_side & team
    # the events are recorded all the same, without the team
    recorded = set(AuditEvent.objects.values_list("action", flat=True))
    assert learner_side <= recorded


def test_the_meeting_link_is_for_the_runs_learners_and_trainers_only(ww: WorkWorld) -> None:
    link = "https://meet.example.org/run-secret-room"
    with transaction.atomic():
        services.session_save(
            actor=ww.trainer,
            run=ww.run,
            starts_at=timezone.now() + datetime.timedelta(days=2),
            minutes=60,
            module=ww.run.modules[0],
            online_link=link,
        )
    ww.run.open_for_requests = True  # anyone signed in finds the run to ask to join
    ww.run.save(update_fields=["open_for_requests"])
    page = f"/training/runs/{ww.run.pk}/"
    api = f"/api/v1/training/runs/{ww.run.pk}"
    stranger = verified_client(UserFactory())
    seen = stranger.get(page)
    assert seen.status_code == 200
    assert link not in seen.content.decode() and "the link is for the run" in seen.content.decode()
    sessions = stranger.get(api).json()["sessions"]
    assert any(s["online"] for s in sessions)
    assert all(s["online_link"] == "" for s in sessions)
    for who in (ww.learner, ww.trainer):
        client = verified_client(who)
        assert link in client.get(page).content.decode()
        assert link in {s["online_link"] for s in client.get(api).json()["sessions"]}


def test_closed_feedback_is_written_again_shuffled_or_discarded_when_too_small(
    ww: WorkWorld,
) -> None:
    others = ww.learners(4)
    for e in [ww.enrolment, *others]:
        ww.answer("session", e)  # five answer sets on the held session
    ww.answer("before")  # one self-assessment before
    open_ids = set(SurveyAnswer.objects.values_list("response_id", flat=True))
    assert services.surveys_settle(ww.run) == 0  # nothing is closed yet
    assert not SurveyAnswer.objects.filter(settled=True).exists()
    ww.close_surveys()
    ww.run.refresh_from_db()
    assert services.surveys_settle(ww.run) == 2
    session_rows = SurveyAnswer.objects.filter(session=ww.held)
    # the five are written again under new keys; the old answer sets are gone
    assert session_rows.count() == 5 and all(r.settled for r in session_rows)
    assert not open_ids & set(session_rows.values_list("response_id", flat=True))
    assert not Response.objects.filter(pk__in=open_ids).exists()
    # the single "before" answer set, never to be shown, is discarded; that it was given stays
    assert not SurveyAnswer.objects.filter(stage="before").exists()
    assert SurveyGiven.objects.filter(stage="before").count() == 1
    assert services.surveys_settle(ww.run) == 0  # settled once
    outcomes = [
        AuditDetail.objects.get(event=e).data["outcome"]
        for e in AuditEvent.objects.filter(action="training.survey.settled")
    ]
    assert sorted(outcomes) == ["discarded", "shuffled"]
    # the totals read the settled answers; the count of the discarded group stays
    page = verified_client(ww.trainer).get(f"/training/runs/{ww.run.pk}/feedback/")
    text = page.content.decode()
    assert "5 answers." in text and "1 answer." in text


def test_an_administrator_correcting_a_run_does_not_become_its_trainer(ww: WorkWorld) -> None:
    admin = grant(UserFactory(full_name="Ada Admin"), PlatformRole.ADMINISTRATOR)
    ww.update_run(admin, title="Corrected title", trainer_ids=[ww.trainer.pk, ww.second.pk])
    trainers = set(ww.run.trainers.values_list("user_id", flat=True))
    assert trainers == {ww.trainer.pk, ww.second.pk}
    with pytest.raises(ValidationFailed) as refused:
        ww.update_run(admin, trainer_ids=[])
    assert "trainers" in refused.value.details


def test_the_enrolment_search_does_not_offer_the_runs_trainers(ww: WorkWorld) -> None:
    page = verified_client(ww.trainer).get(
        f"/training/runs/{ww.run.pk}/enrol/", {"q": ww.second.email}
    )
    assert page.status_code == 200 and ww.second.full_name not in page.content.decode()
