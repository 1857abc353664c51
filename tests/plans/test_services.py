"""Plan services: who may write what, what is validated, and that every write is audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from icommit.core.exceptions import Forbidden, NotFound, ValidationFailed
from icommit.core.models import AuditDetail, AuditEvent
from icommit.plans import services
from icommit.plans.models import Goal, PlanAction, ProgressNote, Risk
from icommit.plans.sources import SourceRef
from icommit.plans.vocab import GoalAchievement, GoalLifecycleStatus
from tests.conftest import World
from tests.factories import OrganisationFactory, UserFactory, team_member
from tests.plans.conftest import Plan, days


def _last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("seq")


# --- goals ------------------------------------------------------------------------------------


def test_a_coordinator_sets_a_goal_and_the_event_records_it(world: World) -> None:
    goal = services.goal_create(
        actor=world.coordinator,
        team=world.team,
        title="  Share of non-security participants at least 50% ",
        why="Schools come less.",
        phase_key="operation",
        indicator_id="process.non-security-share",
        target_value="50",
    )
    assert goal.title == "Share of non-security participants at least 50%"
    assert goal.lifecycle_status == GoalLifecycleStatus.ACTIVE
    assert goal.achievement == GoalAchievement.IN_PROGRESS
    goal.refresh_from_db()
    assert goal.target_value == Decimal("50")
    event = _last("plan.goal_create")
    assert (event.object_id, event.team_id, event.actor_id) == (
        str(goal.pk),
        world.team.pk,
        world.coordinator.pk,
    )
    detail = AuditDetail.objects.get(event=event).data
    assert detail["indicator_id"] == "process.non-security-share"


@pytest.mark.parametrize("who", ["member", "observer"])
def test_members_and_observers_may_not_set_goals(world: World, who: str) -> None:
    with pytest.raises(Forbidden):
        services.goal_create(actor=getattr(world, who), team=world.team, title="G")
    assert not Goal.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "admin", "other_coordinator"])
def test_people_outside_the_team_do_not_find_it(world: World, who: str) -> None:
    with pytest.raises(NotFound):
        services.goal_create(actor=getattr(world, who), team=world.team, title="G")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": "  "}, "title"),
        ({"phase_key": "launch"}, "phase_key"),
        ({"indicator_id": "process.made-up"}, "indicator_id"),
        ({"target_value": 5}, "indicator_id"),
        ({"indicator_id": "process.non-security-share", "target_value": "lots"}, "target_value"),
        ({"source": SourceRef("rumour", "1", "x")}, "source_kind"),
        ({"source": SourceRef("meeting_decision", "1", "")}, "source_label"),
        ({"source": SourceRef("", "", "somewhere")}, "source_kind"),
    ],
)
def test_a_goal_is_validated_before_it_is_saved(
    world: World, kwargs: dict[str, object], field: str
) -> None:
    args = {"title": "G", **kwargs}
    with pytest.raises(ValidationFailed) as caught:
        services.goal_create(actor=world.coordinator, team=world.team, **args)  # type: ignore[arg-type]
    assert field in caught.value.details
    assert not Goal.objects.exists()


def test_every_phase_of_the_phase_model_can_be_linked(world: World) -> None:
    from icommit.methodology.content import phase_keys

    keys = phase_keys()
    assert keys == ["exploration", "setup", "operation", "monitoring", "consolidation"]
    for key in keys:
        services.goal_create(actor=world.coordinator, team=world.team, title=key, phase_key=key)
    assert Goal.objects.count() == 5


def test_the_source_of_a_goal_is_kept(world: World) -> None:
    goal = services.goal_create(
        actor=world.coordinator,
        team=world.team,
        title="Record the legal basis",
        source=SourceRef("phase_task", "setup.legal-basis", "Record the legal basis for sharing"),
    )
    goal.refresh_from_db()
    assert (goal.source_kind, goal.source_ref, goal.source_label) == (
        "phase_task",
        "setup.legal-basis",
        "Record the legal basis for sharing",
    )
    assert goal.get_source_kind_display() == "Phase task"


def test_updating_a_goal_records_only_what_changed(plan: Plan) -> None:
    goal, coordinator = plan.goal, plan.world.coordinator
    services.goal_update(
        actor=coordinator,
        goal=goal,
        title=goal.title,
        why=goal.why,
        target_date=goal.target_date,
        phase_key=goal.phase_key,
        indicator_id=goal.indicator_id,
        target_value=goal.target_value,
        lifecycle_status="on-hold",
        achievement="worsening",
    )
    detail = AuditDetail.objects.get(event=_last("plan.goal_update")).data
    assert detail == {
        "lifecycle_status": ["active", "on-hold"],
        "achievement": ["in-progress", "worsening"],
    }
    before = AuditEvent.objects.count()
    services.goal_update(
        actor=coordinator,
        goal=goal,
        title=goal.title,
        why=goal.why,
        target_date=goal.target_date,
        phase_key=goal.phase_key,
        indicator_id=goal.indicator_id,
        target_value=goal.target_value,
        lifecycle_status="on-hold",
        achievement="worsening",
    )
    assert AuditEvent.objects.count() == before


def test_a_goal_status_outside_the_fhir_vocabulary_is_refused(plan: Plan) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.goal_update(
            actor=plan.world.coordinator,
            goal=plan.goal,
            title="G",
            lifecycle_status="abandoned",
        )
    assert "lifecycle_status" in caught.value.details


def test_the_goal_vocabulary_uses_the_fhir_codes() -> None:
    assert GoalLifecycleStatus.values == ["proposed", "active", "on-hold", "completed", "cancelled"]
    assert GoalAchievement.values == [
        "in-progress",
        "improving",
        "worsening",
        "no-change",
        "achieved",
        "not-achieved",
    ]


def test_an_archived_team_plan_is_read_only(plan: Plan) -> None:
    team = plan.world.team
    team.archived_at = timezone.now()
    team.save()
    plan.goal.refresh_from_db()
    with pytest.raises(Forbidden):
        services.goal_create(actor=plan.world.coordinator, team=team, title="G")
    with pytest.raises(Forbidden):
        services.action_note_add(
            actor=plan.world.member,
            action=PlanAction.objects.get(pk=plan.police_action.pk),
            text="x",
        )


# --- actions ----------------------------------------------------------------------------------


def test_an_action_takes_its_owner_organisation_from_the_owner_person(plan: Plan) -> None:
    action = services.action_create(
        actor=plan.world.coordinator, goal=plan.goal, title="A", owner_user=plan.social_worker
    )
    assert action.owner_organisation == plan.social
    assert action.team_id == plan.world.team.pk
    detail = AuditDetail.objects.get(event=_last("plan.action_create")).data
    assert detail["goal"] == plan.goal.pk
    assert detail["owner_organisation_id"] == plan.social.pk


def test_the_owner_must_take_part_in_the_team(plan: Plan) -> None:
    stranger_org = OrganisationFactory(name="Elsewhere")
    with pytest.raises(ValidationFailed) as caught:
        services.action_create(
            actor=plan.world.coordinator,
            goal=plan.goal,
            title="A",
            owner_organisation=stranger_org,
        )
    assert "owner_organisation" in caught.value.details
    with pytest.raises(ValidationFailed) as caught:
        services.action_create(
            actor=plan.world.coordinator,
            goal=plan.goal,
            title="A",
            owner_organisation=plan.social,
            owner_user=plan.world.member,  # sits for the police
        )
    assert "owner_user" in caught.value.details
    with pytest.raises(ValidationFailed):
        services.action_create(
            actor=plan.world.coordinator, goal=plan.goal, title="A", owner_user=UserFactory()
        )
    assert PlanAction.objects.count() == 3


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("coordinator", True),
        ("member", True),  # the owner person
        ("observer", False),  # in the owner organisation, but observers read only
        ("social_worker", False),  # another organisation
        ("other_coordinator", False),
    ],
)
def test_who_may_update_the_status_of_an_action(plan: Plan, who: str, allowed: bool) -> None:
    actor = plan.social_worker if who == "social_worker" else getattr(plan.world, who)
    action = plan.police_action
    if allowed:
        services.action_set_status(actor=actor, action=action, status="in_progress")
        action.refresh_from_db()
        assert action.status == "in_progress"
        assert AuditDetail.objects.get(event=_last("plan.action_status")).data == {
            "status": ["open", "in_progress"]
        }
    else:
        with pytest.raises((Forbidden, NotFound)):
            services.action_set_status(actor=actor, action=action, status="in_progress")
        action.refresh_from_db()
        assert action.status == "open"


def test_members_of_the_owner_organisation_update_an_action_without_an_owner_person(
    plan: Plan,
) -> None:
    services.action_note_add(actor=plan.social_worker, action=plan.social_action, text="Started")
    colleague = UserFactory()
    team_member(plan.world.team, colleague, plan.world.police, "member")
    services.action_set_status(actor=colleague, action=plan.done_action, status="open")
    with pytest.raises(Forbidden):
        services.action_set_status(
            actor=plan.world.member, action=plan.social_action, status="done"
        )


def test_progress_notes_are_appended_and_audited(plan: Plan) -> None:
    member = plan.world.member
    services.action_note_add(actor=member, action=plan.police_action, text=" First step done ")
    services.action_note_add(actor=member, action=plan.police_action, text="Second step")
    notes = list(ProgressNote.objects.filter(action=plan.police_action))
    assert [n.text for n in notes] == ["First step done", "Second step"]
    assert {n.author_id for n in notes} == {member.pk}
    assert AuditEvent.objects.filter(action="plan.action_note").count() == 2
    with pytest.raises(ValidationFailed):
        services.action_note_add(actor=member, action=plan.police_action, text="   ")


def test_a_bad_status_is_refused(plan: Plan) -> None:
    with pytest.raises(ValidationFailed):
        services.action_set_status(
            actor=plan.world.coordinator, action=plan.police_action, status="finished"
        )


def test_only_coordinators_change_an_action_s_owner_or_date(plan: Plan) -> None:
    with pytest.raises(Forbidden):
        services.action_update(actor=plan.world.member, action=plan.police_action, title="Mine now")
    services.action_update(
        actor=plan.world.coordinator,
        action=plan.police_action,
        title="Add legal sources",
        owner_organisation=plan.social,
        due_date=days(10),
    )
    plan.police_action.refresh_from_db()
    assert plan.police_action.owner_organisation == plan.social
    assert plan.police_action.owner_user is None
    detail = AuditDetail.objects.get(event=_last("plan.action_update")).data
    assert set(detail) == {"owner_organisation_id", "owner_user_id", "due_date"}


# --- risks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("likelihood", "impact"), [(0, 3), (3, 6), ("x", 2)])
def test_likelihood_and_impact_run_from_one_to_five(
    world: World, likelihood: object, impact: object
) -> None:
    with pytest.raises(ValidationFailed):
        services.risk_create(
            actor=world.coordinator,
            team=world.team,
            title="R",
            likelihood=likelihood,  # type: ignore[arg-type]
            impact=impact,  # type: ignore[arg-type]
        )
    assert not Risk.objects.exists()


def test_mitigations_are_actions_of_the_same_team(plan: Plan) -> None:
    other_goal = services.goal_create(
        actor=plan.world.other_coordinator, team=plan.world.other_team, title="Other"
    )
    other_action = services.action_create(
        actor=plan.world.other_coordinator, goal=other_goal, title="Other action"
    )
    with pytest.raises(ValidationFailed) as caught:
        services.risk_create(
            actor=plan.world.coordinator,
            team=plan.world.team,
            title="R",
            likelihood=1,
            impact=1,
            mitigations=[other_action],
        )
    assert "mitigations" in caught.value.details


def test_a_risk_is_reassessed_and_its_mitigations_replaced(plan: Plan) -> None:
    risk = plan.risk
    services.risk_update(
        actor=plan.world.coordinator,
        risk=risk,
        title=risk.title,
        likelihood=4,
        impact=5,
        owner_organisation=plan.world.municipality,
        mitigations=[plan.social_action],
        review_date=risk.review_date,
    )
    risk.refresh_from_db()
    assert (risk.likelihood, risk.score) == (4, 20)
    assert list(risk.mitigations.all()) == [plan.social_action]
    detail = AuditDetail.objects.get(event=_last("plan.risk_update")).data
    assert detail == {
        "likelihood": [2, 4],
        "mitigations": [[plan.police_action.pk], [plan.social_action.pk]],
    }
    with pytest.raises(Forbidden):
        services.risk_update(actor=plan.world.member, risk=risk, title="R", likelihood=1, impact=1)
