"""Services of assessments: who records what, what is refused (and changes nothing), what is
encrypted and audited, designations that start and end."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction

from icommit.assessments import services
from icommit.assessments.models import PhaseEntry, RiskAssessor, RiskReference, TrackEntry
from icommit.cases import services as cases
from icommit.core.exceptions import Conflict, Forbidden, NotFound, ValidationFailed
from icommit.core.models import AuditEvent
from tests.assessments.conftest import TODAY, World

pytestmark = pytest.mark.django_db


def _raw(table: str, column: str, pk: object) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM {table} WHERE id = %s",  # noqa: S608 (names from the test)
            [pk.hex if connection.vendor == "sqlite" else pk],
        )
        value = cursor.fetchone()[0]
    return bytes(value) if not isinstance(value, str) else value.encode()


def test_the_case_manager_records_the_phase_and_its_history_grows(aw: World) -> None:
    with transaction.atomic():
        services.phase_record(actor=aw.cw.manager, case=aw.case, phase="contact", since=TODAY())
        second = services.phase_record(
            actor=aw.cw.manager,
            case=aw.case,
            phase="stabilisation",
            since=TODAY(),
            note="Trust is there.",
        )
    assert [e.phase for e in PhaseEntry.objects.filter(case=aw.case)] == [
        "contact",
        "stabilisation",
    ]
    assert PhaseEntry.objects.get(pk=second.pk).note == "Trust is there."
    assert b"Trust is there" not in _raw("assessments_phaseentry", "note", second.pk)
    assert AuditEvent.objects.filter(action="assessments.phase_recorded").count() == 2


@pytest.mark.parametrize("who", ["counsellor", "youth_worker", "officer", "coordinator"])
def test_only_the_lead_case_manager_records_the_phase(aw: World, who: str) -> None:
    with pytest.raises((Forbidden, NotFound)), transaction.atomic():
        services.phase_record(
            actor=getattr(aw.cw, who), case=aw.case, phase="contact", since=TODAY()
        )
    assert not PhaseEntry.objects.exists()


def test_a_phase_outside_the_content_or_a_future_date_is_refused(aw: World) -> None:
    with pytest.raises(ValidationFailed) as exc, transaction.atomic():
        services.phase_record(actor=aw.cw.manager, case=aw.case, phase="done", since=TODAY())
    assert "phase" in exc.value.details
    with pytest.raises(ValidationFailed) as exc, transaction.atomic():
        services.phase_record(
            actor=aw.cw.manager,
            case=aw.case,
            phase="contact",
            since=TODAY() + datetime.timedelta(days=1),
        )
    assert "since" in exc.value.details
    assert not PhaseEntry.objects.exists()


def test_a_track_entry_is_a_shared_item_of_its_organisation_with_its_category(aw: World) -> None:
    behaviour = aw.track(track="disengagement", stage="left", rationale="No contact since May.")
    attitudes = aw.track(
        track="deradicalisation", stage="committed", rationale="Still speaks of the enemy."
    )
    assert behaviour.origin_organisation == aw.cw.exit and behaviour.category == "offence"
    assert attitudes.category == "ideology"
    assert TrackEntry.objects.get(pk=behaviour.pk).rationale == "No contact since May."
    assert b"No contact" not in _raw("assessments_trackentry", "rationale", behaviour.pk)
    event = AuditEvent.objects.filter(action="assessments.track_recorded").last()
    assert event is not None and event.team_id == aw.cw.team.pk


def test_a_stage_of_the_other_track_is_refused(aw: World) -> None:
    # "committed" is an attitudes stage; the behaviour track does not know it
    with pytest.raises(ValidationFailed) as exc:
        aw.track(track="disengagement", stage="committed")
    assert "stage" in exc.value.details
    with pytest.raises(ValidationFailed) as exc:
        aw.track(track="deradicalisation", stage="left")
    assert "stage" in exc.value.details
    with pytest.raises(ValidationFailed) as exc:
        aw.track(track="both", stage="unclear")
    assert "track" in exc.value.details
    assert not TrackEntry.objects.exists()


def test_a_track_entry_needs_a_rationale_and_an_organisation_of_the_case(aw: World) -> None:
    with pytest.raises(ValidationFailed) as exc:
        aw.track(rationale="  ")
    assert "rationale" in exc.value.details
    with pytest.raises(ValidationFailed) as exc:
        aw.track(org=aw.cw.police)  # the counsellor is not police
    assert "organisation" in exc.value.details
    with pytest.raises(Forbidden):  # the school referred the case and takes no part
        aw.track(actor=aw.cw.teacher, org=aw.cw.school)
    assert not TrackEntry.objects.exists()


def test_nobody_outside_the_case_records_a_track_entry(aw: World) -> None:
    with pytest.raises((Forbidden, NotFound)):
        aw.track(actor=aw.cw.dpo, org=aw.cw.housing)
    assert not TrackEntry.objects.exists()


def test_a_designated_assessor_records_a_risk_reference_encrypted(aw: World) -> None:
    ref = aw.risk(summary="Meet only in pairs; no home visits.")
    stored = RiskReference.objects.get(pk=ref.pk)
    assert (stored.instrument, stored.level) == ("VERA-2R", "moderate")
    assert stored.origin_organisation == aw.cw.police and stored.category == "risk"
    for column, plain in (("summary", b"pairs"), ("level", b"moderate"), ("instrument", b"VERA")):
        assert plain not in _raw("assessments_riskreference", column, ref.pk)
    assert AuditEvent.objects.filter(action="assessments.risk_recorded").count() == 1


def test_a_member_who_is_not_designated_cannot_record_a_risk_reference(aw: World) -> None:
    with pytest.raises(Forbidden), transaction.atomic():
        services.risk_record(
            actor=aw.cw.counsellor,  # exit counselling works on the case but designated nobody
            case=aw.case,
            organisation=aw.cw.exit,
            instrument="VERA-2R",
            assessed_on=TODAY(),
            level="low",
            summary="s",
            next_review=TODAY() + datetime.timedelta(days=30),
        )
    assert not RiskReference.objects.exists()


def test_an_ended_designation_stops_recording(aw: World) -> None:
    aw.risk()
    with transaction.atomic():
        services.assessor_end(actor=aw.police_admin, assessor=aw.assessor)
    with pytest.raises(Forbidden):
        aw.risk()
    assert RiskReference.objects.count() == 1
    assert AuditEvent.objects.filter(action="assessments.assessor_ended").count() == 1


def test_risk_input_is_checked_field_by_field(aw: World) -> None:
    cases_ = [
        ({"level": "extreme"}, "level"),
        ({"instrument": ""}, "instrument"),
        ({"summary": ""}, "summary"),
        ({"next_review": TODAY() - datetime.timedelta(days=20)}, "next_review"),
        ({"assessed_on": TODAY() + datetime.timedelta(days=2)}, "assessed_on"),
    ]
    for change, field in cases_:
        values = {
            "instrument": "VERA-2R",
            "assessed_on": TODAY() - datetime.timedelta(days=1),
            "level": "low",
            "summary": "s",
            "next_review": TODAY() + datetime.timedelta(days=30),
            **change,
        }
        with pytest.raises(ValidationFailed) as exc, transaction.atomic():
            services.risk_record(
                actor=aw.cw.officer, case=aw.case, organisation=aw.cw.police, **values
            )
        assert field in exc.value.details, field
    assert not RiskReference.objects.exists()


def test_only_an_administrator_of_the_organisation_designates_its_confirmed_members(
    aw: World,
) -> None:
    with pytest.raises(Forbidden), transaction.atomic():
        services.assessor_designate(
            actor=aw.cw.officer, organisation=aw.cw.police, user=aw.cw.officer
        )
    with pytest.raises(ValidationFailed) as exc, transaction.atomic():
        # police's administrator may not designate for exit counselling
        services.assessor_designate(
            actor=aw.police_admin, organisation=aw.cw.exit, user=aw.cw.counsellor
        )
    assert "organisation" in exc.value.details
    with pytest.raises(ValidationFailed) as exc, transaction.atomic():
        services.assessor_designate(
            actor=aw.police_admin, organisation=aw.cw.police, user=aw.cw.counsellor
        )
    assert "user" in exc.value.details
    with pytest.raises(Conflict), transaction.atomic():
        services.assessor_designate(
            actor=aw.police_admin, organisation=aw.cw.police, user=aw.cw.officer
        )
    assert RiskAssessor.objects.count() == 1
    event = AuditEvent.objects.filter(action="assessments.assessor_designated").get()
    assert event.actor_id == aw.police_admin.pk


def test_nothing_is_recorded_for_a_restricted_client(aw: World) -> None:
    with transaction.atomic():
        request = cases.restriction_request(actor=aw.cw.manager, case=aw.case, reason="Client asks")
        cases.restriction_decide(actor=aw.cw.dpo, request=request, grant=True)
    aw.case.client.refresh_from_db()
    with pytest.raises(Conflict):
        aw.track()
    with pytest.raises(Conflict):
        aw.risk()
    assert not TrackEntry.objects.exists() and not RiskReference.objects.exists()
