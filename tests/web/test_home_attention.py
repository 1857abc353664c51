"""The home page's "Needs your attention": each app's items for the people who may act on them,
sorted by urgency, counted, linked, in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from icommit.access.facts import forget
from icommit.access.roles import TeamRole
from icommit.accounts.models import User
from icommit.charters import services as charters
from icommit.charters.models import CharterVersion, Meeting
from icommit.diagnostics.models import Round
from icommit.plans import services as plans
from icommit.plans.models import ActionStatus, PlanAction
from icommit.stakeholders import services as stakeholders
from icommit.stakeholders.models import Organisation, RoleProfile
from icommit.teams.models import Team
from tests.conftest import World, verified_client
from tests.diagnostics.conftest import join, open_round, vouch
from tests.factories import OrganisationFactory, TeamFactory, UserFactory, member_of, team_member
from tests.stakeholders.conftest import profile_values


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def home(user: User) -> str:
    return verified_client(user).get("/").content.decode()


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def overdue_action(
    world: World, team: Team, title: str, *, due: int = 3, owner: Organisation | None = None
) -> PlanAction:
    """An action of ``team`` owned by police (or ``owner``), ``due`` days past its due date."""
    coordinator = team.memberships.filter(role=TeamRole.COORDINATOR).first().user  # type: ignore[union-attr]  # every team here has one
    goal = plans.goal_create(actor=coordinator, team=team, title=f"Goal for {title}")
    return plans.action_create(
        actor=coordinator,
        goal=goal,
        title=title,
        owner_organisation=owner or world.police,
        due_date=days_ago(due),
    )


def publish_charter(team: Team, coordinator: User) -> CharterVersion:
    draft = charters.charter_draft_start(actor=coordinator, team=team)
    return charters.charter_publish(actor=coordinator, draft=draft)


def minutes_out(
    team: Team, coordinator: User, attendees: list[User], title: str, *, circulate: bool = True
) -> Meeting:
    meeting = charters.meeting_create(
        actor=coordinator,
        team=team,
        data=charters.MinutesIn(
            held_on=days_ago(10),
            title=title,
            agenda="1. Thresholds",
            minutes="We compared referral thresholds.",
            attendee_ids=[u.pk for u in attendees],
            decisions=(),
        ),
    )
    if circulate:
        charters.meeting_circulate(actor=coordinator, meeting=meeting)
    return meeting


def stale_profile(org: Organisation, author: User, *, age_days: int = 400) -> RoleProfile:
    with transaction.atomic():
        stakeholders.role_profile_save(actor=author, organisation=org, values=profile_values())
    RoleProfile.objects.filter(organisation=org).update(
        confirmed_at=timezone.now() - datetime.timedelta(days=age_days)
    )
    return RoleProfile.objects.get(organisation=org)


# --- overdue plan actions ----------------------------------------------------------------------


def test_an_overdue_action_shows_to_its_owner_organisation_with_a_link_to_it(world: World) -> None:
    action = overdue_action(world, world.team, "Add legal sources")
    page = home(world.member)
    assert "The action “Add legal sources” in Alpha MSC was due on" in page
    assert (
        reverse("plans:goal", args=[world.team.pk, action.goal_id]) + f"#action-{action.pk}"
    ) in page


@pytest.mark.parametrize(
    "who", ["observer", "coordinator", "outsider", "admin", "other_coordinator"]
)
def test_an_overdue_action_stays_off_the_home_page_of_those_who_do_not_own_it(
    world: World, who: str
) -> None:
    overdue_action(world, world.team, "Add legal sources")
    assert "Add legal sources" not in home(getattr(world, who))


def test_finished_and_not_yet_due_actions_need_no_attention(world: World) -> None:
    done = overdue_action(world, world.team, "Already done")
    plans.action_set_status(actor=world.member, action=done, status=ActionStatus.DONE)
    goal = plans.goal_create(actor=world.coordinator, team=world.team, title="Later")
    plans.action_create(
        actor=world.coordinator,
        goal=goal,
        title="Due next week",
        owner_organisation=world.police,
        due_date=timezone.localdate() + datetime.timedelta(days=7),
    )
    page = home(world.member)
    assert "Already done" not in page and "Due next week" not in page


def test_several_overdue_actions_show_as_one_count_linking_to_the_filtered_plan(
    world: World,
) -> None:
    overdue_action(world, world.team, "First", due=9)
    overdue_action(world, world.team, "Second", due=2)
    page = home(world.member)
    assert "2 actions of Police in Alpha MSC are overdue, the oldest due since" in page
    assert reverse("plans:plan", args=[world.team.pk]) + f"?owner={world.police.pk}" in page
    assert "First" not in page


# --- charter versions --------------------------------------------------------------------------


def test_a_member_who_has_not_confirmed_the_charter_is_asked_to(world: World) -> None:
    publish_charter(world.team, world.coordinator)
    page = home(world.member)
    assert "Version 1 of the charter of Alpha MSC waits for your confirmation" in page
    assert reverse("charters:charter", args=[world.team.pk]) in page


@pytest.mark.parametrize("who", ["observer", "outsider", "admin", "other_coordinator"])
def test_observers_and_people_outside_the_team_are_not_asked_to_confirm_the_charter(
    world: World, who: str
) -> None:
    publish_charter(world.team, world.coordinator)
    assert "of the charter of Alpha MSC" not in home(getattr(world, who))


def test_only_the_newest_version_is_asked_for_and_a_confirmation_ends_it(world: World) -> None:
    first = publish_charter(world.team, world.coordinator)
    draft = charters.charter_draft_start(actor=world.coordinator, team=world.team)
    charters.charter_draft_update(actor=world.coordinator, draft=draft, change_note="Rhythm")
    second = charters.charter_publish(actor=world.coordinator, draft=draft)
    page = home(world.member)
    assert "Version 2 of the charter" in page and "Version 1 of the charter" not in page
    charters.charter_confirm(actor=world.member, version=second)
    assert "of the charter of Alpha MSC" not in home(world.member)
    assert first.number == 1


# --- minutes -----------------------------------------------------------------------------------


def test_an_attendee_is_asked_to_confirm_circulated_minutes(world: World) -> None:
    meeting = minutes_out(
        world.team, world.coordinator, [world.coordinator, world.member, world.observer], "Roles"
    )
    page = home(world.member)
    assert "The minutes of “Roles” (Alpha MSC," in page
    assert reverse("charters:meeting", args=[world.team.pk, meeting.pk]) in page
    charters.meeting_confirm(actor=world.member, meeting=meeting)
    assert "The minutes of “Roles”" not in home(world.member)


@pytest.mark.parametrize("who", ["observer", "outsider", "admin", "other_coordinator"])
def test_observers_and_absentees_are_not_asked_to_confirm_minutes(world: World, who: str) -> None:
    minutes_out(world.team, world.coordinator, [world.coordinator, world.observer], "Roles")
    assert "The minutes of “Roles”" not in home(getattr(world, who))


def test_an_attendee_who_is_not_there_yet_is_not_asked_for_draft_minutes(world: World) -> None:
    minutes_out(world.team, world.coordinator, [world.member], "Draft", circulate=False)
    minutes_out(world.team, world.coordinator, [world.coordinator], "Absent")
    page = home(world.member)
    assert "“Draft”" not in page and "“Absent”" not in page


# --- role profiles -----------------------------------------------------------------------------


def test_a_stale_role_profile_asks_the_organisations_members_to_check_it(world: World) -> None:
    stale_profile(world.police, world.member)
    page = home(world.member)
    assert "The role profile of Police was last confirmed on" in page
    assert "more than 365 days ago" in page
    assert reverse("stakeholders:detail", args=[world.police.pk]) + "#profile" in page


@pytest.mark.parametrize("who", ["coordinator", "outsider", "admin"])
def test_other_organisations_are_not_asked_about_a_stale_profile(world: World, who: str) -> None:
    stale_profile(world.police, world.member)
    assert "The role profile of Police" not in home(getattr(world, who))


def test_a_profile_confirmed_within_the_age_limit_needs_no_attention(
    world: World, settings
) -> None:  # type: ignore[no-untyped-def]
    stale_profile(world.police, world.member, age_days=40)
    assert "The role profile of Police" not in home(world.member)
    settings.PROFILE_MAX_AGE_DAYS = 30
    assert "more than 30 days ago" in home(world.member)


# --- membership requests -----------------------------------------------------------------------


def test_a_membership_request_shows_to_the_organisations_administrator_only(world: World) -> None:
    stakeholders.membership_request(
        actor=UserFactory(full_name="Nadia Newcomer"), organisation=world.municipality
    )
    page = home(world.coordinator)
    assert "Nadia Newcomer asks to belong to Municipality." in page
    assert reverse("stakeholders:detail", args=[world.municipality.pk]) + "#members" in page
    assert "Nadia Newcomer" not in home(world.member)


# --- order, total, queries ---------------------------------------------------------------------


def test_overdue_items_come_first_then_the_oldest_and_the_heading_shows_the_total(
    world: World,
) -> None:
    publish_charter(world.team, world.coordinator)
    minutes_out(world.team, world.coordinator, [world.coordinator, world.member], "Roles")
    overdue_action(world, world.team, "Recent overdue", due=2)
    stale_profile(world.police, world.member, age_days=365 + 30)  # stale for 30 days
    CharterVersion.objects.update(published_at=timezone.now() - datetime.timedelta(days=20))
    vouch(world.coordinator, world.member, world.observer)
    join(world.team, OrganisationFactory(name="Youth Welfare"), 3)  # a round needs 5 answers
    open_round(world.coordinator, world.team, title="Autumn round")
    Round.objects.update(opened_at=timezone.now() - datetime.timedelta(days=10))
    page = home(world.member)
    order = [
        page.index("The role profile of Police"),  # overdue for 30 days
        page.index("Recent overdue"),  # overdue for 2 days
        page.index("Version 1 of the charter"),  # waiting for 20 days
        page.index("asks for your view of the collaboration"),  # open for 10 days
        page.index("The minutes of “Roles”"),  # waiting since today
    ]
    assert order == sorted(order)
    heading = page[page.index('id="attention-heading"') :]
    assert '<span class="badge badge-warn">5<span class="visually-hidden"> items' in heading


def test_nothing_to_do_says_so(world: World) -> None:
    page = home(world.outsider)
    assert "Nothing needs your attention right now." in page
    assert "badge badge-warn" not in page[page.index('id="attention-heading"') :]


@dataclass
class Busy:
    user: User
    admin_of: Organisation


def busy_person(n: int) -> Busy:
    """Someone with ``n`` items of every kind: overdue actions in ``n`` teams, ``n`` charters to
    confirm, ``n`` minutes, ``n`` stale profiles and ``n`` membership requests."""
    person = UserFactory(full_name="Busy Person")
    home_org = OrganisationFactory(name=f"Home organisation {n}")
    member_of(person, home_org, admin=True)
    coordinator = UserFactory()
    for i in range(n):
        team = TeamFactory(name=f"Team {n}-{i}")
        org = OrganisationFactory(name=f"Busy org {n}-{i}")
        member_of(person, org)
        team_member(team, coordinator, home_org, TeamRole.COORDINATOR)
        team_member(team, person, org, TeamRole.MEMBER)
        forget(coordinator)
        forget(person)
        goal = plans.goal_create(actor=coordinator, team=team, title=f"Goal {i}")
        plans.action_create(
            actor=coordinator,
            goal=goal,
            title=f"Act {i}",
            owner_organisation=org,
            due_date=days_ago(i + 1),
        )
        publish_charter(team, coordinator)
        minutes_out(team, coordinator, [coordinator, person], f"Meeting {i}")
        stale_profile(org, person)
        stakeholders.membership_request(actor=UserFactory(), organisation=home_org)
    return Busy(person, home_org)


def test_the_home_page_runs_the_same_number_of_queries_for_one_or_ten_items_of_each_kind(
    db: None,
) -> None:
    counts = []
    for n in (1, 10):
        busy = busy_person(n)
        client = verified_client(busy.user)
        client.get("/")  # warm up what is loaded once per process
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/").content.decode()
        assert page.count("was due on") == n
        assert page.count("Read and confirm") == 2 * n
        assert page.count("Check and confirm") == n
        assert page.count(f"asks to belong to Home organisation {n}.") == n
        counts.append(len(queries))
    assert counts[0] == counts[1]
