"""Query counts of the assessments pages and the case section stay flat as entries grow."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.assessments.conftest import World
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def _grow(aw: World, n: int) -> None:
    for i in range(n):
        aw.track(track="disengagement", stage="distancing", rationale=f"b{i}", days_ago=i)
        aw.track(track="deradicalisation", stage="doubting", rationale=f"a{i}", days_ago=i)
        aw.track(actor=aw.cw.youth_worker, org=aw.cw.youth, stage="left", rationale=f"y{i}")
        aw.share(aw.risk(days_ago=i + 1), aw.cw.exit)


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "name", ["assessments:tracks", "assessments:risks", "cases:case", "api_overview", "api_risks"]
)
def test_query_counts_stay_flat_for_3_and_12_entries(aw: World, name: str) -> None:
    client = verified_client(aw.cw.manager)
    t, c = aw.cw.team.pk, aw.case.pk
    base = f"/api/v1/teams/{t}/cases/{c}/assessments"
    url = {"api_overview": base, "api_risks": f"{base}/risks"}.get(name) or reverse(
        name, args=[t, c]
    )
    _grow(aw, 3)
    client.get(url)  # the first request fills the session and key caches
    few = _count(client, url)
    _grow(aw, 9)
    client.get(url)  # as above: caches that expired while the entries were written fill again
    many = _count(client, url)
    assert many == few, (name, few, many)
