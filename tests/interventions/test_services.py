"""Services of the plan: who may write, what is refused (and nothing changes), what is audited."""

from __future__ import annotations

import datetime

import pytest

from icommit.core.audit import AuditEvent
from icommit.core.exceptions import Conflict, Forbidden, NotFound, ValidationFailed
from icommit.interventions import selectors, services
from icommit.interventions.models import Goal, Measure, Plan, PlanEvent, ScaleDecision
from tests.cases.conftest import CaseWorld
from tests.interventions.conftest import TODAY, PlanWorld, share_plan

pytestmark = pytest.mark.django_db


def test_the_plan_is_started_on_first_use_held_by_the_lead(cw: CaseWorld) -> None:
    case = cw.working()
    assert not Plan.objects.filter(case=case).exists()
    goal = services.goal_create(
        actor=cw.manager, case=case, domain="work", statement="Start an apprenticeship"
    )
    plan = Plan.objects.get(case=case)
    assert goal.plan == plan
    assert plan.origin_organisation == cw.exit
    assert plan.category == "plan"
    assert services.plan_ensure(actor=cw.manager, case=case) == plan
    assert Plan.objects.filter(case=case).count() == 1


def test_the_goal_statement_is_encrypted_at_rest(cw: CaseWorld) -> None:
    from django.db import connection

    case = cw.working()
    goal = services.goal_create(
        actor=cw.manager, case=case, domain="work", statement="Start an apprenticeship"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM interventions_goal WHERE id = %s", [goal.pk.hex])
        row = cursor.fetchone()
    if row is None:  # PostgreSQL stores UUIDs as such
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM interventions_goal WHERE id = %s", [goal.pk])
            row = cursor.fetchone()
    assert "apprenticeship" not in str(row[0])
    assert Goal.objects.get(pk=goal.pk).statement == "Start an apprenticeship"


@pytest.mark.parametrize("who", ["counsellor", "youth_worker", "coordinator", "officer"])
def test_only_the_lead_case_manager_edits_the_plan(cw: CaseWorld, who: str) -> None:
    case = cw.working()
    with pytest.raises((Forbidden, NotFound)):
        services.goal_create(
            actor=getattr(cw, who), case=case, domain="work", statement="Start work"
        )
    assert not Plan.objects.filter(case=case).exists()


def test_a_goal_needs_a_known_domain_and_a_statement(cw: CaseWorld) -> None:
    case = cw.working()
    with pytest.raises(ValidationFailed) as bad:
        services.goal_create(actor=cw.manager, case=case, domain="astrology", statement="x")
    assert "domain" in bad.value.details
    with pytest.raises(ValidationFailed) as empty:
        services.goal_create(actor=cw.manager, case=case, domain="general", statement="  ")
    assert "statement" in empty.value.details
    assert not Goal.objects.exists()


def test_goal_statuses_are_the_team_plan_statuses(pw: PlanWorld) -> None:
    goal = services.goal_update(
        actor=pw.cw.manager,
        goal=pw.goal,
        domain="housing",
        statement="Found a flat",
        lifecycle_status="completed",
        achievement_status="achieved",
    )
    assert (goal.lifecycle_status, goal.achievement_status) == ("completed", "achieved")
    with pytest.raises(ValidationFailed) as bad:
        services.goal_update(
            actor=pw.cw.manager,
            goal=pw.goal,
            domain="housing",
            statement="x",
            lifecycle_status="finished",
            achievement_status="achieved",
        )
    assert "lifecycle_status" in bad.value.details
    assert Goal.objects.get(pk=pw.goal.pk).statement == "Found a flat"


def test_a_measure_goes_to_an_organisation_taking_part(pw: PlanWorld) -> None:
    with pytest.raises(ValidationFailed) as bad:
        services.measure_create(
            actor=pw.cw.manager,
            case=pw.case,
            what="Talk to the class",
            responsible=pw.cw.school,  # referred the case, does not take part
        )
    assert "responsible" in bad.value.details
    assert Measure.objects.filter(plan=pw.plan).count() == 2


def test_a_measure_from_a_conference_keeps_its_source_as_a_reference(pw: PlanWorld) -> None:
    measure = services.measure_create(
        actor=pw.cw.manager,
        case=pw.case,
        what="Invite the father to a talk",
        responsible=pw.cw.youth,
        source_kind="conference",
        source_id="7f1c",
    )
    assert measure.goal is None
    assert (measure.source_kind, measure.source_id) == ("conference", "7f1c")
    with pytest.raises(ValidationFailed):
        services.measure_create(
            actor=pw.cw.manager,
            case=pw.case,
            what="x",
            responsible=pw.cw.youth,
            source_kind="conference",
        )


def test_a_goal_of_another_case_is_refused(pw: PlanWorld) -> None:
    other = pw.cw.working()
    with pytest.raises(ValidationFailed) as bad:
        services.measure_create(
            actor=pw.cw.manager, case=other, goal=pw.goal, what="x", responsible=pw.cw.youth
        )
    assert "goal" in bad.value.details


def test_the_responsible_organisation_marks_its_measure_done_once_shared(pw: PlanWorld) -> None:
    done = services.measure_status_set(
        actor=pw.cw.youth_worker, measure=pw.youth_measure, status="done"
    )
    assert done.status == "done" and done.status_by == pw.cw.youth_worker
    assert PlanEvent.objects.filter(plan=pw.plan).first().organisation == pw.cw.youth
    # housing is responsible for a measure, but the plan is not shared with it
    with pytest.raises(Forbidden):
        services.measure_status_set(
            actor=pw.cw.housing_worker, measure=pw.housing_measure, status="done"
        )
    # youth may not mark housing's measure
    with pytest.raises(Forbidden):
        services.measure_status_set(
            actor=pw.cw.youth_worker, measure=pw.housing_measure, status="done"
        )
    assert Measure.objects.get(pk=pw.housing_measure.pk).status == "open"
    share_plan(pw.cw, pw.case, pw.plan, pw.cw.housing)
    services.measure_status_set(
        actor=pw.cw.housing_worker, measure=pw.housing_measure, status="done"
    )
    assert Measure.objects.get(pk=pw.housing_measure.pk).status == "done"


def test_scaling_records_the_direction_and_refuses_the_same_level(pw: PlanWorld) -> None:
    cw = pw.cw
    first = services.scale_set(
        actor=cw.manager, case=pw.case, intensity="high", on=TODAY(), reason="Threats"
    )
    down = services.scale_set(
        actor=cw.manager, case=pw.case, intensity="medium", on=TODAY(), reason="Calmer"
    )
    assert (first.direction, down.direction) == ("set", "down")
    assert Plan.objects.get(pk=pw.plan.pk).intensity == "medium"
    with pytest.raises(ValidationFailed) as same:
        services.scale_set(
            actor=cw.manager, case=pw.case, intensity="medium", on=TODAY(), reason="Again"
        )
    assert "intensity" in same.value.details
    with pytest.raises(ValidationFailed) as reason:
        services.scale_set(actor=cw.manager, case=pw.case, intensity="low", on=TODAY(), reason="")
    assert "reason" in reason.value.details
    assert ScaleDecision.objects.filter(plan=pw.plan).count() == 2


def test_changes_are_audited_sealed_and_kept_in_the_history(pw: PlanWorld) -> None:
    events = AuditEvent.objects.filter(action__startswith="intervention.").values_list(
        "action", flat=True
    )
    assert set(events) >= {
        "intervention.plan_created",
        "intervention.goal_added",
        "intervention.measure_added",
    }
    # the chain row holds no client's words
    for event in AuditEvent.objects.filter(action="intervention.goal_added"):
        assert "flat" not in str(event.__dict__)
    history = [e.what for e in PlanEvent.objects.filter(plan=pw.plan)]
    assert "goal_added" in history and history.count("measure_added") == 2


def test_contacts_are_recorded_by_a_participating_organisation_for_itself(
    pw: PlanWorld,
) -> None:
    cw = pw.cw
    contact = services.contact_record(
        actor=cw.youth_worker, case=pw.case, organisation=cw.youth, on=TODAY(), kind="phone"
    )
    assert contact.organisation == cw.youth
    with pytest.raises(ValidationFailed) as other:
        services.contact_record(
            actor=cw.youth_worker, case=pw.case, organisation=cw.exit, on=TODAY(), kind="phone"
        )
    assert "organisation" in other.value.details
    with pytest.raises(ValidationFailed) as future:
        services.contact_record(
            actor=cw.youth_worker,
            case=pw.case,
            organisation=cw.youth,
            on=TODAY() + datetime.timedelta(days=1),
            kind="phone",
        )
    assert "on" in future.value.details
    with pytest.raises(ValidationFailed):
        services.contact_record(
            actor=cw.youth_worker, case=pw.case, organisation=cw.youth, on=TODAY(), kind="chat"
        )
    # the school referred the case but takes no part
    with pytest.raises((Forbidden, NotFound)):
        services.contact_record(
            actor=cw.teacher, case=pw.case, organisation=cw.school, on=TODAY(), kind="phone"
        )


def test_each_organisation_reads_its_own_contacts_the_lead_included(pw: PlanWorld) -> None:
    cw = pw.cw
    for actor, org, day in (
        (cw.youth_worker, cw.youth, TODAY() - datetime.timedelta(days=5)),
        (cw.housing_worker, cw.housing, TODAY() - datetime.timedelta(days=2)),
    ):
        services.contact_record(actor=actor, case=pw.case, organisation=org, on=day, kind="meeting")
    assert selectors.contacts_for(user=cw.manager, case=pw.case).count() == 0
    mine = selectors.contacts_for(user=cw.youth_worker, case=pw.case)
    assert [c.organisation for c in mine] == [cw.youth]
    # of the others' contacts, only the day of the last one
    assert selectors.last_contact(case=pw.case) == TODAY() - datetime.timedelta(days=2)


def test_nothing_is_written_while_processing_is_restricted(pw: PlanWorld) -> None:
    from icommit.cases import services as cases

    cw = pw.cw
    request = cases.restriction_request(actor=cw.manager, case=pw.case, reason="Client asks")
    cases.restriction_decide(actor=cw.dpo, request=request, grant=True)
    pw.case.client.refresh_from_db()
    with pytest.raises(Conflict):
        services.goal_create(actor=cw.manager, case=pw.case, domain="work", statement="x")
    with pytest.raises(Conflict):
        services.contact_record(
            actor=cw.youth_worker, case=pw.case, organisation=cw.youth, on=TODAY(), kind="phone"
        )


def test_a_scale_decision_recorded_late_takes_its_place_by_date(pw: PlanWorld) -> None:
    cw, day = pw.cw, datetime.timedelta(days=1)
    services.scale_set(
        actor=cw.manager, case=pw.case, intensity="medium", on=TODAY() - 20 * day, reason="a"
    )
    services.scale_set(
        actor=cw.manager, case=pw.case, intensity="low", on=TODAY() - 2 * day, reason="b"
    )
    # recorded now, applying from ten days ago: up from medium; the level today stays low
    late = services.scale_set(
        actor=cw.manager, case=pw.case, intensity="high", on=TODAY() - 10 * day, reason="c"
    )
    assert (late.previous, late.direction) == ("medium", "up")
    assert Plan.objects.get(pk=pw.plan.pk).intensity == "low"


def test_the_plan_holds_the_categories_of_its_goals_domains(pw: PlanWorld) -> None:
    from icommit.cases import kinds

    assert kinds.get("plan").categories_of(pw.plan) == ("plan", "situation")
    services.goal_create(
        actor=pw.cw.manager, case=pw.case, domain="general", statement="Keep going"
    )
    assert kinds.get("plan").categories_of(pw.plan) == ("plan", "situation")


def test_a_goal_in_a_domain_the_share_does_not_pass_ends_the_share(pw: PlanWorld) -> None:
    from icommit.sharing.items import may_see

    cw = pw.cw
    assert may_see(cw.youth_worker, pw.plan)
    # a work goal (situation) passes the protocol row youth already has: the share stays
    same = services.goal_create(actor=cw.manager, case=pw.case, domain="work", statement="A job")
    assert same.shares_ended == [] and may_see(cw.youth_worker, pw.plan)
    # a mental-health goal brings health data, which the protocol does not let go to youth
    goal = services.goal_create(
        actor=cw.manager, case=pw.case, domain="mental_health", statement="See a therapist"
    )
    assert [o.pk for o in goal.shares_ended] == [cw.youth.pk]
    assert not may_see(cw.youth_worker, pw.plan)


def test_changing_a_goals_domain_rechecks_the_shares(pw: PlanWorld) -> None:
    from icommit.sharing.items import may_see

    cw = pw.cw
    goal = services.goal_update(
        actor=cw.manager,
        goal=pw.goal,
        domain="ideology",
        statement="Talk about his views",
        lifecycle_status=pw.goal.lifecycle_status,
        achievement_status=pw.goal.achievement_status,
    )
    assert [o.pk for o in goal.shares_ended] == [cw.youth.pk]
    assert not may_see(cw.youth_worker, pw.plan)
