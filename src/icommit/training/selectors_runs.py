"""Reads of the runs pages beyond the core selectors: courses and modules as pages show them,
the vignettes a course uses, a run's roster and sessions, the people an enrolment may offer,
sessions waiting for attendance, what a learner still misses (in words) and the home page's
attention items. Every read of a run or an enrolment is narrowed by the access kernel; each
function runs a fixed number of queries whatever the number of learners."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from icommit.access import Action, can, get_visible, require, visible
from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.core.exceptions import NotFound
from icommit.methodology.content import default_model
from icommit.methodology.definition import text_in
from icommit.teams.models import Team, TeamMembership
from icommit.training import content, selectors
from icommit.training.models import (
    Attendance,
    Enrolment,
    EnrolmentStatus,
    Review,
    Run,
    RunTrainer,
    Session,
    Submission,
    SubmissionStatus,
)

#: People shown for one search on the enrolment page, and the shortest search.
SEARCH_RESULTS = 20
SEARCH_MIN = 3
#: A learner's session this close is an attention item on the home page.
SOON = datetime.timedelta(days=7)


# --- courses, modules, vignettes -------------------------------------------------------------


def course_get(course_id: str) -> content.Course:
    """The newest version of a shipped course, or NotFound."""
    found = content.course(course_id)
    if found is None:
        raise NotFound()
    return found


def run_course(run: Run) -> content.Course:
    """The course version a run teaches (NotFound if the content is gone)."""
    found = content.course(run.course, run.course_version)
    if found is None:
        raise NotFound()
    return found


def module_get(module_id: str) -> tuple[content.Course, content.Module]:
    """A module of the newest version of its course, with the course, or NotFound."""
    for course in content.courses():
        module = course.module(module_id)
        if module is not None:
            return course, module
    raise NotFound()


@dataclass(frozen=True)
class PhaseTask:
    id: str
    slug: str
    phase: str
    title: str


def phase_task(task_id: str, language: str | None = None) -> PhaseTask | None:
    """The task of the newest default phase model a transfer task links to."""
    lang = language or "en"
    for phase in default_model().phases:
        for task in phase.tasks:
            if task.id == task_id:
                return PhaseTask(
                    task_id,
                    task_id.replace(".", "-"),
                    text_in(phase.title, lang),
                    text_in(task.title, lang),
                )
    return None


def phase_teams(user: User) -> list[Team]:
    """The teams whose phase page the user may open (to find a transfer task there)."""
    teams = visible(user, Action.PHASES_VIEW, Team.objects.filter(archived_at__isnull=True))
    return list(teams.order_by("name")[:10])


def cards_by_country(exercise: content.Exercise) -> list[tuple[str, list[content.DilemmaCard]]]:
    """An exercise's dilemma cards grouped by country, countries in alphabetical order."""
    found: dict[str, list[content.DilemmaCard]] = {}
    for card in exercise.cards:
        found.setdefault(card.country, []).append(card)
    return sorted(found.items())


def vignette_keys(course: content.Course) -> set[str]:
    """The vignettes a course uses: in its exercises and in its practice assignments."""
    keys = {e.vignette for e in course.exercises if e.vignette}
    for assignment in course.assignments:
        if assignment.any_vignette:
            keys |= {v.key for v in content.vignettes()}
        keys |= set(assignment.vignettes)
    return keys


def vignette_get(run: Run, key: str) -> content.Vignette:
    """A vignette the run's course uses, or NotFound."""
    if key not in vignette_keys(run_course(run)):
        raise NotFound()
    found = content.vignette(key)
    if found is None:
        raise NotFound()
    return found


def run_vignettes(run: Run) -> list[content.Vignette]:
    """The vignettes of the run's course, by title."""
    keys = vignette_keys(run_course(run))
    return [v for v in content.vignettes() if v.key in keys]


# --- runs ------------------------------------------------------------------------------------


def runs_list(user: User) -> QuerySet[Run]:
    """The runs the user may see, newest first, with their number of learners."""
    return selectors.runs_for(user).select_related("team").order_by("-starts_on", "-pk")


def run_get(user: User, pk: Any, action: Action = Action.TRAINING_RUN_VIEW) -> Run:
    """A run the user may see (NotFound otherwise) and do ``action`` on (Forbidden)."""
    run = selectors.run_get(user, pk)
    require(user, action, run)
    return run


def session_rows(run: Run) -> QuerySet[Session]:
    """The run's sessions in order, each with how many were marked present and marked at all."""
    return Session.objects.filter(run=run).annotate(
        present=Count("attendance", filter=Q(attendance__present=True)),
        marked=Count("attendance"),
    )


def session_get(run: Run, pk: Any) -> Session:
    """A session of the run, or NotFound."""
    found = Session.objects.filter(run=run, pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound()
    found.run = run
    return found


def enrolment_get(user: User, run: Run, pk: Any) -> Enrolment:
    """An enrolment of the run the user may read (the learner's own, or as the run's trainer)."""
    found = get_visible(
        user,
        Action.TRAINING_ENROLMENT_VIEW,
        Enrolment.objects.filter(run=run).select_related("learner"),
        pk=pk,
    )
    found.run = run
    return found


def own_enrolment(user: User, run: Run) -> Enrolment | None:
    """The user's own enrolment in the run (any status), if there is one."""
    found = (
        visible(user, Action.TRAINING_ENROLMENT_VIEW, Enrolment.objects.filter(run=run))
        .filter(learner_id=user.pk)
        .first()
    )
    if found is not None:
        found.run = run
    return found


@dataclass
class Roster:
    """A run's learners as its trainers see them: standings, requests, ended enrolments."""

    standings: list[selectors.Standing] = field(default_factory=list)
    requests: list[Enrolment] = field(default_factory=list)
    ended: list[Enrolment] = field(default_factory=list)


def roster(user: User, run: Run) -> Roster:
    """The enrolments of the run the user may read, with each enrolled learner's standing."""
    rows = list(
        visible(user, Action.TRAINING_ENROLMENT_VIEW, Enrolment.objects.filter(run=run))
        .select_related("learner")
        .order_by("learner__full_name", "pk")
    )
    for e in rows:
        e.run = run
    found = Roster()
    found.standings = selectors.standings_many(
        e for e in rows if e.status == EnrolmentStatus.ENROLLED
    )
    found.requests = [e for e in rows if e.status == EnrolmentStatus.REQUESTED]
    found.ended = [
        e for e in rows if e.status in (EnrolmentStatus.DECLINED, EnrolmentStatus.WITHDRAWN)
    ]
    return found


def standing_of(enrolment: Enrolment) -> selectors.Standing:
    """One enrolment's standing (its ``run`` loaded)."""
    return selectors.standings_many([enrolment])[0]


def attendance_of(enrolment: Enrolment) -> dict[int, bool]:
    """Session id -> present, for the sessions at which the learner was marked."""
    return dict(Attendance.objects.filter(enrolment=enrolment).values_list("session_id", "present"))


def attendance_marks(session: Session) -> dict[int, bool]:
    """Enrolment id -> present, for the learners marked at the session."""
    return dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "present"))


def enrolled(run: Run) -> list[Enrolment]:
    """The run's enrolled learners, by name (for the attendance page)."""
    return list(
        Enrolment.objects.filter(run=run, status=EnrolmentStatus.ENROLLED)
        .select_related("learner")
        .order_by("learner__full_name", "pk")
    )


def team_choices() -> list[Team]:
    """The live teams a run may be for: a trainer runs a course for any of them (the name is
    all the trainer learns of a team)."""
    return list(Team.objects.filter(archived_at__isnull=True).order_by("name"))


# --- enrolment: whom a page offers -----------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """Whom the enrolment page offers: ``search`` (a run's trainer finds people) or ``team`` (a
    coordinator picks from the run's team), the people, whether the search was too short, and
    whether their e-mail addresses may be shown (only when the search was that exact address)."""

    mode: str
    people: list[User]
    too_short: bool = False
    emails: bool = False


def _linked_to(run: Run) -> Q:
    """The people already linked to the run: members of its team, and everyone with an
    enrolment in it (who asked to join, was declined or withdrew)."""
    linked = Q(pk__in=Enrolment.objects.filter(run=run).values("learner_id"))
    if run.team_id is not None:
        members = TeamMembership.objects.effective().filter(team_id=run.team_id)
        linked |= Q(pk__in=members.values("user_id"))
    return linked


def people_to_enrol(*, actor: User, run: Run, query: str = "") -> Offer:
    """The people the actor may enrol in the run and who are not enrolled yet: a run's trainer
    finds the people linked to the run by name (at least three characters, twenty at most) and
    anyone else active only by their exact e-mail address, the one search whose result shows an
    address; a coordinator of the run's team sees the team's members."""
    taken = Enrolment.objects.filter(run=run, status=EnrolmentStatus.ENROLLED).values("learner_id")
    # nobody learns in a run they train
    trainers = RunTrainer.objects.filter(run=run).values("user_id")
    people = (
        User.objects.filter(is_active=True)
        .exclude(pk__in=taken)
        .exclude(pk__in=trainers)
        .order_by("full_name", "pk")
    )
    if can(actor, Action.TRAINING_RUN_MANAGE, run):
        q = " ".join(query.split())
        if "@" in q:  # an address, never part of one: nobody learns who else has an account
            return Offer(
                "search", list(people.filter(email__iexact=q)[:SEARCH_RESULTS]), emails=True
            )
        if len(q) < SEARCH_MIN:
            return Offer("search", [], too_short=bool(q))
        found = people.filter(_linked_to(run)).filter(full_name__icontains=q)
        return Offer("search", list(found[:SEARCH_RESULTS]))
    members = TeamMembership.objects.effective().filter(team_id=run.team_id or 0)
    return Offer("team", list(people.filter(pk__in=members.values("user_id"))[:200]))


# --- dashboards ------------------------------------------------------------------------------


def sessions_to_mark(user: User, *, limit: int = 20) -> list[Session]:
    """Sessions that have started, of the runs the user manages, with no attendance recorded
    (one query)."""
    runs = visible(user, Action.TRAINING_RUN_MANAGE, Run.objects.all()).values("pk")
    marked = Attendance.objects.filter(session=OuterRef("pk"))
    return list(
        Session.objects.filter(run_id__in=runs, starts_at__lte=timezone.now())
        .exclude(Exists(marked))
        .select_related("run")
        .order_by("starts_at")[:limit]
    )


def open_runs(user: User, *, limit: int = 10) -> list[Run]:
    """Runs open for requests that the user may ask to join and that have not ended."""
    qs = visible(user, Action.TRAINING_RUN_JOIN, Run.objects.all())
    return list(qs.filter(ends_on__gte=timezone.localdate()).order_by("starts_on")[:limit])


@dataclass(frozen=True)
class Attention:
    requests: int
    reviews: int
    soon: list[Session]


def attention(user: User) -> Attention:
    """The home page's training items: requests to join and assignments waiting for the user
    as a trainer, and the user's own sessions in the next seven days (at most three queries,
    none for people who neither teach nor learn)."""
    facts = facts_for(user)
    requests = reviews = 0
    if facts.trainer_run_ids:
        runs = visible(user, Action.TRAINING_RUN_MANAGE, Run.objects.all()).filter(
            pk__in=list(facts.trainer_run_ids)
        )
        requests = Enrolment.objects.filter(
            run__in=runs.values("pk"), status=EnrolmentStatus.REQUESTED
        ).count()
        rated = Review.objects.filter(
            submission=OuterRef("pk"), reviewer=user, created_at__gte=OuterRef("submitted_at")
        )
        reviews = (
            Submission.objects.filter(
                enrolment__run__in=runs.values("pk"), status=SubmissionStatus.SUBMITTED
            )
            .exclude(Exists(rated))
            .count()
        )
    soon: list[Session] = []
    if facts.learner_run_ids:
        now = timezone.now()
        mine = Enrolment.objects.filter(
            learner_id=user.pk, status=EnrolmentStatus.ENROLLED, run__cancelled_at__isnull=True
        ).values("run_id")
        soon = list(
            Session.objects.filter(run_id__in=mine, starts_at__gte=now, starts_at__lte=now + SOON)
            .select_related("run")
            .order_by("starts_at")[:3]
        )
    return Attention(requests, reviews, soon)


# --- what is still missing, in words ---------------------------------------------------------


def missing_words(standing: selectors.Standing, course: content.Course | None) -> list[str]:
    """What the learner still has to do, one sentence each, in the order of the rules."""
    out = []
    for missing in standing.result.missing:
        if missing.rule == "attendance":
            if missing.need == 0:
                out.append(_("wait for the sessions to be planned"))
            else:
                more = missing.need - missing.have
                out.append(
                    ngettext(
                        "attend %(n)d more session",
                        "attend %(n)d more sessions",
                        more,
                    )
                    % {"n": more}
                )
        elif missing.rule == "check":
            out.append(_("pass the knowledge check"))
        elif missing.rule == "assignment":
            task = course.assignment(missing.ref) if course else None
            title = content.tr(task.title) if task else missing.ref
            state = standing.assignments.get(missing.ref, "")
            if state == SubmissionStatus.SUBMITTED:
                out.append(_("%(title)s: wait for the review") % {"title": title})
            elif state == SubmissionStatus.REVISION:
                out.append(_("revise %(title)s") % {"title": title})
            elif task is not None and task.kind == "observed":
                out.append(_("be observed for %(title)s") % {"title": title})
            else:
                out.append(_("hand in %(title)s") % {"title": title})
        elif missing.rule == "signoff":
            out.append(_("trainer sign-off"))
    return out


def _steps(standing: selectors.Standing, course: content.Course | None, run: Run) -> int:
    """How many rules the course asks of a learner (attendance, checks, assignments, sign-off)."""
    if course is None:
        return len(standing.result.missing)
    rules = selectors.rules_of(course, refresher=run.refresher)
    return (
        (1 if rules.attendance_share > 0 else 0)
        + len(rules.knowledge_checks)
        + len(rules.assignments)
        + (1 if rules.signoff else 0)
    )


@dataclass(frozen=True)
class AssignmentState:
    key: str
    title: str
    kind: str
    status: str
    label: str


def _assignment_states(
    standing: selectors.Standing, course: content.Course | None, run: Run
) -> list[AssignmentState]:
    if course is None:
        return []
    rules = selectors.rules_of(course, refresher=run.refresher)
    labels = dict(SubmissionStatus.choices)
    out = []
    for key in rules.assignments:
        task = course.assignment(key)
        status = standing.assignments.get(key, "")
        out.append(
            AssignmentState(
                key=key,
                title=content.tr(task.title) if task else key,
                kind=task.kind if task else "",
                status=status,
                label=str(labels.get(status, _("not started"))),
            )
        )
    return out


@dataclass(frozen=True)
class StandingRow:
    """One learner's standing as the pages show it."""

    standing: selectors.Standing
    missing: list[str]
    steps: int
    assignments: list[AssignmentState]
    checks: list[tuple[str, bool]]

    @property
    def enrolment(self) -> Enrolment:
        return self.standing.enrolment

    @property
    def done(self) -> int:
        return self.steps - len(self.standing.result.missing)

    @property
    def ready(self) -> bool:
        return self.standing.ready_for_signoff


def standing_row(standing: selectors.Standing, course: content.Course | None) -> StandingRow:
    run = standing.enrolment.run
    rules = selectors.rules_of(course, refresher=run.refresher) if course else None
    return StandingRow(
        standing=standing,
        missing=missing_words(standing, course),
        steps=_steps(standing, course, run),
        assignments=_assignment_states(standing, course, run),
        checks=[
            (k, k in standing.checks_passed) for k in (rules.knowledge_checks if rules else ())
        ],
    )


@dataclass(frozen=True)
class LearnerRow:
    """A run on the learner's dashboard: asked to join, or enrolled with a standing."""

    enrolment: Enrolment
    course: content.Course | None
    row: StandingRow | None
    next_session: Session | None
    #: the learner may work on it (checks, assignments, feedback)
    works: bool = False


def dashboard(*, user: User) -> dict[str, Any]:
    """The training home: the learner's runs with what is still missing, the next session and
    the certificates; for trainers their runs, requests, reviews and sessions waiting for
    attendance; open runs to ask to join. A fixed number of queries."""
    home = selectors.learner_home(user)
    rows = []
    for e in home.enrolments:
        course = content.course(e.run.course, e.run.course_version)
        standing = home.standings.get(e.pk)
        rows.append(
            LearnerRow(
                enrolment=e,
                course=course,
                row=standing_row(standing, course) if standing else None,
                next_session=home.next_sessions.get(e.run_id),
                works=can(user, Action.TRAINING_ENROLMENT_WORK, e),
            )
        )
    facts = facts_for(user)
    can_create = can(user, Action.TRAINING_RUN_CREATE)
    trainer: dict[str, Any] | None = None
    if facts.trainer_run_ids or can_create:
        found = selectors.trainer_home(user)
        trainer = {
            "runs": found.runs,
            "requests": found.requests,
            "waiting": found.waiting,
            "external": found.external,
            "to_mark": sessions_to_mark(user),
        }
    return {
        "learner_rows": rows,
        "certificates": home.certificates,
        "today": timezone.localdate(),
        "trainer": trainer,
        "open_runs": open_runs(user),
        "can_create": can_create,
    }


def run_page(*, user: User, run: Run) -> dict[str, Any]:
    """What the run page shows the user: the schedule; the roster with each learner's standing
    for those who manage the run; the user's own enrolment; what the user may do."""
    course = content.course(run.course, run.course_version)
    manage = can(user, Action.TRAINING_RUN_MANAGE, run)
    own = own_enrolment(user, run)
    works = own is not None and can(user, Action.TRAINING_ENROLMENT_WORK, own)
    found = roster(user, run) if manage else Roster()
    return {
        "run": run,
        "course": course,
        "modules": [
            (module_id, course.module(module_id) if course else None) for module_id in run.modules
        ],
        "sessions": list(session_rows(run)),
        "now": timezone.now(),
        "trainers": selectors.trainers_of(run),
        "can_manage": manage,
        "can_enrol": can(user, Action.TRAINING_RUN_ENROL, run),
        "can_join": can(user, Action.TRAINING_RUN_JOIN, run),
        # the feedback totals: the run's trainers and the coordinators of its team
        "can_feedback": manage
        or (run.team is not None and can(user, Action.TRAINING_COVERAGE_VIEW, run.team)),
        "own": own,
        "works": works,
        # the sessions' meeting links: for the run's trainers and its enrolled learners only
        "show_links": manage or (own is not None and own.status == EnrolmentStatus.ENROLLED),
        "own_row": (
            standing_row(standing_of(own), course)
            if own is not None and own.status == EnrolmentStatus.ENROLLED
            else None
        ),
        "roster": [standing_row(s, course) for s in found.standings],
        "requests": found.requests,
        "ended": found.ended,
        "vignettes": run_vignettes(run) if (manage or works) and course else [],
    }


def learner_page(*, user: User, enrolment: Enrolment) -> dict[str, Any]:
    """One learner's standing in a run: sessions attended, checks, assignments, sign-off."""
    run = enrolment.run
    course = content.course(run.course, run.course_version)
    standing = standing_of(enrolment) if enrolment.status == EnrolmentStatus.ENROLLED else None
    marks = attendance_of(enrolment)
    return {
        "run": run,
        "course": course,
        "enrolment": enrolment,
        "standing": standing,
        "row": standing_row(standing, course) if standing else None,
        "sessions": [(s, marks.get(s.pk)) for s in Session.objects.filter(run=run)],
        "now": timezone.now(),
        "teaches": can(user, Action.TRAINING_RUN_MANAGE, run),
        "own": enrolment.learner_id == user.pk,
        "can_work": can(user, Action.TRAINING_ENROLMENT_WORK, enrolment),
    }
