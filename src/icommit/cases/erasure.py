"""The cases part of erasing a client and of retention: cases owns the deletion of its own rows.

- ``case_items_delete`` deletes a case's items (notes, the identity and the items of every kind
  registered in ``cases.kinds``) with their audience rows, share requests and sharing decisions.
- ``client_rows_erase`` deletes every row of cases about a client (the above for each case, and
  relatives, consents and their bases, access log entries, match notices, restriction requests,
  transfers) and anonymises the case rows (``case_anonymise``), returning counts for the audit.
- ``held_categories`` names the data categories a case's items hold, with how many items each.

These are building blocks of dataprotection's services, which check access, run them in a
transaction and write the audit event; nothing here checks access or audits.

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
from icommit.sharing.models import Basis


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
