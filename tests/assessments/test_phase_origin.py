"""A phase entry belongs to the organisation that wrote it (review: the note followed the current
lead). After the lead changes, the note stays readable to the organisation that wrote it and is
not shown to the new lead; the history names the organisation of each entry, on the page, in the
API and in the data-subject export."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from icommit.assessments import selectors, services
from icommit.cases import services as cases
from icommit.dataprotection.registry import registered
from icommit.teams.models import TeamRole
from tests.assessments.conftest import TODAY, World
from tests.conftest import verified_client
from tests.factories import UserFactory, team_member

pytestmark = pytest.mark.django_db


def _lead_changes_to_youth(aw: World):  # type: ignore[no-untyped-def]
    """Exit counselling records a phase with a note, hands the lead to the youth office, whose
    case manager records the next phase with a note of its own."""
    youth_manager = UserFactory()
    team_member(aw.cw.team, youth_manager, aw.cw.youth, TeamRole.CASE_MANAGER)
    with transaction.atomic():
        services.phase_record(
            actor=aw.cw.manager,
            case=aw.case,
            phase="contact",
            since=TODAY(),
            note="Exit note on trust",
        )
        cases.case_transfer(
            actor=aw.cw.manager,
            case=aw.case,
            to_organisation=aw.cw.youth,
            reason="Youth office leads now",
            case_manager=youth_manager,
        )
    aw.case.refresh_from_db()
    with transaction.atomic():
        services.phase_record(
            actor=youth_manager,
            case=aw.case,
            phase="stabilisation",
            since=TODAY(),
            note="Youth note on school",
        )
    return youth_manager


def test_each_entry_records_the_lead_that_wrote_it(aw: World) -> None:
    _lead_changes_to_youth(aw)
    history = selectors.phase_history(user=aw.cw.manager, case=aw.case)
    assert [e.origin_organisation for e in history] == [aw.cw.exit, aw.cw.youth]


def test_the_note_is_shown_to_the_organisation_that_wrote_it_not_to_a_later_lead(
    aw: World,
) -> None:
    youth_manager = _lead_changes_to_youth(aw)
    url = reverse("assessments:tracks", args=[aw.cw.team.pk, aw.case.pk])
    api = f"/api/v1/teams/{aw.cw.team.pk}/cases/{aw.case.pk}/assessments"

    new_lead = verified_client(youth_manager)
    page = new_lead.get(url).content.decode()
    assert "Youth note on school" in page
    assert "Exit note on trust" not in page
    body = new_lead.get(api).json()
    assert [(p["origin_organisation"]["name"], p["note"]) for p in body["phase_history"]] == [
        ("Exit counselling", ""),
        ("Youth office", "Youth note on school"),
    ]

    former_lead = verified_client(aw.cw.manager)
    page = former_lead.get(url).content.decode()
    assert "Exit note on trust" in page
    assert "Youth note on school" not in page
    # the history names the organisation that recorded each entry
    assert "(Exit counselling) on" in page and "(Youth office) on" in page
    notes = [p["note"] for p in former_lead.get(api).json()["phase_history"]]
    assert notes == ["Exit note on trust", ""]

    police = verified_client(aw.cw.officer).get(url).content.decode()
    assert "note on" not in police


def test_the_export_gives_each_phase_entry_to_the_organisation_that_wrote_it(aw: World) -> None:
    _lead_changes_to_youth(aw)
    ours = next(d for d in registered() if d.key == "assessments")
    phases = [p for p in ours.export(aw.case.client) if p.kind == "assessments.phase"]
    assert [(p.origin_organisation_id, p.data["note"]) for p in phases] == [
        (aw.cw.exit.pk, "Exit note on trust"),
        (aw.cw.youth.pk, "Youth note on school"),
    ]
