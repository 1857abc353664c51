"""The privacy pages and API as the right person and the wrong one: retention periods, dry run,
erasure with a typed case number, the record of processing, export requests and answers."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.urls import reverse

from icommit.accounts.models import PlatformRoleGrant, User
from icommit.core.jobs import job_run
from icommit.core.models import AuditEvent, Job, SubjectKey
from icommit.dataprotection import services
from icommit.dataprotection.models import (
    AnswerState,
    ExportAnswer,
    ExportRequest,
    RetentionPeriod,
    RetentionRun,
)
from tests.cases.conftest import CaseWorld
from tests.conftest import verified_client
from tests.dataprotection.conftest import Closed, client_world

pytestmark = pytest.mark.django_db


def _get(user: User, name: str, *args: Any) -> Any:
    return verified_client(user).get(reverse(name, args=args))


def _post(user: User, name: str, *args: Any, data: dict[str, Any]) -> Any:
    return verified_client(user).post(reverse(name, args=args), data)


def _api(user: User, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    return verified_client(user).generic(
        method, "/api/v1/privacy" + path, json.dumps(body or {}), content_type="application/json"
    )


def _started(user: User, name: str, *args: Any, data: dict[str, Any]) -> Job:
    """POST a page that starts a job; the job is only queued (the test's transaction never
    commits, so its task does not run): nothing of the work happened inside the request."""
    before = set(Job.objects.values_list("pk", flat=True))
    response = _post(user, name, *args, data=data)
    job = Job.objects.exclude(pk__in=before).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dataprotection:job", args=[job.pk])
    assert job.status == Job.Status.QUEUED
    return job


def _run(job: Job) -> Job:
    """Run the job's task as the worker would."""
    job_run(str(job.pk))
    job.refresh_from_db()
    return job


def test_the_retention_page_warns_loudly_while_periods_are_missing_and_saves_one(
    cw: CaseWorld,
) -> None:
    page = _get(cw.dpo, "dataprotection:retention")
    text = page.content.decode()
    assert page.status_code == 200
    assert "16 categories have no period" in text and "Set every period before you go live" in text
    saved = _post(cw.dpo, "dataprotection:retention", data={"category": "health", "months": "18"})
    assert saved.status_code == 302
    assert RetentionPeriod.objects.get(category="health").months == 18
    assert (
        "15 categories have no period" in _get(cw.dpo, "dataprotection:retention").content.decode()
    )
    bad = _post(cw.dpo, "dataprotection:retention", data={"category": "health", "months": "-3"})
    assert bad.status_code == 422 and RetentionPeriod.objects.get(category="health").months == 18
    assert _get(cw.manager, "dataprotection:retention").status_code == 403


def test_the_dry_run_runs_as_a_job_whose_page_shows_its_state_and_then_the_listing(
    cw: CaseWorld, closed: Closed
) -> None:
    for code in ("situation",):
        RetentionPeriod.objects.create(category=code, months=1, set_by=cw.dpo)
    job = _started(cw.dpo, "dataprotection:retention_dry_run", data={})
    assert not RetentionRun.objects.exists()  # started, not run inside the request
    waiting = _get(cw.dpo, "dataprotection:job", job.pk).content.decode()
    assert "State: queued" in waiting and 'hx-trigger="every 1s"' in waiting
    assert _run(job).status == Job.Status.DONE
    run = RetentionRun.objects.get()
    assert run.dry_run and run.by == cw.dpo
    page = _get(cw.dpo, "dataprotection:job", job.pk).content.decode()
    assert "State: done" in page and 'hx-trigger="every 1s"' not in page
    assert closed.case.number in page and "Social situation" in page
    assert "Nothing was changed." in page
    assert closed.case.client.pseudonym not in page
    # the polled part alone, and the run's own page
    part = verified_client(cw.dpo).get(
        reverse("dataprotection:job", args=[job.pk]), headers={"HX-Request": "true"}
    )
    assert "<h1>" not in part.content.decode() and closed.case.number in part.content.decode()
    assert (
        closed.case.number in _get(cw.dpo, "dataprotection:retention_run", run.pk).content.decode()
    )
    # the page is its owner's only; the result only while they still have the right
    assert _get(cw.manager, "dataprotection:job", job.pk).status_code == 404
    PlatformRoleGrant.objects.filter(user=cw.dpo).delete()
    lost = _get(cw.dpo, "dataprotection:job", job.pk).content.decode()
    assert "no longer have access" in lost and closed.case.number not in lost


def test_erasure_finds_the_case_needs_the_number_typed_and_runs_as_a_job(
    cw: CaseWorld, closed: Closed
) -> None:
    found = _post(
        cw.dpo, "dataprotection:erasure", data={"team": cw.team.pk, "number": closed.case.number}
    )
    assert found.status_code == 302
    url = found["Location"]
    client = verified_client(cw.dpo)
    assert closed.case.number in client.get(url).content.decode()
    wrong = client.post(url, {"reason": "request", "confirm": "2000-001"})
    assert wrong.status_code == 422 and "Type the case number" in wrong.content.decode()
    assert not Job.objects.exists()  # bad input starts nothing
    key = closed.case.client.subject_key_id
    assert SubjectKey.objects.get(pk=key).destroyed_at is None
    case_pk = closed.case.pk
    job = _started(
        cw.dpo,
        "dataprotection:erase",
        case_pk,
        data={"reason": "request", "confirm": closed.case.number},
    )
    assert SubjectKey.objects.get(pk=key).destroyed_at is None  # not erased inside the request
    assert _run(job).status == Job.Status.DONE, job.message
    assert SubjectKey.objects.get(pk=key).destroyed_at is not None
    page = _get(cw.dpo, "dataprotection:job", job.pk).content.decode()
    assert "The client was erased" in page and closed.case.number in page
    assert "cases · note" in page  # the summary: what was deleted, how many
    assert client.get(url).status_code == 404  # erased: nothing left to erase
    event = AuditEvent.objects.get(action="dataprotection.client.erased")
    assert event.actor_id == cw.dpo.pk
    missing = _post(cw.dpo, "dataprotection:erasure", data={"team": cw.team.pk, "number": "1-1"})
    assert missing.status_code == 422


def test_a_second_erasure_job_of_the_same_client_fails_and_says_why(
    cw: CaseWorld, closed: Closed
) -> None:
    data = {"reason": "request", "confirm": closed.case.number}
    first = _started(cw.dpo, "dataprotection:erase", closed.case.pk, data=data)
    second = _started(cw.dpo, "dataprotection:erase", closed.case.pk, data=data)
    assert _run(first).status == Job.Status.DONE
    assert _run(second).status == Job.Status.FAILED
    page = _get(cw.dpo, "dataprotection:job", second.pk).content.decode()
    assert "State: failed" in page and "The work could not be done" in page
    assert AuditEvent.objects.filter(action="dataprotection.client.erased").count() == 1


def test_the_record_of_processing_page_and_api(cw: CaseWorld) -> None:
    RetentionPeriod.objects.create(category="health", months=24, set_by=cw.dpo)
    page = _get(cw.dpo, "dataprotection:record").content.decode()
    assert "Record of processing activities (Art. 30 GDPR)" in page
    assert "Youth office" in page and "§ 69 SGB X" in page  # a recipient, a protocol source
    record = _api(cw.dpo, "GET", "/record").json()
    health = next(c for c in record["categories"] if c["code"] == "health")
    assert health == {
        "code": "health",
        "label": "Health",
        "special": "art9",
        "retention_months": 24,
    }
    assert (
        "health" not in record["retention"]["not_set"]
        and "identity" in record["retention"]["not_set"]
    )
    assert any(r["organisations"] == ["Police"] for r in record["recipients"])
    assert _api(cw.manager, "GET", "/record").status_code == 403
    started = _post(cw.dpo, "dataprotection:record_file", data={"format": "json"})
    assert started.status_code == 302 and Job.objects.filter(kind="dataprotection.record").exists()


def test_an_export_from_request_to_answer_in_the_pages(cw: CaseWorld) -> None:
    world = client_world(cw)
    case = world.case
    listed = _get(cw.manager, "dataprotection:exports").content.decode()
    assert reverse("dataprotection:export_new", args=[cw.team.pk, case.pk]) in listed
    youth_page = _get(cw.youth_worker, "dataprotection:exports").content.decode()
    assert reverse("dataprotection:export_new", args=[cw.team.pk, case.pk]) not in youth_page
    bad = _post(
        cw.manager,
        "dataprotection:export_new",
        cw.team.pk,
        case.pk,
        data={"asked_on": (datetime.date.today() + datetime.timedelta(days=2)).isoformat()},
    )
    assert bad.status_code == 422 and "cannot lie ahead" in bad.content.decode()
    assert not Job.objects.exists()  # bad input starts nothing
    job = _started(
        cw.manager,
        "dataprotection:export_new",
        cw.team.pk,
        case.pk,
        data={"asked_on": datetime.date.today().isoformat()},
    )
    assert not ExportRequest.objects.exists()  # recorded by the job, not inside the request
    assert _run(job).status == Job.Status.DONE, job.message
    request = ExportRequest.objects.get()
    args = (cw.team.pk, case.pk, request.pk)
    done = _get(cw.manager, "dataprotection:job", job.pk).content.decode()
    assert "Request recorded" in done and reverse("dataprotection:export", args=args) in done
    page = _get(cw.youth_worker, "dataprotection:export", *args).content.decode()
    assert "Answer for Youth office" in page
    answered = _post(
        cw.youth_worker,
        "dataprotection:export_answer",
        *args,
        data={"organisation": cw.youth.pk, "answer": "release"},
    )
    assert answered.status_code == 302
    assert (
        ExportAnswer.objects.get(request=request, organisation=cw.youth).state
        == AnswerState.RELEASED
    )
    # the police holds no part and does not take part in the lead's request page
    assert _get(cw.officer, "dataprotection:export", *args).status_code == 403
    assert (
        _get(cw.youth_worker, "dataprotection:export_new", cw.team.pk, case.pk).status_code == 403
    )
    listed = _get(cw.youth_worker, "dataprotection:exports").content.decode()
    assert case.number in listed
    assert case.number not in _get(cw.housing_worker, "dataprotection:exports").content.decode()


def test_the_export_api(cw: CaseWorld) -> None:
    world = client_world(cw)
    base = f"/teams/{cw.team.pk}/cases/{world.case.pk}/exports"
    ahead = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    refused_day = _api(cw.manager, "POST", base, {"asked_on": ahead})
    assert refused_day.status_code == 422 and "asked_on" in refused_day.content.decode()
    started = _api(cw.manager, "POST", base, {"asked_on": datetime.date.today().isoformat()})
    assert started.status_code == 202, started.content
    job_id = started.json()["job_id"]
    assert started.json()["url"] == reverse("dataprotection:job", args=[job_id])
    queued = _api(cw.manager, "GET", f"/jobs/{job_id}").json()
    assert queued["status"] == "queued" and queued["result"] is None
    _run(Job.objects.get(pk=job_id))
    result = _api(cw.manager, "GET", f"/jobs/{job_id}").json()["result"]
    export_id = result["request"]
    assert result["case_number"] == world.case.number and result["team"] == cw.team.pk
    made = _api(cw.manager, "GET", f"{base}/{export_id}")
    # the lead is told its own answer; the others are counted, never named (review S3)
    assert {a["organisation"] for a in made.json()["answers"]} == {"Exit counselling"}
    assert made.json()["others_waiting"] == 2 and made.json()["others_answered"] == 0
    assert _api(cw.youth_worker, "GET", f"/jobs/{job_id}").status_code == 404
    refused = _api(
        cw.youth_worker,
        "POST",
        f"{base}/{export_id}/answers",
        {"organisation_id": cw.youth.pk, "release": False, "ground": "nonsense", "note": "x"},
    )
    assert refused.status_code == 422 and "ground" in refused.content.decode()
    not_own = _api(
        cw.youth_worker,
        "POST",
        f"{base}/{export_id}/answers",
        {"organisation_id": cw.exit.pk, "release": True},
    )
    assert not_own.status_code == 422 and "organisation_id" in not_own.content.decode()
    ok = _api(
        cw.youth_worker,
        "POST",
        f"{base}/{export_id}/answers",
        {"organisation_id": cw.youth.pk, "release": True},
    )
    assert ok.status_code == 200
    file = _api(
        cw.manager,
        "POST",
        f"{base}/{export_id}/files",
        {"organisation_id": cw.exit.pk, "format": "json"},
    )
    assert file.status_code == 202
    assert file.json()["url"] == reverse("web:job", args=[file.json()["job_id"]])
    other = _api(cw.manager, "POST", f"{base}/{export_id}/files", {"organisation_id": cw.police.pk})
    assert other.status_code == 422
    assert _api(cw.officer, "GET", f"{base}/{export_id}").status_code == 403
    assert _api(cw.manager, "GET", "/exports").json()[0]["id"] == export_id


def test_the_retention_api(cw: CaseWorld, closed: Closed) -> None:
    assert _api(cw.dpo, "PUT", "/retention/periods/situation", {"months": 3}).json()["months"] == 3
    assert _api(cw.dpo, "PUT", "/retention/periods/weather", {"months": 3}).status_code == 422
    started = _api(cw.dpo, "POST", "/retention/dry-runs")
    assert started.status_code == 202
    job_id = started.json()["job_id"]
    assert not RetentionRun.objects.exists()
    _run(Job.objects.get(pk=job_id))
    state = _api(cw.dpo, "GET", f"/jobs/{job_id}").json()
    assert state["status"] == "done" and state["kind"] == "dataprotection.dry_run"
    assert state["result"]["listing"][0]["category"] == "situation"
    run_id = state["result"]["run"]
    assert _api(cw.dpo, "GET", f"/retention/runs/{run_id}").status_code == 200
    assert len(_api(cw.dpo, "GET", "/retention/runs").json()) == 1
    periods = _api(cw.dpo, "GET", "/retention/periods").json()
    assert next(p for p in periods if p["category"] == "situation")["months"] == 3
    assert _api(cw.manager, "GET", "/retention/periods").status_code == 403
    assert _api(cw.manager, "POST", "/retention/dry-runs").status_code == 403
    body = {"team_id": cw.team.pk, "case_number": closed.case.number, "reason": "request"}
    erase = _api(cw.dpo, "POST", "/erasures", {**body, "confirm": "no"})
    assert erase.status_code == 422 and "confirm" in erase.content.decode()
    assert SubjectKey.objects.get(pk=closed.case.client.subject_key_id).destroyed_at is None
    erasing = _api(cw.dpo, "POST", "/erasures", {**body, "confirm": closed.case.number})
    assert erasing.status_code == 202
    assert SubjectKey.objects.get(pk=closed.case.client.subject_key_id).destroyed_at is None
    _run(Job.objects.get(pk=erasing.json()["job_id"]))
    assert SubjectKey.objects.get(pk=closed.case.client.subject_key_id).destroyed_at is not None
    summary = _api(cw.dpo, "GET", f"/jobs/{erasing.json()['job_id']}").json()["result"]
    assert summary["cases"] == [closed.case.number] and summary["counts"]["cases"]["note"] == 2
    assert services.retention_plan().erase == []


def test_the_erasure_page_names_the_exceptions_to_ask_about_first(cw: CaseWorld) -> None:
    page = verified_client(cw.dpo).get(reverse("dataprotection:erasure")).content.decode()
    assert "Art. 17(3) GDPR" in page and "Directive 2016/680" in page
    assert "§ 84 SGB X" in page and "Art. 18 GDPR" in page
