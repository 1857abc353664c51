# ruff: noqa: F811  (the fixture ww imported from work_world is a parameter of the tests)
"""The services of the learner's work and the trainers' reviews: knowledge checks, the sandbox
analysis, reviews with one or two raters, observed assignments, feedback and self-assessment.
Bad input is refused with the field named and changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from icommit.access.roles import PlatformRole
from icommit.accounts.models import User
from icommit.analysis.models import Analysis, Perspective
from icommit.cases.models import Case, Client
from icommit.cases.selectors import cases_for
from icommit.core.exceptions import Conflict, Forbidden, NotFound, ValidationFailed
from icommit.core.models import AuditDetail, AuditEvent
from icommit.instruments.models import Response
from icommit.training import selectors, services
from icommit.training.models import (
    Attendance,
    CheckAttempt,
    Review,
    Run,
    Submission,
    SubmissionStatus,
    SurveyAnswer,
    SurveyGiven,
)
from tests.factories import UserFactory, grant
from tests.training.work_world import (  # noqa: F401  (ww is a fixture)
    CHECK,
    CONSENT,
    PRACTICE,
    WorkWorld,
    analysis_answers,
    check_answers,
    rubric_answers,
    survey_answers,
    version,
    ww,
)


def _take(ww: WorkWorld, right: int) -> CheckAttempt:
    with transaction.atomic():
        return services.check_take(
            actor=ww.learner,
            enrolment=ww.enrolment,
            instrument=CHECK,
            answers=check_answers(version(CHECK).parsed, right),
        )


def _hand_in(ww: WorkWorld, **more: object) -> Submission:
    with transaction.atomic():
        return services.submission_save(
            actor=ww.learner,
            enrolment=ww.enrolment,
            assignment=PRACTICE,
            vignette="pupil-online",
            answers=analysis_answers(**more),
            submit=True,
        )


def _rate(
    ww: WorkWorld, who: object, decision: str, levels: int | dict[str, int] = 3, comment: str = ""
) -> Review:
    with transaction.atomic():
        return services.review_record(
            actor=who,  # type: ignore[arg-type]  # a User
            enrolment=ww.enrolment,
            assignment=PRACTICE,
            rubric_answers=rubric_answers(version("rubric-social-diagnostics").parsed, levels),
            comment=comment,
            decision=decision,
        )


# --- knowledge checks ------------------------------------------------------------------------


def test_a_learner_passes_the_check_at_the_pass_mark_and_fails_below_it(ww: WorkWorld) -> None:
    failed = _take(ww, 11)  # 11 of 16: below 75
    assert (failed.passed, failed.score) == (False, pytest.approx(68.8))
    passed = _take(ww, 12)  # 12 of 16: 75, the pass mark
    assert (passed.passed, passed.score) == (True, 75.0)
    assert AuditEvent.objects.filter(action="training.check.taken").count() == 2


def test_retaking_is_allowed_and_a_pass_counts_after_a_later_failure(ww: WorkWorld) -> None:
    _take(ww, 16)
    _take(ww, 3)
    assert CHECK in selectors.progress(ww.enrolment).checks_passed


def test_a_check_not_of_the_course_is_refused_and_nothing_is_stored(ww: WorkWorld) -> None:
    with pytest.raises(ValidationFailed) as refused, transaction.atomic():
        services.check_take(
            actor=ww.learner,
            enrolment=ww.enrolment,
            instrument="kc-msc-team",
            answers=check_answers(version("kc-msc-team").parsed, 14),
        )
    assert "instrument" in refused.value.details
    assert CheckAttempt.objects.count() == 0


def test_an_unanswered_question_is_named_and_nothing_is_stored(ww: WorkWorld) -> None:
    answers = check_answers(version(CHECK).parsed, 16)
    missing = next(iter(answers))
    del answers[missing]
    responses = Response.objects.count()
    with pytest.raises(ValidationFailed) as refused, transaction.atomic():
        services.check_take(
            actor=ww.learner, enrolment=ww.enrolment, instrument=CHECK, answers=answers
        )
    assert missing in refused.value.details
    assert (CheckAttempt.objects.count(), Response.objects.count()) == (0, responses)


def test_only_the_learner_takes_their_check(ww: WorkWorld) -> None:
    # the run's trainer finds the enrolment but may not work on it; another learner finds nothing
    for other, refusal in ((ww.trainer, Forbidden), (ww.other, NotFound)):
        with pytest.raises(refusal), transaction.atomic():
            services.check_take(
                actor=other,
                enrolment=ww.enrolment,
                instrument=CHECK,
                answers=check_answers(version(CHECK).parsed, 16),
            )
    assert CheckAttempt.objects.count() == 0


# --- the sandbox analysis --------------------------------------------------------------------


def test_the_sandbox_analysis_is_stored_only_in_training(ww: WorkWorld) -> None:
    responses = set(Response.objects.values_list("pk", flat=True))
    with transaction.atomic():
        draft = services.submission_save(
            actor=ww.learner,
            enrolment=ww.enrolment,
            assignment=PRACTICE,
            vignette="pupil-online",
            answers={"client_view": "A first note"},
        )
    assert (draft.status, draft.response_id) == (SubmissionStatus.DRAFT, None)
    handed = _hand_in(ww)
    assert handed.status == SubmissionStatus.SUBMITTED
    new = Response.objects.exclude(pk__in=responses).get()
    assert new.pk == handed.response_id
    # sealed with the learner's own key, never a client's; no case data of any kind exists
    assert new.owner_key_id == selectors.learner_key(ww.learner).pk  # type: ignore[union-attr]
    assert Case.objects.count() == Client.objects.count() == 0
    assert Analysis.objects.count() == Perspective.objects.count() == 0
    assert not Perspective.objects.filter(response_id=new.pk).exists()
    assert list(cases_for(user=ww.coordinator, team=ww.team)) == []
    assert AuditEvent.objects.filter(action="training.submission.submitted").count() == 1


def test_a_vignette_outside_the_assignment_is_refused_and_nothing_changes(ww: WorkWorld) -> None:
    with pytest.raises(ValidationFailed) as refused, transaction.atomic():
        services.submission_save(
            actor=ww.learner,
            enrolment=ww.enrolment,
            assignment=PRACTICE,
            vignette="no-such-vignette",
            answers={},
        )
    assert "vignette" in refused.value.details
    assert Submission.objects.count() == 0


def test_an_incomplete_analysis_cannot_be_handed_in(ww: WorkWorld) -> None:
    with pytest.raises(ValidationFailed) as refused, transaction.atomic():
        services.submission_save(
            actor=ww.learner,
            enrolment=ww.enrolment,
            assignment=PRACTICE,
            vignette="pupil-online",
            answers={"client_view": "Only this"},
            submit=True,
        )
    assert "client_involved" in refused.value.details
    assert Submission.objects.count() == 0


def test_a_handed_in_analysis_changes_only_after_a_review(ww: WorkWorld) -> None:
    _hand_in(ww)
    with pytest.raises(Conflict), transaction.atomic():
        services.submission_save(
            actor=ww.learner,
            enrolment=ww.enrolment,
            assignment=PRACTICE,
            vignette="pupil-online",
            answers={},
        )
    _rate(ww, ww.trainer, "revise", 2, comment="Add the client's goals.")
    _rate(ww, ww.second, "revise", 2, comment="Add the client's goals.")
    again = _hand_in(ww, client_goals="Finish school")
    assert again.status == SubmissionStatus.SUBMITTED


def test_an_observed_assignment_is_not_handed_in_by_the_learner(ww: WorkWorld) -> None:
    with pytest.raises(Conflict), transaction.atomic():
        services.submission_save(
            actor=ww.learner,
            enrolment=ww.enrolment,
            assignment=CONSENT,
            vignette="",
            answers={},
        )


# --- reviews ---------------------------------------------------------------------------------


def test_two_passes_pass_the_assignment(ww: WorkWorld) -> None:
    _hand_in(ww)
    _rate(ww, ww.trainer, "pass", 3)
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED
    _rate(ww, ww.second, "pass", 4)
    assert Submission.objects.get().status == SubmissionStatus.PASSED
    assert PRACTICE in selectors.progress(ww.enrolment).assignments_passed


def test_two_revises_ask_for_a_revision(ww: WorkWorld) -> None:
    _hand_in(ww)
    _rate(ww, ww.trainer, "revise", 2, comment="The client's view is missing.")
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED
    _rate(ww, ww.second, "revise", 2, comment="Competing hypotheses are missing.")
    handed = Submission.objects.get()
    assert (handed.status, handed.escalation) == (SubmissionStatus.REVISION, "")
    with pytest.raises(Conflict), transaction.atomic():
        _rate(ww, ww.trainer, "pass")


def _third_trainer(ww: WorkWorld) -> User:
    third = grant(UserFactory(full_name="Thea Third"), PlatformRole.TRAINER)
    ww.update_run(trainer_ids=[ww.second.pk, third.pk])
    return third


def test_raters_who_disagree_on_the_decision_wait_for_a_third_who_decides(ww: WorkWorld) -> None:
    third = _third_trainer(ww)
    _hand_in(ww)
    _rate(ww, ww.trainer, "pass", 3)
    _rate(ww, ww.second, "revise", 3, comment="Competing hypotheses are missing.")
    handed = Submission.objects.get()
    # neither decision stands: the round waits for a third trainer
    assert (handed.status, handed.escalation) == (SubmissionStatus.SUBMITTED, "third")
    assert PRACTICE not in selectors.progress(ww.enrolment).assignments_passed
    event = AuditEvent.objects.filter(action="training.submission.reviewed").first()
    assert AuditDetail.objects.get(event=event).data["escalation"] == "third"
    _rate(ww, third, "revise", 2, comment="Agree with Theo: add competing hypotheses.")
    assert Submission.objects.get().status == SubmissionStatus.REVISION
    # the round is decided: nobody rates this version again
    with pytest.raises(Conflict), transaction.atomic():
        _rate(ww, ww.trainer, "pass")


def test_two_passes_apart_on_level_3_wait_for_a_third_rater(ww: WorkWorld) -> None:
    third = _third_trainer(ww)
    _hand_in(ww)
    _rate(ww, ww.trainer, "pass", 3)
    # the second passes it too, but rates one criterion below level 3
    _rate(ww, ww.second, "pass", {"c4_perspectives": 2})
    handed = Submission.objects.get()
    assert (handed.status, handed.escalation) == (SubmissionStatus.SUBMITTED, "third")
    event = AuditEvent.objects.filter(action="training.submission.reviewed").first()
    assert AuditDetail.objects.get(event=event).data["disputed"] == ["c4_perspectives"]
    _rate(ww, third, "pass", 3)
    assert Submission.objects.get().status == SubmissionStatus.PASSED


def test_a_revision_needs_a_comment_and_nothing_is_stored_without(ww: WorkWorld) -> None:
    _hand_in(ww)
    responses = Response.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        _rate(ww, ww.trainer, "revise", 2)
    assert "comment" in refused.value.details
    assert (Review.objects.count(), Response.objects.count()) == (0, responses)


def test_a_rater_rates_a_version_once(ww: WorkWorld) -> None:
    _hand_in(ww)
    _rate(ww, ww.trainer, "pass")
    with pytest.raises(Conflict):
        _rate(ww, ww.trainer, "pass")
    assert Review.objects.count() == 1


def test_an_incomplete_rubric_is_refused_with_the_criterion_named(ww: WorkWorld) -> None:
    _hand_in(ww)
    with pytest.raises(ValidationFailed) as refused, transaction.atomic():
        services.review_record(
            actor=ww.trainer,
            enrolment=ww.enrolment,
            assignment=PRACTICE,
            rubric_answers={"c1_client_view": 3},
            comment="",
            decision="pass",
        )
    assert "c2_concerns_resources" in refused.value.details
    assert Review.objects.count() == 0


def test_only_the_runs_trainers_review(ww: WorkWorld) -> None:
    _hand_in(ww)
    for other in (ww.learner, ww.coordinator):
        with pytest.raises(Forbidden):
            _rate(ww, other, "pass")
    assert Review.objects.count() == 0


def test_an_observed_conversation_is_recorded_and_recorded_again_after_a_revision(
    ww: WorkWorld,
) -> None:
    rubric = version("rubric-consent-conversation").parsed

    def observe(decision: str, level: int, comment: str = "", who: User | None = None) -> Review:
        with transaction.atomic():
            return services.review_record(
                actor=who or ww.trainer,
                enrolment=ww.enrolment,
                assignment=CONSENT,
                rubric_answers=rubric_answers(rubric, level),
                comment=comment,
                decision=decision,
            )

    first = observe("revise", 2, "Name each recipient.")
    # one trainer's "not passed" waits for a second trainer's observation
    pending = Submission.objects.get(pk=first.submission_id)
    assert (pending.status, pending.escalation) == (SubmissionStatus.SUBMITTED, "confirm")
    observe("revise", 2, "Name each recipient.", who=ww.second)
    confirmed = Submission.objects.get(pk=first.submission_id)
    assert (confirmed.status, confirmed.escalation) == (SubmissionStatus.REVISION, "confirm")
    second = observe("pass", 3)
    again = Submission.objects.get(pk=first.submission_id)
    assert (again.status, again.escalation) == (SubmissionStatus.PASSED, "")
    assert second.submission_id == first.submission_id
    assert CONSENT in selectors.progress(ww.enrolment).assignments_passed


def test_a_second_observer_who_disagrees_brings_in_a_third(ww: WorkWorld) -> None:
    third = _third_trainer(ww)
    rubric = version("rubric-consent-conversation").parsed

    def observe(who: User, decision: str, level: int, comment: str = "") -> None:
        with transaction.atomic():
            services.review_record(
                actor=who,
                enrolment=ww.enrolment,
                assignment=CONSENT,
                rubric_answers=rubric_answers(rubric, level),
                comment=comment,
                decision=decision,
            )

    observe(ww.trainer, "revise", 2, "Name each recipient.")
    observe(ww.second, "pass", 3)
    assert Submission.objects.get().escalation == "third"
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED
    observe(third, "pass", 3)
    assert Submission.objects.get().status == SubmissionStatus.PASSED


# --- feedback and self-assessment ------------------------------------------------------------


def _feedback(ww: WorkWorld, session: object = None) -> None:
    with transaction.atomic():
        services.survey_answer(
            actor=ww.learner,
            enrolment=ww.enrolment,
            stage="session",
            answers=survey_answers(version(services.FEEDBACK).parsed),
            session=session or ww.held,  # type: ignore[arg-type]  # a Session
        )


def test_feedback_carries_no_learner_and_cannot_be_given_twice(ww: WorkWorld) -> None:
    _feedback(ww)
    answer = SurveyAnswer.objects.get()
    assert answer.response.owner_key_id is None
    assert {f.name for f in SurveyAnswer._meta.get_fields()} >= {"run", "session", "stage"}
    assert not any(f.name in ("enrolment", "learner") for f in SurveyAnswer._meta.get_fields())
    with pytest.raises(Conflict):
        _feedback(ww)
    assert (SurveyAnswer.objects.count(), SurveyGiven.objects.count()) == (1, 1)


def test_feedback_waits_for_the_session_and_is_not_given_when_absent(ww: WorkWorld) -> None:
    with pytest.raises(Conflict):
        _feedback(ww, ww.coming)
    with transaction.atomic():
        services.attendance_record(
            actor=ww.trainer, session=ww.held, present={ww.enrolment.pk: False}
        )
    with pytest.raises(Conflict):
        _feedback(ww)
    assert SurveyAnswer.objects.count() == 0
    assert Attendance.objects.get().present is False


def test_feedback_on_a_session_of_another_run_is_refused(ww: WorkWorld) -> None:
    with transaction.atomic():
        foreign = services.session_save(
            actor=ww.msc_run.trainers.get().user,
            run=ww.msc_run,
            starts_at=timezone.now() - datetime.timedelta(hours=3),
            minutes=60,
            module=ww.msc_run.modules[0],
            place="Hall",
        )
    with pytest.raises(ValidationFailed) as refused:
        _feedback(ww, foreign)
    assert "session" in refused.value.details


def test_feedback_and_self_assessments_are_taken_in_their_window_only(ww: WorkWorld) -> None:
    answers = survey_answers(version(services.SELF_ASSESSMENT).parsed)
    # the run ends in 30 days: the self-assessment after opens a week before its last day
    with pytest.raises(Conflict) as early, transaction.atomic():
        services.survey_answer(
            actor=ww.learner, enrolment=ww.enrolment, stage="after", answers=answers
        )
    assert "opens on" in early.value.message
    ww.close_surveys()
    ww.enrolment.run.refresh_from_db()
    ww.held.refresh_from_db()
    with pytest.raises(Conflict) as late, transaction.atomic():
        services.survey_answer(
            actor=ww.learner, enrolment=ww.enrolment, stage="before", answers=answers
        )
    assert "closed" in late.value.message
    with pytest.raises(Conflict):
        _feedback(ww)
    assert SurveyAnswer.objects.count() == SurveyGiven.objects.count() == 0


def test_the_self_assessment_is_given_once_before_and_once_after(ww: WorkWorld) -> None:
    answers = survey_answers(version(services.SELF_ASSESSMENT).parsed)
    Run.objects.filter(pk=ww.run.pk).update(ends_on=timezone.localdate())
    ww.enrolment.run.refresh_from_db()
    for stage in ("before", "after"):
        with transaction.atomic():
            services.survey_answer(
                actor=ww.learner, enrolment=ww.enrolment, stage=stage, answers=answers
            )
    with pytest.raises(Conflict), transaction.atomic():
        services.survey_answer(
            actor=ww.learner, enrolment=ww.enrolment, stage="before", answers=answers
        )
    assert SurveyAnswer.objects.filter(session__isnull=True).count() == 2


def test_a_withdrawn_learner_no_longer_works_on_the_run(ww: WorkWorld) -> None:
    with transaction.atomic():
        services.withdraw(actor=ww.learner, enrolment=ww.enrolment)
    ww.enrolment.refresh_from_db()
    with pytest.raises((Forbidden, NotFound)):
        _take(ww, 16)


def test_an_empty_answer_set_is_refused_and_does_not_count(ww: WorkWorld) -> None:
    with pytest.raises(ValidationFailed) as refused, transaction.atomic():
        services.survey_answer(actor=ww.learner, enrolment=ww.enrolment, stage="before", answers={})
    assert "answers" in refused.value.details
    assert (SurveyAnswer.objects.count(), SurveyGiven.objects.count()) == (0, 0)


def test_a_practice_analysis_handed_in_has_the_clients_view_three_domains_and_a_hypothesis(
    ww: WorkWorld,
) -> None:
    thin = analysis_answers(client_view="", hypotheses=[])
    del thin["education"], thin["online"]
    with pytest.raises(ValidationFailed) as refused, transaction.atomic():
        services.submission_save(
            actor=ww.learner,
            enrolment=ww.enrolment,
            assignment=PRACTICE,
            vignette="pupil-online",
            answers=thin,
            submit=True,
        )
    assert set(refused.value.details) == {"client_view", "family", "hypotheses"}
    assert "at least 3 life domains" in refused.value.details["family"][0]
    assert Submission.objects.count() == 0
    # as a draft it is kept
    with transaction.atomic():
        services.submission_save(
            actor=ww.learner,
            enrolment=ww.enrolment,
            assignment=PRACTICE,
            vignette="pupil-online",
            answers=thin,
        )
    assert Submission.objects.get().status == SubmissionStatus.DRAFT
