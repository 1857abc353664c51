"""Demo plan of Demo City MSC: goals across the phases, actions across organisations, risks.

Dates are relative to the day the demo is built, so some actions are overdue and some are
due this week whenever someone looks. Everything is written through the plan services.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from icommit.accounts.models import User
from icommit.plans import services
from icommit.plans.models import ActionStatus
from icommit.plans.sources import SourceRef
from icommit.plans.vocab import GoalAchievement, GoalLifecycleStatus
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team


def build(
    *, team: Team, orgs: dict[str, Organisation], users: dict[str, User], second_team: Team
) -> None:
    today = timezone.localdate()

    def day(offset: int) -> datetime.date:
        return today + datetime.timedelta(days=offset)

    coordinator = users["coordinator@example.org"]
    people = {
        "coordinator": coordinator,
        "police": users["police@example.org"],
        "social": users["socialworker@example.org"],
        "exit": users["casemanager@example.org"],
        "school": users["teacher@example.org"],
        "youth": users["youth@example.org"],
        "probation": users["probation@example.org"],
        "housing": users["housing@example.org"],
    }

    def goal(**kwargs: Any) -> Any:
        return services.goal_create(actor=coordinator, team=team, **kwargs)

    def action(
        g: Any,
        title: str,
        org: str,
        due: int | None,
        *,
        person: str | None = None,
        status: str = ActionStatus.OPEN,
        notes: tuple[tuple[str, str], ...] = (),
    ) -> Any:
        created = services.action_create(
            actor=coordinator,
            goal=g,
            title=title,
            owner_organisation=orgs[org],
            owner_user=people[person] if person else None,
            due_date=day(due) if due is not None else None,
        )
        for author, text in notes:
            services.action_note_add(actor=people[author], action=created, text=text)
        if status != ActionStatus.OPEN:
            services.action_set_status(actor=coordinator, action=created, status=status)
        return created

    legal = goal(
        title="Written legal basis for every sharing-protocol row",
        description="Each row of the sharing protocol names the law or the consent it rests on.",
        why="Members hesitated to share in case conferences because nobody knew what was allowed.",
        target_date=day(45),
        phase_key="setup",
        indicator_id="setup.sharing-protocol-recorded",
        target_value=100,
        source=SourceRef(
            kind="phase_task",
            id="setup.legal-basis",
            label=(
                "Record the legal basis for sharing between the organisations, "
                "for each data category"
            ),
        ),
    )
    a_overview = action(
        legal,
        "Draft the legal overview per data category",
        "municipality",
        -20,
        person="coordinator",
        status=ActionStatus.DONE,
        notes=(
            ("coordinator", "First draft circulated to all members."),
            ("coordinator", "Comments from police and social services worked in."),
        ),
    )
    a_dpo = action(
        legal,
        "Have the data-protection officers review the overview",
        "municipality",
        -5,
        status=ActionStatus.IN_PROGRESS,
        notes=(("coordinator", "Police and probation reviewed; social services still open."),),
    )
    action(legal, "Add the legal source to each protocol row", "police", 10, person="police")
    action(
        legal,
        "Check the overview against the social data rules of social services",
        "social",
        -4,
        person="social",
    )
    action(legal, "Confirm the protocol version in the team meeting", "municipality", 30)

    share = goal(
        title="Share of non-security participants in case conferences at least 50%",
        description="Counted from the attendance of the case conferences over a quarter.",
        why="Conferences drifted towards a security view; schools and youth welfare came less.",
        target_date=day(120),
        phase_key="operation",
        indicator_id="process.non-security-share",
        target_value=50,
    )
    a_times = action(
        share,
        "Move case conferences to times schools can attend",
        "school",
        -10,
        person="school",
        notes=(("school", "Proposed Tuesday afternoons; waiting for the other schools."),),
    )
    action(
        share,
        "Invite youth welfare to every conference on a young person",
        "youth",
        5,
        person="youth",
        status=ActionStatus.IN_PROGRESS,
    )
    action(share, "Report attendance by sector each quarter", "municipality", 60)

    training = goal(
        title="Train all members in the sharing rules",
        description="Every member has taken the team course module on information sharing.",
        why="New members join without knowing the protocol.",
        target_date=day(90),
        phase_key="operation",
        indicator_id="process.members-certified",
    )
    a_session = action(
        training,
        "Run a half-day session on the sharing protocol",
        "social",
        -30,
        person="social",
        status=ActionStatus.DONE,
        notes=(("social", "Held with 14 participants from 9 organisations."),),
    )
    action(training, "Enrol new members in the team course", "municipality", 3)
    action(training, "Brief the prison staff who join conferences", "prison", -2)

    trust = goal(
        title="Agree how the team records and handles dissent",
        description="A written rule for dissent, and dissent recorded by organisation.",
        why="Exit counselling and probation disagreed twice without it being written down.",
        target_date=day(-10),
        phase_key="setup",
    )
    action(
        trust,
        "Draft the dissent rule for the charter",
        "exit",
        -40,
        person="exit",
        status=ActionStatus.DONE,
        notes=(("exit", "Draft agreed with probation before the team meeting."),),
    )
    services.goal_update(
        actor=coordinator,
        goal=trust,
        title=trust.title,
        description=trust.description,
        why=trust.why,
        target_date=trust.target_date,
        phase_key=trust.phase_key,
        lifecycle_status=GoalLifecycleStatus.COMPLETED,
        achievement=GoalAchievement.ACHIEVED,
    )

    continuity = goal(
        title="Keep the team running when the chair changes",
        description="A deputy chair and a handover file, so the team rests on several people.",
        why="The previous network ended when its coordinator left.",
        target_date=day(200),
        phase_key="consolidation",
    )
    a_deputy = action(continuity, "Name a deputy chair", "municipality", 25, person="coordinator")
    a_funding = action(
        continuity,
        "Ask the council to fund the coordination post beyond the project",
        "municipality",
        150,
    )
    action(continuity, "Write the handover file", "housing", 100, person="housing")

    def risk(**kwargs: Any) -> None:
        services.risk_create(actor=coordinator, team=team, **kwargs)

    risk(
        title="Information leaves the team without a basis",
        suggestion_key="information_leak",
        description="A detail from a conference reaches a school board or the press.",
        likelihood=2,
        impact=5,
        owner_organisation=orgs["municipality"],
        mitigations=[a_overview, a_dpo, a_session],
        review_date=day(30),
    )
    risk(
        title="Social work is pulled into security logic",
        suggestion_key="securitisation",
        description="Youth welfare and exit counselling feel used as sources for the police.",
        likelihood=3,
        impact=4,
        owner_organisation=orgs["social"],
        owner_user=people["social"],
        mitigations=[a_times],
        review_date=day(14),
    )
    risk(
        title="The chair leaves",
        suggestion_key="key_member_leaves",
        likelihood=3,
        impact=4,
        owner_organisation=orgs["municipality"],
        owner_user=coordinator,
        mitigations=[a_deputy],
        review_date=day(60),
    )
    risk(
        title="Project funding ends next year",
        suggestion_key="loss_of_funding",
        likelihood=4,
        impact=4,
        owner_organisation=orgs["municipality"],
        mitigations=[a_funding],
        review_date=day(-7),
    )
    risk(
        title="Schools stop coming to conferences",
        suggestion_key="uneven_participation",
        likelihood=3,
        impact=3,
        owner_organisation=orgs["school"],
        owner_user=people["school"],
        mitigations=[a_times],
        review_date=day(45),
    )
    risk(
        title="Police and exit counselling lose trust after a disputed referral",
        suggestion_key="loss_of_trust",
        likelihood=2,
        impact=3,
        owner_organisation=orgs["exit"],
        owner_user=people["exit"],
        review_date=day(90),
    )
