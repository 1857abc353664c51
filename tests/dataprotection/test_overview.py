"""The data-protection officer's overview of every export request (review finding 3): every team,
newest first, state and dates, the client's pseudonym only and no organisation named; paginated
with flat query counts; the DPO alone, on the page and in the API; linked from the privacy pages."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from icommit.access.roles import TeamRole
from icommit.cases import services as cases
from icommit.cases.models import Case
from icommit.dataprotection import services, views
from icommit.dataprotection.models import ExportRequest
from tests.cases.conftest import CaseWorld
from tests.conftest import verified_client
from tests.dataprotection.conftest import NAME
from tests.factories import TeamFactory, team_member

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@dataclass
class Requests:
    old: ExportRequest  # the first team's, asked 40 days ago, one organisation still waiting
    new: ExportRequest  # the second team's, asked today


def _request(cw: CaseWorld, case: Case, asked_on: datetime.date) -> ExportRequest:
    with transaction.atomic():
        return services.export_request_create(actor=cw.manager, case=case, asked_on=asked_on)


def _case_in(cw: CaseWorld, team: Any, name: str) -> Case:
    with transaction.atomic():
        referral = cw.referral(team=team, name=name)
        return cases.triage_decide(
            actor=cw.manager,
            case=referral,
            outcome="accepted",
            lead_organisation=cw.exit,
            case_manager=cw.manager,
            purpose="Support leaving the scene",
        )


@pytest.fixture
def requests(cw: CaseWorld) -> Requests:
    second = TeamFactory(name="Second team")
    team_member(second, cw.manager, cw.exit, TeamRole.CASE_MANAGER)
    team_member(second, cw.teacher, cw.school, TeamRole.MEMBER)
    old = _request(cw, _case_in(cw, cw.team, NAME), TODAY - datetime.timedelta(days=40))
    with transaction.atomic():
        services.export_answer(actor=cw.manager, request=old, organisation=cw.exit, release=True)
    ExportRequest.objects.filter(pk=old.pk).update(
        recorded_at=old.recorded_at - datetime.timedelta(days=40)
    )
    new = _request(cw, _case_in(cw, second, "Other Person"), TODAY)
    return Requests(ExportRequest.objects.get(pk=old.pk), new)


def _api(user: Any, path: str) -> Any:
    return verified_client(user).get("/api/v1/privacy" + path)


def test_the_dpo_sees_every_teams_requests_with_state_dates_and_pseudonym_only(
    cw: CaseWorld, requests: Requests
) -> None:
    page = verified_client(cw.dpo).get(reverse("dataprotection:exports_overview"))
    assert page.status_code == 200
    text = page.content.decode()
    old, new = requests.old, requests.new
    # newest first (case numbers count per team: both are the first of their team)
    assert text.index(new.client.pseudonym) < text.index(old.client.pseudonym)
    assert "Case team" in text and "Second team" in text
    assert old.client.pseudonym in text and new.client.pseudonym in text
    assert NAME not in text and "Other Person" not in text
    # counted, never named (review S3): who holds a part is not the overview's to tell
    for organisation in ("Youth office", "School", "Police"):
        assert organisation not in text
    rows = list(page.context["page_obj"])
    assert [e.pk for e in rows] == [new.pk, old.pk]
    assert rows[1].waiting == 1 and rows[1].released == 1 and rows[1].overdue
    assert rows[0].waiting == 2 and not rows[0].overdue  # exit and the referring school
    assert "overdue" in text


def test_the_overview_api_is_paginated_and_the_dpos_only(cw: CaseWorld, requests: Requests) -> None:
    answer = _api(cw.dpo, "/exports/overview")
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 2
    first, second = body["items"]
    assert first["id"] == str(requests.new.pk) and first["team"] == "Second team"
    assert second["pseudonym"] == requests.old.client.pseudonym
    assert second["due_on"] == services.add_months(requests.old.asked_on, 1).isoformat()
    assert (second["waiting"], second["released"], second["restricted"]) == (1, 1, 0)
    assert second["overdue"] is True and first["overdue"] is False
    assert NAME not in json.dumps(body)
    assert _api(cw.manager, "/exports/overview").status_code == 403
    assert (
        verified_client(cw.manager).get(reverse("dataprotection:exports_overview")).status_code
        == 403
    )


def test_the_overview_pages_with_flat_query_counts(
    cw: CaseWorld, requests: Requests, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = verified_client(cw.dpo)
    url = reverse("dataprotection:exports_overview")
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    for _ in range(3):
        _request(cw, _case_in(cw, cw.team, ""), TODAY)
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    assert len(five.captured_queries) == len(two.captured_queries)
    monkeypatch.setattr(views, "OVERVIEW_PAGE", 2)
    last = client.get(url + "?page=3").content.decode()
    assert requests.old.client.pseudonym in last and "Page 3 of 3" in last


def test_the_privacy_pages_link_to_the_overview_for_the_dpo_only(cw: CaseWorld) -> None:
    url = reverse("dataprotection:exports_overview")
    for name in ("dataprotection:retention", "dataprotection:exports"):
        assert url in verified_client(cw.dpo).get(reverse(name)).content.decode()
    assert (
        url
        not in verified_client(cw.manager).get(reverse("dataprotection:exports")).content.decode()
    )
