"""What assessments holds about a client, for erasure and the data-subject export
(``dataprotection.registry``): phase entries, track entries and risk references.

The export names organisations, dates, purposes and bases of access and sharing, never staff:
each item is one ``ExportPart`` of its origin organisation (a phase entry is the lead's that
wrote it).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext_lazy as _

from icommit.assessments.models import (
    RISK_CATEGORY,
    PhaseEntry,
    RiskAudience,
    RiskReference,
    TrackAudience,
    TrackEntry,
)
from icommit.assessments.services import client_erase
from icommit.cases.models import AccessEntry, Case, Client
from icommit.dataprotection.registry import Access, ClientData, ExportPart
from icommit.sharing.models import live_q
from icommit.stakeholders.models import OrganisationMembership


def _shares(rows: list[Any]) -> dict[Any, list[Access]]:
    found: dict[Any, list[Access]] = defaultdict(list)
    for row in rows:
        found[row.item_id].append(
            Access(
                organisation=row.organisation.name,
                at=row.decided_at,
                what="shared",
                purpose=row.purpose,
                basis=row.legal_source or row.rule,
            )
        )
    return found


def _live_audience(audience: Any, items: list[Any]) -> dict[Any, tuple[int, ...]]:
    """The organisations each item is shared with now (live audience rows), one query."""
    found: dict[Any, list[int]] = defaultdict(list)
    rows = audience.objects.filter(live_q(), item__in=items).values_list(
        "item_id", "organisation_id"
    )
    for item_id, organisation_id in rows:
        found[item_id].append(organisation_id)
    return {pk: tuple(sorted(set(orgs))) for pk, orgs in found.items()}


def _opened(
    references: list[RiskReference], shares: dict[Any, list[Access]]
) -> dict[Any, list[Access]]:
    """Openings of risk references, by the organisation through which the person read it."""
    entries = list(AccessEntry.objects.filter(what="risk", item_id__in=[r.pk for r in references]))
    orgs_of: dict[int, dict[int, str]] = defaultdict(dict)
    for m in OrganisationMembership.objects.filter(
        user_id__in={e.user_id for e in entries}
    ).select_related("organisation"):
        orgs_of[m.user_id][m.organisation_id] = m.organisation.name
    by_pk = {r.pk: r for r in references}
    found: dict[Any, list[Access]] = defaultdict(list)
    for entry in entries:
        if entry.item_id is None:
            continue
        ref = by_pk[entry.item_id]
        mine = orgs_of.get(entry.user_id, {})
        names = [ref.origin_organisation.name] if ref.origin_organisation_id in mine else []
        names += [a.organisation for a in shares.get(ref.pk, []) if a.organisation in mine.values()]
        found[ref.pk].append(
            Access(organisation=names[0] if names else "", at=entry.at, what="opened")
        )
    return found


def client_export(client: Client) -> list[ExportPart]:
    """Every phase entry, track entry and risk reference of the client's cases."""
    cases = list(Case.objects.filter(client=client).select_related("lead_organisation"))
    parts: list[ExportPart] = []
    for entry in PhaseEntry.objects.filter(case__in=cases).select_related("case__client", "case"):
        parts.append(
            ExportPart(
                kind="assessments.phase",
                title=str(_("Case-work phase")),
                origin_organisation_id=entry.origin_organisation_id,
                created_at=entry.recorded_at,
                data={
                    "case": entry.case.number,
                    "phase": entry.phase,
                    "since": entry.since.isoformat(),
                    "note": entry.note or "",
                },
            )
        )
    tracks = list(TrackEntry.objects.filter(case__in=cases).select_related("case__client", "case"))
    track_shares = _shares(
        list(TrackAudience.objects.filter(item__in=tracks).select_related("organisation"))
    )
    track_audience = _live_audience(TrackAudience, tracks)
    for t in tracks:
        parts.append(
            ExportPart(
                kind="assessments.track",
                title=str(_("Track entry")),
                origin_organisation_id=t.origin_organisation_id,
                created_at=t.recorded_at,
                data={
                    "case": t.case.number,
                    "track": t.track,
                    "stage": t.stage,
                    "date": t.on.isoformat(),
                    "rationale": t.rationale,
                },
                accesses=tuple(track_shares.get(t.pk, [])),
                category=t.category,
                shared_with=track_audience.get(t.pk, ()),
            )
        )
    risks = list(
        RiskReference.objects.filter(case__in=cases).select_related(
            "case__client", "case", "origin_organisation"
        )
    )
    risk_shares = _shares(
        list(RiskAudience.objects.filter(item__in=risks).select_related("organisation"))
    )
    opened = _opened(risks, risk_shares)
    risk_audience = _live_audience(RiskAudience, risks)
    for r in risks:
        parts.append(
            ExportPart(
                kind="assessments.risk",
                title=str(_("Risk-assessment reference")),
                origin_organisation_id=r.origin_organisation_id,
                created_at=r.recorded_at,
                data={
                    "case": r.case.number,
                    "instrument": r.instrument,
                    "assessed_on": r.assessed_on.isoformat(),
                    "level": r.level,
                    "summary": r.summary,
                    "next_review": r.next_review.isoformat(),
                },
                accesses=tuple(risk_shares.get(r.pk, []) + opened.get(r.pk, [])),
                category=RISK_CATEGORY,
                shared_with=risk_audience.get(r.pk, ()),
            )
        )
    return parts


CLIENT_DATA = ClientData(
    key="assessments",
    label=_("D&R phases, tracks and risk-assessment references"),
    erase=client_erase,
    export=client_export,
    processing=(
        {
            "purpose": "Recording the client's case-work phase and disengagement and "
            "deradicalisation tracks for joint case work",
            "categories": ["offence", "ideology"],
            "recipients": "organisations taking part in the case, by sharing decision",
            "legal_bases": "consent or statutory provision recorded with each sharing decision",
        },
        {
            "purpose": "Referencing risk assessments made by designated assessors",
            "categories": [RISK_CATEGORY],
            "recipients": "organisations taking part in the case, by sharing decision",
            "legal_bases": "statutory provision or consent recorded with each sharing decision",
        },
    ),
)
