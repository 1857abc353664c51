"""Administrators allow people to set up teams, and take it back; each change is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from icommit.access import Action, can
from icommit.access.roles import PlatformRole
from icommit.accounts.models import User
from icommit.accounts.services import user_role_set
from icommit.core.exceptions import Forbidden, ValidationFailed
from icommit.core.models import AuditEvent
from tests.conftest import World


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # facts are cached per user object (one request)


def test_an_administrator_allows_a_member_to_set_up_teams_and_takes_it_back(world: World) -> None:
    assert not can(world.member, Action.TEAM_CREATE)
    user_role_set(actor=world.admin, user=world.member, role=PlatformRole.TEAM_FOUNDER, held=True)
    assert can(_fresh(world.member), Action.TEAM_CREATE)
    user_role_set(actor=world.admin, user=world.member, role=PlatformRole.TEAM_FOUNDER, held=False)
    assert not can(_fresh(world.member), Action.TEAM_CREATE)
    actions = list(
        AuditEvent.objects.filter(action__startswith="user.role_")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["user.role_grant", "user.role_revoke"]


def test_only_administrators_grant_it(world: World) -> None:
    with pytest.raises(Forbidden):
        user_role_set(
            actor=world.coordinator, user=world.member, role=PlatformRole.TEAM_FOUNDER, held=True
        )


def test_other_platform_roles_are_not_granted_this_way(world: World) -> None:
    with pytest.raises(ValidationFailed):
        user_role_set(
            actor=world.admin, user=world.member, role=PlatformRole.ADMINISTRATOR, held=True
        )


def test_the_accounts_page_allows_and_stops_team_set_up(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    admin = client_for(world.admin)
    url = reverse("accounts:user_team_founder", args=[world.member.pk])
    assert url in admin.get(reverse("accounts:users")).content.decode()
    assert admin.post(url, {"held": "1"}).status_code == 302
    assert can(_fresh(world.member), Action.TEAM_CREATE)
    page = admin.get(reverse("accounts:users")).content.decode()
    assert "Stop Max Member setting up teams" in page
    assert admin.post(url, {"held": "0"}).status_code == 302
    assert not can(_fresh(world.member), Action.TEAM_CREATE)
    assert client_for(world.coordinator).post(url, {"held": "1"}).status_code in (403, 404)
    assert not can(_fresh(world.member), Action.TEAM_CREATE)
