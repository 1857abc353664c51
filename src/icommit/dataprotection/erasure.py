"""The cases part of erasing a client and of exporting what is held about them.

Kept apart from the rest of this app so that it can move into ``cases`` as it is: every function
here reads or writes cases' own rows only (and the sharing kernel's rows that cases created), and
knows nothing of retention, exports or the registry of the apps above cases.

- ``case_items_delete`` deletes a case's items (notes, the identity and the items of every kind
  registered in ``cases.kinds``) with their audience rows, share requests and sharing decisions.
- ``client_rows_erase`` deletes every row of cases about a client (the above for each case, and
  relatives, consents and their bases, access log entries, match notices, restriction requests,
  transfers) and anonymises the case rows (``case_anonymise``), returning counts for the audit.
- ``held_categories`` names the data categories a case's items hold; ``cases_export`` returns the
  client's items as ``ExportPart`` rows, each with its origin organisation.

Invariant: values sealed with the client's key are left to die with the key (the caller destroys
it afterwards); plain columns that could tell anything about the client are deleted or blanked.
"""

from __future__ import annotations

import datetime
import secrets
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
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
    MatchNotice,
    Relative,
    RestrictionRequest,
    ShareDecision,
    ShareRequest,
    StageChange,
    Transfer,
)
from icommit.dataprotection.registry import Access, ExportPart
from icommit.sharing.models import Basis
from icommit.teams.models import TeamMembership


def _month(value: datetime.datetime | None) -> datetime.datetime | None:
    """The first moment of the value's month (UTC): what an anonymised case keeps of a date."""
    if value is None:
        return None
    value = value.astimezone(datetime.UTC)
    return value.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def held_categories(case: Case) -> dict[str, int]:
    """The data categories the case's items hold, with how many items hold each."""
    held: Counter[str] = Counter()
    for kind in kinds.all_kinds():
        for item in kinds.items_of(kind, case):
            for category in kind.categories_of(item):
                held[category] += 1
    return dict(held)


def _delete_items(kind: kinds.ItemKind, items: list[Any], bases: set[int]) -> int:
    """Delete items of one kind (through ``cases.kinds.delete_items``) with their audience rows
    and share requests; the bases their audience rows rest on are added to ``bases`` (deleted
    later, once nothing points to them)."""
    if not items:
        return 0
    ids = [item.pk for item in items]
    rows = kind.audience.objects.filter(item_id__in=ids)
    bases.update(b for b in rows.values_list("basis_id", flat=True) if b is not None)
    rows.delete()
    if kind.model is CaseNote:
        ShareRequest.objects.filter(note_id__in=ids).delete()
    # through the kind, so its ``delete`` hook discards what hangs on the items (answer sets ...)
    return kinds.delete_items(kind, kind.model.objects.filter(pk__in=ids))


def case_items_delete(
    case: Case, *, categories: Iterable[str] | None = None
) -> tuple[dict[str, int], list[str]]:
    """Delete the case's items (of ``categories`` only, when given: an item holding any of them),
    their audience rows, share requests and the sharing decisions about them.

    Returns counts per kind, and the kinds whose items could not be deleted here because another
    app's rows still point to them (those stay, and the caller reports them).
    """
    wanted = None if categories is None else set(categories)
    counts: dict[str, int] = {}
    kept: list[str] = []
    bases: set[int] = set()
    for kind in kinds.all_kinds():
        items = [
            item
            for item in kinds.items_of(kind, case)
            if wanted is None or wanted & set(kind.categories_of(item))
        ]
        if not items:
            continue
        decisions = ShareDecision.objects.filter(
            case=case, item_kind=kind.key, item_id__in=[i.pk for i in items]
        )
        try:
            with transaction.atomic():
                counts[kind.key] = _delete_items(kind, items, bases)
                decided = list(decisions.values_list("pk", flat=True))
                # statutory and danger decisions rest on a basis of their own
                decisions.delete()
                counts["decisions"] = counts.get("decisions", 0) + len(decided)
        except ProtectedError:
            kept.append(kind.key)
    _delete_unused_bases(bases)
    return counts, kept


def _delete_unused_bases(ids: set[int]) -> None:
    if not ids:
        return
    used = set(Consent.objects.filter(basis_id__in=ids).values_list("basis_id", flat=True))
    for kind in kinds.all_kinds():
        used |= set(
            kind.audience.objects.filter(basis_id__in=ids).values_list("basis_id", flat=True)
        )
    Basis.objects.filter(pk__in=ids - used).delete()


def case_anonymise(case: Case) -> None:
    """Keep the case for statistics only: stage reached, closure code, coarse facts and months.

    The purpose, every date finer than a month, every link to another case or a person about
    the client, the participants' reasons and the stage notes go; what stays sealed with the
    client's key (the referral) is unreadable once the key is destroyed.
    """
    Case.objects.filter(pk=case.pk).update(
        purpose="",
        case_manager=None,
        previous=None,
        triage_answers={},
        transition_kind="",
        transition_date=None,
        next_review=None,
        referred_at=_month(case.referred_at),
        stage_since=_month(case.stage_since),
    )
    for change in StageChange.objects.filter(case=case).only("pk", "at"):
        StageChange.objects.filter(pk=change.pk).update(at=_month(change.at), note=None)
    for row in CaseParticipant.objects.filter(case=case).only("pk", "added_at", "left_at"):
        CaseParticipant.objects.filter(pk=row.pk).update(
            reason="",
            left_reason="",
            added_at=_month(row.added_at),
            left_at=_month(row.left_at),
        )


def client_anonymise(client: Client) -> None:
    """Replace the pseudonym with a random value that links to nothing, and drop the client's
    restriction, capacity and the day the client was recorded (coarse facts stay)."""
    Client.objects.filter(pk=client.pk).update(
        pseudonym="X-" + secrets.token_hex(8),
        capacity_to_consent=None,
        capacity_note=None,
        restricted_at=None,
        restricted_by=None,
        restriction_reason=None,
        created_at=_month(client.created_at),
    )


def client_rows_erase(client: Client) -> dict[str, int]:
    """Delete every row of cases about ``client`` and anonymise the client's case rows.

    Run after the apps above cases erased theirs (their rows point to cases' rows), and before
    the client's key is destroyed; returns counts per kind of row, for the audit event.
    """
    counts: Counter[str] = Counter()
    cases = list(Case.objects.filter(client=client).order_by("referred_at"))
    for case in cases:
        deleted, kept = case_items_delete(case)
        if kept:
            raise ProtectedError(
                f"items of {', '.join(kept)} on case {case.number} are still referenced", set()
            )
        counts.update(deleted)
    case_ids = [case.pk for case in cases]
    # decisions left without an item (an item deleted earlier by retention or by its app)
    counts["decisions"] += (
        ShareDecision.objects.filter(case_id__in=case_ids).delete()[1].get("cases.ShareDecision", 0)
    )
    consents = Consent.objects.filter(case_id__in=case_ids)
    bases = set(consents.exclude(basis=None).values_list("basis_id", flat=True))
    counts["consents"] = consents.count()
    consents.delete()
    _delete_unused_bases(bases)
    counts["relatives"] = Relative.objects.filter(client=client).delete()[0]
    counts["identity"] += (
        ClientIdentity.objects.filter(client=client).delete()[1].get("cases.ClientIdentity", 0)
    )
    counts["access_entries"] = AccessEntry.objects.filter(case_id__in=case_ids).delete()[0]
    counts["match_notices"] = MatchNotice.objects.filter(case_id__in=case_ids).delete()[0]
    counts["restriction_requests"] = RestrictionRequest.objects.filter(client=client).delete()[0]
    counts["transfers"] = Transfer.objects.filter(case_id__in=case_ids).delete()[0]
    for case in cases:
        case_anonymise(case)
    client_anonymise(client)
    counts["cases_anonymised"] = len(cases)
    return {k: v for k, v in counts.items() if v}


# --- export ------------------------------------------------------------------------------------


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
