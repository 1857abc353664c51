"""Convening, the agenda and the minutes of a case: sharing when opened, dissent, confirmation,
freezing, corrections, and what reaches the case and its plan."""

from __future__ import annotations

import datetime

import pytest

from icommit.cases.models import Case
from icommit.conferences import services
from icommit.conferences.models import AgendaEntry, PartAudience, PartVersion
from icommit.conferences.services import ActionIn, DissentIn, PartIn
from icommit.core.exceptions import Conflict, Forbidden, NotFound, ValidationFailed
from icommit.core.models import AuditEvent
from icommit.sharing.items import may_see
from tests.conferences.conftest import HELD_ON, ConferenceWorld

pytestmark = pytest.mark.django_db


def test_only_coordinators_and_case_managers_convene(kw: ConferenceWorld) -> None:
    with pytest.raises(Forbidden):
        services.conference_create(
            actor=kw.cw.youth_worker, team=kw.cw.team, held_on=HELD_ON, title="X"
        )
    conference = services.conference_create(
        actor=kw.cw.manager, team=kw.cw.team, held_on=HELD_ON, title="By a case manager"
    )
    assert conference.convened_by == kw.cw.manager


def test_a_conference_needs_a_date_and_attendees_of_the_team(kw: ConferenceWorld) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.conference_create(
            actor=kw.cw.coordinator, team=kw.cw.team, held_on=None, title="X"
        )
    assert "held_on" in exc.value.details
    outsider = kw.cw.dpo
    with pytest.raises(ValidationFailed) as exc:
        kw.convene(kw.cw.manager, outsider)
    assert "attendees" in exc.value.details


def test_a_case_goes_on_the_agenda_once_with_a_presenter_of_its_lead(
    kw: ConferenceWorld,
) -> None:
    assert kw.entry.presenter == kw.cw.manager
    with pytest.raises(Conflict):
        services.agenda_add(actor=kw.cw.manager, conference=kw.conference, case=kw.case)
    other = kw.cw.working()
    with pytest.raises(ValidationFailed) as exc:
        services.agenda_add(
            actor=kw.cw.manager,
            conference=kw.conference,
            case=other,
            presenter=kw.cw.youth_worker,
        )
    assert "presenter" in exc.value.details
    assert AgendaEntry.objects.filter(conference=kw.conference).count() == 1


def test_the_coordinator_cannot_put_a_case_of_no_concern_on_the_agenda(
    kw: ConferenceWorld,
) -> None:
    other = kw.cw.accepted()  # housing (the coordinator's organisation) takes no part
    with pytest.raises((NotFound, Forbidden)):
        services.agenda_add(actor=kw.cw.coordinator, conference=kw.conference, case=other)


def test_the_agenda_order_changes(kw: ConferenceWorld) -> None:
    second = services.agenda_add(
        actor=kw.cw.manager, conference=kw.conference, case=kw.cw.working()
    )
    services.agenda_move(actor=kw.cw.manager, entry=second, direction="up")
    order = list(AgendaEntry.objects.filter(conference=kw.conference).values_list("pk", flat=True))
    assert order == [second.pk, kw.entry.pk]
    with pytest.raises(ValidationFailed):
        services.agenda_move(actor=kw.cw.manager, entry=second, direction="sideways")


def test_opening_the_minutes_shares_them_with_the_organisations_present_for_the_case(
    kw: ConferenceWorld,
) -> None:
    part = kw.open()
    assert part.origin_organisation == kw.cw.exit and part.category == "plan"
    audience = set(PartAudience.objects.filter(item=part).values_list("organisation_id", flat=True))
    # youth and housing take part and the protocol lets plan information go to them; the police
    # takes part but the protocol asks for a consent there is none of; the school takes no part
    assert audience == {kw.cw.youth.pk, kw.cw.housing.pk}
    present = set(part.current.attendees.values_list("user_id", flat=True))
    assert present == {kw.cw.manager.pk, kw.cw.youth_worker.pk, kw.cw.housing_worker.pk}
    assert may_see(kw.cw.youth_worker, part)
    assert not may_see(kw.cw.officer, part)
    assert not may_see(kw.cw.teacher, part)
    # the coordinator (housing) reads it only because housing was present
    assert may_see(kw.cw.coordinator, part)
    event = AuditEvent.objects.filter(action="conference.part_opened").get()
    # the details are sealed with the client's key (they die with it)
    assert str(kw.case.client.subject_key_id) in event.detail.sealed
    with pytest.raises(Conflict):
        kw.open()


def test_only_an_attendee_of_the_lead_opens_and_writes_the_minutes(kw: ConferenceWorld) -> None:
    with pytest.raises(Forbidden):
        services.part_open(actor=kw.cw.youth_worker, entry=kw.entry, client_informed=True)
    part = kw.open()
    with pytest.raises(Forbidden):
        services.part_update(actor=kw.cw.youth_worker, part=part, data=PartIn(discussion="x"))
    # a second person of the lead who did not attend may not write them either
    with pytest.raises(Forbidden):
        services.part_update(actor=kw.cw.counsellor, part=part, data=PartIn(discussion="x"))


def _written(kw: ConferenceWorld, **values: object) -> PartVersion:
    part = kw.open()
    data = {
        "discussion": "Housing is the main worry.",
        "decisions": "Scale up the joint work.",
        "scale": "up",
        "intensity": "high",
        "next_review": HELD_ON + datetime.timedelta(days=60),
        "dissents": [DissentIn(kw.cw.youth.pk, "Too early to scale up.")],
        "actions": [ActionIn("Find a flat", kw.cw.housing.pk, HELD_ON + datetime.timedelta(30))],
    }
    data.update(values)
    return services.part_update(actor=kw.cw.manager, part=part, data=PartIn(**data))  # type: ignore[arg-type]


def test_the_minutes_are_sealed_with_the_clients_key(kw: ConferenceWorld) -> None:
    version = _written(kw)
    raw = PartVersion.objects.filter(pk=version.pk).values_list("discussion", flat=True).get()
    assert "Housing" not in raw
    assert str(kw.case.client.subject_key_id) in raw
    dissent = version.dissents.get()
    assert dissent.organisation == kw.cw.youth and dissent.text == "Too early to scale up."
    event = AuditEvent.objects.filter(action="conference.part_updated").get()
    assert "Housing" not in event.detail.sealed


def test_dissent_only_by_an_organisation_present(kw: ConferenceWorld) -> None:
    with pytest.raises(ValidationFailed) as exc:
        _written(kw, dissents=[DissentIn(kw.cw.police.pk, "No")])
    assert "dissents" in exc.value.details


def test_an_action_goes_to_an_organisation_taking_part(kw: ConferenceWorld) -> None:
    with pytest.raises(ValidationFailed) as exc:
        _written(kw, actions=[ActionIn("Talk", kw.cw.school.pk)])
    assert "actions" in exc.value.details


def test_scaling_names_the_level(kw: ConferenceWorld) -> None:
    with pytest.raises(ValidationFailed) as exc:
        _written(kw, intensity="")
    assert "intensity" in exc.value.details


def _confirm_all(kw: ConferenceWorld, part: object, order: list[object]) -> None:
    for person in order:
        services.part_confirm(actor=person, part=part)  # type: ignore[arg-type]


def test_minutes_freeze_when_all_present_confirmed_and_reach_the_case_and_plan(
    kw: ConferenceWorld,
) -> None:
    from icommit.interventions.models import Measure

    version = _written(kw)
    part = version.part
    services.part_circulate(actor=kw.cw.manager, part=part)
    with pytest.raises(Forbidden):
        services.part_confirm(actor=kw.cw.officer, part=part)
    _confirm_all(kw, part, [kw.cw.youth_worker, kw.cw.housing_worker])
    version.refresh_from_db()
    assert version.status == "circulated"
    services.part_confirm(actor=kw.cw.manager, part=part)
    version.refresh_from_db()
    assert version.status == "frozen" and version.applied_at is not None
    case = Case.objects.get(pk=kw.case.pk)
    assert case.next_review == HELD_ON + datetime.timedelta(days=60)
    measure = Measure.objects.get(source_kind="conference", source_id=str(part.pk))
    assert measure.what == "Find a flat" and measure.responsible_id == kw.cw.housing.pk
    assert version.actions.get().measure_id == str(measure.pk)
    # frozen: editing is refused, nothing changes
    with pytest.raises(Conflict):
        services.part_update(actor=kw.cw.manager, part=part, data=PartIn(discussion="changed"))
    version.refresh_from_db()
    assert version.discussion == "Housing is the main worry."


def test_minutes_frozen_by_someone_else_wait_for_the_case_manager(kw: ConferenceWorld) -> None:
    version = _written(kw)
    part = version.part
    services.part_circulate(actor=kw.cw.manager, part=part)
    _confirm_all(kw, part, [kw.cw.manager, kw.cw.housing_worker, kw.cw.youth_worker])
    version.refresh_from_db()
    assert version.is_frozen and version.applied_at is None
    assert Case.objects.get(pk=kw.case.pk).next_review is None
    with pytest.raises(Forbidden):
        services.part_apply(actor=kw.cw.youth_worker, part=part)
    services.part_apply(actor=kw.cw.manager, part=part)
    assert Case.objects.get(pk=kw.case.pk).next_review == version.next_review
    with pytest.raises(Conflict):
        services.part_apply(actor=kw.cw.manager, part=part)


def test_a_correction_is_a_new_version_confirmed_again(kw: ConferenceWorld) -> None:
    version = _written(kw)
    part = version.part
    services.part_circulate(actor=kw.cw.manager, part=part)
    _confirm_all(kw, part, [kw.cw.youth_worker, kw.cw.housing_worker, kw.cw.manager])
    with pytest.raises(ValidationFailed):
        services.part_correct(actor=kw.cw.manager, part=part, reason="")
    second = services.part_correct(actor=kw.cw.manager, part=part, reason="A date was wrong")
    assert second.number == 2 and second.status == "draft" and second.previous_id == version.pk
    assert second.discussion == version.discussion
    assert second.dissents.get().text == "Too early to scale up."
    assert second.attendees.filter(confirmed_at__isnull=True).count() == 3
    part.refresh_from_db()
    assert part.current_id == second.pk
    version.refresh_from_db()
    assert version.is_frozen  # the first version stays as it was


def test_changing_circulated_minutes_starts_confirmations_over(kw: ConferenceWorld) -> None:
    version = _written(kw)
    part = version.part
    services.part_circulate(actor=kw.cw.manager, part=part)
    services.part_confirm(actor=kw.cw.youth_worker, part=part)
    services.part_update(actor=kw.cw.manager, part=part, data=PartIn(discussion="More"))
    assert not version.attendees.filter(confirmed_at__isnull=False).exists()


def test_circulating_needs_words(kw: ConferenceWorld) -> None:
    part = kw.open()
    with pytest.raises(ValidationFailed):
        services.part_circulate(actor=kw.cw.manager, part=part)
