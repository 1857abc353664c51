"""The case manager's home page: overdue plan reviews, overdue measures, drifting cases; the
boundaries of "overdue" and "drifting", and a flat number of queries for 3 and 12 cases."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from icommit.cases.models import Case
from icommit.interventions import selectors, services
from icommit.interventions.models import Contact, Measure, Plan
from tests.cases.conftest import CaseWorld
from tests.conftest import verified_client
from tests.interventions.conftest import TODAY, PlanWorld

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_overdue_starts_the_day_after_the_date() -> None:
    today = datetime.date(2026, 5, 10)
    assert not selectors.is_overdue(today, today)
    assert selectors.is_overdue(today - DAY, today)
    assert not selectors.is_overdue(None, today)


def test_drifting_starts_after_the_drift_days() -> None:
    today = datetime.date(2026, 5, 10)
    days = selectors.drift_days()
    assert days == 30
    assert not selectors.is_drifting(today - datetime.timedelta(days=30), today, today)
    assert selectors.is_drifting(today - datetime.timedelta(days=31), today, today)
    # no contact at all: counted from when the case entered its stage
    assert selectors.is_drifting(None, today - datetime.timedelta(days=31), today)


def test_the_attention_list_finds_what_is_overdue_on_the_boundary(pw: PlanWorld) -> None:
    cw, today = pw.cw, TODAY()
    Plan.objects.filter(pk=pw.plan.pk).update(next_review=today)
    Measure.objects.filter(pk=pw.youth_measure.pk).update(due_date=today)
    found = selectors.attention(user=cw.manager, today=today)
    assert found.review_overdue == [] and found.measures_overdue == []
    found = selectors.attention(user=cw.manager, today=today + DAY)
    assert [p.pk for p in found.review_overdue] == [pw.plan.pk]
    assert [m.pk for m in found.measures_overdue] == [pw.youth_measure.pk]
    # a measure done is no longer overdue
    services.measure_status_set(actor=cw.manager, measure=pw.youth_measure, status="done")
    assert selectors.attention(user=cw.manager, today=today + DAY).measures_overdue == []
    # someone who does not manage the case sees nothing
    assert selectors.attention(user=cw.youth_worker, today=today + DAY).review_overdue == []


def test_a_case_drifts_after_thirty_days_without_contact(pw: PlanWorld) -> None:
    cw, today = pw.cw, TODAY()
    services.contact_record(
        actor=cw.youth_worker, case=pw.case, organisation=cw.youth, on=today, kind="phone"
    )
    Contact.objects.filter(case=pw.case).update(on=today - datetime.timedelta(days=30))
    assert selectors.attention(user=cw.manager, today=today).drifting == []
    Contact.objects.filter(case=pw.case).update(on=today - datetime.timedelta(days=31))
    drifting = selectors.attention(user=cw.manager, today=today).drifting
    assert [(c.pk, last) for c, last in drifting] == [
        (pw.case.pk, today - datetime.timedelta(days=31))
    ]


def test_a_case_without_any_contact_drifts_from_its_stage_date(pw: PlanWorld) -> None:
    cw, today = pw.cw, TODAY()
    assert selectors.attention(user=cw.manager, today=today).drifting == []
    Case.objects.filter(pk=pw.case.pk).update(
        stage_since=timezone.now() - datetime.timedelta(days=40)
    )
    drifting = selectors.attention(user=cw.manager, today=today).drifting
    assert [(c.pk, last) for c, last in drifting] == [(pw.case.pk, None)]


def _cases_with_everything_overdue(cw: CaseWorld, n: int) -> None:
    for _ in range(n):
        case = cw.accepted()
        services.plan_review_set(actor=cw.manager, case=case, next_review=TODAY() - DAY)
        services.measure_create(
            actor=cw.manager,
            case=case,
            what="Call",
            responsible=cw.exit,
            due_date=TODAY() - DAY,
        )
        Case.objects.filter(pk=case.pk).update(
            stage_since=timezone.now() - datetime.timedelta(days=40)
        )


def _home_queries(cw: CaseWorld) -> tuple[int, str]:
    client = verified_client(cw.manager)
    client.get(reverse("web:home"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("web:home"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_home_page_costs_the_same_for_3_and_12_cases(cw: CaseWorld) -> None:
    _cases_with_everything_overdue(cw, 3)
    few, page = _home_queries(cw)
    assert page.count("The review of the intervention plan of case") == 3
    assert page.count("was due on") >= 6
    assert page.count("no contact with the client recorded for more than 30 days") == 3
    _cases_with_everything_overdue(cw, 9)
    many, page = _home_queries(cw)
    assert page.count("The review of the intervention plan of case") == 12
    assert many == few
