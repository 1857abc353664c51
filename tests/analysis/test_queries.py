"""The grid page and the overview cost the same number of queries for 3 and 12 perspectives."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from icommit.access.roles import TeamRole
from icommit.analysis import services
from icommit.cases import services as cases
from icommit.stakeholders.sectors import Sector
from tests.analysis import sdx
from tests.analysis.conftest import AnalysisWorld
from tests.conftest import verified_client
from tests.factories import OrganisationFactory, UserFactory, team_member


def _add(aw: AnalysisWorld, n: int, start: int = 0) -> None:
    """n more submitted perspectives, each of a new organisation, shared with the lead."""
    for i in range(start, start + n):
        org = OrganisationFactory(name=f"Service {i}", sector=Sector.HOUSING)
        user = UserFactory()
        team_member(aw.case.team, user, org, TeamRole.MEMBER)
        cases.participant_add(actor=aw.cw.manager, case=aw.case, organisation=org, reason="r")
        p = services.perspective_create(
            actor=user,
            analysis=aw.analysis,
            organisation=org,
            viewpoint="organisation",
            answers={},
        )
        p = services.perspective_submit(
            actor=user, perspective=p, answers=sdx.answers({"family": (i % 4, 3 - i % 4)})
        )
        aw.share(p, aw.cw.exit, actor=user)


def _count(aw: AnalysisWorld, url: str) -> int:
    client = verified_client(aw.cw.manager)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_grid_and_overview_queries_are_flat_for_3_and_12_perspectives(aw: AnalysisWorld) -> None:
    grid = reverse("analysis:grid", args=[aw.case.team_id, aw.case.pk, aw.analysis.pk])
    overview = reverse("analysis:overview", args=[aw.case.team_id, aw.case.pk])
    _add(aw, 3)
    small = (_count(aw, grid), _count(aw, overview))
    _add(aw, 9, start=3)
    large = (_count(aw, grid), _count(aw, overview))
    assert large == small, (small, large)
    assert small[0] <= 40 and small[1] <= 40, small
