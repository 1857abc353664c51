"""A world for the runs pages, built through the services.

Team T (Kiel MSC) has a coordinator and a member; trainer A (the platform role) teaches run R
of the MSC team course for T, with trainer B; learner L is enrolled in R. R has a session held
yesterday and one in three days. An outsider and an administrator exist and take no part.
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
from icommit.instruments.models import InstrumentVersion
from icommit.teams.models import Team
from icommit.training import services
from icommit.training.models import Enrolment, Run, Session
from tests.factories import OrganisationFactory, TeamFactory, UserFactory, grant, team_member

MSC = "msc-team"
CHECK = "kc-msc-team"


@dataclass
class RunsWorld:
    team: Team
    coordinator: User
    member: User
    trainer: User
    cotrainer: User
    learner: User
    outsider: User
    admin: User
    run: Run
    enrolment: Enrolment
    held: Session
    coming: Session

    def learners(self, n: int) -> list[Enrolment]:
        """Enrol ``n`` more learners in R."""
        people = [UserFactory() for _ in range(n)]
        with transaction.atomic():
            return services.enrol(
                actor=self.trainer, run=self.run, learner_ids=[p.pk for p in people]
            )

    def session(self, *, days: int, module: int = 0) -> Session:
        """Another session of R, ``days`` from now (negative: held already)."""
        with transaction.atomic():
            return services.session_save(
                actor=self.trainer,
                run=self.run,
                starts_at=timezone.now() + datetime.timedelta(days=days),
                minutes=120,
                module=self.run.modules[module],
                place="Room 2",
            )


def check_answers(key: str, right: int) -> dict[str, Any]:
    """Answers to a knowledge check with ``right`` questions answered with the best answer."""
    version = InstrumentVersion.objects.filter(instrument__key=key).order_by("-number").first()
    assert version is not None, key
    answers: dict[str, Any] = {}
    for n, item in enumerate(i for i in version.parsed.items() if i.scored):
        best = max(item.choices, key=lambda c: c.score or 0)
        worse = min(item.choices, key=lambda c: c.score or 0)
        answers[item.key] = (best if n < right else worse).value
    return answers


def build() -> RunsWorld:
    team = TeamFactory(name="Kiel MSC")
    youth = OrganisationFactory(name="Youth office", sector="youth_welfare")
    coordinator = UserFactory(full_name="Cleo Coordinator", email="cleo@example.org")
    team_member(team, coordinator, youth, TeamRole.COORDINATOR)
    member = UserFactory(full_name="Mara Member", email="mara@example.org")
    team_member(team, member, youth, TeamRole.MEMBER)
    trainer = grant(
        UserFactory(full_name="Tara Trainer", email="tara@example.org"), PlatformRole.TRAINER
    )
    cotrainer = grant(UserFactory(full_name="Theo Trainer"), PlatformRole.TRAINER)
    learner = UserFactory(full_name="Lena Lorenz", email="lena@example.org")
    outsider = UserFactory(full_name="Otto Outsider", email="otto@example.org")
    admin = grant(UserFactory(full_name="Ada Admin"), PlatformRole.ADMINISTRATOR)
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        run = services.run_create(
            actor=trainer,
            course=MSC,
            title="MSC team course Kiel",
            city="Kiel",
            language="en",
            starts_on=today - datetime.timedelta(days=7),
            ends_on=today + datetime.timedelta(days=60),
            team=team,
            trainer_ids=[cotrainer.pk],
        )
        (enrolment,) = services.enrol(actor=trainer, run=run, learner_ids=[learner.pk])
        held = services.session_save(
            actor=trainer,
            run=run,
            starts_at=now - datetime.timedelta(days=1),
            minutes=150,
            module=run.modules[0],
            place="Town hall, room 1",
        )
        coming = services.session_save(
            actor=trainer,
            run=run,
            starts_at=now + datetime.timedelta(days=3),
            minutes=120,
            module=run.modules[1],
            online_link="https://meet.example.org/kiel",
        )
    return RunsWorld(
        team=team,
        coordinator=coordinator,
        member=member,
        trainer=trainer,
        cotrainer=cotrainer,
        learner=learner,
        outsider=outsider,
        admin=admin,
        run=run,
        enrolment=enrolment,
        held=held,
        coming=coming,
    )


@pytest.fixture
def rw(db: None) -> RunsWorld:
    return build()
