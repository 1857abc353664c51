"""The kernel runs the apps' fact queries as one query and finds the same facts as the apps'
own providers; facts live for one request only."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import Case, Value, When
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from icommit.access import facts
from icommit.access.roles import TeamRole
from icommit.accounts.models import PlatformRoleGrant, User
from icommit.stakeholders.models import OrganisationMembership
from icommit.teams.models import TeamMembership
from tests.conftest import World


def _platform_rows(user: User) -> Any:
    return PlatformRoleGrant.objects.filter(user=user).values_list("pk", "role")


def _platform_fold(rows: Any) -> dict[str, Any]:
    return {"platform_roles": frozenset(role for _, role in rows)}


def _organisation_rows(user: User) -> Any:
    kind = Case(When(is_org_admin=True, then=Value("admin")), default=Value("member"))
    return (
        OrganisationMembership.objects.active()
        .filter(user=user, organisation__archived_at__isnull=True)
        .values_list("organisation_id", kind)
    )


def _organisation_fold(rows: Any) -> dict[str, Any]:
    return {
        "org_ids": frozenset(o for o, _ in rows),
        "org_admin_ids": frozenset(o for o, kind in rows if kind == "admin"),
    }


def _team_rows(user: User) -> Any:
    return TeamMembership.objects.effective().filter(user=user).values_list("team_id", "role")


def _team_fold(rows: Any) -> dict[str, Any]:
    return {"team_roles": dict(rows)}


def _fresh(user: User) -> User:
    """The user as a new request loads it (facts are cached on the request's user object)."""
    return User.objects.get(pk=user.pk)


def test_one_query_finds_what_the_apps_providers_find(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = [world.coordinator, world.member, world.observer, world.outsider, world.admin]
    expected = {user.pk: facts.facts_for(_fresh(user)) for user in people}  # as registered
    monkeypatch.setattr(facts, "_PROVIDERS", [])
    monkeypatch.setattr(
        facts,
        "_ROW_PROVIDERS",
        [
            (_platform_rows, _platform_fold),
            (_organisation_rows, _organisation_fold),
            (_team_rows, _team_fold),
        ],
    )
    for user in people:
        fresh = _fresh(user)
        with CaptureQueriesContext(connection) as ctx:
            found = facts.facts_for(fresh)
            assert facts.facts_for(fresh) is found  # once per request
        assert len(ctx.captured_queries) == 1
        assert found == expected[user.pk]
    coordinator = facts.facts_for(_fresh(world.coordinator))
    assert coordinator.team_roles == {world.team.pk: TeamRole.COORDINATOR.value}
    assert coordinator.org_admin_ids == {world.municipality.pk}
    assert facts.facts_for(_fresh(world.admin)).is_admin
    # a change shows on the next request's user object, never from a cache between requests
    PlatformRoleGrant.objects.filter(user=world.admin).delete()
    assert not facts.facts_for(_fresh(world.admin)).is_admin


def test_a_single_row_provider_runs_without_a_union(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(facts, "_PROVIDERS", [])
    monkeypatch.setattr(facts, "_ROW_PROVIDERS", [(_team_rows, _team_fold)])
    with CaptureQueriesContext(connection) as ctx:
        found = facts.facts_for(_fresh(world.member))
    assert "UNION" not in ctx.captured_queries[0]["sql"].upper()
    assert found.team_roles == {world.team.pk: TeamRole.MEMBER.value}
    assert found.platform_roles == frozenset()


def test_the_query_is_built_once_per_process_and_run_for_every_user(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ORM builds the facts query twice, for two stand-in ids, the first time it is needed;
    every request after that runs the kept SQL with its own user's id and reads the rows anew."""
    people = [world.coordinator, world.member, world.observer, world.outsider, world.admin]
    monkeypatch.setattr(facts, "_PROVIDERS", [])
    monkeypatch.setattr(
        facts,
        "_ROW_PROVIDERS",
        [
            (_platform_rows, _platform_fold),
            (_organisation_rows, _organisation_fold),
            (_team_rows, _team_fold),
        ],
    )
    monkeypatch.setattr(facts, "_COMPILED", {})
    built: list[Any] = []
    combined = facts._combined
    monkeypatch.setattr(facts, "_combined", lambda user: built.append(user.pk) or combined(user))
    for user in people * 2:
        fresh = _fresh(user)
        with CaptureQueriesContext(connection) as ctx:
            found = facts.facts_for(fresh)
        assert len(ctx.captured_queries) == 1
        assert found == _from_the_orm(user, combined)
    assert built == list(facts._STAND_INS)  # built once, for the stand-ins only
    # a right taken away counts at once: the kept query reads the rows of every request
    TeamMembership.objects.filter(user=world.coordinator).update(ended_at=timezone.now())
    assert facts.facts_for(_fresh(world.coordinator)).team_roles == {}


def _from_the_orm(user: User, combined: Any) -> facts.Facts:
    """The facts as the ORM query (``combined``) finds them, built for this user."""
    found: dict[str, Any] = {}
    rows: list[list[tuple[int, str]]] = [[] for _ in facts._ROW_PROVIDERS]
    for number, text, index in combined(user):
        rows[index].append((number, text))
    for (_, fold), own in zip(facts._ROW_PROVIDERS, rows, strict=True):
        found.update(fold(own))
    return facts.Facts(user_id=user.pk, active=True, **found)


def _recent_team_rows(user: User) -> Any:
    """Rows that depend on the time as well as the user: no SQL can be kept for them."""
    return (
        TeamMembership.objects.effective()
        .filter(user=user, added_at__lte=timezone.now())
        .values_list("team_id", "role")
    )


def test_a_query_that_depends_on_more_than_the_user_is_built_every_time(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(facts, "_PROVIDERS", [])
    monkeypatch.setattr(facts, "_ROW_PROVIDERS", [(_recent_team_rows, _team_fold)])
    monkeypatch.setattr(facts, "_COMPILED", {})
    for user, role in [(world.coordinator, TeamRole.COORDINATOR), (world.member, TeamRole.MEMBER)]:
        assert facts.facts_for(_fresh(user)).team_roles == {world.team.pk: role.value}
    assert list(facts._COMPILED.values()) == [None]


def test_other_providers_never_find_the_sql_kept_for_the_first(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(facts, "_PROVIDERS", [])
    monkeypatch.setattr(facts, "_COMPILED", {})
    monkeypatch.setattr(facts, "_ROW_PROVIDERS", [(_team_rows, _team_fold)])
    assert facts.facts_for(_fresh(world.member)).team_roles == {world.team.pk: "member"}
    monkeypatch.setattr(facts, "_ROW_PROVIDERS", [(_organisation_rows, _organisation_fold)])
    found = facts.facts_for(_fresh(world.member))
    assert found.org_ids == {world.police.pk}
    assert found.team_roles == {}
