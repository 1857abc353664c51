"""Who sees which perspective, in the grid, its flags, the API and the timeline: only what was
shared with the viewer's organisation (the case manager included), never a trace of the rest."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from icommit.accounts.models import User
from icommit.accounts.tokens import token_create
from icommit.analysis import selectors
from icommit.analysis.models import Perspective
from icommit.cases.selectors import timeline
from tests.analysis.conftest import AnalysisWorld


@dataclass
class Shared:
    exit: Perspective
    youth: Perspective
    client: Perspective
    police: Perspective


@pytest.fixture
def shared(aw: AnalysisWorld) -> Shared:
    """Exit (lead) keeps its perspective to itself; housing shares its own view with exit and
    police; the youth office shares the client's view (gender considered) with exit only; the
    police share theirs with exit."""
    cw = aw.cw
    exit_ = aw.perspective(cw.exit, {"family": (1, 3), "peers": (3, 0)})
    youth = aw.perspective(cw.housing, {"family": (3, 2), "peers": (2, 1)})
    client = aw.perspective(cw.youth, {"family": (2, 3)}, viewpoint="client", gender="considered")
    police = aw.perspective(cw.police, {"family": (3, 0), "peers": (3, 0)})
    aw.share(youth, cw.exit, cw.police)
    aw.share(client, cw.exit)
    aw.share(police, cw.exit)
    return Shared(exit_, youth, client, police)


def _grid(user: User, aw: AnalysisWorld) -> Any:
    return selectors.grid_for(user=user, analysis=aw.analysis).grid


def test_the_case_manager_sees_own_and_shared_perspectives_with_no_flag(
    aw: AnalysisWorld, shared: Shared
) -> None:
    grid = _grid(aw.cw.manager, aw)
    assert [c.id for c in grid.columns] == [
        str(shared.exit.pk),
        str(shared.youth.pk),
        str(shared.client.pk),
        str(shared.police.pk),
    ]
    assert grid.flags.as_list() == []
    family = grid.rows[0]
    assert family.domain == "family"
    assert [(c.concern, c.resource) for c in family.cells] == [(1, 3), (3, 2), (2, 3), (3, 0)]
    assert family.divergent == ("concern", "resource")


def test_police_see_no_client_view_the_client_view_was_not_shared_with_them(
    aw: AnalysisWorld, shared: Shared
) -> None:
    grid = _grid(aw.cw.officer, aw)
    assert [c.id for c in grid.columns] == [str(shared.youth.pk), str(shared.police.pk)]
    assert grid.flags.no_client_view
    assert grid.flags.gender_not_considered  # only the unshared client view considered it
    assert not grid.flags.no_non_security_view  # the youth office's view was shared
    family = grid.rows[0]
    # exit's concern 1 is not theirs to see: 3 and 3 do not diverge for the police
    assert [(c.concern, c.resource) for c in family.cells] == [(3, 2), (3, 0)]
    assert family.divergent == ("resource",)


def test_the_youth_office_sees_only_its_client_view_so_no_non_security_view(
    aw: AnalysisWorld, shared: Shared
) -> None:
    grid = _grid(aw.cw.youth_worker, aw)
    assert [c.id for c in grid.columns] == [str(shared.client.pk)]
    assert grid.flags.as_list() == ["no_non_security_view"]
    assert not any(row.divergence for row in grid.rows)


def test_an_organisation_shown_nothing_sees_an_empty_grid_with_every_flag(
    aw: AnalysisWorld,
) -> None:
    aw.perspective(aw.cw.exit, {"family": (0, 0)}, viewpoint="client", gender="considered")
    grid = _grid(aw.cw.officer, aw)
    assert grid.columns == ()
    assert grid.flags.as_list() == [
        "no_non_security_view",
        "no_client_view",
        "gender_not_considered",
    ]
    assert all(row.cells == () and not row.divergence for row in grid.rows)


def test_a_draft_is_not_in_anyones_grid_but_its_organisations_overview(
    aw: AnalysisWorld,
) -> None:
    draft = aw.perspective(aw.cw.housing, {"family": (3, 3)}, submit=False)
    assert _grid(aw.cw.housing_worker, aw).columns == ()
    assert list(selectors.perspectives_for(user=aw.cw.housing_worker, analysis=aw.analysis)) == [
        draft
    ]
    assert list(selectors.perspectives_for(user=aw.cw.manager, analysis=aw.analysis)) == []


def test_the_timeline_shows_only_perspectives_the_viewer_may_see(
    aw: AnalysisWorld, shared: Shared
) -> None:
    def urls(user: User) -> set[str]:
        return {e.url for e in timeline(user=user, case=aw.case) if e.kind == "perspective"}

    police = urls(aw.cw.officer)
    assert any(str(shared.youth.pk) in u for u in police)
    assert not any(str(shared.client.pk) in u or str(shared.exit.pk) in u for u in police)
    assert len(urls(aw.cw.manager)) == 4


def _api(user: User) -> tuple[Client, dict[str, str]]:
    _token, clear = token_create(actor=user, name="test", scope="write")
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {clear}"}


def test_the_api_answers_police_without_a_trace_of_the_unshared_client_view(
    aw: AnalysisWorld, shared: Shared
) -> None:
    client, headers = _api(aw.cw.officer)
    base = f"/api/v1/teams/{aw.case.team_id}/cases/{aw.case.pk}/analysis"
    listed = client.get(f"{base}/{aw.analysis.pk}/perspectives", **headers)
    assert listed.status_code == 200, listed.content
    assert {p["id"] for p in listed.json()} == {str(shared.youth.pk), str(shared.police.pk)}
    grid = client.get(f"{base}/{aw.analysis.pk}/grid", **headers).json()
    assert grid["missing"] == ["no_client_view", "gender_not_considered"]
    assert [c["perspective_id"] for c in grid["columns"]] == [
        str(shared.youth.pk),
        str(shared.police.pk),
    ]
    body = json.dumps(grid)
    assert str(shared.client.pk) not in body and str(shared.exit.pk) not in body
    hidden = client.get(f"{base}/perspectives/{shared.client.pk}", **headers)
    assert hidden.status_code == 404
    mine = client.get(f"{base}/perspectives/{shared.police.pk}", **headers).json()
    assert mine["answers"]["family"]["concern"] == 3
