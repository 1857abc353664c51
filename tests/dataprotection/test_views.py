"""The privacy pages and API as the right person and the wrong one: retention periods, dry run,
erasure with a typed case number, the record of processing, export requests and answers."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.urls import reverse

from icommit.accounts.models import User
from icommit.core.models import Job, SubjectKey
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


def test_the_dry_run_button_shows_the_listing_and_changes_nothing(
    cw: CaseWorld, closed: Closed
) -> None:
    for code in ("situation",):
        RetentionPeriod.objects.create(category=code, months=1, set_by=cw.dpo)
    answer = _post(cw.dpo, "dataprotection:retention_dry_run", data={})
    run = RetentionRun.objects.get()
    assert answer.status_code == 302 and answer["Location"].endswith(f"/runs/{run.pk}/")
    page = _get(cw.dpo, "dataprotection:retention_run", run.pk).content.decode()
    assert closed.case.number in page and "Social situation" in page
    assert "Nothing was changed." in page
    assert closed.case.client.pseudonym not in page


def test_erasure_finds_the_case_and_needs_the_number_typed(cw: CaseWorld, closed: Closed) -> None:
    found = _post(
        cw.dpo, "dataprotection:erasure", data={"team": cw.team.pk, "number": closed.case.number}
    )
    assert found.status_code == 302
    url = found["Location"]
    client = verified_client(cw.dpo)
    assert closed.case.number in client.get(url).content.decode()
    wrong = client.post(url, {"reason": "request", "confirm": "2000-001"})
    assert wrong.status_code == 422
    assert SubjectKey.objects.get(pk=closed.case.client.subject_key_id).destroyed_at is None
    done = client.post(url, {"reason": "request", "confirm": closed.case.number})
    assert done.status_code == 302
    assert SubjectKey.objects.get(pk=closed.case.client.subject_key_id).destroyed_at is not None
    assert client.get(url).status_code == 404  # erased: nothing left to erase
    missing = _post(cw.dpo, "dataprotection:erasure", data={"team": cw.team.pk, "number": "1-1"})
    assert missing.status_code == 422


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
    new = _post(
        cw.manager,
        "dataprotection:export_new",
        cw.team.pk,
        case.pk,
        data={"asked_on": datetime.date.today().isoformat()},
    )
    assert new.status_code == 302
    request = ExportRequest.objects.get()
    args = (cw.team.pk, case.pk, request.pk)
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
    made = _api(cw.manager, "POST", base, {"asked_on": datetime.date.today().isoformat()})
    assert made.status_code == 201, made.content
    export_id = made.json()["id"]
    # the lead is told its own answer; the others are counted, never named (review S3)
    assert {a["organisation"] for a in made.json()["answers"]} == {"Exit counselling"}
    assert made.json()["others_waiting"] == 2 and made.json()["others_answered"] == 0
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
    run = _api(cw.dpo, "POST", "/retention/dry-runs")
    assert run.status_code == 201
    assert run.json()["listing"][0]["category"] == "situation"
    assert _api(cw.dpo, "GET", f"/retention/runs/{run.json()['id']}").status_code == 200
    assert len(_api(cw.dpo, "GET", "/retention/runs").json()) == 1
    periods = _api(cw.dpo, "GET", "/retention/periods").json()
    assert next(p for p in periods if p["category"] == "situation")["months"] == 3
    assert _api(cw.manager, "GET", "/retention/periods").status_code == 403
    erase = _api(
        cw.dpo,
        "POST",
        "/erasures",
        {
            "team_id": cw.team.pk,
            "case_number": closed.case.number,
            "reason": "request",
            "confirm": "no",
        },
    )
    assert erase.status_code == 422
    assert SubjectKey.objects.get(pk=closed.case.client.subject_key_id).destroyed_at is None
    erased = _api(
        cw.dpo,
        "POST",
        "/erasures",
        {
            "team_id": cw.team.pk,
            "case_number": closed.case.number,
            "reason": "request",
            "confirm": closed.case.number,
        },
    )
    assert erased.status_code == 200 and erased.json()["erased"] is True
    assert services.retention_plan().erase == []


def test_the_erasure_page_names_the_exceptions_to_ask_about_first(cw: CaseWorld) -> None:
    page = verified_client(cw.dpo).get(reverse("dataprotection:erasure")).content.decode()
    assert "Art. 17(3) GDPR" in page and "Directive 2016/680" in page
    assert "§ 84 SGB X" in page and "Art. 18 GDPR" in page
