"""What Social Diagnostics plugs in: its policy, perspectives and formulations as kinds of case
item (shared through the cases rule book), the case-page panel, timeline entries, the API router
and how a client's analyses are erased and exported."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from icommit.access import Action, can, registry
from icommit.accounts.models import User
from icommit.analysis import selectors, services
from icommit.analysis.content import domain_categories
from icommit.analysis.models import (
    Formulation,
    FormulationAudience,
    Perspective,
    PerspectiveAudience,
    Viewpoint,
)
from icommit.analysis.policies import AnalysisPolicy
from icommit.api import registry as api
from icommit.cases import kinds
from icommit.cases.models import Case, Client, ShareDecision
from icommit.cases.selectors import TimelineEntry
from icommit.dataprotection.registry import Access, ClientData, ExportPart
from icommit.dataprotection.registry import register as register_client_data
from icommit.sharing import items
from icommit.sharing.items import visible_items
from icommit.sharing.models import live_q
from icommit.web import registry as web

registry.register(AnalysisPolicy)
items.register(Perspective, PerspectiveAudience)
items.register(Formulation, FormulationAudience)


def perspective_title(perspective: Perspective) -> str:
    """What the ledger names a perspective by: whose view, of which analysis (no client data)."""
    if perspective.viewpoint == Viewpoint.CLIENT:
        return gettext("Perspective: the client's own view (analysis %(n)s)") % {
            "n": perspective.analysis.number
        }
    return gettext("Perspective of %(organisation)s (analysis %(n)s)") % {
        "organisation": perspective.origin_organisation.name,
        "n": perspective.analysis.number,
    }


def formulation_title(formulation: Formulation) -> str:
    return gettext("Case formulation, analysis %(n)s, version %(v)s") % {
        "n": formulation.analysis.number,
        "v": formulation.number,
    }


kinds.register(
    kinds.ItemKind(
        key="perspective",
        model=Perspective,
        audience=PerspectiveAudience,
        of_case=lambda case: Q(case=case),
        label=_("perspective"),
        title=perspective_title,
        url=lambda case, p: reverse("analysis:perspective", args=[case.team_id, case.pk, p.pk]),
        categories=lambda p: services.categories_for(p.analysis.version, services.answers_of(p)),
        unshareable=services.perspective_unshareable,
        delete=services.perspectives_delete,
    )
)
kinds.register(
    kinds.ItemKind(
        key="formulation",
        model=Formulation,
        audience=FormulationAudience,
        of_case=lambda case: Q(case=case),
        label=_("case formulation"),
        title=formulation_title,
        url=lambda case, f: reverse("analysis:formulation", args=[case.team_id, case.pk, f.pk]),
        categories=services.formulation_categories,
        delete=services.formulations_delete,
    )
)


# --- the case page and its timeline ------------------------------------------------------------


def case_panel(*, user: User, context: dict[str, Any], obj: Any = None) -> None:
    """The Social Diagnostics section of the case page: the current analysis and what the
    viewer's organisation sees of it."""
    if not isinstance(obj, Case) or not can(user, Action.ANALYSIS_VIEW, obj):
        return
    analyses = selectors.analyses_for(case=obj)
    current = analyses[-1] if analyses else None
    context["analysis_panel"] = {
        "case": obj,
        "current": current,
        "perspectives": list(selectors.perspectives_for(user=user, analysis=current))
        if current
        else [],
        "may_manage": can(user, Action.ANALYSIS_MANAGE, obj),
    }


web.panel("case.page", "analysis/_case_panel.html", case_panel, order=10)


def timeline(*, user: User, case: Case) -> list[TimelineEntry]:
    """Perspectives submitted and formulations agreed that the user may see."""
    if not can(user, Action.ANALYSIS_VIEW, case):
        return []
    entries = []
    perspectives = visible_items(
        user,
        Perspective.objects.filter(case=case, submitted_at__isnull=False).select_related(
            "origin_organisation", "analysis"
        ),
    )
    for p in perspectives:
        assert p.submitted_at is not None  # filtered above
        entries.append(
            TimelineEntry(
                p.submitted_at,
                "perspective",
                _("perspective"),
                summary=gettext("Perspective submitted: %(title)s")
                % {"title": perspective_title(p)},
                url=reverse("analysis:perspective", args=[case.team_id, case.pk, p.pk]),
                organisation=p.origin_organisation.name,
            )
        )
    formulations = visible_items(
        user,
        Formulation.objects.filter(case=case).select_related("origin_organisation", "analysis"),
    )
    for f in formulations:
        entries.append(
            TimelineEntry(
                f.agreed_at,
                "formulation",
                _("case formulation"),
                summary=gettext("Case formulation agreed: %(title)s")
                % {"title": formulation_title(f)},
                url=reverse("analysis:formulation", args=[case.team_id, case.pk, f.pk]),
                organisation=f.origin_organisation.name,
            )
        )
    return entries


kinds.timeline_source(timeline)

# the API (analysis/api.py): mounted under /api/v1/teams/{team_id}/cases/{case_id}/analysis
api.router("/teams/{team_id}/cases/{case_id}/analysis", "icommit.analysis.api.router")


# --- erasure and the data-subject export -------------------------------------------------------


def _accesses(kind: str, item_ids: list[Any]) -> dict[str, list[Access]]:
    out: dict[str, list[Access]] = {}
    decisions = (
        ShareDecision.objects.filter(item_kind=kind, item_id__in=item_ids)
        .select_related("case__client")
        .prefetch_related("organisations")
        .order_by("decided_at")
    )
    for d in decisions:
        basis = d.get_basis_kind_display()
        if d.statute:
            basis = f"{basis}: {d.statute}"
        for org in d.organisations.all():
            out.setdefault(str(d.item_id), []).append(
                Access(
                    organisation=org.name,
                    at=d.decided_at,
                    what="shared",
                    purpose=d.purpose or "",
                    basis=str(basis),
                )
            )
    return out


def _shared_with(audience: Any, item_ids: list[Any]) -> dict[str, tuple[int, ...]]:
    """Item id → the organisations it is shared with now (live audience rows)."""
    out: dict[str, list[int]] = {}
    rows = audience.objects.filter(live_q(), item_id__in=item_ids).values_list(
        "item_id", "organisation_id"
    )
    for item_id, org_id in rows:
        out.setdefault(str(item_id), []).append(org_id)
    return {k: tuple(sorted(set(v))) for k, v in out.items()}


def export(client: Client) -> list[ExportPart]:
    """Every perspective and formulation about the client, one part each, with its shares."""
    parts: list[ExportPart] = []
    perspectives = list(
        Perspective.objects.filter(case__client=client)
        .select_related("origin_organisation", "analysis", "response", "case__client")
        .order_by("created_at")
    )
    shared = _accesses("perspective", [p.pk for p in perspectives])
    now_with = _shared_with(PerspectiveAudience, [p.pk for p in perspectives])
    for p in perspectives:
        parts.append(
            ExportPart(
                kind="analysis.perspective",
                title=perspective_title(p),
                origin_organisation_id=p.origin_organisation_id,
                created_at=p.created_at,
                data={
                    "case": p.case.number,
                    "analysis": p.analysis.number,
                    "viewpoint": p.viewpoint,
                    "status": p.status,
                    "answers": services.answers_of(p),
                },
                accesses=tuple(shared.get(str(p.pk), ())),
                category=p.category,
                shared_with=now_with.get(str(p.pk), ()),
            )
        )
    formulations = list(
        Formulation.objects.filter(case__client=client)
        .select_related("analysis", "case__client")
        .order_by("agreed_at")
    )
    shared = _accesses("formulation", [f.pk for f in formulations])
    now_with = _shared_with(FormulationAudience, [f.pk for f in formulations])
    for f in formulations:
        parts.append(
            ExportPart(
                kind="analysis.formulation",
                title=formulation_title(f),
                origin_organisation_id=f.origin_organisation_id,
                created_at=f.agreed_at,
                data={
                    "case": f.case.number,
                    "analysis": f.analysis.number,
                    "version": f.number,
                    **dict(f.content or {}),
                },
                accesses=tuple(shared.get(str(f.pk), ())),
                category=f.category,
                shared_with=now_with.get(str(f.pk), ()),
            )
        )
    return parts


register_client_data(
    ClientData(
        key="analysis",
        label=_("Social Diagnostics"),
        erase=services.client_erase,
        export=export,
        processing=(
            {
                "purpose": "Social Diagnostics: each organisation's perspective on the client's "
                "life domains and the agreed case formulation",
                "categories": sorted({c.category for c in domain_categories().values()}),
                "recipients": "organisations taking part in the case, as sharing decisions name",
                "legal_bases": "the case's sharing decisions (protocol, consent or release, "
                "statute, imminent danger)",
            },
        ),
    )
)
