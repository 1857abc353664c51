"""The assessments API: the same rules as the pages."""

from __future__ import annotations

import datetime

import pytest

from icommit.assessments.models import RiskAssessor, RiskReference, TrackEntry
from tests.assessments.conftest import TODAY, World
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def _base(aw: World) -> str:
    return f"/api/v1/teams/{aw.cw.team.pk}/cases/{aw.case.pk}/assessments"


def _risk_body(**values: object) -> dict[str, object]:
    return {
        "instrument": "TRAP-18",
        "assessed_on": TODAY().isoformat(),
        "level": "low",
        "summary": "No special measures.",
        "next_review": (TODAY() + datetime.timedelta(days=90)).isoformat(),
        **values,
    }


def test_recording_and_reading_a_track_entry(aw: World) -> None:
    client = verified_client(aw.cw.counsellor)
    response = client.post(
        f"{_base(aw)}/tracks",
        {
            "track": "disengagement",
            "stage": "left",
            "on": TODAY().isoformat(),
            "rationale": "Moved",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["origin_organisation"]["id"] == aw.cw.exit.pk
    body = client.get(_base(aw)).json()
    behaviour = next(t for t in body["tracks"] if t["track"] == "disengagement")
    assert [e["rationale"] for e in behaviour["entries"]] == ["Moved"]


def test_a_bad_stage_is_named_and_nothing_changes(aw: World) -> None:
    client = verified_client(aw.cw.counsellor)
    response = client.post(
        f"{_base(aw)}/tracks",
        {
            "track": "disengagement",
            "stage": "reoriented",
            "on": TODAY().isoformat(),
            "rationale": "x",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "stage" in response.content.decode()
    assert not TrackEntry.objects.exists()


def test_the_phase_is_recorded_by_the_case_manager_only(aw: World) -> None:
    body = {"phase": "contact", "since": TODAY().isoformat()}
    youth = verified_client(aw.cw.youth_worker)
    assert (
        youth.post(f"{_base(aw)}/phases", body, content_type="application/json").status_code == 403
    )
    manager = verified_client(aw.cw.manager)
    response = manager.post(f"{_base(aw)}/phases", body, content_type="application/json")
    assert response.status_code == 201
    assert youth.get(_base(aw)).json()["phase"]["phase"] == "contact"


def test_risk_references_by_designated_assessors_only_and_read_as_shared(aw: World) -> None:
    manager = verified_client(aw.cw.manager)
    refused = manager.post(f"{_base(aw)}/risks", _risk_body(), content_type="application/json")
    assert refused.status_code == 403
    officer = verified_client(aw.cw.officer)
    made = officer.post(f"{_base(aw)}/risks", _risk_body(), content_type="application/json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert manager.get(f"{_base(aw)}/risks").json() == []
    assert manager.get(f"{_base(aw)}/risks/{pk}").status_code == 404
    aw.share(RiskReference.objects.get(pk=pk), aw.cw.exit)
    assert [r["id"] for r in manager.get(f"{_base(aw)}/risks").json()] == [pk]
    assert manager.get(f"{_base(aw)}/risks/{pk}").json()["level"] == "low"


def test_sharing_a_risk_reference_through_the_cases_api(aw: World) -> None:
    ref = aw.risk()
    officer = verified_client(aw.cw.officer)
    response = officer.post(
        f"/api/v1/teams/{aw.cw.team.pk}/cases/{aw.case.pk}/shares",
        {
            "item_kind": "risk",
            "item_id": str(ref.pk),
            "organisation_ids": [aw.cw.exit.pk],
            "purpose": "Safety of home visits",
            "basis": "protocol",
            "client_informed": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    manager = verified_client(aw.cw.manager)
    assert manager.get(f"{_base(aw)}/risks/{ref.pk}").status_code == 200


def test_designating_and_ending_risk_assessors(aw: World) -> None:
    admin = verified_client(aw.police_admin)
    listed = admin.get("/api/v1/risk-assessors").json()
    assert [a["user"]["id"] for a in listed] == [aw.cw.officer.pk]
    made = admin.post(
        "/api/v1/risk-assessors",
        {"organisation_id": aw.cw.exit.pk, "user_id": aw.cw.counsellor.pk},
        content_type="application/json",
    )
    assert made.status_code == 422 and "organisation_id" in made.content.decode()
    ended = admin.post(f"/api/v1/risk-assessors/{aw.assessor.pk}/end")
    assert ended.status_code == 200 and ended.json()["ended_at"]
    assert RiskAssessor.objects.get().ended_at is not None
    officer = verified_client(aw.cw.officer)
    assert (
        officer.post(
            f"{_base(aw)}/risks", _risk_body(), content_type="application/json"
        ).status_code
        == 403
    )
