"""Views and API handlers of Social Diagnostics and assessments read through selectors only
(review finding: direct ORM reads in analysis and assessments views and API). The organisation
and person an API call names are looked up among those the caller may use: anything else is
refused with the field named, and nothing changes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from icommit.assessments import selectors
from icommit.assessments.models import RiskAssessor, TrackEntry
from tests.assessments.conftest import TODAY, World
from tests.conftest import verified_client
from tests.factories import UserFactory, member_of

SRC = Path(__file__).resolve().parents[2] / "src" / "icommit"
WEB_LAYER = ["analysis/views.py", "analysis/api.py", "assessments/views.py", "assessments/api.py"]


@pytest.mark.parametrize("module", WEB_LAYER)
def test_the_web_layer_reads_through_selectors(module: str) -> None:
    text = (SRC / module).read_text()
    found = [
        f"{module}:{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), start=1)
        if re.search(r"\.objects\b", line)
    ]
    assert found == []


@pytest.mark.django_db
def test_the_selectors_give_only_organisations_and_members_the_caller_may_use(
    aw: World,
) -> None:
    assert selectors.member_organisation(user=aw.cw.officer, pk=aw.cw.police.pk) == aw.cw.police
    assert selectors.member_organisation(user=aw.cw.officer, pk=aw.cw.exit.pk) is None
    assert (
        selectors.administered_organisation(user=aw.police_admin, pk=aw.cw.police.pk)
        == aw.cw.police
    )
    assert selectors.administered_organisation(user=aw.cw.officer, pk=aw.cw.police.pk) is None
    assert (
        selectors.confirmed_member(organisation=aw.cw.police, pk=aw.cw.officer.pk) == aw.cw.officer
    )
    assert selectors.confirmed_member(organisation=aw.cw.police, pk=aw.cw.manager.pk) is None
    assert selectors.confirmed_member(organisation=None, pk=aw.cw.officer.pk) is None


@pytest.mark.django_db
def test_the_api_refuses_an_organisation_or_person_the_caller_may_not_use(aw: World) -> None:
    base = f"/api/v1/teams/{aw.cw.team.pk}/cases/{aw.case.pk}/assessments"
    youth = verified_client(aw.cw.youth_worker)
    body = {
        "track": "disengagement",
        "stage": "distancing",
        "on": TODAY().isoformat(),
        "rationale": "Left the chat.",
        "organisation_id": aw.cw.exit.pk,  # the lead's, not the youth worker's
    }
    refused = youth.post(f"{base}/tracks", body, content_type="application/json")
    assert refused.status_code == 422 and "organisation_id" in refused.json()["details"]
    assert not TrackEntry.objects.exists()

    admin = verified_client(aw.police_admin)
    stranger = UserFactory()
    member_of(stranger, aw.cw.exit)  # a confirmed member, but of another organisation
    refused = admin.post(
        "/api/v1/risk-assessors",
        {"organisation_id": aw.cw.police.pk, "user_id": stranger.pk},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "user_id" in refused.json()["details"]
    assert RiskAssessor.objects.count() == 1
