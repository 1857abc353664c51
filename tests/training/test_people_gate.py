# ruff: noqa: F811  (the fixtures imported from the analysis and cases worlds are parameters)
"""The certification gate against a real case (the analysis world: exit counselling leads, the
youth office, police and housing take part). The team's gate names youth welfare: the youth
worker cannot record a perspective (page and API) until certified, can from the next request
after a certificate is issued, and cannot from the very next request after it is revoked; an
expired certificate does not count; police are never gated, housing (not named) is unaffected;
``can`` and ``visible`` agree throughout."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from icommit.access import Action, can, visible
from icommit.access.facts import facts_for
from icommit.access.roles import PlatformRole
from icommit.accounts.models import User
from icommit.cases.models import Case
from icommit.core.exceptions import ValidationFailed
from icommit.training import content, services
from icommit.training.models import Certificate, Enrolment, EnrolmentStatus, Run, RunTrainer
from tests.analysis import sdx
from tests.analysis.conftest import AnalysisWorld, aw, sdx_version  # noqa: F401
from tests.cases.conftest import cw  # noqa: F401
from tests.conftest import verified_client
from tests.factories import OrganisationFactory, UserFactory, grant
from tests.training.people_world import PeopleWorld, pw  # noqa: F401

pytestmark = pytest.mark.django_db

CERT = "nonsec-cert"


def _gate(aw: AnalysisWorld, *sectors: str) -> None:
    with transaction.atomic():
        services.gate_set(actor=aw.cw.coordinator, team=aw.case.team, sectors=sectors)


def _certify(user: User, *, today: datetime.date | None = None) -> Certificate:
    """Sign ``user`` off in a run of the certification course and issue the certificate."""
    trainer = grant(UserFactory(), PlatformRole.TRAINER)
    course = content.course(CERT)
    assert course is not None
    day = today or timezone.localdate()
    run = Run.objects.create(
        course=CERT,
        course_version=course.version,
        title="Certification",
        city="Kiel",
        language="en",
        starts_on=day - datetime.timedelta(days=30),
        ends_on=day,
        modules=[m.id for m in course.modules],
        created_by=trainer,
    )
    RunTrainer.objects.create(run=run, user=trainer)
    enrolment = Enrolment.objects.create(run=run, learner=user, status=EnrolmentStatus.ENROLLED)
    with transaction.atomic():
        enrolment.signed_off_at, enrolment.signed_off_by = timezone.now(), trainer
        enrolment.save()
        return services.certificate_issue(
            actor=trainer,
            enrolment=enrolment,
            course=course,
            family_name=services.family_name_guess(user.full_name),
            today=today,
        )


def _records(user: User, case: Case) -> bool:
    """Whether the user may record a perspective on the case, as a new request finds it;
    ``visible`` must say the same."""
    user = User.objects.get(pk=user.pk)  # facts are kept on the user object of one request
    allowed = can(user, Action.ANALYSIS_RECORD, case)
    listed = visible(user, Action.ANALYSIS_RECORD, Case.objects.filter(pk=case.pk)).exists()
    assert allowed == listed
    return allowed


def _page(client: Client, aw: AnalysisWorld) -> int:
    url = reverse("analysis:perspective_new", args=[aw.case.team_id, aw.case.pk, "organisation"])
    return client.get(url).status_code


def _api(client: Client, aw: AnalysisWorld) -> int:
    url = (
        f"/api/v1/teams/{aw.case.team_id}/cases/{aw.case.pk}/analysis/{aw.analysis.pk}/perspectives"
    )
    body = {"viewpoint": "organisation", "answers": sdx.answers()}
    return client.post(url, json.dumps(body), content_type="application/json").status_code


def test_a_gated_youth_worker_cannot_record_until_certified(aw: AnalysisWorld) -> None:
    worker = aw.cw.youth_worker
    client = verified_client(worker)
    assert _records(worker, aw.case)
    _gate(aw, "youth_welfare")
    assert not _records(worker, aw.case)
    assert _page(client, aw) == 403
    assert _api(client, aw) == 403
    overview = client.get(reverse("analysis:overview", args=[aw.case.team_id, aw.case.pk]))
    assert overview.status_code == 200  # reading stays
    html = overview.content.decode()
    assert "valid certificate of the certification course before you record" in html
    assert (
        reverse("analysis:perspective_new", args=[aw.case.team_id, aw.case.pk, "client"])
        not in html
    )
    # certified: the same client may record at its next request
    certificate = _certify(worker)
    assert _page(client, aw) == 200
    assert _api(client, aw) == 201
    assert _records(worker, aw.case)
    # revoked: shut out at the very next request (no cache)
    with transaction.atomic():
        services.certificate_revoke(
            actor=certificate.issued_by, certificate=certificate, reason="Issued in error"
        )
    assert _page(client, aw) == 403
    assert not _records(worker, aw.case)


def test_an_expired_certificate_does_not_count(aw: AnalysisWorld) -> None:
    worker = aw.cw.youth_worker
    _gate(aw, "youth_welfare")
    old = _certify(worker, today=timezone.localdate() - datetime.timedelta(days=3 * 365))
    assert old.valid_until is not None and old.valid_until < timezone.localdate()
    assert not _records(worker, aw.case)
    assert _page(verified_client(worker), aw) == 403


def test_security_members_are_never_gated(aw: AnalysisWorld) -> None:
    with pytest.raises(ValidationFailed) as caught, transaction.atomic():
        services.gate_set(
            actor=aw.cw.coordinator, team=aw.case.team, sectors=["youth_welfare", "police"]
        )
    assert "Police" in caught.value.message
    _gate(aw, "youth_welfare", "housing", "exit_counselling")
    officer = aw.cw.officer
    assert _records(officer, aw.case)
    assert _page(verified_client(officer), aw) == 200


def test_members_of_sectors_the_gate_does_not_name_are_unaffected(aw: AnalysisWorld) -> None:
    _gate(aw, "youth_welfare")
    assert _records(aw.cw.housing_worker, aw.case)
    assert _records(aw.cw.counsellor, aw.case)
    assert not _records(aw.cw.youth_worker, aw.case)
    _gate(aw)  # lifted
    assert _records(aw.cw.youth_worker, aw.case)


def test_an_organisation_flagged_as_security_actor_is_never_gated(pw: PeopleWorld) -> None:
    """A municipality's public-order office is a security actor by flag, not by sector."""
    office = OrganisationFactory(name="Public order office", sector="municipality")
    office.is_security = True
    office.save(update_fields=["is_security"])
    clerk = pw.member(office, name="Cara Clerk")
    with transaction.atomic():
        services.gate_set(
            actor=pw.coordinator, team=pw.team, sectors=["municipality", "youth_welfare"]
        )
    assert pw.team.pk not in facts_for(User.objects.get(pk=clerk.pk)).gated_team_ids
    assert pw.team.pk in facts_for(User.objects.get(pk=pw.youth_worker.pk)).gated_team_ids
