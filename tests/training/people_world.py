"""A world for the people tests: a trainer, an administrator, an outsider; team T (Kiel MSC) with
a coordinator (housing) and members for youth welfare, social services and police; helpers to
register an external learner through the service and to issue a certification-course
certificate to a member through the real services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from icommit.access.roles import PlatformRole, TeamRole
from icommit.accounts.models import User
from icommit.core.models import OutboxMessage
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team
from icommit.training import content, services, services_people
from icommit.training.models import (
    Certificate,
    Enrolment,
    EnrolmentStatus,
    LearnerAccount,
    Run,
    RunTrainer,
)
from tests.factories import OrganisationFactory, TeamFactory, UserFactory, grant, team_member

STRONG = "a long phrase nobody guesses 42"
CERT = "nonsec-cert"


def registration(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "full_name": "Lea Learner",
        "email": "lea@example.org",
        "organisation": "Counselling practice Weber",
        "sector": "civil_society",
        "note": "I would like to join the certification course.",
        "consent": True,
        "language": "en",
    }
    data.update(overrides)
    return data


def register(**overrides: Any) -> LearnerAccount:
    with transaction.atomic():
        account = services_people.learner_register(**registration(**overrides))
    assert account is not None
    return account


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]


def mails_to(address: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(to=address).order_by("created_at"))


@dataclass
class PeopleWorld:
    trainer: User
    admin: User
    outsider: User
    team: Team
    youth: Organisation
    social: Organisation
    police: Organisation
    housing: Organisation
    coordinator: User
    youth_worker: User
    social_worker: User
    officer: User
    run: Run

    def approved(self, **overrides: Any) -> User:
        """An external learner who registered, was approved and activated the account (choosing
        the password ``STRONG``)."""
        account = register(**overrides)
        with transaction.atomic():
            services_people.learner_approve(actor=self.trainer, account=account)
        link = services_people.activation_link(account.user)
        with transaction.atomic():
            services_people.learner_activate(
                token=token_of(link), password=STRONG, password_again=STRONG
            )
        account.user.refresh_from_db()
        return account.user

    def member(self, organisation: Organisation, name: str = "") -> User:
        user = UserFactory(full_name=name) if name else UserFactory()
        team_member(self.team, user, organisation, TeamRole.MEMBER)
        return user

    def certify(self, user: User, *, today: datetime.date | None = None) -> Certificate:
        """Sign ``user`` off in the certification run and issue the certificate (``today``:
        back-filled, e.g. three years ago for one that has expired)."""
        enrolment = Enrolment.objects.create(
            run=self.run, learner=user, status=EnrolmentStatus.ENROLLED
        )
        course = content.course(CERT, self.run.course_version)
        assert course is not None
        with transaction.atomic():
            enrolment.signed_off_at, enrolment.signed_off_by = timezone.now(), self.trainer
            enrolment.save()
            return services.certificate_issue(
                actor=self.trainer,
                enrolment=enrolment,
                course=course,
                family_name=services.family_name_guess(user.full_name),
                today=today,
            )


def build() -> PeopleWorld:
    trainer = grant(UserFactory(full_name="Tara Trainer"), PlatformRole.TRAINER)
    admin = grant(UserFactory(full_name="Ada Admin"), PlatformRole.ADMINISTRATOR)
    outsider = UserFactory(full_name="Otto Outsider")
    team = TeamFactory(name="Kiel MSC")
    youth = OrganisationFactory(name="Youth office Kiel", sector="youth_welfare")
    social = OrganisationFactory(name="Social services Kiel", sector="social_services")
    police = OrganisationFactory(name="Police Kiel", sector="police")
    housing = OrganisationFactory(name="Housing Kiel", sector="housing")
    coordinator = UserFactory(full_name="Cleo Coordinator")
    team_member(team, coordinator, housing, TeamRole.COORDINATOR)
    youth_worker, social_worker, officer = UserFactory(), UserFactory(), UserFactory()
    youth_worker.full_name, social_worker.full_name = "Yara Youth", "Sami Social"
    officer.full_name = "Olaf Officer"
    for user in (youth_worker, social_worker, officer):
        user.save(update_fields=["full_name"])
    team_member(team, youth_worker, youth)
    team_member(team, social_worker, social)
    team_member(team, officer, police)
    course = content.course(CERT)
    assert course is not None
    today = timezone.localdate()
    run = Run.objects.create(
        course=CERT,
        course_version=course.version,
        title="Certification 2026",
        city="Kiel",
        language="en",
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today - datetime.timedelta(days=10),
        modules=[m.id for m in course.modules],
        created_by=trainer,
    )
    RunTrainer.objects.create(run=run, user=trainer)
    return PeopleWorld(
        trainer=trainer,
        admin=admin,
        outsider=outsider,
        team=team,
        youth=youth,
        social=social,
        police=police,
        housing=housing,
        coordinator=coordinator,
        youth_worker=youth_worker,
        social_worker=social_worker,
        officer=officer,
        run=run,
    )


@pytest.fixture
def pw(db: None) -> PeopleWorld:
    return build()
