"""Every write of training: runs, sessions, enrolments, attendance, knowledge checks, practice
assignments and reviews, feedback, sign-off, the certification gate, external learners.

Each service is keyword-only and atomic, checks access through the kernel and records its
audit event. A learner's own work is stored through ``instruments.services``, sealed with the
learner's key; vignette work never touches a case.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from icommit.access import Action, require
from icommit.access.facts import forget
from icommit.accounts.models import User
from icommit.core import audit, crypto
from icommit.core.exceptions import Conflict, Forbidden, ValidationFailed
from icommit.core.models import SubjectKey
from icommit.core.text import SHORT, TITLE, clean
from icommit.instruments.engine import score
from icommit.instruments.models import InstrumentVersion
from icommit.instruments.services import (
    answers_check,
    response_store,
    responses_discard,
    responses_rewrite,
)
from icommit.stakeholders.sectors import Sector, defaults_for
from icommit.teams.models import Team
from icommit.training import (
    completion,
    content,
    credentials,
    rating,
    selectors,
    selectors_work,
    statuslist,
    surveys,
)
from icommit.training.models import (
    Attendance,
    Certificate,
    CheckAttempt,
    Enrolment,
    EnrolmentStatus,
    GateSector,
    LearnerKey,
    Review,
    ReviewDecision,
    Run,
    RunTrainer,
    Session,
    Submission,
    SubmissionStatus,
    SurveyAnswer,
    SurveyGiven,
    SurveyStage,
)

#: The audience instruments are answered with in training (no item differs by audience).
AUDIENCE = "non_security"
#: The instruments of training feedback and of the self-assessment before and after a course.
FEEDBACK = "training-feedback"
SELF_ASSESSMENT = "training-self-assessment"


#: Events about the run itself, shown in the history of the run's team. Events about one
#: learner (enrolment requests, attendance, checks, work, reviews, feedback, sign-off,
#: certificates) are not: a team's coordinators see its members' training coverage and
#: "certified until", nothing more, and the time a member answered feedback would help to
#: tell their answers.
TEAM_EVENTS = frozenset(
    {
        "training.run.created",
        "training.run.updated",
        "training.run.cancelled",
        "training.session.saved",
        "training.session.deleted",
    }
)


def _record(actor: User | None, action: str, obj: Any, run: Run, **changes: Any) -> None:
    team_id = run.team_id if action in TEAM_EVENTS else None
    audit.record(actor=actor, action=action, obj=obj, team_id=team_id, changes=changes)


def _not_own(actor: User, enrolment: Enrolment) -> None:
    """Nobody trains, rates, marks present or signs off themselves."""
    if enrolment.learner_id == actor.pk:
        raise Forbidden(_("You cannot do this for your own enrolment."))


def _course(course_id: str, version: int | None = None) -> content.Course:
    found = content.course(course_id, version)
    if found is None:
        raise ValidationFailed.field("course", _("Choose one of the courses."))
    return found


# --- runs ------------------------------------------------------------------------------------


def _run_fields(
    course: content.Course,
    *,
    title: str,
    city: str,
    language: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    modules: Sequence[str],
    local_notes: str,
    refresher: bool,
) -> dict[str, Any]:
    problems: dict[str, list[str]] = {}

    def fail(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    values: dict[str, Any] = {"refresher": bool(refresher)}
    for name, value in (("title", title), ("city", city)):
        try:
            values[name] = clean(value or "", field=name, max_length=TITLE, multiline=False).strip()
        except ValidationFailed as exc:
            problems.update(exc.details)
            continue
        if not values[name]:
            fail(name, _("This field is required."))
    if language not in {code for code, _label in _languages()}:
        fail("language", _("Choose English or German."))
    values["language"] = language
    if starts_on is None:
        fail("starts_on", _("Give the first day."))
    if ends_on is None:
        fail("ends_on", _("Give the last day."))
    elif starts_on is not None and ends_on < starts_on:
        fail("ends_on", _("The last day cannot be before the first day."))
    values["starts_on"], values["ends_on"] = starts_on, ends_on
    if refresher and (course.certificate.refresher is None):
        fail("refresher", _("This course has no refresher run."))
    known = [m.id for m in course.modules]
    chosen = list(dict.fromkeys(modules))
    if not chosen:
        refresh = course.certificate.refresher
        chosen = list(refresh.modules) if refresher and refresh else known
    unknown = [m for m in chosen if m not in known]
    if unknown:
        fail(
            "modules",
            _("Not a module of this course: %(modules)s.") % {"modules": ", ".join(unknown)},
        )
    values["modules"] = chosen
    try:
        values["local_notes"] = clean(
            local_notes or "", field="local_notes", max_length=SHORT
        ).strip()
    except ValidationFailed as exc:
        problems.update(exc.details)
    if problems:
        raise ValidationFailed(_("Some fields need correcting."), details=problems)
    return values


def _languages() -> Sequence[tuple[str, Any]]:
    return list(settings.LANGUAGES)


def _trainers(user_ids: Iterable[Any]) -> list[User]:
    ids = {int(i) for i in user_ids if str(i).isdigit()}
    found = list(selectors.trainers_among(ids))
    if len(found) != len(ids):
        raise ValidationFailed.field("trainers", _("Every trainer must hold the trainer role."))
    return found


@transaction.atomic
def run_create(
    *,
    actor: User,
    course: str,
    title: str,
    city: str,
    language: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    team: Team | None = None,
    modules: Sequence[str] = (),
    local_notes: str = "",
    refresher: bool = False,
    open_for_requests: bool = False,
    trainer_ids: Iterable[Any] = (),
) -> Run:
    """Set up a run of a course: the creator teaches it, with the trainers named."""
    require(actor, Action.TRAINING_RUN_CREATE)
    found = _course(course)
    values = _run_fields(
        found,
        title=title,
        city=city,
        language=language,
        starts_on=starts_on,
        ends_on=ends_on,
        modules=modules,
        local_notes=local_notes,
        refresher=refresher,
    )
    if team is not None and team.archived_at is not None:
        # a trainer runs the course for any live team (its name is all they learn of it)
        raise ValidationFailed.field("team", _("This team is archived."))
    trainers = _trainers(trainer_ids)
    run = Run.objects.create(
        course=found.id,
        course_version=found.version,
        team=team,
        open_for_requests=bool(open_for_requests),
        created_by=actor,
        **values,
    )
    RunTrainer.objects.bulk_create(
        [RunTrainer(run=run, user=u) for u in {actor, *trainers}], ignore_conflicts=True
    )
    forget(actor)  # the creator teaches the run from now on
    _record(
        actor,
        "training.run.created",
        run,
        run,
        course=found.id,
        version=found.version,
        modules=len(values["modules"]),
    )
    return run


@transaction.atomic
def run_update(
    *,
    actor: User,
    run: Run,
    title: str,
    city: str,
    language: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    modules: Sequence[str],
    local_notes: str = "",
    open_for_requests: bool = False,
    trainer_ids: Iterable[Any] = (),
) -> Run:
    """Change a run: its dates, modules and their order, notes and trainers (the run keeps at
    least the person changing it among its trainers)."""
    require(actor, Action.TRAINING_RUN_MANAGE, run)
    run = Run.objects.select_for_update().get(pk=run.pk)
    values = _run_fields(
        _course(run.course, run.course_version),
        title=title,
        city=city,
        language=language,
        starts_on=starts_on,
        ends_on=ends_on,
        modules=modules,
        local_notes=local_notes,
        refresher=run.refresher,
    )
    answered = set(
        SurveyGiven.objects.filter(
            enrolment__run=run, stage__in=[SurveyStage.BEFORE, SurveyStage.AFTER]
        ).values_list("stage", flat=True)
    )
    if SurveyStage.BEFORE in answered and values["starts_on"] != run.starts_on:
        raise ValidationFailed.field(
            "starts_on",
            _(
                "Learners gave the self-assessment before the course, which is taken until a "
                "week after the first day: the first day can no longer change."
            ),
        )
    if SurveyStage.AFTER in answered and values["ends_on"] != run.ends_on:
        raise ValidationFailed.field(
            "ends_on",
            _(
                "Learners gave the self-assessment after the course, which is taken around the "
                "last day: the last day can no longer change."
            ),
        )
    taught = set(run.sessions.values_list("module", flat=True))
    dropped = sorted(taught - set(values["modules"]))
    if dropped:
        raise ValidationFailed.field(
            "modules",
            _("Sessions still teach %(modules)s: move or remove them first.")
            % {"modules": ", ".join(dropped)},
        )
    trainers = _trainers(trainer_ids)
    # the person changing the run stays a trainer if they were one (the form does not list
    # them); an administrator who only corrects a run does not become one
    was_trainer = RunTrainer.objects.filter(run=run, user=actor).exists()
    keep = {u.pk for u in trainers} | ({actor.pk} if was_trainer else set())
    if not keep:
        raise ValidationFailed.field("trainers", _("A run needs at least one trainer."))
    _no_learner_trains(run, keep)
    for name, value in values.items():
        setattr(run, name, value)
    run.open_for_requests = bool(open_for_requests)
    run.save()
    RunTrainer.objects.filter(run=run).exclude(user_id__in=keep).delete()
    RunTrainer.objects.bulk_create(
        [RunTrainer(run=run, user_id=pk) for pk in keep], ignore_conflicts=True
    )
    forget(actor)
    _record(actor, "training.run.updated", run, run, trainers=len(keep))
    return run


def _no_learner_trains(run: Run, trainer_ids: set[int]) -> None:
    learners = Enrolment.objects.filter(
        run=run,
        learner_id__in=trainer_ids,
        status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.REQUESTED],
    ).select_related("learner")
    names = sorted(e.learner.full_name for e in learners)
    if names:
        raise ValidationFailed.field(
            "trainers",
            _("%(names)s learn in this run and cannot also train it.")
            % {"names": ", ".join(names)},
        )


@transaction.atomic
def run_cancel(*, actor: User, run: Run, reason: str) -> Run:
    require(actor, Action.TRAINING_RUN_MANAGE, run)
    reason = clean(reason or "", field="reason", max_length=SHORT).strip()
    if not reason:
        raise ValidationFailed.field("reason", _("Say why the run is cancelled."))
    if Enrolment.objects.filter(run=run, signed_off_at__isnull=False).exists():
        raise Conflict(_("Learners of this run were already signed off; it cannot be cancelled."))
    run.cancelled_at = timezone.now()
    run.save(update_fields=["cancelled_at"])
    _record(actor, "training.run.cancelled", run, run, reason=reason)
    return run


# --- sessions --------------------------------------------------------------------------------


@transaction.atomic
def session_save(
    *,
    actor: User,
    run: Run,
    starts_at: datetime.datetime | None,
    minutes: int | None,
    module: str,
    place: str = "",
    online_link: str = "",
    session: Session | None = None,
) -> Session:
    """Plan a session of the run, or change one: when, how long, where, which module."""
    require(actor, Action.TRAINING_RUN_MANAGE, run)
    problems: dict[str, list[str]] = {}
    if starts_at is None:
        problems["starts_at"] = [_("Give the date and time the session starts.")]
    if not isinstance(minutes, int) or not 15 <= minutes <= 600:
        problems["minutes"] = [_("A session lasts from 15 to 600 minutes.")]
    if module not in run.modules:
        problems["module"] = [_("Choose one of the run's modules.")]
    place = clean(place or "", field="place", max_length=TITLE, multiline=False).strip()
    online_link = (online_link or "").strip()
    if online_link and not online_link.startswith("https://"):
        problems["online_link"] = [_("An online link starts with https://.")]
    if not place and not online_link:
        problems["place"] = [_("Give a place or an online link.")]
    if starts_at is not None and not (
        run.starts_on <= timezone.localdate(starts_at) <= run.ends_on
    ):
        problems["starts_at"] = [
            _("A session of this run takes place from %(first)s to %(last)s.")
            % {
                "first": date_format(run.starts_on, "DATE_FORMAT"),
                "last": date_format(run.ends_on, "DATE_FORMAT"),
            }
        ]
    if (
        session is not None
        and starts_at is not None
        and starts_at != session.starts_at
        and SurveyGiven.objects.filter(session=session).exists()
    ):
        problems["starts_at"] = [
            _(
                "Learners gave feedback on this session, which is taken for two weeks from its "
                "start: the start can no longer change."
            )
        ]
    if problems or starts_at is None or not isinstance(minutes, int):
        raise ValidationFailed(_("Some fields need correcting."), details=problems)
    if session is not None and session.run_id != run.pk:
        raise Conflict(_("This session belongs to another run."))
    target = session or Session(run=run)
    target.starts_at, target.minutes, target.module = starts_at, minutes, module
    target.place, target.online_link = place, online_link
    target.save()
    _record(actor, "training.session.saved", target, run, module=module)
    return target


@transaction.atomic
def session_delete(*, actor: User, session: Session) -> None:
    run = session.run
    require(actor, Action.TRAINING_RUN_MANAGE, run)
    if Attendance.objects.filter(session=session).exists():
        raise Conflict(_("Attendance is recorded for this session; it cannot be removed."))
    _record(actor, "training.session.deleted", session, run, module=session.module)
    session.delete()


# --- enrolment -------------------------------------------------------------------------------


@transaction.atomic
def enrol(*, actor: User, run: Run, learner_ids: Iterable[Any]) -> list[Enrolment]:
    """Enrol people in a run: its trainers anyone active; a coordinator of the run's team the
    team's members."""
    require(actor, Action.TRAINING_RUN_ENROL, run)
    ids = {int(i) for i in learner_ids if str(i).isdigit()}
    if not ids:
        raise ValidationFailed.field("learners", _("Choose at least one person."))
    if RunTrainer.objects.filter(run=run, user_id__in=ids).exists():
        raise ValidationFailed.field(
            "learners", _("A trainer of this run cannot also learn in it.")
        )
    allowed = selectors.enrollable(actor=actor, run=run, ids=ids)
    if set(allowed) != ids:
        raise ValidationFailed.field(
            "learners", _("Some of the people chosen cannot be enrolled in this run.")
        )
    now = timezone.now()
    done = []
    for user in allowed.values():
        enrolment, _created = Enrolment.objects.get_or_create(
            run=run, learner=user, defaults={"status": EnrolmentStatus.ENROLLED}
        )
        if enrolment.status != EnrolmentStatus.ENROLLED:
            enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.decided_at, enrolment.decided_by = now, actor
        enrolment.save()
        _record(actor, "training.enrolment.enrolled", enrolment, run, learner=user.pk)
        forget(user)
        done.append(enrolment)
    return done


@transaction.atomic
def join_request(*, actor: User, run: Run, note: str = "") -> Enrolment:
    """Ask to join a run that is open for requests; a trainer decides."""
    require(actor, Action.TRAINING_RUN_JOIN, run)
    if RunTrainer.objects.filter(run=run, user=actor).exists():
        raise Conflict(_("You train this run; you cannot also learn in it."))
    note = clean(note or "", field="note", max_length=SHORT).strip()
    enrolment, created = Enrolment.objects.get_or_create(
        run=run,
        learner=actor,
        defaults={"status": EnrolmentStatus.REQUESTED, "request_note": note},
    )
    if not created:
        enrolment.status, enrolment.request_note = EnrolmentStatus.REQUESTED, note
        enrolment.decided_at = enrolment.decided_by = None
        enrolment.save()
    _record(actor, "training.enrolment.requested", enrolment, run)
    forget(actor)
    return enrolment


@transaction.atomic
def join_decide(*, actor: User, enrolment: Enrolment, accept: bool) -> Enrolment:
    run = enrolment.run
    require(actor, Action.TRAINING_RUN_MANAGE, run)
    if enrolment.status != EnrolmentStatus.REQUESTED:
        raise Conflict(_("This request was already decided."))
    enrolment.status = EnrolmentStatus.ENROLLED if accept else EnrolmentStatus.DECLINED
    enrolment.decided_at, enrolment.decided_by = timezone.now(), actor
    enrolment.save()
    if accept:
        _record(actor, "training.enrolment.enrolled", enrolment, run, learner=enrolment.learner_id)
    else:
        _record(actor, "training.enrolment.declined", enrolment, run, learner=enrolment.learner_id)
    return enrolment


@transaction.atomic
def withdraw(*, actor: User, enrolment: Enrolment) -> Enrolment:
    """The learner leaves a run, or a trainer takes them off it; nothing is deleted."""
    own = enrolment.learner_id == actor.pk
    require(
        actor,
        Action.TRAINING_ENROLMENT_VIEW if own else Action.TRAINING_RUN_MANAGE,
        enrolment if own else enrolment.run,
    )
    if enrolment.signed_off_at is not None:
        raise Conflict(_("This learner was signed off; the enrolment stays."))
    if enrolment.status not in (EnrolmentStatus.ENROLLED, EnrolmentStatus.REQUESTED):
        raise Conflict(_("This enrolment has already ended."))
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status"])
    _record(actor, "training.enrolment.withdrawn", enrolment, enrolment.run)
    forget(actor)
    return enrolment


# --- attendance ------------------------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *, actor: User, session: Session, present: Mapping[Any, bool]
) -> list[Attendance]:
    """Mark who of the enrolled learners was present at a session (absent for the others
    listed). A session in the future cannot be marked."""
    run = session.run
    require(actor, Action.TRAINING_RUN_MANAGE, run)
    if session.starts_at > timezone.now():
        raise Conflict(_("This session has not started yet."))
    enrolled = {
        str(e.pk): e for e in Enrolment.objects.filter(run=run, status=EnrolmentStatus.ENROLLED)
    }
    unknown = [k for k in present if str(k) not in enrolled]
    if unknown:
        raise ValidationFailed.field(
            "present", _("Only learners enrolled in this run can be marked.")
        )
    for key in present:
        _not_own(actor, enrolled[str(key)])
    marks = []
    for key, value in present.items():
        mark, _created = Attendance.objects.update_or_create(
            session=session,
            enrolment=enrolled[str(key)],
            defaults={"present": bool(value), "recorded_by": actor},
        )
        marks.append(mark)
    _record(
        actor,
        "training.attendance.recorded",
        session,
        run,
        present=sum(1 for m in marks if m.present),
        absent=sum(1 for m in marks if not m.present),
    )
    return marks


# --- the learner's own work ------------------------------------------------------------------


def learner_key(user: User) -> SubjectKey:
    """The key that seals the learner's own work (made on first use)."""
    found = selectors.learner_key(user)
    if found is not None:
        return found
    key = crypto.subject_key_create()
    LearnerKey.objects.create(user=user, key=key)
    return key


def _version(key: str) -> InstrumentVersion:
    version = selectors.latest_version(key)
    if version is None:
        raise Conflict(_("The instrument %(key)s is not installed.") % {"key": key})
    return version


@transaction.atomic
def check_take(*, actor: User, enrolment: Enrolment, instrument: str, answers: Any) -> CheckAttempt:
    """Answer a knowledge check of the course; the engine scores it against the pass mark."""
    require(actor, Action.TRAINING_ENROLMENT_WORK, enrolment)
    course = _course(enrolment.run.course, enrolment.run.course_version)
    if instrument not in selectors.checks_of(course):
        raise ValidationFailed.field("instrument", _("This check is not part of the course."))
    version = _version(instrument)
    response = response_store(
        version=version, answers=answers, audience=AUDIENCE, owner_key=learner_key(actor)
    )
    result = score(version.parsed, answers, audience=AUDIENCE)
    total = result.total.score if result.total and result.total.score is not None else 0.0
    attempt = CheckAttempt.objects.create(
        enrolment=enrolment,
        instrument=instrument,
        response=response,
        score=round(total, 1),
        passed=bool(result.passed),
    )
    _record(
        actor,
        "training.check.taken",
        enrolment,
        enrolment.run,
        instrument=instrument,
        passed=attempt.passed,
    )
    return attempt


# --- practice assignments --------------------------------------------------------------------


def _assignment(enrolment: Enrolment, key: str) -> content.Assignment:
    course = _course(enrolment.run.course, enrolment.run.course_version)
    found = course.assignment(key)
    if found is None or (enrolment.run.refresher and key not in course.completion.assignments):
        raise ValidationFailed.field("assignment", _("This assignment is not part of the course."))
    return found


def _vignette_for(assignment: content.Assignment, key: str) -> str:
    if assignment.kind != "analysis":
        return ""
    allowed = (
        {v.key for v in content.vignettes()}
        if assignment.any_vignette
        else set(assignment.vignettes)
    )
    if key not in allowed:
        raise ValidationFailed.field("vignette", _("Choose one of the assignment's vignettes."))
    return key


#: A practice analysis handed in rates at least this many life domains (the assignment asks
#: for every domain the perspective can speak to; a case's perspective may rate fewer).
PRACTICE_MIN_DOMAINS = 3


def _practice_complete(version: InstrumentVersion, answers: Mapping[str, Any]) -> None:
    """What the assignment asks of an analysis handed in beyond what a case's perspective must
    hold: the client's own view, ratings of several life domains, and a hypothesis."""
    problems: dict[str, list[str]] = {}
    definition = version.parsed
    if not str(answers.get("client_view") or "").strip():
        problems["client_view"] = [
            _("Write the client's own view, as far as the documents give it (step 3).")
        ]
    paired = [i for i in definition.items() if i.type == "paired"]
    rated = [
        i
        for i in paired
        if isinstance(answers.get(i.key), Mapping)
        and any(answers[i.key].get(p.key) not in (None, "") for p in i.pairs)
    ]
    if paired and len(rated) < PRACTICE_MIN_DOMAINS:
        problems[paired[0].key] = [
            _("Rate at least %(n)d life domains your perspective can speak to (step 4).")
            % {"n": PRACTICE_MIN_DOMAINS}
        ]
    hypotheses = answers.get("hypotheses")
    if any(i.key == "hypotheses" for i in definition.items()) and not (
        isinstance(hypotheses, list)
        and any(
            isinstance(h, Mapping) and any(str(v).strip() for v in h.values()) for h in hypotheses
        )
    ):
        problems["hypotheses"] = [
            _("Write at least one hypothesis, with a competing hypothesis and a test (step 5).")
        ]
    if problems:
        raise ValidationFailed(_("Some answers are missing or not valid."), details=problems)


@transaction.atomic
def submission_save(
    *,
    actor: User,
    enrolment: Enrolment,
    assignment: str,
    vignette: str,
    answers: Any,
    submit: bool = False,
) -> Submission:
    """Save the learner's sandbox analysis of a vignette as a draft, or hand it in.

    The analysis uses the Social Diagnostics instrument exactly as a case does, but it is kept
    here, sealed with the learner's key: it never becomes a case, an indicator or an export.
    """
    require(actor, Action.TRAINING_ENROLMENT_WORK, enrolment)
    task = _assignment(enrolment, assignment)
    if task.kind != "analysis":
        raise Conflict(_("A trainer records this assignment after observing it."))
    vignette = _vignette_for(task, vignette)
    version = _version(selectors.ANALYSIS_INSTRUMENT)
    submission = (
        Submission.objects.select_for_update()
        .filter(enrolment=enrolment, assignment=assignment)
        .first()
    )
    if submission is not None and submission.status in (
        SubmissionStatus.SUBMITTED,
        SubmissionStatus.PASSED,
    ):
        raise Conflict(_("This assignment was handed in; it can change only after a review."))
    key = learner_key(actor)
    answers_check(version=version, answers=answers, audience=AUDIENCE, complete=submit)
    if submit:
        _practice_complete(version, answers)
    if submission is None:
        submission = Submission(
            enrolment=enrolment,
            assignment=assignment,
            learner_key=key,
            status=SubmissionStatus.DRAFT,
        )
    submission.vignette = vignette
    submission.draft = answers
    if submit:
        submission.response = response_store(
            version=version, answers=answers, audience=AUDIENCE, owner_key=key
        )
        submission.status = SubmissionStatus.SUBMITTED
        submission.submitted_at = timezone.now()
        submission.escalation = ""
    submission.save()
    if submit:
        _record(
            actor,
            "training.submission.submitted",
            submission,
            enrolment.run,
            assignment=assignment,
            vignette=vignette,
        )
    else:
        _record(
            actor,
            "training.submission.saved",
            submission,
            enrolment.run,
            assignment=assignment,
            vignette=vignette,
        )
    return submission


def review_problems(
    *, enrolment: Enrolment, assignment: str, rubric_answers: Any
) -> dict[str, list[str]]:
    """What is missing or wrong in a rubric rating, by criterion, without storing anything: so
    a page can name every problem at once when the decision is missing too."""
    task = _assignment(enrolment, assignment)
    try:
        answers_check(
            version=_version(task.rubric), answers=rubric_answers, audience=AUDIENCE, complete=True
        )
    except ValidationFailed as exc:
        return {str(k): list(v) for k, v in (exc.details or {}).items()}
    return {}


@transaction.atomic
def review_record(
    *,
    actor: User,
    enrolment: Enrolment,
    assignment: str,
    rubric_answers: Any,
    comment: str,
    decision: str,
) -> Review:
    """A trainer of the run rates a submission with the assignment's rubric and passes it or
    asks for a revision. Each rater rates on their own; ``training.rating.outcome`` decides the
    round: raters who agree decide it, a single rater's request for revision waits for a second
    trainer, and raters who disagree wait for a third, whose decision settles it. An observed
    assignment is recorded this way directly."""
    run = enrolment.run
    require(actor, Action.TRAINING_RUN_MANAGE, run)
    _not_own(actor, enrolment)
    task = _assignment(enrolment, assignment)
    if decision not in ReviewDecision.values:
        raise ValidationFailed.field("decision", _("Choose pass or revise."))
    comment = clean(comment or "", field="comment", max_length=SHORT)
    if decision == ReviewDecision.REVISE and not comment:
        raise ValidationFailed.field("comment", _("Say what the learner should revise."))
    submission = (
        Submission.objects.select_for_update()
        .filter(enrolment=enrolment, assignment=assignment)
        .first()
    )
    if submission is None and task.kind == "observed":
        submission = Submission.objects.create(
            enrolment=enrolment,
            assignment=assignment,
            learner_key=learner_key(enrolment.learner),
            status=SubmissionStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
    if (
        submission is not None
        and task.kind == "observed"
        and submission.status == SubmissionStatus.REVISION
    ):
        # the learner holds the conversation again: the new observation starts a new round
        submission.status, submission.submitted_at = SubmissionStatus.SUBMITTED, timezone.now()
        submission.escalation = ""
        submission.save(update_fields=["status", "submitted_at", "escalation", "updated_at"])
    if submission is None or submission.status != SubmissionStatus.SUBMITTED:
        raise Conflict(_("Nothing of this assignment waits for review."))
    round_ = list(selectors.current_reviews(submission))
    if any(r.reviewer_id == actor.pk for r in round_):
        raise Conflict(_("You have already rated this version; another trainer rates it now."))
    version = _version(task.rubric)
    response = response_store(
        version=version,
        answers=rubric_answers,
        audience=AUDIENCE,
        owner_key=submission.learner_key,
    )
    review = Review.objects.create(
        submission=submission,
        reviewer=actor,
        response=response,
        comment=comment,
        decision=decision,
    )
    round_.append(review)
    criteria = [
        item.key
        for item in version.parsed.items()
        if item.type in ("choice", "likert") and item.domain
    ]
    result = rating.outcome(
        [
            rating.Rating(
                r.decision,
                {k: rating.level_of((r.response.answers or {}).get(k)) for k in criteria},
            )
            for r in round_
        ],
        task.raters,
        criteria,
    )
    if result.decision == rating.PASS:
        submission.status = SubmissionStatus.PASSED
    elif result.decision == rating.REVISE:
        submission.status = SubmissionStatus.REVISION
    submission.escalation = result.escalation
    submission.save(update_fields=["status", "escalation", "updated_at"])
    _record(
        actor,
        "training.submission.reviewed",
        submission,
        run,
        assignment=assignment,
        decision=decision,
        status=submission.status,
        escalation=result.escalation,
        disputed=list(result.disputed),
    )
    return review


# --- feedback and self-assessment ------------------------------------------------------------


@transaction.atomic
def survey_answer(
    *,
    actor: User,
    enrolment: Enrolment,
    stage: str,
    answers: Any,
    session: Session | None = None,
) -> None:
    """Give feedback on a session attended, or the self-assessment before or after the course.
    The answer set is stored without the learner; only *that* they answered is kept."""
    require(actor, Action.TRAINING_ENROLMENT_WORK, enrolment)
    if stage not in SurveyStage.values:
        raise ValidationFailed.field("stage", _("Choose feedback, before or after."))
    if stage == SurveyStage.SESSION:
        if session is None or session.run_id != enrolment.run_id:
            raise ValidationFailed.field("session", _("Choose a session of your run."))
        if session.starts_at > timezone.now():
            raise Conflict(_("Feedback opens when the session has started."))
        if Attendance.objects.filter(session=session, enrolment=enrolment, present=False).exists():
            raise Conflict(
                _("You were marked absent from this session, so there is no feedback to give.")
            )
    else:
        session = None
    refused = selectors_work.outside_window(enrolment.run, stage, session)
    if refused:
        raise Conflict(refused)
    if SurveyGiven.objects.filter(enrolment=enrolment, session=session, stage=stage).exists():
        raise Conflict(_("You have already answered this."))
    if isinstance(answers, dict) and not any(v not in ("", None, []) for v in answers.values()):
        # an empty answer set would count towards the totals' minimum without saying anything
        raise ValidationFailed.field("answers", _("Answer at least one question."))
    version = _version(FEEDBACK if stage == SurveyStage.SESSION else SELF_ASSESSMENT)
    response = response_store(version=version, answers=answers, audience=AUDIENCE)
    SurveyAnswer.objects.create(run=enrolment.run, session=session, stage=stage, response=response)
    SurveyGiven.objects.create(enrolment=enrolment, session=session, stage=stage)
    _record(actor, "training.survey.answered", enrolment.run, enrolment.run, stage=stage)


def surveys_settle(run: Run, *, now: datetime.datetime | None = None) -> int:
    """Settle the run's answer groups that no longer take answers (decision 0020): write a group
    of at least ``MIN_ANSWER_SETS`` again in random order under new keys, and discard a smaller
    one (nothing is ever shown of it). Rows sit in a table in the order they were written, and
    that order is the order of the "answered" events in the audit log. Return how many groups
    were settled. Idempotent; the feedback pages call it before they read."""
    now = now or timezone.now()
    sessions = {s.pk: s for s in Session.objects.filter(run=run)}
    pending = (
        SurveyAnswer.objects.filter(run=run, settled=False)
        .values_list("session_id", "stage")
        .distinct()
    )
    settled = 0
    for session_id, stage in list(pending):
        session = sessions.get(session_id) if session_id is not None else None
        _opens, closes = selectors_work.survey_window(run, stage, session)
        if now < closes:
            continue
        with transaction.atomic():
            group = SurveyAnswer.objects.select_for_update().filter(
                run=run, session_id=session_id, stage=stage, settled=False
            )
            rows = list(group)
            if not rows:
                continue
            group.delete()
            ids = [r.response_id for r in rows]
            if (
                len(rows) < surveys.MIN_ANSWER_SETS
                and not SurveyAnswer.objects.filter(
                    run=run, session_id=session_id, stage=stage, settled=True
                ).exists()
            ):
                responses_discard(ids=ids)
                outcome = "discarded"
            else:
                secrets.SystemRandom().shuffle(ids)
                SurveyAnswer.objects.bulk_create(
                    SurveyAnswer(
                        run=run, session_id=session_id, stage=stage, response=r, settled=True
                    )
                    for r in responses_rewrite(ids=ids)
                )
                outcome = "shuffled"
            audit.record(
                actor=None,
                action="training.survey.settled",
                obj=run,
                changes={"stage": stage, "answer_sets": len(rows), "outcome": outcome},
            )
            settled += 1
    return settled


def surveys_settle_all() -> int:
    """Settle every run's closed answer groups (the hourly schedule)."""
    runs = Run.objects.filter(
        pk__in=SurveyAnswer.objects.filter(settled=False).values("run_id").distinct()
    )
    return sum(surveys_settle(run) for run in runs)


# --- the certification gate ------------------------------------------------------------------


@transaction.atomic
def gate_set(*, actor: User, team: Team, sectors: Iterable[str]) -> list[str]:
    """Name the sectors whose members need a valid certificate of the certification course
    before they record Social Diagnostics perspectives in the team. Security sectors cannot be
    named: the course is for non-security actors."""
    require(actor, Action.TRAINING_GATE_EDIT, team)
    chosen = sorted(set(sectors))
    problems = [s for s in chosen if s not in Sector.values]
    if problems:
        raise ValidationFailed.field("sectors", _("Choose sectors from the list."))
    security = [s for s in chosen if _is_security(s)]
    if security:
        raise ValidationFailed.field(
            "sectors",
            _(
                "Security sectors cannot be gated: the certification course is for non-security "
                "practitioners (%(sectors)s)."
            )
            % {"sectors": ", ".join(str(Sector(s).label) for s in security)},
        )
    course = selectors.CERTIFICATION_COURSE
    GateSector.objects.filter(team=team).exclude(sector__in=chosen).delete()
    existing = set(GateSector.objects.filter(team=team).values_list("sector", flat=True))
    GateSector.objects.bulk_create(
        [
            GateSector(team=team, sector=s, course=course, set_by=actor)
            for s in chosen
            if s not in existing
        ]
    )
    audit.record(
        actor=actor,
        action="training.gate.changed",
        obj=team,
        team_id=team.pk,
        changes={"sectors": chosen},
    )
    return chosen


def _is_security(sector: str) -> bool:
    return defaults_for(sector).is_security


# --- sign-off --------------------------------------------------------------------------------


def progress_of(enrolment: Enrolment) -> completion.Completion:
    course = _course(enrolment.run.course, enrolment.run.course_version)
    rules = selectors.rules_of(course, refresher=enrolment.run.refresher)
    return completion.evaluate(rules, selectors.progress(enrolment))


def _months_later(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def family_name_guess(full_name: str) -> str:
    """The last word of a name, as the family name a trainer confirms at sign-off."""
    words = full_name.split()
    return words[-1] if words else ""


@transaction.atomic
def sign_off(
    *,
    actor: User,
    enrolment: Enrolment,
    family_name: str = "",
    today: datetime.date | None = None,
) -> Enrolment:
    """A trainer signs the learner off once every other rule holds; where the course issues a
    certificate, it is issued at once (the credential signed, the PDF made on request)."""
    run = enrolment.run
    require(actor, Action.TRAINING_RUN_MANAGE, run)
    _not_own(actor, enrolment)
    enrolment = (
        Enrolment.objects.select_for_update().select_related("run", "learner").get(pk=enrolment.pk)
    )
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise Conflict(_("Only an enrolled learner can be signed off."))
    if enrolment.signed_off_at is not None:
        raise Conflict(_("This learner is already signed off."))
    course = _course(run.course, run.course_version)
    rules = selectors.rules_of(course, refresher=run.refresher)
    if not completion.ready_for_signoff(rules, selectors.progress(enrolment)):
        raise Conflict(_("Something other than the sign-off is still missing."))
    family = clean(
        family_name.strip() or family_name_guess(enrolment.learner.full_name),
        field="family_name",
        max_length=TITLE,
        multiline=False,
    ).strip()
    if not family:
        raise ValidationFailed.field("family_name", _("Give the family name for the certificate."))
    enrolment.signed_off_at, enrolment.signed_off_by = timezone.now(), actor
    enrolment.save(update_fields=["signed_off_at", "signed_off_by"])
    _record(actor, "training.signed_off", enrolment, run, learner=enrolment.learner_id)
    if course.certificate.kind:
        certificate_issue(
            actor=actor, enrolment=enrolment, course=course, family_name=family, today=today
        )
    return enrolment


def certificate_issue(
    *,
    actor: User,
    enrolment: Enrolment,
    course: content.Course,
    family_name: str,
    today: datetime.date | None = None,
) -> Certificate:
    """Issue the certificate of a signed-off enrolment (inside ``sign_off``'s transaction)."""
    back_filled = today is not None
    today = today or timezone.localdate()
    months = course.certificate.validity_months
    valid_until = _months_later(today, months) if months else None
    number = credentials.new_certificate_number()
    index = statuslist.random_free_index(selectors.taken_status_indexes())
    holder = enrolment.learner.full_name
    start = (
        datetime.datetime.combine(today, datetime.time(9, 0), tzinfo=datetime.UTC)
        if back_filled
        else timezone.now()
    )
    end = (
        datetime.datetime.combine(valid_until, datetime.time(23, 59, 59), tzinfo=datetime.UTC)
        if valid_until
        else None
    )
    language = enrolment.run.language
    credential = credentials.issue_credential(
        certificate_number=number,
        holder_name=holder,
        course_id=course.id,
        course_title=content.tr(course.title, language),
        course_description=content.tr(course.summary, language),
        criteria=selectors.criteria_text(course, language),
        valid_from=start,
        valid_until=end,
        status_index=index,
    )
    certificate = Certificate.objects.create(
        number=number,
        enrolment=enrolment,
        learner=enrolment.learner,
        run=enrolment.run,
        course=course.id,
        holder_name=holder,
        family_name=selectors.normal_family(family_name),
        issued_on=today,
        valid_until=valid_until,
        status_index=index,
        credential=credential,
        issued_by=actor,
    )
    _record(
        actor,
        "training.certificate.issued",
        certificate,
        enrolment.run,
        course=course.id,
        valid_until=valid_until.isoformat() if valid_until else None,
    )
    return certificate


@transaction.atomic
def certificate_revoke(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate: it shows as revoked on verification and in the status list at once,
    and any right it gave ends with the holder's next request."""
    require(actor, Action.CERTIFICATE_REVOKE, certificate)
    reason = clean(reason or "", field="reason", max_length=SHORT).strip()
    if not reason:
        raise ValidationFailed.field("reason", _("Say why the certificate is revoked."))
    certificate.revoked_at, certificate.revoked_by = timezone.now(), actor
    certificate.revoke_reason = reason
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    _record(actor, "training.certificate.revoked", certificate, certificate.run, reason=reason)
    return certificate
