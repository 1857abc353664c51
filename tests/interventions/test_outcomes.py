"""Outcomes at closure and follow-ups; reports of new offences by justice agencies only; the
erasure and export of a client's plans, contacts and outcomes."""

from __future__ import annotations

import datetime

import pytest

from icommit.cases import services as cases
from icommit.cases.models import Case
from icommit.core.exceptions import Conflict, Forbidden, NotFound, ValidationFailed
from icommit.dataprotection.registry import registered
from icommit.interventions import selectors, services
from icommit.interventions.models import (
    Contact,
    Goal,
    Measure,
    OffenceReport,
    Outcome,
    Plan,
    PlanEvent,
    ScaleDecision,
)
from icommit.sharing.services import protocol_row_create
from tests.cases.conftest import CaseWorld
from tests.interventions.conftest import TODAY, PlanWorld

pytestmark = pytest.mark.django_db


def _closed(cw: CaseWorld) -> Case:
    case = cw.working()
    return cases.case_move(actor=cw.manager, case=case, target="closed", code="goals_reached")


def _outcome(cw: CaseWorld, case: Case, on: datetime.date, **values: str) -> Outcome:
    data = {"housing": "own", "work": "training", "education": "not_applicable"} | values
    return services.outcome_record(actor=cw.manager, case=case, on=on, **data)


def test_outcomes_are_numbered_from_closure_and_need_closure(cw: CaseWorld) -> None:
    open_case = cw.working()
    with pytest.raises(Conflict):
        _outcome(cw, open_case, TODAY())
    case = _closed(cw)
    first = _outcome(cw, case, TODAY() - datetime.timedelta(days=200), client_account="Calmer")
    cases.case_move(actor=cw.manager, case=case, target="aftercare")
    second = _outcome(cw, case, TODAY(), work="employed")
    assert (first.followup, second.followup) == (0, 1)
    assert Outcome.objects.get(pk=first.pk).client_account == "Calmer"
    with pytest.raises(ValidationFailed) as earlier:
        _outcome(cw, case, TODAY() - datetime.timedelta(days=300))
    assert "on" in earlier.value.details
    with pytest.raises(ValidationFailed) as bad:
        _outcome(cw, case, TODAY(), housing="castle")
    assert "housing" in bad.value.details
    assert Outcome.objects.filter(case=case).count() == 2


def test_each_status_offers_unknown_and_not_applicable(cw: CaseWorld) -> None:
    case = _closed(cw)
    outcome = _outcome(
        cw, case, TODAY(), housing="unknown", work="not_applicable", education="unknown"
    )
    assert (outcome.housing, outcome.work, outcome.education) == (
        "unknown",
        "not_applicable",
        "unknown",
    )


def test_only_the_lead_case_manager_records_outcomes(cw: CaseWorld) -> None:
    case = _closed(cw)
    for who in (cw.counsellor, cw.youth_worker, cw.officer):
        with pytest.raises((Forbidden, NotFound)):
            services.outcome_record(
                actor=who, case=case, on=TODAY(), housing="own", work="own", education="none"
            )
    assert not Outcome.objects.exists()


def test_only_a_justice_agency_taking_part_reports_new_offences(cw: CaseWorld) -> None:
    case = cw.working()
    report = services.offence_report_record(
        actor=cw.officer,
        case=case,
        organisation=cw.police,
        status="investigation",
        on=TODAY(),
        reference="AZ 123/26",
    )
    assert report.origin_organisation == cw.police and report.category == "offence"
    for who, org in ((cw.youth_worker, cw.youth), (cw.manager, cw.exit)):
        with pytest.raises(Forbidden):
            services.offence_report_record(
                actor=who, case=case, organisation=org, status="none_known", on=TODAY()
            )
    with pytest.raises(ValidationFailed) as no_reference:
        services.offence_report_record(
            actor=cw.officer, case=case, organisation=cw.police, status="investigation", on=TODAY()
        )
    assert "reference" in no_reference.value.details
    assert OffenceReport.objects.count() == 1


def test_an_offence_report_says_the_stage_of_new_proceedings(cw: CaseWorld) -> None:
    case = cw.working()
    for status in ("investigation", "charge", "conviction"):
        report = services.offence_report_record(
            actor=cw.officer,
            case=case,
            organisation=cw.police,
            status=status,
            on=TODAY(),
            reference=f"AZ {status}",
        )
        assert OffenceReport.objects.get(pk=report.pk).status == status
        # proceedings exist: the agency's reference number is needed
        with pytest.raises(ValidationFailed) as no_reference:
            services.offence_report_record(
                actor=cw.officer, case=case, organisation=cw.police, status=status, on=TODAY()
            )
        assert "reference" in no_reference.value.details
    none = services.offence_report_record(
        actor=cw.officer, case=case, organisation=cw.police, status="none_known", on=TODAY()
    )
    assert none.get_status_display() == "no new proceedings known"
    for bad in ("yes", "", "acquittal"):
        with pytest.raises(ValidationFailed) as refused:
            services.offence_report_record(
                actor=cw.officer,
                case=case,
                organisation=cw.police,
                status=bad,
                on=TODAY(),
                reference="AZ 9",
            )
        assert "status" in refused.value.details
    assert OffenceReport.objects.count() == 4


def test_an_offence_report_is_read_only_where_the_agency_shared_it(cw: CaseWorld) -> None:
    case = cw.working()
    protocol_row_create(
        actor=cw.coordinator,
        team=cw.team,
        values={
            "from_organisation_id": cw.police.pk,
            "to_organisation_id": cw.youth.pk,
            "category": "offence",
            "rule": "always",
            "legal_source": "§ 69 SGB X",
        },
    )
    report = services.offence_report_record(
        actor=cw.officer, case=case, organisation=cw.police, status="none_known", on=TODAY()
    )
    assert list(selectors.offence_reports_for(user=cw.officer, case=case)) == [report]
    assert list(selectors.offence_reports_for(user=cw.manager, case=case)) == []
    assert list(selectors.offence_reports_for(user=cw.youth_worker, case=case)) == []
    cases.item_share(
        actor=cw.officer,
        case=case,
        item=report,
        organisations=[cw.youth],
        purpose="Probation of support",
        basis="protocol",
        client_informed=True,
    )
    assert list(selectors.offence_reports_for(user=cw.youth_worker, case=case)) == [report]
    assert list(selectors.offence_reports_for(user=cw.manager, case=case)) == []


def test_erasure_deletes_every_row_and_the_plain_statuses(pw: PlanWorld) -> None:
    cw = pw.cw
    services.scale_set(actor=cw.manager, case=pw.case, intensity="high", on=TODAY(), reason="r")
    services.contact_record(
        actor=cw.youth_worker, case=pw.case, organisation=cw.youth, on=TODAY(), kind="phone"
    )
    services.offence_report_record(
        actor=cw.officer, case=pw.case, organisation=cw.police, status="none_known", on=TODAY()
    )
    closed = cases.case_move(actor=cw.manager, case=pw.case, target="closed", code="goals_reached")
    _outcome(cw, closed, TODAY())
    data = next(d for d in registered() if d.key == "interventions")
    parts = data.export(pw.case.client)
    kinds = sorted(p.kind for p in parts)
    assert kinds == [
        "interventions.contacts",
        "interventions.offence_report",
        "interventions.outcome",
        "interventions.plan",
    ]
    plan_part = next(p for p in parts if p.kind == "interventions.plan")
    assert plan_part.origin_organisation_id == cw.exit.pk
    assert plan_part.data["goals"][0]["goal"] == "Find a flat of his own"
    assert {a.organisation for a in plan_part.accesses if a.what == "shared"} == {"Youth office"}
    # organisations only, never staff
    text = str([p.data for p in parts]) + str([p.accesses for p in parts])
    for person in (cw.manager, cw.youth_worker, cw.officer):
        assert str(person) not in text
    assert PlanEvent.objects.filter(plan=pw.plan).exists()
    counts = data.erase(pw.case.client, None)
    assert counts["plans"] == 1 and counts["outcomes"] == 1 and counts["contacts"] == 1
    for model in (Plan, Goal, Measure, ScaleDecision, PlanEvent, Contact, Outcome, OffenceReport):
        assert not model.objects.exists(), model
    assert data.erase(pw.case.client, None)["plans"] == 0  # idempotent


def test_the_export_names_whom_the_plan_and_each_report_are_shared_with_now(
    pw: PlanWorld,
) -> None:
    cw = pw.cw
    protocol_row_create(
        actor=cw.coordinator,
        team=cw.team,
        values={
            "from_organisation_id": cw.police.pk,
            "to_organisation_id": cw.exit.pk,
            "category": "offence",
            "rule": "always",
            "legal_source": "§ 481 StPO",
        },
    )
    shared = services.offence_report_record(
        actor=cw.officer,
        case=pw.case,
        organisation=cw.police,
        status="investigation",
        on=TODAY(),
        reference="AZ 2/26",
    )
    kept = services.offence_report_record(
        actor=cw.officer, case=pw.case, organisation=cw.police, status="none_known", on=TODAY()
    )
    cases.item_share(
        actor=cw.officer,
        case=pw.case,
        item=shared,
        organisations=[cw.exit],
        purpose="Outcome indicators",
        basis="protocol",
        client_informed=True,
    )
    data = next(d for d in registered() if d.key == "interventions")
    parts = data.export(pw.case.client)
    plan_part = next(p for p in parts if p.kind == "interventions.plan")
    assert plan_part.shared_with == (cw.youth.pk,)
    reports = {
        p.data["status"]: p.shared_with for p in parts if p.kind == "interventions.offence_report"
    }
    assert reports == {"investigation": (cw.exit.pk,), "none_known": ()}
    assert kept.pk != shared.pk
    # a contact list stays with its organisation
    services.contact_record(
        actor=cw.youth_worker, case=pw.case, organisation=cw.youth, on=TODAY(), kind="phone"
    )
    contacts = next(p for p in data.export(pw.case.client) if p.kind == "interventions.contacts")
    assert contacts.shared_with == ()
