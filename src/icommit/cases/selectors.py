"""Reads on cases. Every read starts from the access policy (cases) or the kernel (items).

Invariant: a case's notes, identity and shares are read only through
``sharing.items.visible_items`` (notes, identity) or filtered to the viewer's organisations
(ledger); the case list holds only cases whose participants include the viewer's organisation.
Query counts stay flat as cases grow (tests/cases/test_queries.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from icommit.access import Action, can, visible
from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.cases import kinds
from icommit.cases.models import (
    AccessEntry,
    Case,
    CaseNote,
    CaseParticipant,
    ClientIdentity,
    Consent,
    IdentityAudience,
    MatchNotice,
    NoteAudience,
    Relative,
    RestrictionRequest,
    ShareDecision,
    ShareRequest,
    StageChange,
)
from icommit.cases.process import Stage
from icommit.cases.services import DANGER_CONFIRM_HOURS, dpo_queue_q
from icommit.core.exceptions import NotFound
from icommit.sharing.items import visible_items
from icommit.sharing.models import live_q
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team

OPEN_STAGES = frozenset(
    {
        Stage.ACCEPTED,
        Stage.INFORMATION_GATHERING,
        Stage.ASSESSMENT,
        Stage.CASE_CONFERENCE,
        Stage.CONSENT,
        Stage.PLAN_ACTIVE,
        Stage.REVIEW,
    }
)


def _base() -> QuerySet[Case]:
    return Case.objects.select_related(
        "client", "team", "lead_organisation", "case_manager", "referring_organisation"
    )


def case_get(*, user: User, pk: Any, action: Action = Action.CASE_VIEW) -> Case:
    """One case the user may reach with ``action``, or NotFound."""
    try:
        return visible(user, action, _base()).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError, ValidationError):
        raise NotFound() from None


def cases_for(*, user: User, team: Team, stage: str = "") -> QuerySet[Case]:
    """The team's cases the user's organisation participates in, newest first."""
    qs = visible(user, Action.CASE_VIEW, _base().filter(team=team))
    if stage:
        qs = qs.filter(stage=stage)
    return qs.order_by("-referred_at", "-pk")


def referrals_to_triage(*, user: User, team: Team) -> QuerySet[Case]:
    return visible(user, Action.CASE_TRIAGE, _base().filter(team=team)).order_by("referred_at")


def referrals_sent(*, user: User, team: Team) -> QuerySet[Case]:
    """Referrals the user's organisation made: their stage only (the page shows nothing else)."""
    return (
        visible(user, Action.CASE_REFERRAL_STATUS, Case.objects.filter(team=team))
        .only("id", "number", "stage", "referred_at", "team_id", "referring_organisation_id")
        .order_by("-referred_at")
    )


def referral_readable(*, user: User, case: Case) -> bool:
    """Whether the user reads the referral text: case managers while they triage it, then the
    lead organisation's members on the case. The referring organisation sees only the stage."""
    if can(user, Action.CASE_TRIAGE, case):
        return True
    return case.lead_organisation_id in facts_for(user).org_ids and can(
        user, Action.CASE_VIEW, case
    )


def identity_recorded(*, case: Case, matchable: bool = False) -> bool:
    """Whether an identity is recorded for the client (``matchable``: with a birth date).

    Only the fact, never the identity: triage says whether earlier referrals could be checked,
    the transfer page whether an identity goes along."""
    found = ClientIdentity.objects.filter(client_id=case.client_id)
    if matchable:
        found = found.filter(match_index__isnull=False)
    return found.exists()


def relatives_for(*, case: Case) -> list[Relative]:
    """The client's relatives and contacts (the lead organisation's identity page)."""
    return list(Relative.objects.filter(client_id=case.client_id).order_by("recorded_at", "pk"))


def live_decision_ids(decisions: list[ShareDecision]) -> set[Any]:
    """Of these decisions, those with an audience row still in effect (one query per kind of
    item among them)."""
    live: set[Any] = set()
    by_kind: dict[str, list[Any]] = {}
    for d in decisions:
        by_kind.setdefault(d.item_kind, []).append(d.pk)
    for key, ids in by_kind.items():
        by_decision = {"decision__in": ids}  # the concrete audience models' own field
        rows = kinds.get(key).audience.objects.filter(live_q(), **by_decision)
        live.update(rows.values_list("decision", flat=True))
    return live


def restricted_cases() -> QuerySet[Case]:
    """Cases whose client's processing is restricted (the data-protection officer's pages)."""
    return Case.objects.filter(client__restricted_at__isnull=False).select_related("client", "team")


def participants(case: Case) -> list[CaseParticipant]:
    return list(
        CaseParticipant.objects.filter(case=case, left_at__isnull=True)
        .select_related("organisation")
        .order_by("added_at", "pk")
    )


def notes_for(*, user: User, case: Case) -> QuerySet[CaseNote]:
    """The case's notes the user may read (through the kernel), oldest first."""
    live_rows = NoteAudience.objects.filter(live_q()).select_related("organisation")
    return (
        visible_items(user, CaseNote.objects.filter(case=case))
        .select_related("origin_organisation", "author")
        .prefetch_related(Prefetch("audience", queryset=live_rows, to_attr="live_audience"))
        .order_by("created_at", "pk")
    )


def note_get(*, user: User, case: Case, pk: Any) -> CaseNote:
    try:
        return notes_for(user=user, case=case).get(pk=pk)
    except (CaseNote.DoesNotExist, ValueError, TypeError, ValidationError):
        raise NotFound() from None


def identity_for(*, user: User, case: Case) -> ClientIdentity | None:
    """The client's identity if the user's organisation holds it or it was shared with it."""
    live_rows = IdentityAudience.objects.filter(live_q()).select_related("organisation")
    return (
        visible_items(user, ClientIdentity.objects.filter(client_id=case.client_id))
        .select_related("origin_organisation", "client")
        .prefetch_related(Prefetch("audience", queryset=live_rows, to_attr="live_audience"))
        .first()
    )


def case_item_get(*, user: User, case: Case, kind: str, pk: Any) -> Any:
    """One item of the case, of a registered kind, that the user may read; 404 otherwise (an
    unknown kind, another case's item or one not shared with the user's organisation alike)."""
    try:
        item_kind = kinds.get(kind)
        return visible_items(user, kinds.items_of(item_kind, case)).get(pk=pk)
    except (LookupError, ValueError, TypeError, ValidationError):
        raise NotFound() from None
    except item_kind.model.DoesNotExist:
        raise NotFound() from None


def consents_for(*, case: Case) -> list[Consent]:
    """The case's consents (read by the case's participants: what each rests on)."""
    return list(
        Consent.objects.filter(case=case)
        .select_related("organisation", "recorded_by", "withdrawn_by")
        .prefetch_related("recipients")
        .order_by("recorded_at")
    )


def ledger(*, user: User, case: Case) -> QuerySet[ShareDecision]:
    """What went to whom, when, on which basis: every decision the viewer's organisation took,
    and the decisions that share something with it now. A share to it that has ended (withdrawn,
    expired, ended) drops out of its ledger, title and all: it may no longer read the item."""
    orgs = facts_for(user).org_ids
    received = Q(pk__in=[])
    for kind in kinds.all_kinds():
        received |= Q(
            Exists(
                kind.audience.objects.filter(
                    live_q(), decision=OuterRef("pk"), organisation_id__in=orgs
                )
            )
        )
    return (
        ShareDecision.objects.filter(case=case)
        .filter(Q(origin_organisation_id__in=orgs) | received)
        .select_related("origin_organisation", "decided_by", "confirmed_by", "consent")
        .prefetch_related("organisations")
        .order_by("-decided_at", "-pk")
    )


def access_log(*, case: Case) -> QuerySet[AccessEntry]:
    return AccessEntry.objects.filter(case=case).select_related("user").order_by("-at", "-pk")


def stage_history(*, case: Case) -> list[StageChange]:
    return list(StageChange.objects.filter(case=case).select_related("by").order_by("at", "pk"))


def match_notices(*, case: Case) -> list[MatchNotice]:
    return list(MatchNotice.objects.filter(case=case, seen_at__isnull=True).order_by("created_at"))


def share_requests_to(*, user: User, case: Case) -> QuerySet[ShareRequest]:
    """Requests to share further that wait for the viewer's organisation."""
    orgs = facts_for(user).org_ids
    return ShareRequest.objects.filter(
        note__case=case, note__origin_organisation_id__in=orgs, answered_at__isnull=True
    ).select_related("note", "requesting_organisation", "to_organisation")


def danger_to_confirm(*, user: User) -> QuerySet[ShareDecision]:
    """Imminent-danger shares of the user's organisations that wait for a second person."""
    orgs = facts_for(user).org_ids
    since = timezone.now() - datetime.timedelta(hours=DANGER_CONFIRM_HOURS)
    cases = visible(user, Action.CASE_WORK, Case.objects.all())
    return (
        ShareDecision.objects.filter(
            basis_kind="danger",
            confirmed_at__isnull=True,
            origin_organisation_id__in=orgs,
            decided_at__gt=since,
            case__in=cases,
        )
        .exclude(decided_by=user)
        .select_related("case")
    )


@dataclass
class DpoQueue:
    danger: list[ShareDecision]
    restrictions: list[RestrictionRequest]

    @property
    def count(self) -> int:
        return len(self.danger) + len(self.restrictions)


def dpo_queue() -> DpoQueue:
    """What the data-protection officer reviews: late danger shares, restriction requests."""
    danger = list(
        ShareDecision.objects.filter(dpo_queue_q())
        .select_related("case", "origin_organisation", "decided_by")
        .prefetch_related("organisations")
        .order_by("decided_at")
    )
    restrictions = list(
        RestrictionRequest.objects.filter(decided_at__isnull=True)
        .select_related("case", "client", "requested_by")
        .order_by("requested_at")
    )
    return DpoQueue(danger, restrictions)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    kind: str
    obj: Any
    #: entries of the apps above cases: what happened in a line, where to read it, and which
    #: organisation it comes from (never a client's words beyond what the viewer may read)
    summary: str = ""
    url: str = ""
    organisation: str = ""


def timeline(*, user: User, case: Case) -> list[TimelineEntry]:
    """Every event of the case the user may see: stage changes, notes, sharing decisions, and
    what the apps above cases add (``kinds.timeline_source``), each filtered by that app."""
    entries = [TimelineEntry(c.at, "stage", c) for c in stage_history(case=case)]
    entries += [TimelineEntry(n.created_at, "note", n) for n in notes_for(user=user, case=case)]
    entries += [TimelineEntry(d.decided_at, "share", d) for d in ledger(user=user, case=case)]
    for source in kinds.timeline_sources():
        entries += source(user=user, case=case)
    return sorted(entries, key=lambda e: e.at)


# --- look-ups by id for the API: the services check what the object may be used for --------------


def _pk_or_none(model: Any, pk: Any) -> Any:
    try:
        return model.objects.filter(pk=pk).first()
    except (ValueError, TypeError, ValidationError):
        return None


def organisation_by_pk(pk: Any) -> Organisation | None:
    """The organisation with this id, or None."""
    found: Organisation | None = _pk_or_none(Organisation, pk)
    return found


def user_by_pk(pk: Any) -> User | None:
    """The user with this id, or None."""
    found: User | None = _pk_or_none(User, pk)
    return found


def team_by_pk(pk: Any) -> Team | None:
    """The team with this id, or None."""
    found: Team | None = _pk_or_none(Team, pk)
    return found


def match_notice_get(*, case: Case, pk: Any) -> MatchNotice:
    """One match notice of ``case``, or NotFound."""
    found: MatchNotice | None = _pk_or_none(MatchNotice, pk)
    if found is None or found.case_id != case.pk:
        raise NotFound()
    return found
