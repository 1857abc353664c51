"""The plan policy: a truth table per role, and ``can`` agreeing with ``visible`` everywhere."""

from __future__ import annotations

import pytest
from django.utils import timezone

from icommit.access import Action, can, visible
from icommit.access.facts import forget
from icommit.plans.models import Goal, PlanAction, Risk
from icommit.teams.models import Team
from tests.plans.conftest import Plan

A = Action


@pytest.mark.parametrize(
    ("who", "view", "edit"),
    [
        ("coordinator", True, True),
        ("member", True, False),
        ("observer", True, False),
        ("outsider", False, False),
        ("admin", False, False),
        ("other_coordinator", False, False),
    ],
)
def test_members_read_the_plan_and_coordinators_edit_it(
    plan: Plan, who: str, view: bool, edit: bool
) -> None:
    user = getattr(plan.world, who)
    for obj in (plan.world.team, plan.goal, plan.police_action, plan.risk):
        assert can(user, A.PLAN_VIEW, obj) is view, obj
        assert can(user, A.PLAN_EDIT, obj) is edit, obj


def test_updating_an_action_is_for_its_owners_and_coordinators(plan: Plan) -> None:
    w = plan.world
    assert can(w.coordinator, A.PLAN_ACTION_UPDATE, plan.social_action)
    assert can(w.member, A.PLAN_ACTION_UPDATE, plan.police_action)  # owner person
    assert can(w.member, A.PLAN_ACTION_UPDATE, plan.done_action)  # owner organisation
    assert not can(w.member, A.PLAN_ACTION_UPDATE, plan.social_action)
    assert can(plan.social_worker, A.PLAN_ACTION_UPDATE, plan.social_action)
    assert not can(w.observer, A.PLAN_ACTION_UPDATE, plan.police_action)
    # the action is the object; a team or a goal never is
    assert not can(w.coordinator, A.PLAN_ACTION_UPDATE, w.team)
    assert not can(w.coordinator, A.PLAN_ACTION_UPDATE, plan.goal)


def _everyone(plan: Plan) -> list:  # type: ignore[type-arg]
    w = plan.world
    return [
        w.coordinator,
        w.member,
        w.observer,
        w.outsider,
        w.admin,
        w.other_coordinator,
        plan.social_worker,
    ]


def _agree(plan: Plan) -> None:
    for user in _everyone(plan):
        forget(user)
        for model in (Team, Goal, PlanAction, Risk):
            queryset = model.objects.all()  # type: ignore[attr-defined]
            for action in (A.PLAN_VIEW, A.PLAN_EDIT, A.PLAN_ACTION_UPDATE):
                shown = set(visible(user, action, queryset).values_list("pk", flat=True))
                allowed = {obj.pk for obj in queryset if can(user, action, obj)}
                assert shown == allowed, (model, action, user.email)


def test_can_and_visible_agree(plan: Plan) -> None:
    _agree(plan)


def test_can_and_visible_agree_on_an_archived_team(plan: Plan) -> None:
    Team.objects.filter(pk=plan.world.team.pk).update(archived_at=timezone.now())
    _agree(plan)
    member = plan.world.member
    forget(member)
    action = PlanAction.objects.select_related("team").get(pk=plan.police_action.pk)
    assert can(member, A.PLAN_VIEW, action)
    assert not can(member, A.PLAN_ACTION_UPDATE, action)
