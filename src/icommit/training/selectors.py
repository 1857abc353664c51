"""Reads of training, narrowed by the access kernel; dashboards in a fixed number of queries."""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from icommit.access import Action, get_visible, visible
from icommit.access.facts import facts_for
from icommit.access.roles import PlatformRole
from icommit.accounts.models import User
from icommit.core import crypto
from icommit.core.models import SubjectKey
from icommit.instruments.models import InstrumentVersion
from icommit.teams.models import Team, TeamMembership
from icommit.training import completion, content
from icommit.training.models import (
    FAMILY_PURPOSE,
    Attendance,
    Certificate,
    CheckAttempt,
    Enrolment,
    EnrolmentStatus,
    GateSector,
    LearnerAccount,
    LearnerKey,
    Review,
    Run,
    RunTrainer,
    Session,
    Submission,
    SubmissionStatus,
)

#: The instrument a practice analysis is written with: the one real cases use.
ANALYSIS_INSTRUMENT = "social-diagnostics"
#: The course whose certificate a team's gate asks for.
CERTIFICATION_COURSE = "nonsec-cert"


# --- content helpers -------------------------------------------------------------------------


def rules_of(course: content.Course, *, refresher: bool = False) -> completion.Rules:
    c = course.completion
    rules = completion.Rules(
        c.attendance_share, tuple(c.knowledge_checks), tuple(c.assignments), c.signoff
    )
    return rules.for_refresher() if refresher else rules


def checks_of(course: content.Course) -> set[str]:
    """The knowledge checks of a course: those its completion asks for and its modules name."""
    named = {m.knowledge_check for m in course.modules if m.knowledge_check}
    return set(course.completion.knowledge_checks) | named


def criteria_text(course: content.Course, language: str) -> str:
    """What earning the certificate asked, in words, for the credential's criteria."""
    c = course.completion
    parts = [f"{round(c.attendance_share * 100)}% attendance"]
    if c.knowledge_checks:
        parts.append("knowledge check passed")
    for key in c.assignments:
        task = course.assignment(key)
        if task is not None:
            parts.append(content.tr(task.title, "en") + " passed")
    if c.signoff:
        parts.append("trainer sign-off")
    return "; ".join(parts)


def normal_family(name: str) -> str:
    """A family name as compared: case-folded, accents and other marks dropped, single spaces,
    so that someone typing the name from a certificate on another keyboard finds it ("Yilmaz"
    finds "Yılmaz", "Muller" finds "Müller", "Strasse" finds "Straße")."""
    folded = unicodedata.normalize("NFKD", name.casefold().replace("ı", "i"))
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(unicodedata.normalize("NFKC", plain).split())


def latest_version(key: str) -> InstrumentVersion | None:
    return (
        InstrumentVersion.objects.filter(instrument__key=key)
        .select_related("instrument")
        .order_by("-number")
        .first()
    )


# --- people ----------------------------------------------------------------------------------


def trainers_among(ids: Iterable[int]) -> QuerySet[User]:
    return User.objects.filter(
        pk__in=list(ids), is_active=True, role_grants__role=PlatformRole.TRAINER
    ).distinct()


def trainer_choices() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role_grants__role=PlatformRole.TRAINER).distinct()


def enrollable(*, actor: User, run: Run, ids: set[int]) -> dict[int, User]:
    """The people of ``ids`` the actor may enrol: a trainer of the run (or an administrator)
    anyone active; a coordinator of the run's team the active members of that team. Never the
    run's own trainers: nobody trains, rates and signs off themselves."""
    facts = facts_for(actor)
    people = User.objects.filter(pk__in=list(ids), is_active=True).exclude(
        pk__in=RunTrainer.objects.filter(run=run).values("user_id")
    )
    if not (run.pk in facts.trainer_run_ids or facts.is_admin):
        people = people.filter(
            pk__in=TeamMembership.objects.effective()
            .filter(team_id=run.team_id or 0)
            .values("user_id")
        )
    return {u.pk: u for u in people}


def learner_key(user: User) -> SubjectKey | None:
    found = LearnerKey.objects.filter(user=user).select_related("key").first()
    return found.key if found else None


def taken_status_indexes() -> set[int]:
    return set(Certificate.objects.values_list("status_index", flat=True))


# --- runs ------------------------------------------------------------------------------------


def runs_for(user: User) -> QuerySet[Run]:
    return visible(user, Action.TRAINING_RUN_VIEW, Run.objects.all()).annotate(
        learners=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED))
    )


def run_get(user: User, pk: Any) -> Run:
    return get_visible(user, Action.TRAINING_RUN_VIEW, Run.objects.select_related("team"), pk=pk)


def sessions_of(run: Run) -> list[Session]:
    return list(run.sessions.all())


def trainers_of(run: Run) -> list[User]:
    return [t.user for t in run.trainers.select_related("user")]


def enrolments_of(run: Run) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(run=run)
        .select_related("learner")
        .order_by("status", "learner__full_name")
    )


@dataclass
class Standing:
    """One learner's standing in a run: the completion result and the counts behind it."""

    enrolment: Enrolment
    result: completion.Completion
    attended: int
    sessions: int
    checks_passed: frozenset[str]
    assignments: dict[str, str] = field(default_factory=dict)
    certificate: Certificate | None = None

    @property
    def ready_for_signoff(self) -> bool:
        return all(m.rule == "signoff" for m in self.result.missing) and bool(self.result.missing)


def standings(run: Run, enrolments: Iterable[Enrolment]) -> list[Standing]:
    """The standing of each enrolment of a run, in five queries whatever their number."""
    rows = list(enrolments)
    for e in rows:
        e.run = run
    return standings_many(rows)


def standings_many(enrolments: Iterable[Enrolment]) -> list[Standing]:
    """The standing of each enrolment (of any runs, each with its ``run`` loaded), in five
    queries whatever their number."""
    rows = list(enrolments)
    ids = [e.pk for e in rows]
    run_ids = {e.run_id for e in rows}
    sessions: dict[int, int] = dict(
        Session.objects.filter(run_id__in=run_ids)
        .values("run_id")
        .annotate(n=Count("pk"))
        .values_list("run_id", "n")
    )
    attended: dict[int, int] = dict(
        Attendance.objects.filter(enrolment_id__in=ids, present=True)
        .values("enrolment_id")
        .annotate(n=Count("pk"))
        .values_list("enrolment_id", "n")
    )
    checks: dict[int, set[str]] = {}
    for enrolment_id, instrument in CheckAttempt.objects.filter(
        enrolment_id__in=ids, passed=True
    ).values_list("enrolment_id", "instrument"):
        checks.setdefault(enrolment_id, set()).add(instrument)
    tasks: dict[int, dict[str, str]] = {}
    for enrolment_id, key, status in Submission.objects.filter(enrolment_id__in=ids).values_list(
        "enrolment_id", "assignment", "status"
    ):
        tasks.setdefault(enrolment_id, {})[key] = status
    certificates = {c.enrolment_id: c for c in Certificate.objects.filter(enrolment_id__in=ids)}
    out = []
    for e in rows:
        run = e.run
        course = content.course(run.course, run.course_version)
        passed = frozenset(
            k for k, s in tasks.get(e.pk, {}).items() if s == SubmissionStatus.PASSED
        )
        progress = completion.Progress(
            sessions=sessions.get(e.run_id, 0),
            attended=attended.get(e.pk, 0),
            checks_passed=frozenset(checks.get(e.pk, set())),
            assignments_passed=passed,
            signed_off=e.signed_off_at is not None,
        )
        rules = rules_of(course, refresher=run.refresher) if course else completion.Rules(1.0)
        out.append(
            Standing(
                enrolment=e,
                result=completion.evaluate(rules, progress),
                attended=progress.attended,
                sessions=progress.sessions,
                checks_passed=progress.checks_passed,
                assignments=tasks.get(e.pk, {}),
                certificate=certificates.get(e.pk),
            )
        )
    return out


def progress(enrolment: Enrolment) -> completion.Progress:
    standing = standings(enrolment.run, [enrolment])[0]
    return completion.Progress(
        sessions=standing.sessions,
        attended=standing.attended,
        checks_passed=standing.checks_passed,
        assignments_passed=frozenset(
            k for k, s in standing.assignments.items() if s == SubmissionStatus.PASSED
        ),
        signed_off=enrolment.signed_off_at is not None,
    )


def current_reviews(submission: Submission) -> QuerySet[Review]:
    """The reviews of the version handed in last (a revision starts a new round)."""
    qs = Review.objects.filter(submission=submission)
    if submission.submitted_at is not None:
        qs = qs.filter(created_at__gte=submission.submitted_at)
    return qs.order_by("created_at")


# --- dashboards ------------------------------------------------------------------------------


@dataclass
class LearnerHome:
    enrolments: list[Enrolment]
    standings: dict[int, Standing]
    next_sessions: dict[int, Session | None]
    certificates: list[Certificate]


def learner_home(user: User) -> LearnerHome:
    enrolments = list(
        visible(user, Action.TRAINING_ENROLMENT_VIEW, Enrolment.objects.filter(learner=user))
        .select_related("run")
        .exclude(status__in=[EnrolmentStatus.DECLINED, EnrolmentStatus.WITHDRAWN])
        .order_by("-run__starts_on")[:50]
    )
    by_run: dict[int, list[Enrolment]] = {}
    for e in enrolments:
        by_run.setdefault(e.run_id, []).append(e)
    found = {
        s.enrolment.pk: s
        for s in standings_many(e for e in enrolments if e.status == EnrolmentStatus.ENROLLED)
    }
    now = timezone.now()
    upcoming: dict[int, Session | None] = {e.run_id: None for e in enrolments}
    for s in Session.objects.filter(run_id__in=list(by_run), starts_at__gte=now).order_by(
        "starts_at"
    ):
        if upcoming.get(s.run_id) is None:
            upcoming[s.run_id] = s
    certificates = list(
        visible(user, Action.CERTIFICATE_VIEW, Certificate.objects.filter(learner=user))
    )
    return LearnerHome(enrolments, found, upcoming, certificates)


@dataclass
class TrainerHome:
    runs: list[Any]
    waiting: list[Submission]
    requests: list[Enrolment]
    external: list[LearnerAccount]


def trainer_home(user: User) -> TrainerHome:
    facts = facts_for(user)
    runs = list(
        Run.objects.filter(pk__in=list(facts.trainer_run_ids))
        .annotate(
            learners=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED))
        )
        .order_by("-starts_on")[:50]
    )
    ids = list(facts.trainer_run_ids)
    rated = Review.objects.filter(
        submission=OuterRef("pk"), reviewer=user, created_at__gte=OuterRef("submitted_at")
    )
    waiting = list(
        Submission.objects.filter(enrolment__run_id__in=ids, status=SubmissionStatus.SUBMITTED)
        .exclude(Exists(rated))
        .select_related("enrolment__learner", "enrolment__run")
        .order_by("submitted_at")[:50]
    )
    requests = list(
        Enrolment.objects.filter(run_id__in=ids, status=EnrolmentStatus.REQUESTED)
        .select_related("learner", "run")
        .order_by("requested_at")[:50]
    )
    external = list(
        LearnerAccount.objects.filter(approved_at__isnull=True, declined_at__isnull=True)
        .select_related("user")
        .order_by("user__date_joined")[:50]
        if facts.has_role(PlatformRole.TRAINER) or facts.is_admin
        else []
    )
    return TrainerHome(runs, waiting, requests, external)


# --- coverage and the gate -------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    name: str
    organisation: str
    sector: str
    certified_until: datetime.date | None
    certified: bool
    runs: int


def coverage_members(team: Team) -> QuerySet[TeamMembership]:
    """The team's current members with their user and organisation, by name."""
    return (
        TeamMembership.objects.effective()
        .filter(team=team)
        .select_related("user", "organisation")
        .order_by("user__full_name", "pk")
    )


def coverage(team: Team) -> list[CoverageRow]:
    """Each member of the team with "certified until" (the certification course) and the
    number of runs they finished; nothing more about their training."""
    return coverage_of(list(coverage_members(team)))


def coverage_of(memberships: Iterable[TeamMembership]) -> list[CoverageRow]:
    """The coverage rows of these memberships (e.g. one page of them), in two queries."""
    members = list(memberships)
    user_ids = [m.user_id for m in members]
    today = timezone.localdate()
    valid: dict[int, datetime.date | None] = {}
    lapsed: dict[int, datetime.date] = {}
    for learner_id, until in Certificate.objects.filter(
        learner_id__in=user_ids, course=CERTIFICATION_COURSE, revoked_at__isnull=True
    ).values_list("learner_id", "valid_until"):
        if until is None or until >= today:
            known = valid.get(learner_id, today)
            valid[learner_id] = None if until is None or known is None else max(until, known)
        else:
            lapsed[learner_id] = max(until, lapsed.get(learner_id, until))
    finished = dict(
        Enrolment.objects.filter(learner_id__in=user_ids, signed_off_at__isnull=False)
        .values("learner_id")
        .annotate(n=Count("pk"))
        .values_list("learner_id", "n")
    )
    return [
        CoverageRow(
            name=m.user.full_name,
            organisation=m.organisation.name,
            sector=m.organisation.sector,
            certified_until=valid[m.user_id] if m.user_id in valid else lapsed.get(m.user_id),
            certified=m.user_id in valid,
            runs=finished.get(m.user_id, 0),
        )
        for m in members
    ]


def gate_sectors(team: Team) -> list[str]:
    return list(GateSector.objects.filter(team=team).values_list("sector", flat=True))


# --- verification ----------------------------------------------------------------------------


def certificate_by_number(number: str, family_name: str) -> Certificate | None:
    """The certificate with this number whose holder has this family name; None otherwise
    (the same answer for a wrong number and a wrong name)."""
    found = Certificate.objects.filter(
        number=number,
        family_index__in=crypto.blind_indexes(normal_family(family_name), FAMILY_PURPOSE),
    ).first()
    return found


def revoked_indexes() -> set[int]:
    return set(
        Certificate.objects.filter(revoked_at__isnull=False).values_list("status_index", flat=True)
    )
