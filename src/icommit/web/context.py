"""Template context shared by every page: demo flag and the navigation a user may use."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from icommit.access import Action, can
from icommit.access.facts import facts_for


def navigation(user: Any) -> list[dict[str, Any]]:
    if not getattr(user, "is_authenticated", False):
        return []
    from icommit.accounts.middleware import mfa_verified

    if settings.MFA_REQUIRED and not mfa_verified(user):
        return []
    facts = facts_for(user)
    items = [{"name": "home", "label": _("Home"), "url": reverse("web:home"), "icon": "home"}]
    if facts.team_roles or can(user, Action.TEAM_CREATE) or facts.is_admin:
        items.append(
            {
                "name": "teams",
                "label": _("Teams"),
                "url": reverse("teams:list"),
                "icon": "user-group",
            }
        )
    items.append(
        {
            "name": "organisations",
            "label": _("Organisations"),
            "url": reverse("stakeholders:list"),
            "icon": "building-office-2",
        }
    )
    items.append(
        {
            "name": "instruments",
            "label": _("Instruments"),
            "url": reverse("instruments:list"),
            "icon": "clipboard-document-list",
        }
    )
    if can(user, Action.USER_MANAGE):
        items.append(
            {
                "name": "users",
                "label": _("Accounts"),
                "url": reverse("accounts:users"),
                "icon": "users",
            }
        )
    if can(user, Action.AUDIT_VIEW):
        items.append(
            {
                "name": "audit",
                "label": _("Audit log"),
                "url": reverse("web:audit"),
                "icon": "shield-check",
            }
        )
    return items


def _current(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.namespace == "accounts" and match.url_name == "users":
        return "users"
    if match.namespace == "web":
        return "audit" if match.url_name == "audit" else "home"
    sections = {
        "teams": "teams",
        "phases": "teams",
        "charters": "teams",
        "plans": "teams",
        "transparency": "teams",
        "diagnostics": "teams",
        "stakeholders": "organisations",
        "instruments": "instruments",
    }
    return sections.get(match.namespace, "")


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "IS_DEMO": settings.DEMO,
        "MFA_REQUIRED": settings.MFA_REQUIRED,
        "nav_items": navigation(getattr(request, "user", None)),
        "nav_current": _current(request),
    }
