"""Need-to-know: a track entry or risk reference is read by its organisation and by those it was
shared with, nowhere else — not on the pages, not in the API, not in the case section or the
timeline. The two tracks never mix."""

from __future__ import annotations

import pytest
from django.urls import reverse

from icommit.assessments import selectors
from tests.assessments.conftest import World
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def _pages(aw: World, user, ref) -> dict[str, str]:  # type: ignore[no-untyped-def]
    client = verified_client(user)
    t, c = aw.cw.team.pk, aw.case.pk
    out = {}
    for name, args in (
        ("assessments:risks", [t, c]),
        ("assessments:tracks", [t, c]),
        ("cases:case", [t, c]),
        ("cases:timeline", [t, c]),
    ):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        out[name] = response.content.decode()
    out["risk_status"] = str(
        client.get(reverse("assessments:risk", args=[t, c, ref.pk])).status_code
    )
    api = f"/api/v1/teams/{t}/cases/{c}/assessments"
    out["api_list"] = client.get(f"{api}/risks").content.decode()
    out["api_one"] = str(client.get(f"{api}/risks/{ref.pk}").status_code)
    out["api_overview"] = client.get(api).content.decode()
    return out


def test_a_risk_reference_not_shared_never_appears_for_another_organisation(aw: World) -> None:
    ref = aw.risk(summary="Secret summary of police")
    for user in (aw.cw.manager, aw.cw.youth_worker, aw.cw.housing_worker):
        seen = _pages(aw, user, ref)
        assert seen["risk_status"] == "404" and seen["api_one"] == "404"
        for key in ("assessments:risks", "cases:case", "cases:timeline", "api_list"):
            assert "Secret summary" not in seen[key]
            assert str(ref.pk) not in seen[key], key
        assert "VERA-2R" not in seen["assessments:risks"]
    own = _pages(aw, aw.cw.officer, ref)
    assert own["risk_status"] == "200" and own["api_one"] == "200"
    assert str(ref.pk) in own["assessments:risks"] and "Secret summary" in own["api_list"]


def test_a_shared_reference_appears_for_the_recipient_only(aw: World) -> None:
    ref = aw.risk(summary="Meet in pairs")
    aw.share(ref, aw.cw.exit)
    lead = _pages(aw, aw.cw.manager, ref)
    assert lead["risk_status"] == "200" and "Meet in pairs" in lead["api_list"]
    assert str(ref.pk) in lead["cases:case"]  # the case section links it
    youth = _pages(aw, aw.cw.youth_worker, ref)
    assert youth["risk_status"] == "404" and "Meet in pairs" not in youth["api_list"]


def test_a_track_entry_not_shared_is_read_by_its_organisation_only(aw: World) -> None:
    aw.track(rationale="Only exit knows this")
    ref = aw.risk()
    exit_sees = _pages(aw, aw.cw.manager, ref)
    assert "Only exit knows this" in exit_sees["assessments:tracks"]
    assert "Only exit knows this" in exit_sees["api_overview"]
    for user in (aw.cw.youth_worker, aw.cw.officer):
        seen = _pages(aw, user, ref)
        assert "Only exit knows this" not in seen["assessments:tracks"]
        assert "Only exit knows this" not in seen["api_overview"]
        assert "Distancing" not in seen["cases:case"]


def test_a_shared_track_entry_reaches_the_recipient(aw: World) -> None:
    entry = aw.track(rationale="Shared with youth")
    aw.share(entry, aw.cw.youth)
    assert "Shared with youth" in _pages(aw, aw.cw.youth_worker, aw.risk())["assessments:tracks"]


def test_the_tracks_never_mix(aw: World) -> None:
    aw.track(track="disengagement", stage="left", rationale="Behaviour moved on")
    aw.track(track="deradicalisation", stage="committed", rationale="Views did not")
    views = {v.code: v for v in selectors.tracks_for(user=aw.cw.manager, case=aw.case)}
    assert [e.rationale for e in views["disengagement"].entries] == ["Behaviour moved on"]
    assert [e.rationale for e in views["deradicalisation"].entries] == ["Views did not"]
    assert [e.stage for _o, e in views["disengagement"].current] == ["left"]
    assert [e.stage for _o, e in views["deradicalisation"].current] == ["committed"]
    # the API answers each track apart, with no combined value
    client = verified_client(aw.cw.manager)
    body = client.get(f"/api/v1/teams/{aw.cw.team.pk}/cases/{aw.case.pk}/assessments").json()
    tracks = {t["track"]: t for t in body["tracks"]}
    assert [e["stage"] for e in tracks["disengagement"]["entries"]] == ["left"]
    assert [e["stage"] for e in tracks["deradicalisation"]["entries"]] == ["committed"]
    assert set(tracks["disengagement"]) == {"track", "title", "current", "entries"}


def test_the_current_stage_is_the_latest_per_organisation(aw: World) -> None:
    aw.track(stage="involved", rationale="Then", days_ago=30)
    aw.track(stage="distancing", rationale="Now", days_ago=1)
    youth_entry = aw.track(
        actor=aw.cw.youth_worker, org=aw.cw.youth, stage="unclear", rationale="We cannot say"
    )
    del youth_entry
    view = {v.code: v for v in selectors.tracks_for(user=aw.cw.manager, case=aw.case)}[
        "disengagement"
    ]
    assert [(o, e.stage) for o, e in view.current] == [("Exit counselling", "distancing")]
    assert [e.rationale for e in view.entries] == ["Now", "Then"]  # newest first


def test_the_phase_note_is_read_by_the_lead_only_others_see_phase_and_date(aw: World) -> None:
    """Security review S5: the phase's free-text note is the lead's; a police participant (and
    any other organisation) sees the phase and its date only, on the page and in the API."""
    from django.db import transaction

    from icommit.assessments import services
    from tests.assessments.conftest import TODAY

    with transaction.atomic():
        services.phase_record(
            actor=aw.cw.manager,
            case=aw.case,
            phase="stabilisation",
            since=TODAY(),
            note="Lead's private note on trust",
        )
    ref = aw.risk(summary="Police summary")
    police = _pages(aw, aw.cw.officer, ref)
    for key in ("assessments:tracks", "api_overview", "cases:case", "cases:timeline"):
        assert "private note on trust" not in police[key], key
    assert "Relationship and stabilisation" in police["assessments:tracks"]
    assert '"phase": "stabilisation"' in police["api_overview"]
    assert '"note": ""' in police["api_overview"]
    lead = _pages(aw, aw.cw.manager, ref)
    assert "private note on trust" in lead["assessments:tracks"]
    assert "private note on trust" in lead["api_overview"]
