"""What conferences holds about a client, for erasure and the data-subject export.

Erasure deletes the client's parts of the minutes (versions, those present, dissent, actions,
audience rows) and agenda entries; a conference stays while other cases were on it. The export
gives one part per part of the minutes, naming organisations, never staff.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from icommit.accounts.models import User
from icommit.cases.models import Client
from icommit.conferences.models import (
    AgendaEntry,
    Conference,
    ConferencePart,
    PartAudience,
    PartVersion,
)
from icommit.dataprotection.registry import Access, ExportPart
from icommit.sharing.models import live_q


@transaction.atomic
def erase(client: Client, actor: User | None) -> dict[str, int]:
    """Delete every part, dissent, action and agenda entry about the client (idempotent)."""
    parts = ConferencePart.objects.filter(case__client=client)
    versions = PartVersion.objects.filter(part__in=parts)
    counts = {"parts": parts.count(), "versions": versions.count()}
    parts.update(current=None)
    versions.update(previous=None)
    PartAudience.objects.filter(item__in=parts).delete()
    for version in versions:
        version.dissents.all().delete()
        version.actions.all().delete()
        version.attendees.all().delete()
    versions.delete()
    parts.delete()
    entries = AgendaEntry.objects.filter(case__client=client)
    conference_ids = set(entries.values_list("conference_id", flat=True))
    counts["agenda_entries"] = entries.count()
    entries.delete()
    empty = Conference.objects.filter(pk__in=conference_ids, agenda__isnull=True)
    counts["conferences"] = empty.count()
    empty.delete()
    return counts


def export(client: Client) -> list[ExportPart]:
    """One part per part of the minutes about the client, with the organisations present."""
    found = []
    parts = (
        ConferencePart.objects.filter(case__client=client)
        .select_related("entry__conference", "origin_organisation", "case")
        .order_by("created_at")
    )
    for part in parts:
        conference = part.entry.conference
        versions: list[dict[str, Any]] = []
        for version in part.versions.order_by("number").prefetch_related(
            "attendees__organisation", "dissents__organisation", "actions__organisation"
        ):
            versions.append(
                {
                    "version": version.number,
                    "status": version.status,
                    "discussion": version.discussion or "",
                    "decisions": version.decisions or "",
                    "scale": version.scale,
                    "intensity": version.intensity,
                    "next_review": version.next_review.isoformat() if version.next_review else None,
                    "organisations_present": sorted(
                        {a.organisation.name for a in version.attendees.all()}
                    ),
                    "dissent": [
                        {"organisation": d.organisation.name, "text": d.text}
                        for d in version.dissents.all()
                    ],
                    "actions": [
                        {
                            "what": a.what,
                            "organisation": a.organisation.name,
                            "due": a.due_on.isoformat() if a.due_on else None,
                        }
                        for a in version.actions.all()
                    ],
                }
            )
        rows = list(PartAudience.objects.filter(item=part).select_related("organisation"))
        accesses = tuple(
            Access(
                organisation=row.organisation.name,
                at=row.decided_at,
                what="shared",
                purpose=row.purpose,
                basis=row.get_rule_display(),
            )
            for row in rows
        )
        found.append(
            ExportPart(
                kind="conferences.part",
                title=f"{conference.title} ({conference.held_on.isoformat()})",
                origin_organisation_id=part.origin_organisation_id,
                created_at=part.created_at,
                data={
                    "conference": conference.title,
                    "held_on": conference.held_on.isoformat(),
                    "case": part.case.number,
                    "versions": versions,
                },
                accesses=accesses,
                category=part.category,
                # the organisations it is shared with now (live audience rows)
                shared_with=tuple(
                    sorted(
                        PartAudience.objects.filter(item=part)
                        .filter(live_q())
                        .values_list("organisation_id", flat=True)
                    )
                ),
            )
        )
    return found
