"""The case list and the case page cost the same number of queries for 10 and 1,000 cases.

The 990 further cases are written in bulk (clients, cases, participation of the manager's
organisation) so the test stays fast; they are real rows the pages must filter and count.
"""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from icommit.cases.models import Case, CaseParticipant, Client
from icommit.core import crypto
from tests.cases.conftest import CaseWorld
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def _count(client: HttpClient, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _bulk_cases(cw: CaseWorld, n: int) -> None:
    key = crypto.subject_key_create()
    clients = [
        Client(
            id=uuid.uuid4(),
            team=cw.team,
            pseudonym=f"K-B{i:05d}",
            subject_key=key,
            gender="unknown",
            age_band="unknown",
            phenomenon="mixed",
            setting="community",
        )
        for i in range(n)
    ]
    Client.objects.bulk_create(clients)
    cases = []
    for i, client in enumerate(clients):
        case = Case(
            id=uuid.uuid4(),
            team=cw.team,
            client=client,
            number=f"1999-{i:04d}",
            stage="plan_active",
            purpose="Support",
            lead_organisation=cw.exit,
            case_manager=cw.manager,
            referred_by=cw.teacher,
            referring_organisation=cw.school,
        )
        case.referral_text = "A concern"
        cases.append(case)
    Case.objects.bulk_create(cases)
    CaseParticipant.objects.bulk_create(
        [
            CaseParticipant(case=case, organisation=org, reason="r", added_by=cw.manager)
            for case in cases
            for org in (cw.exit, cw.youth)
        ]
    )


def test_the_case_list_and_the_case_page_cost_the_same_for_10_and_1000_cases(
    cw: CaseWorld,
) -> None:
    client = verified_client(cw.manager)
    cases = [cw.working() for _ in range(10)]
    for case in cases[:3]:
        cw.note(case)
    list_url = reverse("cases:list", args=[cw.team.pk])
    case_url = reverse("cases:case", args=[cw.team.pk, cases[0].pk])
    small = (_count(client, list_url), _count(client, case_url))
    _bulk_cases(cw, 990)
    assert Case.objects.filter(team=cw.team).count() == 1000
    for _ in range(5):
        cw.note(cases[0])
    large = (_count(client, list_url), _count(client, case_url))
    assert large == small, (small, large)
    # measured: 9 for the list, 19 for the case page itself (session, rights, case,
    # participants, identity, notes with their audiences, consents, requests, danger shares,
    # access log write) and 20 more for the sections of the apps above cases (Social
    # Diagnostics, D&R phase and risk, plan, conferences): 39, flat
    assert small[0] <= 12 and small[1] <= 40, small
