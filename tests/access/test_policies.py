"""Truth tables for the policies, and the property that ``can`` and ``visible`` agree."""

from __future__ import annotations

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from icommit.access import Action, can, visible
from icommit.access.facts import forget
from icommit.access.roles import PlatformRole, TeamRole
from icommit.stakeholders.models import OrganisationMembership
from icommit.teams.models import Team, TeamMembership
from tests.conftest import World
from tests.factories import (
    OrganisationFactory,
    TeamFactory,
    UserFactory,
    grant,
    member_of,
    team_member,
)

A = Action


@pytest.mark.parametrize(
    ("who", "action", "expected"),
    [
        ("coordinator", A.TEAM_VIEW, True),
        ("coordinator", A.TEAM_EDIT, True),
        ("coordinator", A.TEAM_MANAGE_MEMBERS, True),
        ("coordinator", A.TEAM_ARCHIVE, True),
        ("member", A.TEAM_VIEW, True),
        ("member", A.TEAM_EDIT, False),
        ("member", A.TEAM_MANAGE_MEMBERS, False),
        ("observer", A.TEAM_VIEW, True),
        ("observer", A.TEAM_EXPORT, False),
        ("outsider", A.TEAM_VIEW, False),
        ("other_coordinator", A.TEAM_VIEW, False),
        ("other_coordinator", A.TEAM_EDIT, False),
        ("admin", A.TEAM_VIEW, True),
        ("admin", A.TEAM_EDIT, False),
        ("admin", A.TEAM_ARCHIVE, True),
    ],
)
def test_team_truth_table(world: World, who: str, action: Action, expected: bool) -> None:
    assert can(getattr(world, who), action, world.team) is expected


@pytest.mark.parametrize(
    ("who", "org", "action", "expected"),
    [
        ("coordinator", "municipality", A.ORGANISATION_EDIT, True),
        ("coordinator", "municipality", A.ORGANISATION_MANAGE_MEMBERS, True),
        ("coordinator", "police", A.ORGANISATION_EDIT, False),
        ("coordinator", "police", A.ORGANISATION_VIEW, True),
        ("coordinator", "municipality", A.ORGANISATION_SET_FLAGS, False),
        ("admin", "police", A.ORGANISATION_SET_FLAGS, True),
        ("admin", "police", A.ORGANISATION_MANAGE_MEMBERS, False),
        ("admin", "police", A.ORGANISATION_APPOINT_ADMIN, True),
        ("outsider", "police", A.ORGANISATION_VIEW, True),
        ("outsider", "police", A.ORGANISATION_EDIT, False),
    ],
)
def test_organisation_truth_table(
    world: World, who: str, org: str, action: Action, expected: bool
) -> None:
    assert can(getattr(world, who), action, getattr(world, org)) is expected


def test_only_administrators_create_organisations_and_members_create_teams(world: World) -> None:
    assert can(world.admin, A.ORGANISATION_CREATE)
    assert not can(world.coordinator, A.ORGANISATION_CREATE)
    assert can(world.admin, A.TEAM_CREATE)
    assert not can(world.member, A.TEAM_CREATE)
    grant(world.member, PlatformRole.TEAM_FOUNDER)
    forget(world.member)
    assert can(world.member, A.TEAM_CREATE)
    assert not can(world.outsider, A.TEAM_CREATE)


@pytest.mark.parametrize("role", [PlatformRole.DPO, PlatformRole.EVALUATOR, PlatformRole.TRAINER])
def test_other_platform_roles_do_not_create_teams(world: World, role: PlatformRole) -> None:
    grant(world.member, role)
    assert not can(world.member, A.TEAM_CREATE)


def test_a_team_founder_needs_a_confirmed_organisation_membership(world: World) -> None:
    grant(world.outsider, PlatformRole.TEAM_FOUNDER)
    assert not can(world.outsider, A.TEAM_CREATE)


def test_an_unconfirmed_membership_gives_no_team_rights(world: World) -> None:
    newcomer = UserFactory()
    team_member(world.team, newcomer, OrganisationFactory(), TeamRole.MEMBER, confirmed=False)
    assert not can(newcomer, A.TEAM_VIEW, world.team)
    membership = OrganisationMembership.objects.get(user=newcomer)
    membership.confirmed_at = timezone.now()
    membership.save()
    forget(newcomer)
    assert can(newcomer, A.TEAM_VIEW, world.team)


def test_ending_an_organisation_membership_ends_team_rights_at_once(world: World) -> None:
    assert can(world.member, A.TEAM_VIEW, world.team)
    OrganisationMembership.objects.filter(user=world.member).update(ended_at=timezone.now())
    forget(world.member)
    assert not can(world.member, A.TEAM_VIEW, world.team)


def test_a_deactivated_user_can_do_nothing(world: World) -> None:
    world.coordinator.is_active = False
    world.coordinator.save()
    forget(world.coordinator)
    assert not can(world.coordinator, A.TEAM_VIEW, world.team)
    assert not can(world.coordinator, A.ORGANISATION_VIEW, world.municipality)


def test_archived_teams_are_read_only(world: World) -> None:
    Team.objects.filter(pk=world.team.pk).update(archived_at=timezone.now())
    world.team.refresh_from_db()
    assert can(world.coordinator, A.TEAM_VIEW, world.team)
    assert not can(world.coordinator, A.TEAM_EDIT, world.team)


def test_has_perm_asks_the_policies(world: World) -> None:
    assert world.coordinator.has_perm("team.edit", world.team)
    assert not world.member.has_perm("team.edit", world.team)
    assert not world.member.has_perm("auth.add_user")


# --- property: can() and visible() agree for generated worlds ---------------------------------

world_shape = st.fixed_dictionaries(
    {
        "orgs": st.lists(st.tuples(st.booleans()), min_size=1, max_size=3),
        "teams": st.lists(st.booleans(), min_size=1, max_size=3),
        "people": st.lists(
            st.fixed_dictionaries(
                {
                    "admin": st.booleans(),
                    "orgs": st.lists(
                        st.tuples(st.integers(0, 2), st.booleans(), st.booleans(), st.booleans()),
                        max_size=2,
                    ),
                    "teams": st.lists(
                        st.tuples(
                            st.integers(0, 2), st.integers(0, 2), st.sampled_from(list(TeamRole))
                        ),
                        max_size=2,
                    ),
                    "active": st.booleans(),
                }
            ),
            min_size=1,
            max_size=3,
        ),
    }
)


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(shape=world_shape)
def test_can_and_visible_agree(shape: dict) -> None:  # type: ignore[type-arg]
    orgs = [
        OrganisationFactory(archived_at=timezone.now() if archived else None)
        for (archived,) in shape["orgs"]
    ]
    teams = [
        TeamFactory(archived_at=timezone.now() if archived else None) for archived in shape["teams"]
    ]
    users = []
    for person in shape["people"]:
        user = UserFactory(is_active=person["active"])
        if person["admin"]:
            grant(user, PlatformRole.ADMINISTRATOR)
        for org_index, confirmed, is_admin, ended in person["orgs"]:
            org = orgs[org_index % len(orgs)]
            if OrganisationMembership.objects.filter(
                user=user, organisation=org, ended_at__isnull=True
            ).exists():
                continue
            member_of(user, org, admin=is_admin, confirmed=confirmed)
            if ended:
                OrganisationMembership.objects.filter(user=user, organisation=org).update(
                    ended_at=timezone.now()
                )
        for team_index, org_index, role in person["teams"]:
            team = teams[team_index % len(teams)]
            if TeamMembership.objects.filter(team=team, user=user, ended_at__isnull=True).exists():
                continue
            TeamMembership.objects.create(
                team=team, user=user, organisation=orgs[org_index % len(orgs)], role=role
            )
        users.append(user)
    from icommit.access.registry import policies

    for user in users:
        forget(user)
        for policy in policies():
            if policy.model is None:
                continue
            queryset = policy.model.objects.all()
            for action in policy.object_actions:
                shown = set(visible(user, action, queryset).values_list("pk", flat=True))
                allowed = {obj.pk for obj in queryset if can(user, action, obj)}
                assert shown == allowed, (action, user.pk)


# --- property: the case policy's can() and visible() agree for generated case worlds ----------

case_world_shape = st.fixed_dictionaries(
    {
        "teams": st.lists(st.booleans(), min_size=1, max_size=2),  # archived?
        "people": st.lists(
            st.fixed_dictionaries(
                {
                    "dpo": st.booleans(),
                    "orgs": st.lists(st.integers(0, 2), max_size=2, unique=True),
                    "teams": st.lists(
                        st.tuples(
                            st.integers(0, 1), st.integers(0, 2), st.sampled_from(list(TeamRole))
                        ),
                        max_size=2,
                    ),
                }
            ),
            min_size=1,
            max_size=4,
        ),
        "cases": st.lists(
            st.fixed_dictionaries(
                {
                    "team": st.integers(0, 1),
                    "stage": st.sampled_from(["referred", "triage", "accepted", "plan_active"]),
                    "referrer": st.integers(0, 2),
                    "lead": st.none() | st.integers(0, 2),
                    "manager": st.none() | st.integers(0, 3),
                    "participants": st.lists(
                        st.tuples(st.integers(0, 2), st.booleans()), max_size=3
                    ),  # (organisation, left?)
                }
            ),
            min_size=1,
            max_size=3,
        ),
    }
)


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(shape=case_world_shape)
def test_case_policy_can_and_visible_agree(shape: dict) -> None:  # type: ignore[type-arg]
    """Every case action, on cases and on teams: the list (visible) and the page (can) agree."""
    from icommit.cases.models import Case, CaseParticipant, Client
    from icommit.cases.policies import CasePolicy
    from icommit.core import crypto

    orgs = [OrganisationFactory() for _ in range(3)]
    teams = [
        TeamFactory(archived_at=timezone.now() if archived else None) for archived in shape["teams"]
    ]
    users = []
    for person in shape["people"]:
        user = UserFactory()
        if person["dpo"]:
            grant(user, PlatformRole.DPO)
        for org_index in person["orgs"]:
            member_of(user, orgs[org_index])
        for team_index, org_index, role in person["teams"]:
            team = teams[team_index % len(teams)]
            if TeamMembership.objects.filter(team=team, user=user, ended_at__isnull=True).exists():
                continue
            team_member(team, user, orgs[org_index], role)
        users.append(user)
    for index, spec in enumerate(shape["cases"]):
        team = teams[spec["team"] % len(teams)]
        client = Client.objects.create(
            team=team,
            pseudonym=f"K-P{index}{team.pk}",
            subject_key=crypto.subject_key_create(),
            gender="male",
            age_band="18_20",
            phenomenon="vrwe",
            setting="community",
        )
        manager = spec["manager"]
        case = Case(
            team=team,
            client=client,
            number=f"2026-{index:03d}",
            stage=spec["stage"],
            referred_by=users[0],
            referring_organisation=orgs[spec["referrer"]],
            lead_organisation=orgs[spec["lead"]] if spec["lead"] is not None else None,
            case_manager=users[manager % len(users)] if manager is not None else None,
        )
        case.referral_text = "Concern"
        case.save()
        for org_index, left in spec["participants"]:
            if CaseParticipant.objects.filter(
                case=case, organisation=orgs[org_index], left_at__isnull=True
            ).exists():
                continue
            CaseParticipant.objects.create(
                case=case,
                organisation=orgs[org_index],
                reason="r",
                added_by=users[0],
                left_at=timezone.now() if left else None,
            )
    for user, person in zip(users, shape["people"], strict=True):
        forget(user)
        assert can(user, A.CASE_PRIVACY) is person["dpo"]
        for model in (Case, Team):
            queryset = model.objects.all()
            for action in CasePolicy.object_actions:
                shown = set(visible(user, action, queryset).values_list("pk", flat=True))
                allowed = {obj.pk for obj in queryset if can(user, action, obj)}
                assert shown == allowed, (action, model.__name__, user.pk)
                if shown and model is Case:
                    event(f"{action.value}: some case allowed")
