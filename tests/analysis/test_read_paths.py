"""The Social Diagnostics API looks up the organisation a call names among the caller's own
(review finding: direct ORM reads in the API); another organisation is refused with the field
named, and nothing changes. The web layer's read paths are checked in
tests/assessments/test_read_paths.py."""

from __future__ import annotations

from icommit.analysis import selectors
from icommit.analysis.models import Perspective
from tests.analysis.conftest import AnalysisWorld
from tests.conftest import verified_client


def test_own_organisations_are_those_taking_part(aw: AnalysisWorld) -> None:
    assert selectors.own_organisations(user=aw.cw.youth_worker, case=aw.case) == [aw.cw.youth]
    assert selectors.own_organisations(user=aw.cw.teacher, case=aw.case) == []
    assert selectors.member_organisation(user=aw.cw.youth_worker, pk=aw.cw.exit.pk) is None


def test_the_api_refuses_an_organisation_the_caller_does_not_belong_to(aw: AnalysisWorld) -> None:
    base = f"/api/v1/teams/{aw.case.team_id}/cases/{aw.case.pk}/analysis/{aw.analysis.pk}"
    client = verified_client(aw.cw.youth_worker)
    refused = client.post(
        f"{base}/perspectives",
        {"organisation_id": aw.cw.exit.pk},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "organisation_id" in refused.json()["details"]
    assert not Perspective.objects.exists()
    made = client.post(f"{base}/perspectives", {}, content_type="application/json")
    assert made.status_code == 201 and made.json()["organisation_id"] == aw.cw.youth.pk
