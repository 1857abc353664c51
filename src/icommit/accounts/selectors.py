"""Reads on accounts: a user's own tokens, and the account list for administrators."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from icommit.access import Action, require, visible
from icommit.access.roles import PlatformRole
from icommit.accounts.models import ApiToken, PlatformRoleGrant, User
from icommit.core.exceptions import NotFound


def token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def token_get(*, user: User, pk: Any) -> ApiToken:
    """One of the user's own tokens, or NotFound."""
    token = token_list(user=user).filter(pk=pk).first()
    if token is None:
        raise NotFound()
    return token


def user_list(*, user: User, query: str = "") -> QuerySet[User]:
    """All accounts with their platform roles (administrators only)."""
    require(user, Action.USER_MANAGE)
    founders = PlatformRoleGrant.objects.filter(
        user=OuterRef("pk"), role=PlatformRole.TEAM_FOUNDER.value
    )
    qs = visible(
        user,
        Action.USER_MANAGE,
        User.objects.prefetch_related("role_grants").annotate(is_team_founder=Exists(founders)),
    )
    if query:
        qs = qs.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    return qs.order_by("full_name")


def user_get(*, user: User, pk: Any) -> User:
    """One account, for administrators; NotFound for anything else."""
    found = user_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def active_user_get(*, pk: Any) -> User:
    """An active account by id, or NotFound (the caller's service decides what may be done)."""
    found = User.objects.filter(pk=pk, is_active=True).first()
    if found is None:
        raise NotFound()
    return found
