"""Training API: the learner's work (knowledge checks, the practice analysis in the training
sandbox, feedback and self-assessment) and the trainers' reviews and feedback totals (mounted
by api.py under /api/v1/training).

The same selectors and services as the pages: a learner works on their own enrolment only, a
run's trainers review, and a second rater reads the first rating only after rating. Feedback
is read as totals of at least five answer sets once answers are no longer taken, never one.
"""

import datetime
from typing import Any

from django.utils.translation import get_language
from ninja import Router, Schema, Status

from icommit.api.schemas import READ_ERRORS, WRITE_ERRORS, ShortText
from icommit.core.exceptions import NotFound
from icommit.core.http import AuthedRequest
from icommit.instruments.engine import Definition, tr
from icommit.training import content, services
from icommit.training import selectors_work as sw
from icommit.training.models import (
    CheckAttempt,
    Review,
    Submission,
    SubmissionStatus,
    SurveyStage,
)

router = Router()


# --- schemas ---------------------------------------------------------------------------------


class TrainingChoiceOut(Schema):
    value: str | int
    label: str


class TrainingQuestionOut(Schema):
    key: str
    type: str
    text: str
    hint: str
    required: bool
    choices: list[TrainingChoiceOut]


class TrainingAnswersIn(Schema):
    #: item key -> answer, as the instrument engine takes them
    answers: dict[str, Any]


class TrainingAttemptOut(Schema):
    id: str
    taken_at: datetime.datetime
    score: float
    passed: bool


class TrainingWrongOut(Schema):
    #: the question's position in the check (from 1)
    number: int
    key: str
    text: str


class TrainingCheckResultOut(Schema):
    attempt: TrainingAttemptOut
    pass_mark: float | None
    #: the questions not answered with the best answer (the right answers are never given)
    wrong: list[TrainingWrongOut]


class TrainingCheckOut(Schema):
    instrument: str
    title: str
    pass_mark: float | None
    passed: bool
    attempts: list[TrainingAttemptOut]
    result: TrainingCheckResultOut | None
    questions: list[TrainingQuestionOut]


class TrainingVignetteChoiceOut(Schema):
    key: str
    title: str
    phenomenon: str
    age_band: str
    setting: str


class TrainingRatingOut(Schema):
    reviewer_id: int
    reviewer: str
    created_at: datetime.datetime
    decision: str
    comment: str
    #: criterion item key -> level (1-4)
    levels: dict[str, int | None]


class TrainingAssignmentOut(Schema):
    key: str
    kind: str
    title: str
    #: "" before anything is saved; draft, submitted, revision, passed
    status: str
    vignette: str
    submitted_at: datetime.datetime | None
    #: the draft, or the analysis as handed in
    answers: dict[str, Any]
    vignettes: list[TrainingVignetteChoiceOut]
    #: the reviews of decided rounds
    reviews: list[TrainingRatingOut]


class TrainingSubmissionIn(Schema):
    vignette: str
    answers: dict[str, Any]
    #: hand it in for review (else: save as a draft)
    submit: bool = False


class TrainingCalibrationOut(Schema):
    criterion: str
    title: str
    #: one level per rating shown, in the order of ``ratings``
    levels: list[int | None]
    #: the raters are two levels or more apart, or differ on whether it reaches level 3
    differs: bool


class TrainingReviewOut(Schema):
    learner_id: int
    learner: str
    assignment: str
    kind: str
    raters: int
    status: str
    vignette: str
    submitted_at: datetime.datetime | None
    #: the analysis as handed in (empty for an observed assignment)
    answers: dict[str, Any]
    may_rate: bool
    #: the caller's rating and, once the caller has rated, the others'
    ratings: list[TrainingRatingOut]
    #: ratings of this version the caller sees only after rating
    hidden_ratings: int
    #: why this version waits for another rater: "" (it does not), "confirm" (a single
    #: rater's request for revision waits for a second trainer) or "third" (the raters
    #: disagree; a third trainer decides)
    escalation: str
    calibration: list[TrainingCalibrationOut]
    #: titles of the criteria the caller's rating leaves below level 3 (a pass warns, no more)
    below_pass_level: list[str]


class TrainingReviewIn(Schema):
    #: the rubric's items: a level per criterion and the evidence notes
    answers: dict[str, Any]
    #: pass or revise
    decision: str
    comment: ShortText = ""


class TrainingGivenOut(Schema):
    given: bool


class TrainingWorkCheckOut(Schema):
    instrument: str
    title: str
    passed: bool
    attempts: int


class TrainingWorkAssignmentOut(Schema):
    key: str
    kind: str
    title: str
    status: str


class TrainingWorkSessionOut(Schema):
    session_id: int
    starts_at: datetime.datetime
    module: str
    feedback_given: bool
    absent: bool


class TrainingWorkOut(Schema):
    enrolment_id: int
    run_id: int
    checks: list[TrainingWorkCheckOut]
    assignments: list[TrainingWorkAssignmentOut]
    sessions: list[TrainingWorkSessionOut]
    self_assessment_before: bool
    self_assessment_after: bool


class TrainingItemTotalOut(Schema):
    key: str
    text: str
    kind: str
    answered: int
    #: null when fewer than five answered
    mean: float | None
    counts: dict[str, int] | None
    reverse: bool


class TrainingGroupTotalOut(Schema):
    answer_sets: int
    #: answers are still taken (until ``taken_until``), or fewer than five answer sets: nothing
    #: else is given
    hidden: bool
    #: answers are still taken: the totals show once they are not
    open: bool
    taken_until: datetime.datetime | None
    #: domain title -> mean score 0-100 (null: too few answers)
    domains: dict[str, float | None]
    items: list[TrainingItemTotalOut]


class TrainingSessionTotalOut(Schema):
    session_id: int
    starts_at: datetime.datetime
    module: str
    totals: TrainingGroupTotalOut


class TrainingComparisonOut(Schema):
    label: str
    before: float | None
    after: float | None


class TrainingRunFeedbackOut(Schema):
    minimum: int
    sessions: list[TrainingSessionTotalOut]
    before: TrainingGroupTotalOut
    after: TrainingGroupTotalOut
    domains: list[TrainingComparisonOut]
    items: list[TrainingComparisonOut]


class TrainingRunWorkRowOut(Schema):
    enrolment_id: int
    learner_id: int
    learner: str
    #: assignment key -> status ("" when nothing is saved)
    assignments: dict[str, str]
    #: assignments whose current version the caller has rated
    rated_by_me: list[str]


# --- helpers ---------------------------------------------------------------------------------


def _lang() -> str:
    return (get_language() or "en")[:2]


def _questions(definition: Definition) -> list[dict[str, Any]]:
    lang = _lang()
    out = []
    for item in definition.items():
        if item.type == "note":
            continue
        scale = definition.scale_of(item)
        out.append(
            {
                "key": item.key,
                "type": item.type,
                "text": tr(item.text, lang),
                "hint": tr(item.hint, lang) if item.hint else "",
                "required": item.required,
                "choices": [{"value": c.value, "label": tr(c.label, lang)} for c in scale.options]
                if scale is not None
                else [],
            }
        )
    return out


def _attempt(a: CheckAttempt) -> dict[str, Any]:
    return {"id": str(a.pk), "taken_at": a.taken_at, "score": a.score, "passed": a.passed}


def _rating(review: Review, definition: Definition) -> dict[str, Any]:
    answers = review.response.answers or {}
    return {
        "reviewer_id": review.reviewer_id,
        "reviewer": review.reviewer.full_name,
        "created_at": review.created_at,
        "decision": review.decision,
        "comment": review.comment,
        "levels": {c.key: sw.level(answers.get(c.key)) for c in sw.criteria(definition, "en")},
    }


def _check_out(enrolment: Any, instrument: str) -> dict[str, Any]:
    version = sw.version_of(instrument)
    definition = version.parsed
    attempts = sw.attempts(enrolment, instrument)
    result = None
    if attempts:
        newest = attempts[0]
        taken = newest.response.version.parsed
        numbers = {item.key: n for n, item in enumerate(taken.items(), start=1)}
        result = {
            "attempt": _attempt(newest),
            "pass_mark": taken.scoring.pass_mark if taken.scoring else None,
            "wrong": [
                {"number": numbers[i.key], "key": i.key, "text": tr(i.text, _lang())}
                for i in sw.wrong_items(taken, newest.response.answers or {})
            ],
        }
    return {
        "instrument": instrument,
        "title": tr(definition.title, _lang()),
        "pass_mark": definition.scoring.pass_mark if definition.scoring else None,
        "passed": any(a.passed for a in attempts),
        "attempts": [_attempt(a) for a in attempts],
        "result": result,
        "questions": _questions(definition),
    }


def _check_enrolment(request: AuthedRequest, enrolment_id: int, instrument: str) -> Any:
    enrolment = sw.enrolment_get(request.user, enrolment_id)
    if instrument not in sw.checks_of(sw.course_of(enrolment.run)):
        raise NotFound()
    return enrolment


def _assignment_out(
    enrolment: Any, task: content.Assignment, submission: Submission | None
) -> dict[str, Any]:
    reviews = sw.learner_reviews(submission)
    rubric = sw.version_of(task.rubric).parsed if reviews else None
    answers: dict[str, Any] = {}
    if submission is not None:
        handed = submission.response
        locked = submission.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.PASSED)
        source = handed.answers if locked and handed is not None else submission.draft
        answers = dict(source or {})
    return {
        "key": task.key,
        "kind": task.kind,
        "title": content.tr(task.title),
        "status": submission.status if submission else "",
        "vignette": submission.vignette if submission else "",
        "submitted_at": submission.submitted_at if submission else None,
        "answers": answers,
        "vignettes": [
            {
                "key": v.key,
                "title": v.title_in(),
                "phenomenon": v.phenomenon,
                "age_band": v.age_band,
                "setting": v.setting,
            }
            for v in sw.vignette_choices(task)
        ],
        "reviews": [_rating(r, rubric) for r in reviews] if rubric is not None else [],
    }


def _review_out(user: Any, enrolment: Any, task: content.Assignment) -> dict[str, Any]:
    submission = sw.submission_get(enrolment, task.key)
    state = sw.review_state(user, submission, task)
    rubric = sw.version_of(task.rubric).parsed
    shown = ([state.mine] if state.mine else []) + state.others
    handed = submission.response if submission is not None else None
    return {
        "learner_id": enrolment.learner_id,
        "learner": enrolment.learner.full_name,
        "assignment": task.key,
        "kind": task.kind,
        "raters": task.raters,
        "status": submission.status if submission else "",
        "vignette": submission.vignette if submission else "",
        "submitted_at": submission.submitted_at if submission else None,
        "answers": dict(handed.answers or {})
        if handed is not None and task.kind == "analysis"
        else {},
        "may_rate": state.may_rate,
        "ratings": [_rating(r, rubric) for r in shown],
        "hidden_ratings": state.hidden_others,
        "escalation": state.escalation,
        "calibration": [
            {
                "criterion": row.criterion.key,
                "title": row.criterion.title,
                "levels": row.levels,
                "differs": row.differs,
            }
            for row in sw.calibration(rubric, shown, _lang())
        ],
        "below_pass_level": [
            c.title for c in sw.criteria_below(rubric, state.mine.response.answers or {}, _lang())
        ]
        if state.mine is not None
        else [],
    }


def _group(group: sw.GroupTotal) -> dict[str, Any]:
    return {
        "answer_sets": group.answer_sets,
        "hidden": group.hidden,
        "open": group.open,
        "taken_until": group.taken_until,
        "domains": dict(group.domains),
        "items": [
            {
                "key": i.key,
                "text": i.text,
                "kind": i.kind,
                "answered": i.answered,
                "mean": None if i.hidden else i.mean,
                "counts": None if i.hidden or i.kind != "counts" else dict(i.counts),
                "reverse": i.reverse,
            }
            for i in group.items
        ],
    }


# --- the learner's work ----------------------------------------------------------------------


@router.get("/enrolments/{enrolment_id}/work", response={200: TrainingWorkOut, **READ_ERRORS})
def get_training_work(request: AuthedRequest, enrolment_id: int):
    """The learner's work in a run: checks, assignments, feedback and self-assessment."""
    enrolment = sw.enrolment_get(request.user, enrolment_id)
    course = sw.course_of(enrolment.run)
    keys = sw.checks_of(course)
    titles = sw.instrument_titles(keys, _lang())
    newest = sw.check_states(enrolment, keys)
    counts = sw.attempt_counts(enrolment)
    submissions = sw.submissions_of(enrolment)
    given = sw.stages_given(enrolment)
    return {
        "enrolment_id": enrolment.pk,
        "run_id": enrolment.run_id,
        "checks": [
            {
                "instrument": k,
                "title": titles.get(k, k),
                "passed": bool(getattr(newest.get(k), "ever_passed", False)),
                "attempts": counts.get(k, 0),
            }
            for k in keys
        ],
        "assignments": [
            {
                "key": a.key,
                "kind": a.kind,
                "title": content.tr(a.title),
                "status": submissions[a.key].status if a.key in submissions else "",
            }
            for a in sw.assignments_of(course, enrolment.run)
        ],
        "sessions": [
            {
                "session_id": row.session.pk,
                "starts_at": row.session.starts_at,
                "module": row.session.module,
                "feedback_given": row.given,
                "absent": row.absent,
            }
            for row in sw.feedback_sessions(enrolment)
        ],
        "self_assessment_before": SurveyStage.BEFORE in given,
        "self_assessment_after": SurveyStage.AFTER in given,
    }


@router.get(
    "/enrolments/{enrolment_id}/checks/{instrument}",
    response={200: TrainingCheckOut, **READ_ERRORS},
)
def get_training_check(request: AuthedRequest, enrolment_id: int, instrument: str):
    """A knowledge check of the course: its questions, the pass mark, the learner's attempts
    and the newest result (which questions were answered wrongly, never the right answers)."""
    enrolment = _check_enrolment(request, enrolment_id, instrument)
    return _check_out(enrolment, instrument)


@router.post(
    "/enrolments/{enrolment_id}/checks/{instrument}",
    response={201: TrainingCheckOut, **WRITE_ERRORS},
)
def take_training_check(
    request: AuthedRequest, enrolment_id: int, instrument: str, payload: TrainingAnswersIn
):
    """Answer the knowledge check; it is scored at once against the pass mark. It can be taken
    again; a pass counts."""
    enrolment = _check_enrolment(request, enrolment_id, instrument)
    services.check_take(
        actor=request.user, enrolment=enrolment, instrument=instrument, answers=payload.answers
    )
    return Status(201, _check_out(enrolment, instrument))


@router.get(
    "/enrolments/{enrolment_id}/assignments/{assignment}",
    response={200: TrainingAssignmentOut, **READ_ERRORS},
)
def get_training_assignment(request: AuthedRequest, enrolment_id: int, assignment: str):
    """A practice assignment: its state, the vignettes to choose from, the draft or the analysis
    as handed in, and the trainers' reviews once decided."""
    enrolment = sw.enrolment_get(request.user, enrolment_id)
    task = sw.assignment_of(sw.course_of(enrolment.run), enrolment.run, assignment)
    return _assignment_out(enrolment, task, sw.submission_get(enrolment, assignment))


@router.put(
    "/enrolments/{enrolment_id}/assignments/{assignment}",
    response={200: TrainingAssignmentOut, **WRITE_ERRORS},
)
def save_training_assignment(
    request: AuthedRequest, enrolment_id: int, assignment: str, payload: TrainingSubmissionIn
):
    """Save the sandbox analysis of a vignette as a draft, or hand it in for review. It is kept
    in training only: never a case, an indicator or an export."""
    enrolment = sw.enrolment_get(request.user, enrolment_id)
    task = sw.assignment_of(sw.course_of(enrolment.run), enrolment.run, assignment)
    services.submission_save(
        actor=request.user,
        enrolment=enrolment,
        assignment=assignment,
        vignette=payload.vignette,
        answers=payload.answers,
        submit=payload.submit,
    )
    return _assignment_out(enrolment, task, sw.submission_get(enrolment, assignment))


@router.post(
    "/enrolments/{enrolment_id}/sessions/{session_id}/feedback",
    response={201: TrainingGivenOut, **WRITE_ERRORS},
)
def give_training_feedback(
    request: AuthedRequest, enrolment_id: int, session_id: int, payload: TrainingAnswersIn
):
    """Feedback on a session attended; stored without the learner's name, once."""
    enrolment = sw.enrolment_get(request.user, enrolment_id)
    session = sw.session_of(enrolment, session_id)
    services.survey_answer(
        actor=request.user,
        enrolment=enrolment,
        stage=SurveyStage.SESSION,
        answers=payload.answers,
        session=session,
    )
    return Status(201, {"given": True})


@router.post(
    "/enrolments/{enrolment_id}/self-assessment/{stage}",
    response={201: TrainingGivenOut, **WRITE_ERRORS},
)
def give_training_self_assessment(
    request: AuthedRequest, enrolment_id: int, stage: str, payload: TrainingAnswersIn
):
    """The self-assessment before or after the course; stored without the learner's name."""
    enrolment = sw.enrolment_get(request.user, enrolment_id)
    if stage not in (SurveyStage.BEFORE, SurveyStage.AFTER):
        raise NotFound()
    services.survey_answer(
        actor=request.user, enrolment=enrolment, stage=stage, answers=payload.answers
    )
    return Status(201, {"given": True})


# --- reviews and totals ----------------------------------------------------------------------


@router.get(
    "/runs/{run_id}/assignments", response={200: list[TrainingRunWorkRowOut], **READ_ERRORS}
)
def list_training_run_assignments(request: AuthedRequest, run_id: int):
    """Each enrolled learner's assignments and their state (the run's trainers)."""
    run = sw.run_get(request.user, run_id)
    return [
        {
            "enrolment_id": row.enrolment.pk,
            "learner_id": row.enrolment.learner_id,
            "learner": row.enrolment.learner.full_name,
            "assignments": {k: s.status for k, s in row.submissions.items()},
            "rated_by_me": sorted(row.rated_by_me),
        }
        for row in sw.run_work(request.user, run)
    ]


@router.get(
    "/runs/{run_id}/enrolments/{enrolment_id}/assignments/{assignment}/review",
    response={200: TrainingReviewOut, **READ_ERRORS},
)
def get_training_review(request: AuthedRequest, run_id: int, enrolment_id: int, assignment: str):
    """A submission as its reviewer sees it: the analysis handed in, the caller's rating and,
    once the caller has rated, the other raters' ratings side by side (calibration)."""
    run = sw.run_get(request.user, run_id)
    enrolment = sw.run_enrolment_get(run, enrolment_id)
    task = sw.assignment_of(sw.course_of(run), run, assignment)
    return _review_out(request.user, enrolment, task)


@router.post(
    "/runs/{run_id}/enrolments/{enrolment_id}/assignments/{assignment}/review",
    response={201: TrainingReviewOut, **WRITE_ERRORS},
)
def record_training_review(
    request: AuthedRequest,
    run_id: int,
    enrolment_id: int,
    assignment: str,
    payload: TrainingReviewIn,
):
    """Rate the submission with the assignment's rubric and pass it or ask for a revision (with
    a comment); an observed assignment is recorded this way directly. ``below_pass_level``
    names the criteria a pass leaves below level 3."""
    run = sw.run_get(request.user, run_id)
    enrolment = sw.run_enrolment_get(run, enrolment_id)
    task = sw.assignment_of(sw.course_of(run), run, assignment)
    services.review_record(
        actor=request.user,
        enrolment=enrolment,
        assignment=assignment,
        rubric_answers=payload.answers,
        comment=payload.comment,
        decision=payload.decision,
    )
    return Status(201, _review_out(request.user, enrolment, task))


@router.get("/runs/{run_id}/feedback", response={200: TrainingRunFeedbackOut, **READ_ERRORS})
def get_training_run_feedback(request: AuthedRequest, run_id: int):
    """The run's feedback totals for its trainers and its team's coordinators: per session and
    item, and the self-assessment before and after; groups still taking answers, or of fewer
    than five, are hidden."""
    run = sw.run_feedback_get(request.user, run_id)
    services.surveys_settle(run)  # closed groups are shuffled before anyone reads them
    totals = sw.run_feedback(run, _lang())
    return {
        "minimum": sw.MIN_ANSWER_SETS,
        "sessions": [
            {
                "session_id": s.pk,
                "starts_at": s.starts_at,
                "module": s.module,
                "totals": _group(group),
            }
            for s, group in totals.sessions
        ],
        "before": _group(totals.before),
        "after": _group(totals.after),
        "domains": [
            {"label": c.label, "before": c.before, "after": c.after} for c in totals.domains
        ],
        "items": [{"label": c.label, "before": c.before, "after": c.after} for c in totals.items],
    }
