"""What stakeholders plugs in: organisation facts, policies, API router, its navigation entry,
and its home and profile panels."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from icommit.access import facts, registry
from icommit.accounts.models import User
from icommit.api import registry as api
from icommit.stakeholders import checks  # noqa: F401 (registers the system check)
from icommit.stakeholders.models import OrganisationMembership
from icommit.stakeholders.policies import OrganisationPolicy, RoleProfilePolicy
from icommit.stakeholders.selectors import my_memberships, pending_confirmations
from icommit.web import registry as web


def organisation_facts(user: User) -> dict[str, Any]:
    """The organisations of the user's confirmed, unended memberships (not archived ones)."""
    rows = list(
        OrganisationMembership.objects.active()
        .filter(user=user, organisation__archived_at__isnull=True)
        .values_list("organisation_id", "is_org_admin")
    )
    return {
        "org_ids": frozenset(o for o, _ in rows),
        "org_admin_ids": frozenset(o for o, admin in rows if admin),
    }


facts.provide(organisation_facts)
registry.register(OrganisationPolicy, RoleProfilePolicy)
api.router("/organisations", "icommit.stakeholders.api.router")


def home_attention(*, user: User, context: dict[str, Any], obj: Any = None) -> None:
    """Memberships waiting for the user's confirmation, and the user's own awaiting one."""
    memberships = list(my_memberships(user=user))
    context["memberships"] = memberships
    context["pending_confirmations"] = list(pending_confirmations(user=user)[:20])
    context["my_pending"] = [m for m in memberships if m.confirmed_at is None]
    context["attention_count"] += len(context["pending_confirmations"]) + len(context["my_pending"])


def profile_organisations(*, user: User, context: dict[str, Any], obj: Any = None) -> None:
    """The user's own organisation memberships."""
    context["memberships"] = my_memberships(user=user)


web.nav_item("organisations", _("Organisations"), "stakeholders:list", "building-office-2", 20)
web.nav_section("stakeholders", "organisations")
web.panel("home.attention", "stakeholders/_home_attention.html", home_attention, order=10)
web.panel("profile", "stakeholders/_profile.html", profile_organisations, order=10)
