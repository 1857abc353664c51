"""A world for the certificate tests: a run of the certification course taught by a trainer,
with learners signed off and their certificates issued through the real service (signed Open
Badges 3.0 credentials), and an outsider who has nothing to do with the run."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.utils import timezone

from icommit.access.roles import PlatformRole
from icommit.accounts.models import User
from icommit.training import content, services
from icommit.training.models import Certificate, Enrolment, EnrolmentStatus, Run, RunTrainer
from tests.factories import UserFactory, grant

COURSE = "nonsec-cert"


@dataclass
class CertWorld:
    trainer: User
    co_trainer: User
    other_trainer: User
    outsider: User
    admin: User
    run: Run
    learners: list[User] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)

    def issue(
        self,
        name: str,
        *,
        family: str = "",
        today: datetime.date | None = None,
        run: Run | None = None,
    ) -> Certificate:
        """Enrol a new learner called ``name``, sign them off and issue their certificate."""
        target = run or self.run
        learner = UserFactory(full_name=name)
        enrolment = Enrolment.objects.create(
            run=target, learner=learner, status=EnrolmentStatus.ENROLLED
        )
        course = content.course(target.course, target.course_version)
        assert course is not None
        with transaction.atomic():
            enrolment.signed_off_at, enrolment.signed_off_by = timezone.now(), self.trainer
            enrolment.save()
            certificate = services.certificate_issue(
                actor=self.trainer,
                enrolment=enrolment,
                course=course,
                family_name=family or services.family_name_guess(name),
                today=today,
            )
        self.learners.append(learner)
        self.certificates.append(certificate)
        return certificate


def make_run(trainer: User, *, title: str = "Certification 2026", refresher: bool = False) -> Run:
    course = content.course(COURSE)
    assert course is not None
    today = timezone.localdate()
    run = Run.objects.create(
        course=COURSE,
        course_version=course.version,
        title=title,
        city="Kiel",
        language="en",
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today - datetime.timedelta(days=10),
        modules=[m.id for m in course.modules],
        refresher=refresher,
        created_by=trainer,
    )
    RunTrainer.objects.create(run=run, user=trainer)
    return run


@pytest.fixture
def cert_world(db: None) -> CertWorld:
    trainer = grant(UserFactory(full_name="Tara Trainer"), PlatformRole.TRAINER)
    co_trainer = grant(UserFactory(full_name="Cem Cotrainer"), PlatformRole.TRAINER)
    other_trainer = grant(UserFactory(full_name="Olaf Othertrainer"), PlatformRole.TRAINER)
    admin = grant(UserFactory(full_name="Ada Admin"), PlatformRole.ADMINISTRATOR)
    run = make_run(trainer)
    RunTrainer.objects.create(run=run, user=co_trainer)
    w = CertWorld(trainer, co_trainer, other_trainer, UserFactory(), admin, run)
    w.issue("Amira Yılmaz-Schulz")
    return w
