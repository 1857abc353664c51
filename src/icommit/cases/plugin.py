"""What cases plugs in: its policy, its shared items (notes, identity) and their policies, the
API router, the team link, the navigation section and the home page's attention items."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icommit.access import Action, registry, visible
from icommit.accounts.models import User
from icommit.api import registry as api
from icommit.cases import (
    checks,  # noqa: F401 (registers the content system check)
    kinds,
)
from icommit.cases.models import (
    Case,
    CaseNote,
    ClientIdentity,
    IdentityAudience,
    MatchNotice,
    NoteAudience,
)
from icommit.cases.policies import CasePolicy
from icommit.cases.selectors import danger_to_confirm
from icommit.sharing import items
from icommit.web import registry as web

registry.register(CasePolicy)
items.register(CaseNote, NoteAudience)
items.register(ClientIdentity, IdentityAudience)
kinds.register(
    kinds.ItemKind(
        key="note",
        model=CaseNote,
        audience=NoteAudience,
        of_case=lambda case: Q(case=case),
        label=_("note"),
        title=lambda note: note.title,
        url=lambda case, note: reverse("cases:note", args=[case.team_id, case.pk, note.pk]),
    )
)
kinds.register(
    kinds.ItemKind(
        key="identity",
        model=ClientIdentity,
        audience=IdentityAudience,
        # the identity belongs to the client, so to each of the client's cases
        of_case=lambda case: Q(client_id=case.client_id),
        label=_("identity"),
        title=lambda identity: str(_("identity")),
        url=lambda case, identity: reverse("cases:identity", args=[case.team_id, case.pk]),
    )
)
# the cases API (cases/api.py, helper on the API): mounted under /api/v1/teams/{team_id}/cases
api.router("/teams/{team_id}/cases", "icommit.cases.api.router")

_ITEM = "cases/_home_attention.html"


def home_cases(*, user: User, context: dict[str, Any], obj: Any = None) -> None:
    """What waits for a case manager: match notices, referrals to triage, overdue reviews of
    the cases they manage, imminent-danger shares waiting for their confirmation.

    Four queries whatever the number of cases; every read goes through the case policy.
    """
    if not context.get("confirmed_teams"):
        return
    items_ = context.setdefault("attention_items", [])
    today = timezone.localdate()

    def add(kind: str, rank: int, since: Any, **values: Any) -> None:
        items_.append({"template": _ITEM, "urgency": (rank, since), "kind": kind, **values})
        context["attention_count"] += 1

    managed = visible(user, Action.CASE_MANAGE, Case.objects.all())
    for notice in MatchNotice.objects.filter(case__in=managed, seen_at__isnull=True).select_related(
        "case", "case__team"
    ):
        add("notice", 1, timezone.localdate(notice.created_at), case=notice.case)
    triage = visible(user, Action.CASE_TRIAGE, Case.objects.select_related("team"))
    for case in triage.order_by("referred_at"):
        add("triage", 1, timezone.localdate(case.referred_at), case=case)
    overdue = managed.filter(case_manager=user, next_review__lt=today).select_related("team")
    for case in overdue.order_by("next_review"):
        add("review", 0, case.next_review, case=case)
    for decision in danger_to_confirm(user=user).select_related("case__team"):
        add("danger", 0, timezone.localdate(decision.decided_at), case=decision.case)


web.panel("home.attention", "", home_cases, order=25)
web.team_link(_("Cases"), "cases:list", 45, action=Action.CASE_LIST)
web.nav_section("cases", "teams")


# --- the data-protection officer's review (views_sharing, urls_privacy; part B) ---------------


def _may_review_privacy(user: Any, facts: Any) -> bool:
    return registry.can(user, Action.CASE_PRIVACY)


web.nav_item(
    "privacy",
    _("Data-protection review"),
    "privacy:queue",
    "shield-exclamation",
    85,
    _may_review_privacy,
)
web.nav_section("privacy", "privacy")
