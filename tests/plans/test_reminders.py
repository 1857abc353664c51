"""The daily reminder job: who gets mail, when, how often, and what the mail may say."""

from __future__ import annotations

import pytest
from django.utils import timezone

from icommit.core.models import AuditEvent, OutboxMessage
from icommit.core.schedules import SCHEDULES
from icommit.plans import services
from icommit.plans.models import PlanAction
from icommit.plans.reminders import plan_reminders_send
from icommit.teams.models import Team, TeamMembership
from tests.factories import UserFactory, team_member
from tests.plans.conftest import TODAY, Plan, days


def _mails() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for message in OutboxMessage.objects.order_by("pk"):
        found.setdefault(message.to, []).append(message.subject)
    return found


def test_the_reminder_is_scheduled_daily() -> None:
    task = next(t for t in SCHEDULES if t.func == "icommit.plans.reminders.plan_reminders_send")
    assert task.minutes == 24 * 60


def test_owners_of_overdue_and_soon_due_actions_get_one_mail_each(plan: Plan) -> None:
    services.action_create(
        actor=plan.world.coordinator,
        goal=plan.goal,
        title="Later action",
        owner_organisation=plan.social,
        due_date=days(8),
    )
    assert plan_reminders_send(TODAY) == 2
    assert _mails() == {
        # overdue, owner person
        "member@test.org": ["Overdue plan action: Add legal sources"],
        # due in three days, no owner person: the team members of social services
        "social@test.org": ["Plan action due soon: Review consent forms"],
    }
    # the done action (overdue date) and the one due in eight days got nothing
    assert PlanAction.objects.get(pk=plan.done_action.pk).last_reminded_on is None
    assert PlanAction.objects.get(pk=plan.police_action.pk).last_reminded_on == TODAY
    assert AuditEvent.objects.filter(action="plan.action_reminder").count() == 2


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_sends_again(
    plan: Plan,
) -> None:
    assert plan_reminders_send(TODAY) == 2
    assert plan_reminders_send(TODAY) == 0
    assert OutboxMessage.objects.count() == 2
    assert plan_reminders_send(days(1)) == 2
    assert OutboxMessage.objects.count() == 4


def test_done_and_cancelled_actions_and_closed_goals_are_not_reminded(plan: Plan) -> None:
    coordinator = plan.world.coordinator
    services.action_set_status(actor=coordinator, action=plan.police_action, status="done")
    services.action_set_status(actor=coordinator, action=plan.social_action, status="cancelled")
    assert plan_reminders_send(TODAY) == 0
    services.action_set_status(actor=coordinator, action=plan.social_action, status="open")
    services.goal_update(
        actor=coordinator, goal=plan.goal, title=plan.goal.title, lifecycle_status="completed"
    )
    assert plan_reminders_send(TODAY) == 0
    assert not OutboxMessage.objects.exists()


def test_actions_of_an_archived_team_are_not_reminded(plan: Plan) -> None:
    Team.objects.filter(pk=plan.world.team.pk).update(archived_at=timezone.now())
    assert plan_reminders_send(TODAY) == 0


def test_when_the_owner_person_left_the_team_their_organisation_is_reminded(plan: Plan) -> None:
    TeamMembership.objects.filter(team=plan.world.team, user=plan.world.member).update(
        ended_at=timezone.now()
    )
    colleague = UserFactory(email="colleague@test.org")
    team_member(plan.world.team, colleague, plan.world.police, "member")
    plan_reminders_send(TODAY)
    mails = _mails()
    assert "member@test.org" not in mails
    # the police people who sit in the team: the observer and the new colleague
    assert mails["colleague@test.org"] == ["Overdue plan action: Add legal sources"]
    assert mails["observer@test.org"] == ["Overdue plan action: Add legal sources"]


def test_the_mail_carries_titles_and_a_link_only(plan: Plan) -> None:
    services.action_note_add(
        actor=plan.world.member, action=plan.police_action, text="Private detail in a note"
    )
    plan_reminders_send(TODAY)
    message = OutboxMessage.objects.get(to="member@test.org")
    assert "Add legal sources" in message.body
    assert "Legal basis for every protocol row" in message.body
    assert f"/teams/{plan.world.team.pk}/plan/goals/{plan.goal.pk}/" in message.body
    assert "Private detail" not in message.body
    assert "Members hesitate" not in message.body  # the goal's "why" stays on the platform


@pytest.mark.parametrize("due", [None, 9])
def test_actions_without_a_date_or_due_later_are_left_alone(plan: Plan, due: int | None) -> None:
    PlanAction.objects.filter(pk__in=[plan.police_action.pk, plan.social_action.pk]).update(
        due_date=days(due) if due is not None else None
    )
    assert plan_reminders_send(TODAY) == 0
