"""Reads of the learner's work and the trainers' reviews: knowledge checks, sandbox analyses,
reviews with their calibration, feedback and self-assessments.

Invariants: a rater sees another rater's rating of the same version only after rating it (or
once the round is decided); the learner sees ratings only once the round is decided; feedback
is read only as aggregates of at least ``MIN_ANSWER_SETS`` answer sets, never one answer set,
in a fixed number of queries whatever the number of learners.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from icommit.access import Action, can, get_visible
from icommit.accounts.models import User
from icommit.core.exceptions import Forbidden, NotFound
from icommit.instruments.engine import Definition, Item, item_score, tr
from icommit.instruments.models import InstrumentVersion
from icommit.training import content, rating, selectors, surveys
from icommit.training.models import (
    Attendance,
    CheckAttempt,
    Enrolment,
    EnrolmentStatus,
    Review,
    Run,
    Session,
    Submission,
    SubmissionStatus,
    SurveyAnswer,
    SurveyGiven,
    SurveyStage,
)

#: An aggregate of fewer answer sets (or answers) than this is not shown.
MIN_ANSWER_SETS = surveys.MIN_ANSWER_SETS
#: The level every criterion of a rubric must reach for the assignment to pass: the courses'
#: rule (the rubric instruments carry no pass mark of their own).
PASS_LEVEL = rating.PASS_LEVEL
#: Raters whose levels of one criterion differ by this much or more discuss it (calibration).
CALIBRATION_GAP = rating.CALIBRATION_GAP
#: Item types a question page shows (the instruments of training use no others).
ANSWERED_TYPES = ("choice", "likert", "multi", "number", "text")


# --- finding things --------------------------------------------------------------------------


def enrolment_get(
    user: User, pk: Any, action: Action = Action.TRAINING_ENROLMENT_WORK
) -> Enrolment:
    """The enrolment, if the user finds it (else 404) and may do ``action`` on it (else 403)."""
    return get_visible(
        user, action, Enrolment.objects.select_related("run", "run__team", "learner"), pk=pk
    )


def run_get(user: User, pk: Any, action: Action = Action.TRAINING_RUN_MANAGE) -> Run:
    """The run, if the user finds it (else 404) and may do ``action`` on it (else 403)."""
    return get_visible(user, action, Run.objects.select_related("team"), pk=pk)


def run_feedback_get(user: User, pk: Any) -> Run:
    """The run whose feedback totals the user reads: its trainers and the coordinators of its
    team (404 for a run the user does not find, 403 for others who find it)."""
    run = get_visible(user, Action.TRAINING_RUN_VIEW, Run.objects.select_related("team"), pk=pk)
    if can(user, Action.TRAINING_RUN_MANAGE, run):
        return run
    if run.team is not None and can(user, Action.TRAINING_COVERAGE_VIEW, run.team):
        return run
    raise Forbidden()


def run_enrolment_get(run: Run, pk: Any) -> Enrolment:
    """An enrolment of this run (404 for any other)."""
    try:
        found = Enrolment.objects.select_related("learner").get(run=run, pk=int(pk))
    except (Enrolment.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    found.run = run
    return found


def course_of(run: Run) -> content.Course:
    """The course version a run teaches (404 if it is no longer shipped)."""
    found = content.course(run.course, run.course_version)
    if found is None:
        raise NotFound()
    return found


def version_of(key: str) -> InstrumentVersion:
    """The newest installed version of an instrument (404 if it is not installed)."""
    found = selectors.latest_version(key)
    if found is None:
        raise NotFound()
    return found


def instrument_titles(keys: Iterable[str], language: str) -> dict[str, str]:
    """The titles of the newest versions of these instruments, in one query."""
    titles: dict[str, str] = {}
    for version in (
        InstrumentVersion.objects.filter(instrument__key__in=list(keys))
        .select_related("instrument")
        .order_by("number")
    ):
        titles[version.instrument.key] = tr(version.parsed.title, language)
    return titles


def checks_of(course: content.Course) -> list[str]:
    """The knowledge checks of a course, those its completion asks for first."""
    named = list(course.completion.knowledge_checks)
    return named + sorted(selectors.checks_of(course) - set(named))


def assignments_of(course: content.Course, run: Run) -> list[content.Assignment]:
    """The assignments of the course a learner of this run works on (a refresher: only those
    its completion asks for)."""
    wanted = set(course.completion.assignments)
    return [a for a in course.assignments if not run.refresher or a.key in wanted]


def assignment_of(course: content.Course, run: Run, key: str) -> content.Assignment:
    for found in assignments_of(course, run):
        if found.key == key:
            return found
    raise NotFound()


# --- knowledge checks ------------------------------------------------------------------------


def attempts(enrolment: Enrolment, instrument: str) -> list[CheckAttempt]:
    """The learner's attempts at a check, newest first (the newest with its answer set)."""
    return list(
        CheckAttempt.objects.filter(enrolment=enrolment, instrument=instrument)
        .select_related("response", "response__version")
        .order_by("-taken_at")[:20]
    )


def check_states(enrolment: Enrolment, keys: Sequence[str]) -> dict[str, CheckAttempt | None]:
    """Per check: the newest attempt (None before the first), in one query."""
    found: dict[str, CheckAttempt | None] = dict.fromkeys(keys)
    passed: set[str] = set()
    for attempt in CheckAttempt.objects.filter(enrolment=enrolment, instrument__in=list(keys)):
        if found.get(attempt.instrument) is None:
            found[attempt.instrument] = attempt
        if attempt.passed:
            passed.add(attempt.instrument)
    for key in passed:
        newest = found[key]
        if newest is not None:
            newest.ever_passed = True  # type: ignore[attr-defined]  # shown beside the attempt
    return found


def attempt_counts(enrolment: Enrolment) -> dict[str, int]:
    """Per check, how often the learner took it, in one query."""
    return dict(
        CheckAttempt.objects.filter(enrolment=enrolment)
        .values("instrument")
        .annotate(n=Count("pk"))
        .values_list("instrument", "n")
    )


def wrong_items(definition: Definition, answers: Mapping[str, Any]) -> list[Item]:
    """The scored questions answered with less than their best score: named to the learner,
    without the right answer (it could be passed on)."""
    out = []
    for item in definition.items():
        if not item.scored:
            continue
        got = item_score(definition, item, answers.get(item.key))
        if got is None or got[0] < got[2]:
            out.append(item)
    return out


# --- practice assignments --------------------------------------------------------------------


def submission_get(enrolment: Enrolment, assignment: str) -> Submission | None:
    return (
        Submission.objects.filter(enrolment=enrolment, assignment=assignment)
        .select_related("response", "response__version")
        .first()
    )


def submissions_of(enrolment: Enrolment) -> dict[str, Submission]:
    return {s.assignment: s for s in Submission.objects.filter(enrolment=enrolment)}


def vignette_choices(assignment: content.Assignment) -> list[content.Vignette]:
    """The vignettes a learner may analyse for this assignment, by title."""
    if assignment.kind != "analysis":
        return []
    every = content.vignettes()
    chosen = (
        list(every)
        if assignment.any_vignette
        else [v for v in every if v.key in set(assignment.vignettes)]
    )
    return sorted(chosen, key=lambda v: v.title_in().casefold())


def documents_in_order(vignette: content.Vignette) -> list[content.Document]:
    """A vignette's documents by day (the files do not always list them in order)."""
    return sorted(vignette.documents, key=lambda d: d.day)


# --- reviews ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    key: str
    title: str
    hint: str


def criteria(definition: Definition, language: str) -> list[Criterion]:
    """The rubric's criteria: its rated items (a level per item, from the item's domain)."""
    titles = {d.key: d.title for d in definition.domains}
    return [
        Criterion(
            item.key,
            tr(titles.get(item.domain or "") or item.text, language),
            tr(item.hint, language) if item.hint else "",
        )
        for item in definition.items()
        if item.type in ("choice", "likert") and item.domain
    ]


level = rating.level_of


def criteria_below(
    definition: Definition, answers: Mapping[str, Any], language: str
) -> list[Criterion]:
    """The criteria rated below the level the course asks for."""
    return [
        c for c in criteria(definition, language) if (level(answers.get(c.key)) or 0) < PASS_LEVEL
    ]


@dataclass
class RatingRow:
    criterion: Criterion
    levels: list[int | None]
    reached: list[bool]
    gap: int
    differs: bool


@dataclass
class ReviewState:
    """What a trainer sees of a submission's reviews."""

    submission: Submission | None
    #: the reviews of the version handed in last
    current: list[Review]
    mine: Review | None
    #: the other raters' reviews of this version, once the trainer may see them
    others: list[Review]
    #: the reviews of earlier versions (each round decided)
    earlier: list[Review]
    hidden_others: int
    raters: int

    @property
    def escalation(self) -> str:
        """Why this version waits for another rater: "", "confirm" or "third"."""
        return self.submission.escalation if self.submission is not None else ""

    @property
    def decided(self) -> bool:
        return self.submission is not None and self.submission.status in (
            SubmissionStatus.PASSED,
            SubmissionStatus.REVISION,
        )

    kind: str = "analysis"

    @property
    def may_rate(self) -> bool:
        """Whether the trainer may rate now: a handed-in version not yet rated by them, or an
        observed assignment (first observed, or held again after a revision)."""
        observed = self.kind != "analysis"
        if observed and (self.submission is None or self.submission.status == "revision"):
            return True
        if self.submission is None or self.submission.status != SubmissionStatus.SUBMITTED:
            return False
        return self.mine is None


def _reviews(submission: Submission) -> list[Review]:
    return list(
        Review.objects.filter(submission=submission)
        .select_related("reviewer", "response", "response__version")
        .order_by("created_at")
    )


def _in_round(review: Review, submission: Submission) -> bool:
    return submission.submitted_at is None or review.created_at >= submission.submitted_at


def review_state(
    user: User, submission: Submission | None, assignment: content.Assignment
) -> ReviewState:
    """The reviews of a submission as ``user`` (a trainer of the run) may see them."""
    if submission is None:
        return ReviewState(None, [], None, [], [], 0, assignment.raters, assignment.kind)
    every = _reviews(submission)
    current = [r for r in every if _in_round(r, submission)]
    earlier = [r for r in every if not _in_round(r, submission)]
    mine = next((r for r in current if r.reviewer_id == user.pk), None)
    others = [r for r in current if r.reviewer_id != user.pk]
    decided = submission.status in (SubmissionStatus.PASSED, SubmissionStatus.REVISION)
    shown = others if mine is not None or decided else []
    return ReviewState(
        submission,
        current,
        mine,
        shown,
        earlier,
        len(others) - len(shown),
        assignment.raters,
        assignment.kind,
    )


def learner_reviews(submission: Submission | None) -> list[Review]:
    """The reviews the learner reads: those of decided rounds only."""
    if submission is None:
        return []
    every = _reviews(submission)
    if submission.status == SubmissionStatus.SUBMITTED:
        return [r for r in every if not _in_round(r, submission)]
    return every


def calibration(
    definition: Definition, reviews: Sequence[Review], language: str
) -> list[RatingRow]:
    """Each criterion with every rater's level side by side, marked where two raters are
    ``CALIBRATION_GAP`` levels or more apart, or differ on whether it reaches ``PASS_LEVEL``."""
    rows = []
    for c in criteria(definition, language):
        levels = [level(r.response.answers.get(c.key)) for r in reviews]
        given = [v for v in levels if v is not None]
        gap = max(given) - min(given) if given else 0
        rows.append(
            RatingRow(
                c,
                levels,
                [v is not None and v >= PASS_LEVEL for v in levels],
                gap,
                rating.criterion_disagrees(levels),
            )
        )
    return rows


@dataclass
class RunWorkRow:
    enrolment: Enrolment
    submissions: dict[str, Submission]
    rated_by_me: set[str]


def run_work(user: User, run: Run) -> list[RunWorkRow]:
    """The enrolled learners of a run with their assignments' state, in three queries."""
    enrolments = list(
        Enrolment.objects.filter(run=run, status=EnrolmentStatus.ENROLLED)
        .select_related("learner")
        .order_by("learner__full_name", "pk")
    )
    subs: dict[int, dict[str, Submission]] = defaultdict(dict)
    for s in Submission.objects.filter(enrolment__run=run):
        subs[s.enrolment_id][s.assignment] = s
    mine: dict[int, set[str]] = defaultdict(set)
    for enrolment_id, key, created, submitted in Review.objects.filter(
        submission__enrolment__run=run, reviewer=user
    ).values_list(
        "submission__enrolment_id",
        "submission__assignment",
        "created_at",
        "submission__submitted_at",
    ):
        if submitted is None or created >= submitted:
            mine[enrolment_id].add(key)
    return [RunWorkRow(e, subs.get(e.pk, {}), mine.get(e.pk, set())) for e in enrolments]


# --- feedback and self-assessment ------------------------------------------------------------


@dataclass
class SessionFeedback:
    session: Session
    given: bool
    absent: bool

    @property
    def closed(self) -> bool:
        """Feedback on the session is no longer taken."""
        return surveys.closed(surveys.session_closes(self.session.starts_at))


def feedback_sessions(enrolment: Enrolment) -> list[SessionFeedback]:
    """The run's sessions that have started, each with whether the learner gave feedback and
    whether they were marked absent (no feedback then), in three queries."""
    now = timezone.now()
    sessions = list(Session.objects.filter(run_id=enrolment.run_id, starts_at__lte=now))
    given = set(
        SurveyGiven.objects.filter(enrolment=enrolment, stage=SurveyStage.SESSION).values_list(
            "session_id", flat=True
        )
    )
    absent = set(
        Attendance.objects.filter(enrolment=enrolment, present=False).values_list(
            "session_id", flat=True
        )
    )
    return [SessionFeedback(s, s.pk in given, s.pk in absent) for s in sessions]


def session_of(enrolment: Enrolment, pk: Any) -> Session:
    """A session of the learner's run (404 for any other)."""
    try:
        return Session.objects.get(run_id=enrolment.run_id, pk=int(pk))
    except (Session.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def survey_window(
    run: Run, stage: str, session: Session | None = None
) -> tuple[datetime.datetime | None, datetime.datetime]:
    """When the run takes answers of ``stage`` (for a session's feedback, of that session)."""
    return surveys.window(
        stage,
        starts_on=run.starts_on,
        ends_on=run.ends_on,
        session_starts_at=session.starts_at if session is not None else None,
    )


def outside_window(run: Run, stage: str, session: Session | None = None) -> str:
    """Why the run takes no answers of ``stage`` now (for a session's feedback, of that
    session), in words for the learner; "" while it takes them."""
    opens, closes = survey_window(run, stage, session)
    now = timezone.now()
    if opens is not None and now < opens and stage != SurveyStage.SESSION:
        return _("The self-assessment after the course opens on %(date)s.") % {
            "date": date_format(timezone.localtime(opens), "DATE_FORMAT")
        }
    if now >= closes:
        last = timezone.localtime(closes - datetime.timedelta(seconds=1))
        return _("Answers were taken until %(date)s; this is closed now.") % {
            "date": date_format(last, "DATE_FORMAT")
        }
    return ""


def marked_absent(enrolment: Enrolment, session: Session) -> bool:
    return Attendance.objects.filter(enrolment=enrolment, session=session, present=False).exists()


def survey_given(enrolment: Enrolment, stage: str, session: Session | None = None) -> bool:
    return SurveyGiven.objects.filter(enrolment=enrolment, stage=stage, session=session).exists()


def stages_given(enrolment: Enrolment) -> set[str]:
    return set(
        SurveyGiven.objects.filter(
            enrolment=enrolment, stage__in=[SurveyStage.BEFORE, SurveyStage.AFTER]
        ).values_list("stage", flat=True)
    )


@dataclass
class ItemTotal:
    key: str
    text: str
    #: "mean" (a mean of the answer values on the scale) or "counts" (answers per option)
    kind: str
    answered: int
    mean: float | None = None
    counts: list[tuple[str, int]] = field(default_factory=list)
    reverse: bool = False

    @property
    def hidden(self) -> bool:
        return self.answered < MIN_ANSWER_SETS


@dataclass
class GroupTotal:
    """The totals of one group of answer sets (one session's feedback, or one stage)."""

    label: str
    answer_sets: int
    #: when answers stop being taken: the totals show from then on
    closes: datetime.datetime | None = None
    #: when answers start being taken (None: any time before ``closes``)
    opens: datetime.datetime | None = None
    #: domain title -> mean score 0-100 (None: too few answers in that domain)
    domains: list[tuple[str, float | None]] = field(default_factory=list)
    items: list[ItemTotal] = field(default_factory=list)

    @property
    def open(self) -> bool:
        """Answers are still taken: a total shown now could change by one person's answers."""
        return self.closes is not None and not surveys.closed(self.closes)

    @property
    def not_yet(self) -> bool:
        """Answers are not taken yet (a session still to come, the self-assessment after)."""
        return self.opens is not None and timezone.now() < self.opens

    @property
    def taken_until(self) -> datetime.datetime | None:
        """The last moment answers are taken (local time)."""
        if self.closes is None:
            return None
        return timezone.localtime(self.closes - datetime.timedelta(seconds=1))

    @property
    def too_few(self) -> bool:
        return self.answer_sets < MIN_ANSWER_SETS

    @property
    def hidden(self) -> bool:
        return self.open or self.too_few


@dataclass
class Comparison:
    label: str
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 1)


@dataclass
class RunFeedback:
    sessions: list[tuple[Session, GroupTotal]]
    before: GroupTotal
    after: GroupTotal
    domains: list[Comparison]
    items: list[Comparison]


def _item_total(
    definition: Definition, item: Item, values: list[Any], language: str
) -> ItemTotal | None:
    scale = definition.scale_of(item)
    if scale is None:
        return None
    text = tr(item.text, language)
    if scale.report == "counts" or item.type == "multi" or not item.scored:
        counts: dict[str, int] = defaultdict(int)
        answered = 0
        for value in values:
            picked = value if isinstance(value, list) else [value]
            known = [scale.choice(v) for v in picked if scale.choice(v) is not None]
            if known:
                answered += 1
            for choice in known:
                if choice is not None:
                    counts[str(choice.value)] += 1
        return ItemTotal(
            item.key,
            text,
            "counts",
            answered,
            counts=[(tr(c.label, language), counts.get(str(c.value), 0)) for c in scale.options],
        )
    numbers = []
    for value in values:
        choice = scale.choice(value)
        if choice is not None and choice.score is not None and not scale.is_missing(value):
            numbers.append(choice.score)
    mean = round(sum(numbers) / len(numbers), 1) if numbers else None
    return ItemTotal(item.key, text, "mean", len(numbers), mean=mean, reverse=item.reverse)


def _group(
    label: str,
    n: int,
    closes: datetime.datetime,
    definition: Definition | None,
    answer_sets: list[Mapping[str, Any]],
    domain_means: Mapping[str, tuple[float, int]],
    language: str,
) -> GroupTotal:
    group = GroupTotal(label, n, closes)
    if group.hidden or definition is None:
        return group
    for d in definition.domains:
        mean, count = domain_means.get(d.key, (0.0, 0))
        shown = round(mean, 1) if count >= MIN_ANSWER_SETS else None
        group.domains.append((tr(d.title, language), shown))
    for item in definition.items():
        if item.type not in ("choice", "likert", "multi"):
            continue
        total = _item_total(definition, item, [a.get(item.key) for a in answer_sets], language)
        if total is not None:
            group.items.append(total)
    return group


def run_feedback(run: Run, language: str) -> RunFeedback:
    """The feedback totals of a run: per session and per item counts and means, and the
    self-assessment before and after, each hidden below ``MIN_ANSWER_SETS`` answer sets.

    Counts and domain means come from SQL; per-item totals need the answers, which are sealed:
    they are opened here, only for groups large enough to be shown, and only totals leave."""
    sessions = list(Session.objects.filter(run=run).order_by("starts_at", "pk"))
    base = SurveyAnswer.objects.filter(run=run)
    # how many answered, from the record that they did: a closed group too small to show has
    # its answer sets discarded (services.surveys_settle), not its count
    counts: dict[tuple[int | None, str], int] = {
        (row["session_id"], row["stage"]): row["n"]
        for row in SurveyGiven.objects.filter(enrolment__run=run)
        .values("session_id", "stage")
        .annotate(n=Count("pk"))
    }
    means: dict[tuple[int | None, str], dict[str, tuple[float, int]]] = defaultdict(dict)
    for row in (
        base.filter(response__scores__isnull=False)
        .values("session_id", "stage", "response__scores__domain")
        .annotate(mean=Avg("response__scores__score"), n=Count("response__scores__pk"))
    ):
        key = (row["session_id"], row["stage"])
        means[key][row["response__scores__domain"]] = (row["mean"], row["n"])

    def window(key: tuple[int | None, str]) -> tuple[datetime.datetime | None, datetime.datetime]:
        return survey_window(run, key[1], by_pk.get(key[0]) if key[0] is not None else None)

    def closes(key: tuple[int | None, str]) -> datetime.datetime:
        return window(key)[1]

    by_pk = {s.pk: s for s in sessions}
    shown_groups = {
        key
        for key, n in counts.items()
        if n >= MIN_ANSWER_SETS
        and (key[0] is None or key[0] in by_pk)
        and surveys.closed(closes(key))
    }
    answers: dict[tuple[int | None, str], list[Mapping[str, Any]]] = defaultdict(list)
    version_ids: dict[tuple[int | None, str], int] = {}
    if shown_groups:
        for answer in base.select_related("response"):
            key = (answer.session_id, answer.stage)
            if key in shown_groups:
                answers[key].append(dict(answer.response.answers or {}))
                version_ids[key] = max(version_ids.get(key, 0), answer.response.version_id)
    versions = {
        v.pk: v.parsed for v in InstrumentVersion.objects.filter(pk__in=set(version_ids.values()))
    }

    def group(key: tuple[int | None, str], label: str) -> GroupTotal:
        definition = versions.get(version_ids.get(key, 0))
        found = answers.get(key, [])
        group = _group(
            label, counts.get(key, 0), closes(key), definition, found, means[key], language
        )
        group.opens = window(key)[0]
        return group

    per_session = [
        (s, group((s.pk, SurveyStage.SESSION), module_title(s.module, language))) for s in sessions
    ]
    before = group((None, SurveyStage.BEFORE), str(SurveyStage.BEFORE.label))
    after = group((None, SurveyStage.AFTER), str(SurveyStage.AFTER.label))
    return RunFeedback(
        per_session,
        before,
        after,
        _compare(before.domains, after.domains),
        _compare(
            [(i.text, None if i.hidden else i.mean) for i in before.items if i.kind == "mean"],
            [(i.text, None if i.hidden else i.mean) for i in after.items if i.kind == "mean"],
        ),
    )


def _compare(
    before: Sequence[tuple[str, float | None]], after: Sequence[tuple[str, float | None]]
) -> list[Comparison]:
    first, then = dict(before), dict(after)
    labels = list(dict.fromkeys([*first, *then]))
    return [Comparison(label, first.get(label), then.get(label)) for label in labels]


def module_title(module_id: str, language: str) -> str:
    """A module's title in the language, or its id when it is no longer shipped."""
    module = content.module(module_id)
    return module.title_in(language) if module else module_id


# --- the home page ---------------------------------------------------------------------------

#: How long after a session its feedback is taken (and asked for on the home page).
FEEDBACK_DAYS = surveys.FEEDBACK_DAYS
#: How long before a run starts (and after) the self-assessment "before" is asked for; the one
#: "after" from this many days before the run's last day until twice as many after it.
SELF_ASSESSMENT_DAYS = surveys.SELF_ASSESSMENT_DAYS


@dataclass
class LearnerTodo:
    kind: str  # "feedback", "before" or "after"
    enrolment: Enrolment
    session: Session | None = None


def learner_todos(user: User, run_ids: Iterable[int]) -> list[LearnerTodo]:
    """What the learner's runs ask of them now: feedback on sessions held in the last two weeks
    (not when marked absent) and the self-assessment around the first and the last day, in
    four queries (none without runs)."""
    ids = list(run_ids)
    if not ids:
        return []
    enrolments = {
        e.pk: e
        for e in Enrolment.objects.filter(
            learner=user,
            run_id__in=ids,
            status=EnrolmentStatus.ENROLLED,
            run__cancelled_at__isnull=True,
        ).select_related("run")
    }
    if not enrolments:
        return []
    now = timezone.now()
    today = timezone.localdate()
    by_run = {e.run_id: e for e in enrolments.values()}
    sessions = Session.objects.filter(
        run_id__in=list(by_run),
        starts_at__lte=now,
        starts_at__gte=now - datetime.timedelta(days=FEEDBACK_DAYS),
    ).order_by("starts_at")
    given = set(
        SurveyGiven.objects.filter(enrolment_id__in=list(enrolments)).values_list(
            "enrolment_id", "session_id", "stage"
        )
    )
    absent = set(
        Attendance.objects.filter(enrolment_id__in=list(enrolments), present=False).values_list(
            "enrolment_id", "session_id"
        )
    )
    out = []
    for session in sessions:
        e = by_run[session.run_id]
        if (e.pk, session.pk, SurveyStage.SESSION) in given or (e.pk, session.pk) in absent:
            continue
        out.append(LearnerTodo("feedback", e, session))
    days = datetime.timedelta(days=SELF_ASSESSMENT_DAYS)
    for e in enrolments.values():
        run = e.run
        if (e.pk, None, SurveyStage.BEFORE) not in given and (
            run.starts_on - days <= today <= run.starts_on + days
        ):
            out.append(LearnerTodo(SurveyStage.BEFORE, e))
        if (e.pk, None, SurveyStage.AFTER) not in given and (
            run.ends_on - days <= today <= run.ends_on + 2 * days
        ):
            out.append(LearnerTodo(SurveyStage.AFTER, e))
    return out
