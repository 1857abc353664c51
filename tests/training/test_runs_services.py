# ruff: noqa: F811  (the fixture rw imported from runs_world is a parameter of the tests)
"""The services behind the runs pages: runs, sessions, enrolment, requests, attendance and
sign-off. Bad input names its field and changes nothing; refusals leave the world as it was."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from icommit.core.exceptions import Conflict, Forbidden, NotFound, ValidationFailed
from icommit.core.models import AuditEvent
from icommit.training import selectors_runs, services
from icommit.training.models import (
    Attendance,
    Certificate,
    Enrolment,
    EnrolmentStatus,
    Run,
    RunTrainer,
    Session,
)
from tests.factories import UserFactory
from tests.training.runs_world import CHECK, MSC, RunsWorld, check_answers, rw  # noqa: F401  (the fixture, used by name)

pytestmark = pytest.mark.django_db


def _state() -> tuple[int, ...]:
    return (
        Run.objects.count(),
        Session.objects.count(),
        Enrolment.objects.count(),
        Attendance.objects.count(),
        Certificate.objects.count(),
        AuditEvent.objects.count(),
    )


def _refused(call: Any, exc: type[Exception] = ValidationFailed) -> Exception:
    before = _state()
    with pytest.raises(exc) as info, transaction.atomic():
        call()
    assert _state() == before
    return info.value


def _run_kwargs(**more: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "course": MSC,
        "title": "Spring course",
        "city": "Kiel",
        "language": "en",
        "starts_on": today,
        "ends_on": today + datetime.timedelta(days=30),
        **more,
    }


# --- runs ------------------------------------------------------------------------------------


def test_a_trainer_sets_up_a_run_with_the_modules_in_their_order(rw: RunsWorld) -> None:
    modules = ["msc-team.03-information-sharing", "msc-team.01-purpose-and-problem"]
    with transaction.atomic():
        run = services.run_create(
            actor=rw.trainer, modules=modules, trainer_ids=[rw.cotrainer.pk], **_run_kwargs()
        )
    assert run.modules == modules
    assert set(RunTrainer.objects.filter(run=run).values_list("user_id", flat=True)) == {
        rw.trainer.pk,
        rw.cotrainer.pk,
    }
    assert AuditEvent.objects.filter(action="training.run.created", object_id=str(run.pk)).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"city": ""}, "city"),
        ({"language": "fr"}, "language"),
        ({"starts_on": None}, "starts_on"),
        ({"ends_on": timezone.localdate() - datetime.timedelta(days=1)}, "ends_on"),
        ({"modules": ["nonsec-cert.01-social-diagnostics"]}, "modules"),
        ({"refresher": True}, "refresher"),
        ({"course": "cooking"}, "course"),
        ({"trainer_ids": ["0"]}, "trainers"),
    ],
)
def test_bad_input_for_a_run_names_the_field_and_changes_nothing(
    rw: RunsWorld, changes: dict[str, Any], field: str
) -> None:
    if "trainer_ids" in changes:
        changes = {"trainer_ids": [rw.outsider.pk]}
    error = _refused(lambda: services.run_create(actor=rw.trainer, **_run_kwargs(**changes)))
    assert field in error.details  # type: ignore[attr-defined]  # a ValidationFailed


def test_only_trainers_set_up_runs(rw: RunsWorld) -> None:
    _refused(lambda: services.run_create(actor=rw.coordinator, **_run_kwargs()), Forbidden)


def test_a_refresher_run_teaches_the_refresher_modules_unless_told_otherwise(
    rw: RunsWorld,
) -> None:
    with transaction.atomic():
        run = services.run_create(
            actor=rw.trainer, refresher=True, **_run_kwargs(course="nonsec-cert")
        )
    assert run.refresher
    assert run.modules == ["nonsec-cert.03-perspectives", "nonsec-cert.06-practice"]


def test_a_module_a_session_teaches_cannot_be_dropped(rw: RunsWorld) -> None:
    error = _refused(
        lambda: services.run_update(
            actor=rw.trainer,
            run=rw.run,
            title="x",
            city="Kiel",
            language="en",
            starts_on=rw.run.starts_on,
            ends_on=rw.run.ends_on,
            modules=[rw.run.modules[2]],
        )
    )
    assert "modules" in error.details  # type: ignore[attr-defined]
    rw.run.refresh_from_db()
    assert rw.run.title == "MSC team course Kiel"


def test_changing_the_trainers_keeps_the_one_who_changes_them(rw: RunsWorld) -> None:
    with transaction.atomic():
        services.run_update(
            actor=rw.cotrainer,
            run=rw.run,
            title="Renamed",
            city="Kiel",
            language="de",
            starts_on=rw.run.starts_on,
            ends_on=rw.run.ends_on,
            modules=rw.run.modules,
            trainer_ids=[],
        )
    assert list(RunTrainer.objects.filter(run=rw.run).values_list("user_id", flat=True)) == [
        rw.cotrainer.pk
    ]


def test_a_run_is_cancelled_with_a_reason_and_then_cannot_be_managed(rw: RunsWorld) -> None:
    error = _refused(lambda: services.run_cancel(actor=rw.trainer, run=rw.run, reason=" "))
    assert "reason" in error.details  # type: ignore[attr-defined]
    with transaction.atomic():
        services.run_cancel(actor=rw.trainer, run=rw.run, reason="Too few learners")
    rw.run.refresh_from_db()
    assert rw.run.cancelled_at is not None
    _refused(
        lambda: services.session_save(
            actor=rw.trainer,
            run=rw.run,
            starts_at=timezone.now(),
            minutes=60,
            module=rw.run.modules[0],
            place="x",
        ),
        Forbidden,
    )


# --- sessions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_at": None}, "starts_at"),
        ({"minutes": 5}, "minutes"),
        ({"minutes": 601}, "minutes"),
        ({"module": "msc-team.99-nothing"}, "module"),
        ({"place": "", "online_link": ""}, "place"),
        ({"place": "", "online_link": "http://meet.example.org"}, "online_link"),
    ],
)
def test_bad_input_for_a_session_names_the_field_and_changes_nothing(
    rw: RunsWorld, changes: dict[str, Any], field: str
) -> None:
    values = {
        "starts_at": timezone.now(),
        "minutes": 90,
        "module": rw.run.modules[0],
        "place": "Room 3",
        **changes,
    }
    error = _refused(lambda: services.session_save(actor=rw.trainer, run=rw.run, **values))
    assert field in error.details  # type: ignore[attr-defined]


def test_only_the_runs_trainers_plan_its_sessions(rw: RunsWorld) -> None:
    for person in (rw.learner, rw.coordinator):
        _refused(
            lambda person=person: services.session_save(
                actor=person,
                run=rw.run,
                starts_at=timezone.now(),
                minutes=60,
                module=rw.run.modules[0],
                place="x",
            ),
            Forbidden,
        )
    _refused(lambda: services.session_delete(actor=rw.outsider, session=rw.coming), NotFound)


def test_a_session_with_attendance_stays(rw: RunsWorld) -> None:
    with transaction.atomic():
        services.attendance_record(
            actor=rw.trainer, session=rw.held, present={rw.enrolment.pk: True}
        )
    _refused(lambda: services.session_delete(actor=rw.trainer, session=rw.held), Conflict)
    with transaction.atomic():
        services.session_delete(actor=rw.trainer, session=rw.coming)
    assert list(Session.objects.filter(run=rw.run)) == [rw.held]


# --- enrolment -------------------------------------------------------------------------------


def test_a_coordinator_enrols_only_members_of_the_runs_team(rw: RunsWorld) -> None:
    error = _refused(
        lambda: services.enrol(actor=rw.coordinator, run=rw.run, learner_ids=[rw.outsider.pk])
    )
    assert "learners" in error.details  # type: ignore[attr-defined]
    error = _refused(
        lambda: services.enrol(
            actor=rw.coordinator, run=rw.run, learner_ids=[rw.member.pk, rw.outsider.pk]
        )
    )
    with transaction.atomic():
        (done,) = services.enrol(actor=rw.coordinator, run=rw.run, learner_ids=[rw.member.pk])
    assert done.status == EnrolmentStatus.ENROLLED and done.learner == rw.member


def test_a_trainer_enrols_anyone_active_but_nobody_twice(rw: RunsWorld) -> None:
    with transaction.atomic():
        services.enrol(actor=rw.trainer, run=rw.run, learner_ids=[rw.outsider.pk, rw.learner.pk])
    assert Enrolment.objects.filter(run=rw.run).count() == 2
    _refused(lambda: services.enrol(actor=rw.trainer, run=rw.run, learner_ids=[]))


def test_people_outside_the_run_cannot_enrol_anyone(rw: RunsWorld) -> None:
    _refused(
        lambda: services.enrol(actor=rw.learner, run=rw.run, learner_ids=[rw.member.pk]),
        Forbidden,
    )
    _refused(
        lambda: services.enrol(actor=rw.outsider, run=rw.run, learner_ids=[rw.member.pk]),
        NotFound,
    )


def test_asking_to_join_an_open_run_and_the_trainers_decision(rw: RunsWorld) -> None:
    _refused(lambda: services.join_request(actor=rw.outsider, run=rw.run), NotFound)
    rw.run.open_for_requests = True
    rw.run.save()
    with transaction.atomic():
        asked = services.join_request(actor=rw.outsider, run=rw.run, note="I work at a school.")
    assert asked.status == EnrolmentStatus.REQUESTED
    _refused(
        lambda: services.join_decide(actor=rw.coordinator, enrolment=asked, accept=True),
        Forbidden,
    )
    with transaction.atomic():
        services.join_decide(actor=rw.trainer, enrolment=asked, accept=True)
    asked.refresh_from_db()
    assert asked.status == EnrolmentStatus.ENROLLED
    _refused(
        lambda: services.join_decide(actor=rw.trainer, enrolment=asked, accept=False), Conflict
    )


def test_a_learner_withdraws_once(rw: RunsWorld) -> None:
    with transaction.atomic():
        services.withdraw(actor=rw.learner, enrolment=rw.enrolment)
    rw.enrolment.refresh_from_db()
    assert rw.enrolment.status == EnrolmentStatus.WITHDRAWN
    _refused(lambda: services.withdraw(actor=rw.trainer, enrolment=rw.enrolment), Conflict)


# --- attendance ------------------------------------------------------------------------------


def test_attendance_for_a_future_session_is_refused(rw: RunsWorld) -> None:
    _refused(
        lambda: services.attendance_record(
            actor=rw.trainer, session=rw.coming, present={rw.enrolment.pk: True}
        ),
        Conflict,
    )


def test_attendance_is_only_for_enrolled_learners_and_can_be_corrected(rw: RunsWorld) -> None:
    error = _refused(
        lambda: services.attendance_record(actor=rw.trainer, session=rw.held, present={999: True})
    )
    assert "present" in error.details  # type: ignore[attr-defined]
    (other,) = rw.learners(1)
    with transaction.atomic():
        services.attendance_record(
            actor=rw.trainer, session=rw.held, present={rw.enrolment.pk: True, other.pk: False}
        )
    with transaction.atomic():
        services.attendance_record(
            actor=rw.trainer, session=rw.held, present={rw.enrolment.pk: False, other.pk: True}
        )
    assert selectors_runs.attendance_marks(rw.held) == {rw.enrolment.pk: False, other.pk: True}
    _refused(
        lambda: services.attendance_record(
            actor=rw.learner, session=rw.held, present={rw.enrolment.pk: True}
        ),
        Forbidden,
    )


# --- sign-off --------------------------------------------------------------------------------


def test_sign_off_waits_until_everything_else_is_met_then_issues_the_certificate(
    rw: RunsWorld,
) -> None:
    _refused(lambda: services.sign_off(actor=rw.trainer, enrolment=rw.enrolment), Conflict)
    third = rw.session(days=-2)
    with transaction.atomic():
        for session in (rw.held, third):
            services.attendance_record(
                actor=rw.trainer, session=session, present={rw.enrolment.pk: True}
            )
        services.session_delete(actor=rw.trainer, session=rw.coming)
    # attendance is met, the knowledge check is not
    _refused(lambda: services.sign_off(actor=rw.trainer, enrolment=rw.enrolment), Conflict)
    with transaction.atomic():
        attempt = services.check_take(
            actor=rw.learner,
            enrolment=rw.enrolment,
            instrument=CHECK,
            answers=check_answers(CHECK, 14),
        )
    assert attempt.passed
    standing = selectors_runs.standing_of(rw.enrolment)
    assert standing.ready_for_signoff
    _refused(lambda: services.sign_off(actor=rw.learner, enrolment=rw.enrolment), Forbidden)
    error = _refused(
        lambda: services.sign_off(actor=rw.trainer, enrolment=rw.enrolment, family_name="\u202e")
    )
    assert "family_name" in error.details  # type: ignore[attr-defined]
    with transaction.atomic():
        services.sign_off(actor=rw.trainer, enrolment=rw.enrolment, family_name="Lorenz")
    certificate = Certificate.objects.get(enrolment=rw.enrolment)
    assert certificate.learner == rw.learner and certificate.course == MSC
    assert certificate.valid_until is None  # the MSC team course's certificate does not expire
    rw.enrolment.refresh_from_db()
    assert selectors_runs.standing_of(rw.enrolment).result.complete
    _refused(lambda: services.sign_off(actor=rw.trainer, enrolment=rw.enrolment), Conflict)
    _refused(lambda: services.withdraw(actor=rw.learner, enrolment=rw.enrolment), Conflict)


def test_a_learner_may_not_enrol_someone_through_another_run(rw: RunsWorld) -> None:
    """A coordinator of another team enrols nobody in R (R is not found)."""
    someone = UserFactory()
    _refused(
        lambda: services.enrol(actor=someone, run=rw.run, learner_ids=[rw.member.pk]), NotFound
    )
