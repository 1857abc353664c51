"""A team's sharing protocol: rows written by coordinators, every change counted and audited."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from icommit.core.exceptions import Forbidden, NotFound, ValidationFailed
from icommit.core.models import AuditDetail, AuditEvent
from icommit.sharing import selectors as sharing_selectors
from icommit.sharing import services as sharing_services
from icommit.sharing.models import ProtocolRow
from icommit.teams.models import Team
from tests.conftest import World
from tests.factories import OrganisationFactory
from tests.stakeholders.conftest import Circle


def _values(world: World, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "from_organisation_id": world.municipality.pk,
        "to_sector": "police",
        "category": "identity",
        "rule": "consent",
    }
    values.update(overrides)
    return values


def _create(world: World, actor=None, **overrides) -> ProtocolRow:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        return sharing_services.protocol_row_create(
            actor=actor or world.coordinator, team=world.team, values=_values(world, **overrides)
        )


def test_a_coordinator_adds_a_row_and_the_protocol_version_grows(world: World) -> None:
    row = _create(world)
    assert (row.from_organisation_id, row.to_sector, row.rule) == (
        world.municipality.pk,
        "police",
        "consent",
    )
    protocol = sharing_selectors.sharing_protocol(team=world.team)
    assert protocol is not None and protocol.version == 1
    assert protocol.changed_by == world.coordinator
    event = AuditEvent.objects.get(action="protocol.row_create")
    assert event.team_id == world.team.pk
    assert AuditDetail.objects.get(event=event).data["protocol_version"] == 1


@pytest.mark.parametrize(
    ("who", "refusal"),
    [
        ("member", Forbidden),
        ("observer", Forbidden),
        ("admin", Forbidden),
        ("other_coordinator", NotFound),
        ("outsider", NotFound),
    ],
)
def test_only_coordinators_of_the_team_change_the_protocol(
    world: World, who: str, refusal: type[Exception]
) -> None:
    actor = getattr(world, who)
    with pytest.raises(refusal):
        _create(world, actor=actor)
    row = _create(world)
    with pytest.raises(refusal):
        sharing_services.protocol_row_update(
            actor=actor, row=row, values=_values(world, rule="never")
        )
    with pytest.raises(refusal):
        sharing_services.protocol_row_delete(actor=actor, row=row)
    assert ProtocolRow.objects.get().rule == "consent"


def test_an_archived_team_keeps_its_protocol_unchanged(world: World) -> None:
    Team.objects.filter(pk=world.team.pk).update(archived_at=timezone.now())
    world.team.refresh_from_db()
    with pytest.raises(Forbidden):
        _create(world)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"to_sector": "", "to_organisation_id": None}, "to"),
        ({"from_sector": "school"}, "from"),
        ({"to_sector": "spies"}, "to"),
        ({"category": "shoe_size"}, "category"),
        ({"rule": "sometimes"}, "rule"),
        ({"rule": "always"}, "legal_source"),
        ({"rule": "legal_basis", "legal_source": "  "}, "legal_source"),
        ({"to_sector": "", "to_organisation_id": -1}, "to"),
    ],
)
def test_bad_rows_name_the_field_and_change_nothing(
    world: World, overrides: dict, field: str
) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValidationFailed) as err:
        _create(world, **overrides)
    assert field in err.value.details
    assert not ProtocolRow.objects.exists()
    assert sharing_selectors.sharing_protocol(team=world.team) is None


def test_a_row_names_only_organisations_of_the_team(world: World) -> None:
    stranger = OrganisationFactory(name="Not in the team")
    with pytest.raises(ValidationFailed) as err:
        _create(world, to_sector="", to_organisation_id=stranger.pk)
    assert "does not take part" in err.value.message


def test_a_row_from_an_organisation_to_itself_is_refused(world: World) -> None:
    with pytest.raises(ValidationFailed) as err:
        _create(world, to_sector="", to_organisation_id=world.municipality.pk)
    assert "to" in err.value.details


def test_the_same_flow_and_category_cannot_have_two_rows(world: World) -> None:
    _create(world)
    with pytest.raises(ValidationFailed) as err:
        _create(world, rule="never")
    assert "already has a row" in err.value.message
    other = _create(world, category="health")
    with pytest.raises(ValidationFailed):
        sharing_services.protocol_row_update(
            actor=world.coordinator, row=other, values=_values(world, category="identity")
        )
    protocol = sharing_selectors.sharing_protocol(team=world.team)
    assert protocol is not None and protocol.version == 2


def test_a_change_is_audited_with_old_and_new_values(world: World) -> None:
    row = _create(world)
    sharing_services.protocol_row_update(
        actor=world.coordinator,
        row=row,
        values=_values(world, rule="legal_basis", legal_source="Art. 6(1)(e) GDPR"),
    )
    row.refresh_from_db()
    assert (row.rule, row.legal_source) == ("legal_basis", "Art. 6(1)(e) GDPR")
    event = AuditEvent.objects.get(action="protocol.row_update")
    detail = AuditDetail.objects.get(event=event).data
    assert detail["rule"] == ["consent", "legal_basis"]
    assert detail["protocol_version"] == 2


def test_an_unchanged_row_is_not_a_change(world: World) -> None:
    row = _create(world)
    sharing_services.protocol_row_update(actor=world.coordinator, row=row, values=_values(world))
    assert not AuditEvent.objects.filter(action="protocol.row_update").exists()
    protocol = sharing_selectors.sharing_protocol(team=world.team)
    assert protocol is not None and protocol.version == 1


def test_a_deleted_row_lives_on_in_the_audit_log(world: World) -> None:
    row = _create(world, note="Only the pseudonym")
    pk = row.pk
    sharing_services.protocol_row_delete(actor=world.coordinator, row=row)
    assert not ProtocolRow.objects.exists()
    event = AuditEvent.objects.get(action="protocol.row_delete")
    assert event.object_id == str(pk) and event.team_id == world.team.pk
    assert AuditDetail.objects.get(event=event).data["note"] == "Only the pseudonym"


def test_the_protocol_rows_as_display_strings_for_the_charter(circle: Circle) -> None:
    world = circle.world
    circle.row(
        from_sector="health",
        to_organisation_id=world.police.pk,
        category="health",
        rule="legal_basis",
        legal_source="Danger to others",
        note="Only imminent danger",
    )
    circle.row(
        from_organisation_id=circle.exit.pk, to_sector="school", category="plan", rule="never"
    )
    assert sharing_selectors.sharing_protocol_rows(team=world.team) == [
        {
            "from": "Health and psychiatry (sector)",
            "to": "Police",
            "category": "Health",
            "rule": "with a recorded legal basis",
            "legal_source": "Danger to others",
            "note": "Only imminent danger",
        },
        {
            "from": "Exit NGO",
            "to": "School (sector)",
            "category": "Intervention plan",
            "rule": "never",
            "legal_source": "",
            "note": "",
        },
    ]
