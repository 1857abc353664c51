"""A world for the learner's work and the trainers' reviews, built through the services.

Run R of the certification course (nonsec-cert) is taught by trainer T1 and the second rater
T2; learner L is enrolled, another learner M too; one session was held yesterday, another is
next week. Run S of the MSC team course (its own trainer) has learner L as well. A coordinator
of the team of R reads its feedback totals.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from icommit.access.roles import PlatformRole, TeamRole
from icommit.accounts.models import User
from icommit.instruments.engine import Definition
from icommit.instruments.models import InstrumentVersion
from icommit.teams.models import Team
from icommit.training import services
from icommit.training.models import Enrolment, Run, Session
from tests.factories import OrganisationFactory, TeamFactory, UserFactory, grant, team_member

PRACTICE = "practice-analysis"
CONSENT = "consent-conversation"
CHECK = "kc-nonsec-cert"


@dataclass
class WorkWorld:
    team: Team
    coordinator: User
    trainer: User
    second: User
    learner: User
    other: User
    run: Run
    enrolment: Enrolment
    other_enrolment: Enrolment
    held: Session
    coming: Session
    msc_run: Run
    msc_enrolment: Enrolment

    def close_surveys(self) -> None:
        """Move the held session and the run's first day back, so that feedback on the session
        and the self-assessment before are no longer taken (and their totals may show)."""
        Session.objects.filter(pk=self.held.pk).update(
            starts_at=timezone.now() - datetime.timedelta(days=15)
        )
        Run.objects.filter(pk=self.run.pk).update(
            starts_on=timezone.localdate() - datetime.timedelta(days=20)
        )

    def reopen_surveys(self) -> None:
        """Undo ``close_surveys``: the session was held yesterday, the run began a week ago."""
        Session.objects.filter(pk=self.held.pk).update(
            starts_at=timezone.now() - datetime.timedelta(days=1)
        )
        Run.objects.filter(pk=self.run.pk).update(
            starts_on=timezone.localdate() - datetime.timedelta(days=7)
        )

    def update_run(self, actor: User | None = None, **changes: Any) -> None:
        """Change run R through the service as ``actor`` (T1), keeping what is not given."""
        run = self.run
        run.refresh_from_db()
        fields: dict[str, Any] = {
            "title": run.title,
            "city": run.city,
            "language": run.language,
            "starts_on": run.starts_on,
            "ends_on": run.ends_on,
            "modules": run.modules,
            "trainer_ids": [self.second.pk],
            **changes,
        }
        with transaction.atomic():
            services.run_update(actor=actor or self.trainer, run=run, **fields)

    def answer(self, stage: str = "session", enrolment: Enrolment | None = None) -> None:
        """The learner of ``enrolment`` (L's by default) gives feedback on the held session, or
        the self-assessment ``stage`` ("before", "after")."""
        e = enrolment or self.enrolment
        key = services.FEEDBACK if stage == "session" else services.SELF_ASSESSMENT
        with transaction.atomic():
            services.survey_answer(
                actor=e.learner,
                enrolment=e,
                stage=stage,
                answers=survey_answers(version(key).parsed),
                session=self.held if stage == "session" else None,
            )

    def learners(self, n: int) -> list[Enrolment]:
        """Enrol ``n`` more learners in R."""
        people = [UserFactory() for _ in range(n)]
        with transaction.atomic():
            return services.enrol(
                actor=self.trainer, run=self.run, learner_ids=[p.pk for p in people]
            )


def version(key: str) -> InstrumentVersion:
    return InstrumentVersion.objects.filter(instrument__key=key).order_by("-number").first()  # type: ignore[return-value]  # shipped


def check_answers(definition: Definition, right: int) -> dict[str, Any]:
    """Answers to a knowledge check with ``right`` questions answered with the best answer."""
    answers: dict[str, Any] = {}
    for n, item in enumerate(i for i in definition.items() if i.scored):
        best = max(item.choices, key=lambda c: c.score or 0)
        worse = min(item.choices, key=lambda c: c.score or 0)
        answers[item.key] = (best if n < right else worse).value
    return answers


def analysis_answers(**more: Any) -> dict[str, Any]:
    """A complete practice analysis (the required items and a rated domain)."""
    return {
        "client_view": "He says he wants to finish school.",
        "client_involved": "with_client",
        "family": {"concern": 2, "resource": 1, "rationale": "Mother's letter, reliable."},
        "education": {"concern": 2, "resource": 2, "rationale": "School referral, reliable."},
        "online": {"concern": 3, "resource": "unknown", "rationale": "Police note; ask him."},
        "hypotheses": [
            {
                "hypothesis": "The group gives him belonging he misses at school.",
                "competing": "He repeats what he sees without taking it on.",
                "check": "Ask what he would miss without the group.",
            }
        ],
        "gender_considered": "considered",
        "gender_notes": "Ideas of manhood as protector matter to him.",
        **more,
    }


def rubric_answers(definition: Definition, levels: dict[str, int] | int) -> dict[str, Any]:
    """A rating with every criterion at one level, or at the levels given per item key."""
    out: dict[str, Any] = {}
    for item in definition.items():
        if item.type == "choice" and item.domain:
            out[item.key] = levels if isinstance(levels, int) else levels.get(item.key, 3)
    return out


def survey_answers(definition: Definition, value: int = 4) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in definition.items():
        if item.type == "likert":
            out[item.key] = value
        elif item.type == "choice":
            out[item.key] = item.choices[0].value if item.choices else None
            scale = definition.scale_of(item)
            if scale is not None:
                out[item.key] = scale.choices[0].value
    return out


def build() -> WorkWorld:
    team = TeamFactory(name="Work MSC")
    org = OrganisationFactory(name="Youth office", sector="youth_welfare")
    coordinator = UserFactory(full_name="Cleo Coordinator")
    team_member(team, coordinator, org, TeamRole.COORDINATOR)
    trainer = grant(UserFactory(full_name="Tara Trainer"), PlatformRole.TRAINER)
    second = grant(UserFactory(full_name="Theo Second"), PlatformRole.TRAINER)
    learner = UserFactory(full_name="Lena Learner")
    other = UserFactory(full_name="Milo Other")
    msc_trainer = grant(UserFactory(), PlatformRole.TRAINER)
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        run = services.run_create(
            actor=trainer,
            course="nonsec-cert",
            title="Certification Kiel",
            city="Kiel",
            language="en",
            starts_on=today - datetime.timedelta(days=7),
            ends_on=today + datetime.timedelta(days=30),
            team=None,
            trainer_ids=[second.pk],
        )
        run.team = team  # the coordinator's team (run_create checks the creator sees it)
        run.save(update_fields=["team"])
        enrolment, other_enrolment = services.enrol(
            actor=trainer, run=run, learner_ids=[learner.pk, other.pk]
        )
        if enrolment.learner_id != learner.pk:
            enrolment, other_enrolment = other_enrolment, enrolment
        held = services.session_save(
            actor=trainer,
            run=run,
            starts_at=now - datetime.timedelta(days=1),
            minutes=90,
            module=run.modules[0],
            place="Room 1",
        )
        coming = services.session_save(
            actor=trainer,
            run=run,
            starts_at=now + datetime.timedelta(days=7),
            minutes=90,
            module=run.modules[1],
            place="Room 1",
        )
        msc_run = services.run_create(
            actor=msc_trainer,
            course="msc-team",
            title="MSC team course",
            city="Kiel",
            language="en",
            starts_on=today,
            ends_on=today + datetime.timedelta(days=30),
        )
        (msc_enrolment,) = services.enrol(actor=msc_trainer, run=msc_run, learner_ids=[learner.pk])
    return WorkWorld(
        team,
        coordinator,
        trainer,
        second,
        learner,
        other,
        run,
        enrolment,
        other_enrolment,
        held,
        coming,
        msc_run,
        msc_enrolment,
    )


@pytest.fixture
def ww(db: None) -> WorkWorld:
    return build()
