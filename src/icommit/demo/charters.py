"""Demo charter and team meetings of Demo City MSC, written through the charter services.

Version 1 of the charter is published from the starting text and confirmed by every member
except the housing cooperative's, so the page shows a confirmation still missing. Two team
meetings have frozen minutes; police recorded dissent on the sharing default, and one decision
became a goal of the plan. The minutes of a third meeting wait for the confirmation of social
services and the exit NGO. Dates are relative to the day the demo is built.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from icommit.accounts.models import User
from icommit.charters import services
from icommit.charters.models import Meeting
from icommit.charters.selectors import minutes_detail
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team

#: Members who confirm the charter; the housing cooperative's member has not yet.
CONFIRMING = [
    "coordinator@example.org",
    "casemanager@example.org",
    "socialworker@example.org",
    "police@example.org",
    "probation@example.org",
    "teacher@example.org",
    "youth@example.org",
    "employment@example.org",
    "prison@example.org",
    "detective@example.org",
    "liaison@example.org",
    "parole@example.org",
    "warden@example.org",
]


def _frozen(coordinator: User, meeting: Meeting, people: list[User]) -> None:
    services.meeting_circulate(actor=coordinator, meeting=meeting)
    for person in people:
        services.meeting_confirm(actor=person, meeting=meeting)


def build(
    *, team: Team, orgs: dict[str, Organisation], users: dict[str, User], second_team: Team
) -> None:
    today = timezone.localdate()

    def day(offset: int) -> datetime.date:
        return today + datetime.timedelta(days=offset)

    coordinator = users["coordinator@example.org"]
    draft = services.charter_draft_start(actor=coordinator, team=team, language="en")
    services.charter_draft_update(
        actor=coordinator,
        draft=draft,
        meeting_rhythm=draft.meeting_rhythm.replace(
            "Team meeting every six weeks, two hours",
            "Team meeting every six weeks on a Tuesday morning, two hours, at the City Hall",
        ),
    )
    version = services.charter_publish(actor=coordinator, draft=draft)
    for email in CONFIRMING:
        services.charter_confirm(actor=users[email], version=version)

    kickoff_people = [
        users[e]
        for e in (
            "coordinator@example.org",
            "casemanager@example.org",
            "socialworker@example.org",
            "police@example.org",
            "probation@example.org",
            "youth@example.org",
            "teacher@example.org",
            "health@example.org",
        )
    ]
    kickoff = services.meeting_create(
        actor=coordinator,
        team=team,
        data=services.MinutesIn(
            held_on=day(-150),
            title="Kick-off: roles, thresholds and sharing defaults",
            agenda=(
                "1. Each organisation presents its role profile\n"
                "2. Referral threshold: the complex-case test\n"
                "3. Sharing defaults for the protocol\n"
                "4. Meeting rhythm"
            ),
            minutes=(
                "Each organisation described its mandate, its legal duties and what it may "
                "share. Several members said they had assumed other organisations could share "
                "more than they can; the role profiles will make this explicit.\n\n"
                "The team discussed when a situation is a case for joint work. Members agreed "
                "that concern about someone's religion or political opinion alone is never "
                "enough, and that the complex-case test gives a shared starting point.\n\n"
                "On sharing defaults, police explained that late information can matter where "
                "violence is a risk. The exit counselling NGO and social services explained "
                "that clients stop talking to them when they expect information to reach "
                "police automatically. The team chose the default of the charter: nothing is "
                "shared without a row of the protocol."
            ),
            attendee_ids=[p.pk for p in kickoff_people],
            decisions=(
                services.DecisionIn(
                    "We use the complex-case test as our referral threshold: problems in more "
                    "than one area of life, several organisations needed, and an effect on the "
                    "family or close circle."
                ),
                services.DecisionIn(
                    "Nothing is shared by default: every flow of case information follows a "
                    "row of the sharing protocol, with consent or a recorded legal basis.",
                    (
                        services.DissentIn(
                            orgs["police"].pk,
                            "Police asked that the existence of an accepted case be shared "
                            "with police by default, so that information does not come too "
                            "late where violence is a risk. Police accept the decision for now "
                            "and ask the team to review it in six months.",
                        ),
                    ),
                ),
                services.DecisionIn("The team meets every six weeks, outside casework."),
            ),
        ),
    )
    _frozen(coordinator, kickoff, [p for p in kickoff_people if p.email != "health@example.org"])

    review_people = [
        users[e]
        for e in (
            "coordinator@example.org",
            "casemanager@example.org",
            "socialworker@example.org",
            "police@example.org",
            "teacher@example.org",
            "youth@example.org",
            "employment@example.org",
            "housing@example.org",
        )
    ]
    review = services.meeting_create(
        actor=coordinator,
        team=team,
        data=services.MinutesIn(
            held_on=day(-60),
            title="Review: referral routes from schools",
            agenda="1. How schools refer today\n2. What school staff need to know\n3. Next steps",
            minutes=(
                "The school reported that staff are unsure when a concern is serious enough to "
                "refer, and whom to call. Two concerns went straight to police last term; both "
                "would have been better placed with youth welfare.\n\n"
                "The team agreed that schools need one route and a short explanation of the "
                "threshold, and that police stay the first call only in imminent danger."
            ),
            attendee_ids=[p.pk for p in review_people],
            decisions=(
                services.DecisionIn(
                    "Schools refer through the coordinator's referral form, not directly to "
                    "police, unless there is imminent danger."
                ),
                services.DecisionIn(
                    "The municipality runs a half-day session on thresholds and the referral "
                    "route for school staff before the next school term."
                ),
            ),
        ),
    )
    _frozen(coordinator, review, review_people)

    # The latest meeting's minutes are out for confirmation: the coordinator and police have
    # confirmed, social services and the exit NGO have not (their home pages ask them to).
    practice_people = [
        users[e]
        for e in (
            "coordinator@example.org",
            "casemanager@example.org",
            "socialworker@example.org",
            "police@example.org",
        )
    ]
    practice = services.meeting_create(
        actor=coordinator,
        team=team,
        data=services.MinutesIn(
            held_on=day(-6),
            title="Practice: hearing the client's view before a conference decides",
            agenda="1. How the client's view reaches the conference\n2. Who asks, and when",
            minutes=(
                "The exit counselling NGO described how it asks clients what they want from "
                "the support before a case conference, and how it brings their words to the "
                "table. Police and social services asked for the client's view to be recorded "
                "in the same place in every case, so that no conference decides without it."
            ),
            attendee_ids=[p.pk for p in practice_people],
            decisions=(
                services.DecisionIn(
                    "Before a case conference decides, the case manager records the client's "
                    "own view and goals, in the client's words where possible."
                ),
            ),
        ),
    )
    services.meeting_circulate(actor=coordinator, meeting=practice)
    for person in practice_people[:1] + practice_people[3:]:
        services.meeting_confirm(actor=person, meeting=practice)

    session = minutes_detail(meeting=review).decisions[1].decision
    services.decision_goal_create(
        actor=coordinator,
        decision=session,
        title="School staff know the referral threshold and the route",
        description="A half-day session for school staff, and a one-page guide they can keep.",
        why="Concerns from schools reached police directly although youth welfare fitted better.",
        target_date=day(90),
    )
