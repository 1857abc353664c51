"""What stakeholders plugs in: organisation facts, policies, API router, its navigation entry,
its home and profile panels (membership requests and stale role profiles need attention)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db.models import Case, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icommit.access import facts, registry
from icommit.accounts.models import User
from icommit.api import registry as api
from icommit.stakeholders import checks  # noqa: F401 (registers the system check)
from icommit.stakeholders.models import OrganisationMembership
from icommit.stakeholders.policies import OrganisationPolicy, RoleProfilePolicy
from icommit.stakeholders.selectors import (
    my_memberships,
    pending_confirmations,
    profile_max_age_days,
    profiles_to_reconfirm,
)
from icommit.web import registry as web


def organisation_rows(user: User) -> QuerySet[OrganisationMembership, tuple[int, str]]:
    """The organisations of the user's confirmed, unended memberships (not archived ones), as
    (organisation, "admin" or "member") rows of the facts query."""
    kind = Case(When(is_org_admin=True, then=Value("admin")), default=Value("member"))
    return (
        OrganisationMembership.objects.active()
        .filter(user=user, organisation__archived_at__isnull=True)
        .values_list("organisation_id", kind)
    )


def organisation_facts(rows: Sequence[tuple[int, str]]) -> dict[str, Any]:
    return {
        "org_ids": frozenset(o for o, _ in rows),
        "org_admin_ids": frozenset(o for o, kind in rows if kind == "admin"),
    }


facts.provide_rows(organisation_rows, organisation_facts)
registry.register(OrganisationPolicy, RoleProfilePolicy)
api.router("/organisations", "icommit.stakeholders.api.router")


def home_attention(*, user: User, context: dict[str, Any], obj: Any = None) -> None:
    """Memberships waiting for the user's confirmation, stale role profiles of the user's
    organisations, and the user's own memberships awaiting confirmation (three queries).

    Items go to ``attention_items``, which the home page sorts by ``urgency``: overdue first
    (a stale profile is overdue since the day it went stale), then the oldest; the user's own
    pending memberships come last, as there is nothing for them to do.
    """
    template = "stakeholders/_home_attention.html"
    items = context.setdefault("attention_items", [])
    memberships = list(my_memberships(user=user))
    context["memberships"] = memberships
    for m in pending_confirmations(user=user)[:20]:
        since = timezone.localdate(m.created_at)
        items.append(
            {"kind": "membership", "template": template, "urgency": (1, since), "membership": m}
        )
        context["attention_count"] += 1
    max_age = datetime.timedelta(days=profile_max_age_days())
    for profile in profiles_to_reconfirm(user=user)[:20]:
        confirmed = profile.confirmed_at or timezone.now()  # never None: the selector filters it
        stale_since = timezone.localdate(confirmed + max_age)
        items.append(
            {
                "kind": "profile",
                "template": template,
                "urgency": (0, stale_since),
                "profile": profile,
                "max_age_days": max_age.days,
            }
        )
        context["attention_count"] += 1
    for m in memberships:
        if m.confirmed_at is None:
            since = timezone.localdate(m.created_at)
            items.append(
                {"kind": "own", "template": template, "urgency": (2, since), "membership": m}
            )
            context["attention_count"] += 1


def profile_organisations(*, user: User, context: dict[str, Any], obj: Any = None) -> None:
    """The user's own organisation memberships."""
    context["memberships"] = my_memberships(user=user)


# --- training people: an external learner's account reaches no organisation (training work) ---
def _may_see_organisations(user: User, facts: Any) -> bool:
    return not facts.learner_only


web.nav_item(
    "organisations",
    _("Organisations"),
    "stakeholders:list",
    "building-office-2",
    20,
    _may_see_organisations,
)
# --- end training people ---
web.nav_section("stakeholders", "organisations")
web.panel("home.attention", "", home_attention, order=10)
web.panel("profile", "stakeholders/_profile.html", profile_organisations, order=10)
