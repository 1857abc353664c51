"""What accounts plugs in: platform roles as access facts, its router and token check, and the
accounts entry, MFA gate and language choice of the pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from icommit.access import Action, can, facts
from icommit.accounts import signals
from icommit.accounts.middleware import mfa_verified
from icommit.accounts.models import PlatformRoleGrant, User
from icommit.accounts.services import user_set_language
from icommit.accounts.tokens import token_authenticate
from icommit.api import registry as api
from icommit.web import registry as web


def platform_role_rows(user: User) -> QuerySet[PlatformRoleGrant, tuple[int, str]]:
    """The platform roles granted to the user, as (grant, role) rows of the facts query."""
    return PlatformRoleGrant.objects.filter(user=user).values_list("pk", "role")


def platform_role_facts(rows: Sequence[tuple[int, str]]) -> dict[str, Any]:
    return {"platform_roles": frozenset(role for _, role in rows)}


facts.provide_rows(platform_role_rows, platform_role_facts)
api.router("/", "icommit.accounts.api.router")
api.router("/audit", "icommit.accounts.audit_api.router")  # the web kit's audit log (it cannot)
api.token_check(token_authenticate)


def _second_factor_passed(user: User) -> bool:
    """Where MFA is required, a session that has not passed it sees no navigation."""
    return not settings.MFA_REQUIRED or mfa_verified(user)


def _may_manage_users(user: User, facts: Any) -> bool:
    return can(user, Action.USER_MANAGE)


web.nav_gate(_second_factor_passed)
web.nav_item("users", _("Accounts"), "accounts:users", "users", 80, _may_manage_users)
web.nav_section("accounts:users", "users")
web.language_saver(user_set_language)

user_logged_in.connect(signals.on_login, dispatch_uid="icommit_login")
user_logged_out.connect(signals.on_logout, dispatch_uid="icommit_logout")
user_login_failed.connect(signals.on_login_failed, dispatch_uid="icommit_login_failed")
user_locked_out.connect(signals.on_locked_out, dispatch_uid="icommit_locked_out")
