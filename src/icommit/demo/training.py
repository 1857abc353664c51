"""The demo's training: both courses, a past certification run with certified learners (one
certificate revoked, one expired from an earlier run), the team's current MSC team course with
sessions and attendance, a current certification run open for requests with practice analyses
waiting for review, and an external learner.

Everything goes through the training services, as a trainer and learners would do it; only the
dates of the past runs are set back afterwards (their sessions, sign-offs and certificates must
lie in the past, and a service records "now").
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable, Collection
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from icommit.access.facts import forget
from icommit.access.roles import PlatformRole
from icommit.accounts.models import User
from icommit.accounts.services import platform_role_grant
from icommit.core import audit
from icommit.instruments.engine import Item
from icommit.instruments.models import InstrumentVersion
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team
from icommit.training import selectors, services, services_people
from icommit.training.models import (
    Certificate,
    Enrolment,
    Run,
    Session,
    Submission,
)

TRAINER = "trainer@example.org"
CO_TRAINER = ("cotrainer@example.org", "Cem Cotrainer")
EXTERNAL = ("learner@example.org", "Lea Learner")
CITY = "Demo City"


def _version(key: str) -> InstrumentVersion:
    version = selectors.latest_version(key)
    assert version is not None, f"the shipped instrument {key} is missing"
    return version


def _answers(key: str, pick: Callable[[list[Any]], Any]) -> dict[str, Any]:
    """Answers to every choice item of an instrument: ``pick`` gets the scored choices in
    their order and returns one value."""
    version = _version(key)
    definition = version.parsed
    out: dict[str, Any] = {}
    for section in definition.sections:
        for item in section.items:
            options = _options(definition, item)
            if options:
                out[item.key] = pick(options)
    return out


def _options(definition: Any, item: Item) -> list[Any]:
    scale = definition.scale_of(item)
    choices = scale.choices if scale is not None else item.choices
    if item.type not in ("likert", "choice"):
        return []
    return sorted(choices, key=lambda c: c.score if c.score is not None else -1)


def _best(options: list[Any]) -> Any:
    return options[-1].value


def _good(options: list[Any]) -> Any:
    """The second-best option where there are four or more (a rubric's level 3), else the best."""
    return options[-2].value if len(options) >= 4 else options[-1].value


def _varied(n: int) -> Callable[[list[Any]], Any]:
    """The best, second-best or third-best option by turns: answers of several people."""

    def pick(options: list[Any]) -> Any:
        return options[max(0, len(options) - 1 - (n * 7 % 3))].value

    return pick


SANDBOX_ANSWERS: dict[str, Any] = {
    "client_view": "Through his mother and the school social worker: he wants to finish year 10 "
    "and stay in the football team; he says the online group are 'the only ones who listen'.",
    "hypotheses": [
        {
            "hypothesis": "The group gives him the belonging and respect he misses at school.",
            "competing": "He repeats what he sees online to provoke, without taking it on.",
            "check": "Ask him what he would miss without the group, and what he thinks of its "
            "slogans when no one is watching.",
        }
    ],
    "client_involved": "without_client",
    "gender_considered": "considered",
    "gender_notes": "The school sees a 'tough boy'; nobody has asked him what being a man means.",
    "family": {
        "concern": 2,
        "resource": 2,
        "rationale": "Parents worried and willing, but they argue about how strict to be.",
    },
    "peers": {
        "concern": 3,
        "resource": 1,
        "rationale": "His online group is his main company; one old friend from football remains.",
    },
    "education": {
        "concern": 2,
        "resource": 2,
        "rationale": "Grades dropping; his form teacher still has a good line to him.",
    },
    "ideology": {
        "concern": 2,
        "resource": "unknown",
        "rationale": "Shares slogans and memes; how far he believes them is not known yet.",
    },
}


def _user(email: str, name: str, users: dict[str, User], admin: User) -> User:
    user = users.get(email) or User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=settings.DEMO_PASSWORD, full_name=name
        )
        audit.record(actor=admin, action="user.create", obj=user, purpose="demo")
    users[email] = user
    return user


def _external_learner(users: dict[str, User], trainer: User) -> User:
    """The external learner registers, a trainer approves, she follows the approval mail's
    link and chooses a password there; then she gets the demo password like every demo
    account."""
    email, name = EXTERNAL
    account = services_people.learner_register(
        full_name=name,
        email=email,
        organisation="Counselling practice Weber",
        sector="civil_society",
        note="I would like to join the certification course.",
        consent=True,
    )
    if account is None:  # the address has an account already
        user = User.objects.get(email=email)
    else:
        services_people.learner_approve(actor=trainer, account=account)
        user = account.user
        token = services_people.activation_link(user).rstrip("/").rsplit("/", 1)[-1]
        password = secrets.token_urlsafe(24)
        services_people.learner_activate(token=token, password=password, password_again=password)
        user.refresh_from_db()
        user.set_password(settings.DEMO_PASSWORD)
        user.save(update_fields=["password"])
    users[email] = user
    return user


def _set_back(run: Run, days: int) -> None:
    """Move a run and everything in it ``days`` into the past."""
    delta = datetime.timedelta(days=days)
    Run.objects.filter(pk=run.pk).update(
        starts_on=run.starts_on - delta, ends_on=run.ends_on - delta
    )
    for session in Session.objects.filter(run=run):
        Session.objects.filter(pk=session.pk).update(starts_at=session.starts_at - delta)
    Enrolment.objects.filter(run=run, signed_off_at__isnull=False).update(
        signed_off_at=F("signed_off_at") - delta
    )


def _sessions(trainer: User, run: Run, starts: datetime.datetime, count: int) -> list[Session]:
    out = []
    for n in range(count):
        out.append(
            services.session_save(
                actor=trainer,
                run=run,
                starts_at=starts + datetime.timedelta(days=7 * n),
                minutes=180,
                module=run.modules[n % len(run.modules)],
                place="Town hall, room 2.14" if n % 2 == 0 else "",
                online_link="" if n % 2 == 0 else "https://meet.example.org/demo-training",
            )
        )
    return out


def _attend(
    trainer: User,
    sessions: list[Session],
    enrolments: list[Enrolment],
    absent: Collection[tuple[str, Any]] = (),
) -> None:
    for session in sessions:
        services.attendance_record(
            actor=trainer,
            session=session,
            present={e.pk: (e.learner.email, session.pk) not in absent for e in enrolments},
        )


def _fresh(*people: User) -> None:
    """The demo keeps its user objects across services: drop their cached access facts."""
    for person in people:
        forget(person)


def _complete(
    trainer: User,
    co_trainer: User,
    run: Run,
    enrolment: Enrolment,
    today: datetime.date | None = None,
) -> Certificate:
    learner = enrolment.learner
    _fresh(trainer, co_trainer, learner)
    services.check_take(
        actor=learner,
        enrolment=enrolment,
        instrument="kc-nonsec-cert",
        answers=_answers("kc-nonsec-cert", _best),
    )
    services.submission_save(
        actor=learner,
        enrolment=enrolment,
        assignment="practice-analysis",
        vignette="pupil-online",
        answers=SANDBOX_ANSWERS,
        submit=True,
    )
    rubric = _answers("rubric-social-diagnostics", _good)
    for rater in (trainer, co_trainer):
        services.review_record(
            actor=rater,
            enrolment=enrolment,
            assignment="practice-analysis",
            rubric_answers=rubric,
            comment="",
            decision="pass",
        )
    services.review_record(
        actor=trainer,
        enrolment=enrolment,
        assignment="consent-conversation",
        rubric_answers=_answers("rubric-consent-conversation", _good),
        comment="",
        decision="pass",
    )
    services.sign_off(actor=trainer, enrolment=enrolment, today=today)
    return Certificate.objects.get(enrolment=enrolment)


def build(
    *,
    team: Team,
    orgs: dict[str, Organisation],
    users: dict[str, User],
    second_team: Team | None = None,
) -> None:
    if Run.objects.exists():
        return
    admin = users["admin@example.org"]
    trainer = users[TRAINER]
    with transaction.atomic():
        co_trainer = _user(*CO_TRAINER, users, admin)
        platform_role_grant(actor=admin, user=co_trainer, role=PlatformRole.TRAINER)
        external = _external_learner(users, trainer)
    now = timezone.now().replace(hour=9, minute=30, second=0, microsecond=0)
    today = timezone.localdate()
    cert_learners = [
        users["socialworker@example.org"],
        users["youth@example.org"],
        users["teacher@example.org"],
    ]

    # an earlier certification run, more than two years ago: its certificate has expired
    with transaction.atomic():
        old = services.run_create(
            actor=trainer,
            course="nonsec-cert",
            title="Certification course 2024",
            city=CITY,
            language="en",
            starts_on=today - datetime.timedelta(days=40),
            ends_on=today - datetime.timedelta(days=10),
            trainer_ids=[co_trainer.pk],
        )
        old_sessions = _sessions(trainer, old, now - datetime.timedelta(days=40), 4)
        housing = users["housing@example.org"]
        (old_enrolment,) = services.enrol(actor=trainer, run=old, learner_ids=[housing.pk])
        _attend(trainer, old_sessions, [old_enrolment])
        _complete(
            trainer, co_trainer, old, old_enrolment, today=today - datetime.timedelta(days=800)
        )
        _set_back(old, 790)

    # the past certification run: three certified, one certificate revoked since
    with transaction.atomic():
        past = services.run_create(
            actor=trainer,
            course="nonsec-cert",
            title="Certification course, spring 2026",
            city=CITY,
            language="en",
            starts_on=today - datetime.timedelta(days=60),
            ends_on=today - datetime.timedelta(days=30),
            trainer_ids=[co_trainer.pk],
            local_notes="Held at the town hall; the job-shadowing days with the police and the "
            "youth welfare office were arranged by the coordinator.",
        )
        past_sessions = _sessions(trainer, past, now - datetime.timedelta(days=60), 5)
        enrolments = services.enrol(
            actor=trainer, run=past, learner_ids=[u.pk for u in cert_learners]
        )
        _attend(trainer, past_sessions, enrolments)
        certificates = [
            _complete(trainer, co_trainer, past, e, today=today - datetime.timedelta(days=200))
            for e in enrolments
        ]
        services.certificate_revoke(
            actor=trainer,
            certificate=certificates[2],
            reason="Issued by mistake: the consent conversation was observed by a trainer who "
            "was not assigned to this run.",
        )
        _set_back(past, 170)

    # the team's MSC team course, now: three sessions held, one to come. It is built ten days
    # later than it is and then moved back, so that its members could give feedback on the
    # first session and the self-assessment before while these were taken: their totals show
    # now that answers are no longer taken.
    with transaction.atomic():
        team_run = services.run_create(
            actor=trainer,
            course="msc-team",
            title="MSC team course for the Demo City team",
            city=CITY,
            language="en",
            team=team,
            starts_on=today - datetime.timedelta(days=5),
            ends_on=today + datetime.timedelta(days=40),
        )
        team_sessions = _sessions(trainer, team_run, now - datetime.timedelta(days=5), 4)
        members = [
            users[e]
            for e in (
                "coordinator@example.org",
                "casemanager@example.org",
                "police@example.org",
                "socialworker@example.org",
                "probation@example.org",
            )
        ]
        team_enrolments = services.enrol(
            actor=trainer, run=team_run, learner_ids=[u.pk for u in members]
        )
        for n, enrolment in enumerate(team_enrolments):
            for stage, key, session in (
                ("session", services.FEEDBACK, team_sessions[0]),
                ("before", services.SELF_ASSESSMENT, None),
            ):
                services.survey_answer(
                    actor=enrolment.learner,
                    enrolment=enrolment,
                    stage=stage,
                    answers=_answers(key, _varied(n)),
                    session=session,
                )
        _set_back(team_run, 10)
        team_sessions = list(Session.objects.filter(run=team_run).order_by("starts_at"))
        held = [s for s in team_sessions if s.starts_at <= timezone.now()]
        _attend(
            trainer,
            held,
            team_enrolments,
            absent={("police@example.org", held[-1].pk)} if held else set(),
        )

    # the current certification run, open for requests, with work waiting for review
    with transaction.atomic():
        current = services.run_create(
            actor=trainer,
            course="nonsec-cert",
            title="Certification course, autumn 2026",
            city=CITY,
            language="en",
            starts_on=today - datetime.timedelta(days=21),
            ends_on=today + datetime.timedelta(days=21),
            open_for_requests=True,
            trainer_ids=[co_trainer.pk],
        )
        current_sessions = _sessions(trainer, current, now - datetime.timedelta(days=21), 6)
        learners = [users["employment@example.org"], users["housing@example.org"], external]
        current_enrolments = services.enrol(
            actor=trainer, run=current, learner_ids=[u.pk for u in learners]
        )
        held = [s for s in current_sessions if s.starts_at <= timezone.now()]
        _attend(trainer, held, current_enrolments)
        for enrolment in current_enrolments[:2]:
            services.check_take(
                actor=enrolment.learner,
                enrolment=enrolment,
                instrument="kc-nonsec-cert",
                answers=_answers("kc-nonsec-cert", _best),
            )
            services.submission_save(
                actor=enrolment.learner,
                enrolment=enrolment,
                assignment="practice-analysis",
                vignette="pupil-online",
                answers=SANDBOX_ANSWERS,
                submit=True,
            )
        _fresh(external, users["youth@example.org"])
        services.submission_save(
            actor=external,
            enrolment=current_enrolments[2],
            assignment="practice-analysis",
            vignette="returnee-mother",
            answers={"client_involved": "without_client"},
        )
        services.join_request(
            actor=users["youth@example.org"],
            run=current,
            note="I would like to renew my certificate early.",
        )
    assert Submission.objects.filter(status="submitted").count() >= 2
