"""The cases part of a data-subject export: everything cases holds about a client, one
``ExportPart`` per item, each with its origin organisation (the deletion of cases' rows is cases'
own, in ``cases.erasure``).

Every function here only reads cases' own rows (and the sharing kernel's rows cases created).
Accesses name organisations and days, never the person who opened or shared an item.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from icommit.cases import kinds
from icommit.cases.models import (
    AccessEntry,
    Case,
    CaseNote,
    CaseParticipant,
    Client,
    ClientIdentity,
    Consent,
    Relative,
    ShareDecision,
    StageChange,
)
from icommit.dataprotection.registry import Access, ExportPart
from icommit.teams.models import TeamMembership


def _org_of_users(case: Case, user_ids: Iterable[int]) -> dict[int, str]:
    """Each user's organisation in the case's team (by name): the export names organisations."""
    found: dict[int, str] = {}
    rows = TeamMembership.objects.filter(team_id=case.team_id, user_id__in=set(user_ids))
    for user_id, name in rows.values_list("user_id", "organisation__name"):
        found.setdefault(user_id, name)
    return found


def _day(value: datetime.datetime) -> str:
    return timezone.localtime(value).date().isoformat()


def _opened(
    entries: list[AccessEntry], orgs: dict[int, str], item_id: Any, what: set[str]
) -> list[Access]:
    return [
        Access(orgs.get(e.user_id, ""), e.at, "opened", purpose=e.what)
        for e in entries
        if e.item_id == item_id and e.what in what
    ]


def _shared(
    decisions: list[ShareDecision], kind: str, item_id: Any
) -> tuple[list[Access], tuple[int, ...]]:
    found: list[Access] = []
    for d in decisions:
        if d.item_kind != kind or d.item_id != item_id:
            continue
        for org in d.organisations.all():
            found.append(Access(org.name, d.decided_at, "shared", d.purpose, d.basis_kind))
    return found, _live_organisations(kind, item_id)


def cases_export(client: Client) -> list[ExportPart]:
    """Everything cases holds about the client, one part per item, each with its origin.

    Values are read while the client's key exists. Accesses name organisations and days, never
    the person who opened or shared an item.
    """
    parts: list[ExportPart] = []
    cases = list(
        Case.objects.filter(client=client)
        .select_related("team", "lead_organisation", "referring_organisation")
        .order_by("referred_at")
    )
    for case in cases:
        entries = list(AccessEntry.objects.filter(case=case).order_by("at"))
        decisions = list(ShareDecision.objects.filter(case=case).prefetch_related("organisations"))
        orgs = _org_of_users(case, [e.user_id for e in entries])

        lead_id = case.lead_organisation_id or case.referring_organisation_id
        stages = [
            {"from": s.from_stage, "to": s.to_stage, "code": s.code, "on": _day(s.at)}
            for s in StageChange.objects.filter(case=case).order_by("at", "pk")
        ]
        participants = [
            {
                "organisation": p.organisation.name,
                "from": _day(p.added_at),
                "until": _day(p.left_at) if p.left_at else None,
            }
            for p in CaseParticipant.objects.filter(case=case).select_related("organisation")
        ]
        parts.append(
            ExportPart(
                kind="cases.case",
                title=f"{case.number}",
                origin_organisation_id=lead_id,
                created_at=case.referred_at,
                data={
                    "case": case.number,
                    "pseudonym": client.pseudonym,
                    "team": case.team.name,
                    "stage": case.stage,
                    "purpose": case.purpose,
                    "lead_organisation": (
                        case.lead_organisation.name if case.lead_organisation else None
                    ),
                    "stages": stages,
                    "organisations_taking_part": participants,
                    "capacity_to_consent": client.capacity_to_consent,
                    "restricted_since": _day(client.restricted_at)
                    if client.restricted_at
                    else None,
                },
                accesses=tuple(_opened(entries, orgs, None, {"case"})),
                category="case_record",
            )
        )
        parts.append(
            ExportPart(
                kind="cases.referral",
                title=f"{case.number}",
                origin_organisation_id=case.referring_organisation_id,
                created_at=case.referred_at,
                data={
                    "case": case.number,
                    "referred_on": _day(case.referred_at),
                    "concern": case.referral_text,
                },
                category="case_record",
                # the lead organisation reads the referral once it accepted the case
                shared_with=(case.lead_organisation_id,) if case.lead_organisation_id else (),
            )
        )
        for note in CaseNote.objects.filter(case=case).order_by("created_at"):
            accesses, now = _shared(decisions, "note", note.pk)
            parts.append(
                ExportPart(
                    kind="cases.note",
                    title=note.title,
                    origin_organisation_id=note.origin_organisation_id,
                    created_at=note.created_at,
                    data={
                        "case": case.number,
                        "kind": note.kind,
                        "title": note.title,
                        "text": note.text,
                        "document": note.document_name,
                        "recorded_on": _day(note.created_at),
                    },
                    accesses=tuple(
                        accesses + _opened(entries, orgs, note.pk, {"note", "document"})
                    ),
                    category=note.category,
                    shared_with=now,
                )
            )
        for consent in Consent.objects.filter(case=case).prefetch_related("recipients"):
            parts.append(
                ExportPart(
                    kind="cases.consent",
                    title=str(consent.get_kind_display()),
                    origin_organisation_id=consent.organisation_id,
                    created_at=consent.recorded_at,
                    data={
                        "case": case.number,
                        "kind": consent.kind,
                        "given_by": consent.given_by,
                        "given_on": consent.given_on.isoformat(),
                        "valid_until": consent.valid_until.isoformat()
                        if consent.valid_until
                        else None,
                        "recipients": sorted(o.name for o in consent.recipients.all()),
                        "categories": list(consent.categories),
                        "purpose": consent.purpose,
                        "withdrawn_on": _day(consent.withdrawn_at)
                        if consent.withdrawn_at
                        else None,
                    },
                    category="case_record",
                    shared_with=(case.lead_organisation_id,) if case.lead_organisation_id else (),
                )
            )
    identity = ClientIdentity.objects.filter(client=client).first()
    if identity is not None and cases:
        accesses, now = shared_identity(cases[-1], identity)
        parts.append(
            ExportPart(
                kind="cases.identity",
                title="",
                origin_organisation_id=identity.origin_organisation_id,
                created_at=identity.recorded_at,
                data={
                    "name": identity.name,
                    "birth_date": identity.birth_date,
                    "address": identity.address,
                    "contact": identity.contact,
                    "relatives": [
                        {
                            "relation": r.relation,
                            "name": r.name,
                            "contact": r.contact,
                            "legal_guardian": r.is_guardian,
                        }
                        for r in Relative.objects.filter(client=client)
                    ],
                },
                accesses=tuple(accesses),
                category="identity",
                shared_with=now,
            )
        )
    return parts


def shared_identity(case: Case, identity: ClientIdentity) -> tuple[list[Access], tuple[int, ...]]:
    """Who the identity was shared with (organisations, days, purposes) and who holds it now."""
    accesses: list[Access] = []
    decisions = ShareDecision.objects.filter(
        case__client_id=identity.client_id, item_kind="identity", item_id=identity.pk
    ).prefetch_related("organisations")
    for d in decisions:
        for org in d.organisations.all():
            accesses.append(Access(org.name, d.decided_at, "shared", d.purpose, d.basis_kind))
    entries = AccessEntry.objects.filter(case__client_id=identity.client_id, what="identity")
    entries_list = list(entries)
    orgs = _org_of_users(case, [e.user_id for e in entries_list])
    accesses += [Access(orgs.get(e.user_id, ""), e.at, "opened") for e in entries_list]
    return accesses, _live_organisations("identity", identity.pk)


def _live_organisations(kind: str, item_id: Any) -> tuple[int, ...]:
    """The organisations an item is shared with now (its live audience rows)."""
    rows = kinds.get(kind).audience.objects.live().filter(item_id=item_id)
    return tuple(sorted(set(rows.values_list("organisation_id", flat=True))))
