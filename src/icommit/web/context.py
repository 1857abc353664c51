"""Template context shared by every page: demo flag and the navigation a user may use.

The entries come from the apps (``web.registry.nav_item``); the kit names none of them. The
navigation is worked out when a template first shows it, so a fragment (an htmx answer, a
panel) that has no navigation loads no access facts for it; it is never kept beyond the request.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from icommit.access.facts import facts_for
from icommit.core.http import Person
from icommit.web import registry


def navigation(user: Person) -> list[dict[str, Any]]:
    if not getattr(user, "is_authenticated", False):
        return []
    if not registry.nav_allowed(user):
        return []
    facts = facts_for(user)
    return [
        {"name": item.name, "label": item.label, "url": reverse(item.url_name), "icon": item.icon}
        for item in registry.nav_items()
        if item.shown is None or item.shown(user, facts)
    ]


def _current(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    return registry.nav_current(match.namespace, match.url_name)


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "IS_DEMO": settings.DEMO,
        "MFA_REQUIRED": settings.MFA_REQUIRED,
        "nav_items": SimpleLazyObject(lambda: navigation(getattr(request, "user", None))),
        "nav_current": _current(request),
    }
