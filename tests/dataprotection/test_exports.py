"""Data-subject exports: the lead organisation records the request; each organisation that holds
items answers for its own part; the assembled file (a background job) holds the lead's own items
and only those released parts that were shared with it, names organisations and never staff."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
from pathlib import Path

import pytest
from django.db import transaction
from django.test import TestCase

from icommit.access.facts import facts_for
from icommit.core.exceptions import Conflict, Forbidden, NotFound, ValidationFailed
from icommit.core.jobs import job_run, job_start, result_path
from icommit.core.models import AuditEvent, Job
from icommit.dataprotection import services
from icommit.dataprotection.models import AnswerState, ExportAnswer, ExportRequest
from tests.cases.conftest import CaseWorld
from tests.dataprotection.conftest import NAME, NOTE_TEXT, YOUTH_TEXT, Closed, client_world


@pytest.fixture
def open_case(cw: CaseWorld) -> Closed:
    return client_world(cw)


def request_for(cw: CaseWorld, world: Closed) -> ExportRequest:
    with transaction.atomic():
        return services.export_request_create(
            actor=cw.manager, case=world.case, asked_on=datetime.date.today()
        )


def answer(cw: CaseWorld, request: ExportRequest, who, org, *, release: bool = True, **kw):
    with transaction.atomic():
        return services.export_answer(
            actor=who, request=request, organisation=org, release=release, **kw
        )


def assemble(owner, request: ExportRequest, organisation_id: int, fmt: str) -> bytes:
    with transaction.atomic():
        job = job_start(
            owner=owner,
            kind=services.EXPORT_JOB,
            params={"request": str(request.pk), "organisation": organisation_id, "format": fmt},
        )
    job_run(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    return result_path(job).read_bytes()


def staff_words(cw: CaseWorld) -> list[str]:
    people = [cw.manager, cw.counsellor, cw.youth_worker, cw.officer, cw.teacher, cw.dpo]
    words = []
    for person in people:
        words += [person.email, str(person)]
        words += [w for w in (getattr(person, "full_name", ""),) if w]
    return words


def test_the_lead_records_the_request_and_each_holder_is_asked(
    cw: CaseWorld, open_case: Closed
) -> None:
    request = request_for(cw, open_case)
    asked = {a.organisation.name: a.state for a in request.answers.select_related("organisation")}
    # exit (notes, identity, consents, the case record), youth (its note), school (the referral)
    assert asked == {
        "Exit counselling": AnswerState.WAITING,
        "Youth office": AnswerState.WAITING,
        "School": AnswerState.WAITING,
    }
    event = AuditEvent.objects.get(action="dataprotection.export.requested")
    assert event.detail.data["case"] == open_case.case.number


def test_only_the_lead_organisation_records_a_request(cw: CaseWorld, open_case: Closed) -> None:
    with pytest.raises((Forbidden, NotFound)), transaction.atomic():
        services.export_request_create(
            actor=cw.youth_worker, case=open_case.case, asked_on=datetime.date.today()
        )
    with pytest.raises(ValidationFailed) as ahead, transaction.atomic():
        services.export_request_create(
            actor=cw.manager,
            case=open_case.case,
            asked_on=datetime.date.today() + datetime.timedelta(days=1),
        )
    assert "asked_on" in (ahead.value.details or {})
    assert not ExportRequest.objects.exists()


def test_an_organisation_answers_for_its_own_part_only_and_once(
    cw: CaseWorld, open_case: Closed
) -> None:
    request = request_for(cw, open_case)
    with pytest.raises(ValidationFailed), transaction.atomic():
        services.export_answer(
            actor=cw.youth_worker, request=request, organisation=cw.exit, release=True
        )
    with pytest.raises((Forbidden, NotFound)), transaction.atomic():
        services.export_answer(
            actor=cw.officer, request=request, organisation=cw.police, release=True
        )
    with pytest.raises(ValidationFailed) as no_ground, transaction.atomic():
        services.export_answer(
            actor=cw.youth_worker, request=request, organisation=cw.youth, release=False
        )
    assert "ground" in (no_ground.value.details or {})
    answer(
        cw,
        request,
        cw.youth_worker,
        cw.youth,
        release=False,
        ground="third_party_rights",
        note="The note describes the mother; Art. 15(4) GDPR.",
    )
    stored = ExportAnswer.objects.get(request=request, organisation=cw.youth)
    assert stored.state == AnswerState.RESTRICTED and stored.ground == "third_party_rights"
    with pytest.raises(Conflict), transaction.atomic():
        services.export_answer(
            actor=cw.youth_worker, request=request, organisation=cw.youth, release=True
        )


def test_the_lead_opens_its_own_items_and_released_parts_shared_with_it_only(
    cw: CaseWorld, open_case: Closed
) -> None:
    request = request_for(cw, open_case)
    lead = cw.exit.pk
    kinds = lambda org: sorted(p.kind for p in services.parts_for(request, org))  # noqa: E731
    # before anyone releases: the lead's own items only (no referral of the school, no youth note)
    assert kinds(lead) == ["cases.case", "cases.consent", "cases.identity", "cases.note"]
    answer(cw, request, cw.youth_worker, cw.youth)  # released, but never shared with the lead
    answer(cw, request, cw.teacher, cw.school)  # released, and read by the lead (the referral)
    assert kinds(lead) == [
        "cases.case",
        "cases.consent",
        "cases.identity",
        "cases.note",
        "cases.referral",
    ]
    # the youth office opens its own part only
    assert kinds(cw.youth.pk) == ["cases.note"]
    document = json.loads(assemble(cw.manager, request, lead, "json"))
    text = json.dumps(document, ensure_ascii=False)
    assert NAME in text and NOTE_TEXT in text
    assert YOUTH_TEXT not in text  # released, but the lead may not open it
    # accesses name organisations and days
    note = next(
        i for o in document["organisations"] for i in o["items"] if i["kind"] == "cases.note"
    )
    assert {k: note["accesses"][0][k] for k in ("organisation", "what")} == {
        "organisation": "Youth office",
        "what": "shared",
    }
    assert any(
        a["what"] == "opened" and a["organisation"] == "Youth office" for a in note["accesses"]
    )


def test_the_export_names_no_member_of_staff_in_json_or_pdf(
    cw: CaseWorld, open_case: Closed, tmp_path: Path
) -> None:
    request = request_for(cw, open_case)
    answer(cw, request, cw.teacher, cw.school)
    words = staff_words(cw)
    data = assemble(cw.manager, request, cw.exit.pk, "json").decode()
    pdf = assemble(cw.manager, request, cw.exit.pk, "pdf")
    assert pdf.startswith(b"%PDF")
    (tmp_path / "export.pdf").write_bytes(pdf)
    if os.environ.get("DP_KEEP_PDF"):  # to look at it: pdftoppm -png
        Path(os.environ["DP_KEEP_PDF"]).write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "export.pdf"), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert NAME in text and "Exit counselling" in text
    for word in words:
        assert word not in data, word
        assert word not in text, word
    assert AuditEvent.objects.filter(action="dataprotection.export.opened").count() == 2


def test_an_organisation_cannot_assemble_for_another_organisation(
    cw: CaseWorld, open_case: Closed
) -> None:
    request = request_for(cw, open_case)
    with transaction.atomic():
        job = job_start(
            owner=cw.youth_worker,
            kind=services.EXPORT_JOB,
            params={"request": str(request.pk), "organisation": cw.exit.pk, "format": "json"},
        )
    job_run(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and not job.result_path
    assert cw.exit.pk not in facts_for(cw.youth_worker).org_ids


def test_erasure_deletes_the_requests_and_their_files(cw: CaseWorld, open_case: Closed) -> None:
    request = request_for(cw, open_case)
    assemble(cw.manager, request, cw.exit.pk, "json")
    path = result_path(Job.objects.get(kind=services.EXPORT_JOB))
    assert path.exists()
    with transaction.atomic():
        services.client_erase(
            actor=cw.dpo,
            client=open_case.case.client,
            reason="request",
            confirm=open_case.case.number,
            case=open_case.case,
        )
    assert (
        not ExportRequest.objects.exists()
        and not Job.objects.filter(kind=services.EXPORT_JOB).exists()
    )


# --- prepared files: kept 30 days, and fetched only while the owner may still have them (S8) ----


def _prepare(cw: CaseWorld, world: Closed, request: ExportRequest) -> Job:
    from django.urls import reverse

    from tests.conftest import verified_client
    from tests.jobs import start

    url = reverse("dataprotection:export_file", args=[cw.team.pk, world.case.pk, request.pk])
    return start(verified_client(cw.manager), url, {"organisation": cw.exit.pk, "format": "json"})


def _fetch(user, job: Job) -> int:
    from django.urls import reverse

    from icommit.core.jobs import download_token
    from tests.conftest import verified_client

    url = reverse("web:job_download", args=[job.pk]) + f"?t={download_token(job)}"
    return verified_client(user).get(url).status_code


def test_a_prepared_file_is_deleted_30_days_after_it_was_made(
    cw: CaseWorld, open_case: Closed
) -> None:
    from django.utils import timezone

    request = request_for(cw, open_case)
    old, young = _prepare(cw, open_case, request), _prepare(cw, open_case, request)
    with transaction.atomic():
        record = job_start(owner=cw.dpo, kind=services.RECORD_JOB, params={"format": "json"})
    job_run(str(record.pk))
    now = timezone.now()
    Job.objects.filter(pk__in=[old.pk, record.pk]).update(
        created_at=now - datetime.timedelta(days=30, minutes=1)
    )
    Job.objects.filter(pk=young.pk).update(created_at=now - datetime.timedelta(days=29))
    old_file, young_file = result_path(old), result_path(young)
    record_file = result_path(Job.objects.get(pk=record.pk))
    assert old_file.exists() and young_file.exists() and record_file.exists()
    dry = services.retention_run(actor=None, dry_run=True, trigger="command")
    assert old_file.exists() and "job_files_expired" not in dry.counts  # a dry run keeps them
    with TestCase.captureOnCommitCallbacks(execute=True):
        run = services.retention_run(actor=None, dry_run=False, trigger="schedule")
    assert run.counts["job_files_expired"] == 2
    assert not Job.objects.filter(pk__in=[old.pk, record.pk]).exists()
    assert not old_file.exists() and not record_file.exists()
    assert Job.objects.filter(pk=young.pk).exists() and young_file.exists()
    event = AuditEvent.objects.filter(action="dataprotection.retention.ran").order_by("seq").last()
    assert event is not None and event.detail.data["counts"]["job_files_expired"] == 2


def test_the_download_checks_the_owners_access_again(cw: CaseWorld, open_case: Closed) -> None:
    from django.utils import timezone

    from icommit.cases.models import Client
    from icommit.stakeholders.models import OrganisationMembership

    request = request_for(cw, open_case)
    job = _prepare(cw, open_case, request)
    assert job.status == Job.Status.DONE and _fetch(cw.manager, job) == 200
    # the client's processing is restricted after the file was made: no download
    client = open_case.case.client
    Client.objects.filter(pk=client.pk).update(restricted_at=timezone.now())
    assert _fetch(cw.manager, job) == 404
    Client.objects.filter(pk=client.pk).update(restricted_at=None)
    assert _fetch(cw.manager, job) == 200
    # the owner left the lead organisation: no download either
    OrganisationMembership.objects.filter(user=cw.manager, organisation=cw.exit).delete()
    assert _fetch(cw.manager, job) == 404


def test_the_record_file_is_fetched_only_while_its_owner_is_the_dpo(cw: CaseWorld) -> None:
    from icommit.accounts.models import PlatformRoleGrant

    with transaction.atomic():
        job = job_start(owner=cw.dpo, kind=services.RECORD_JOB, params={"format": "json"})
    job_run(str(job.pk))
    job.refresh_from_db()
    assert _fetch(cw.dpo, job) == 200
    PlatformRoleGrant.objects.filter(user=cw.dpo).delete()
    assert _fetch(cw.dpo, job) == 404


def test_an_export_of_a_restricted_client_is_not_prepared(cw: CaseWorld, open_case: Closed) -> None:
    from django.utils import timezone

    from icommit.cases.models import Client

    request = request_for(cw, open_case)
    Client.objects.filter(pk=open_case.case.client_id).update(restricted_at=timezone.now())
    job = _prepare(cw, open_case, request)
    assert job.status == Job.Status.FAILED and "restricted" in job.message
    assert not job.result_path
