"""Pages of a case's notes, sharing decisions, consents, ledger and restriction requests.

Every read goes through ``cases.selectors`` (notes through the kernel's visibility filter),
every change through ``cases.services``; a refusal of a service is shown on the form and
changes nothing. ``case_sections`` gives the case page (``views.case``) what it shows of this
part: the notes the viewer may read, consents, requests and danger shares waiting.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language

from icommit.access import Action, can
from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.cases import selectors
from icommit.cases.models import Case, CaseNote, Consent, ConsentKind, ShareBasis, ShareDecision
from icommit.cases.services import DANGER_CONFIRM_HOURS
from icommit.stakeholders.content import content
from icommit.stakeholders.models import Organisation

# --- labels -----------------------------------------------------------------------------------


def category_label(code: str) -> str:
    category = content().data_categories.get(code)
    return category.label_in(get_language() or "en") if category is not None else code


def secrecy_label(code: str) -> str:
    v2 = content().v2
    kind = v2.secrecy.get(code) if v2 is not None else None
    return kind.label_in(get_language() or "en") if kind is not None else code


def secrecy_bound(code: str) -> bool:
    return bool(code) and code != "none"


# --- what the case page shows of this part -------------------------------------------------------


@dataclass
class NoteRow:
    note: CaseNote
    mine: bool
    category: str
    secrecy: str
    #: organisations it is shared with now (only for the viewer's own notes)
    shared_with: list[Organisation] = field(default_factory=list)


def note_rows(user: User, case: Case) -> list[NoteRow]:
    orgs = facts_for(user).org_ids
    rows = []
    for note in selectors.notes_for(user=user, case=case):
        mine = note.origin_organisation_id in orgs
        shared = [row.organisation for row in getattr(note, "live_audience", [])] if mine else []
        rows.append(
            NoteRow(
                note=note,
                mine=mine,
                category=category_label(note.category),
                secrecy=secrecy_label(note.secrecy) if secrecy_bound(note.secrecy) else "",
                shared_with=list({o.pk: o for o in shared}.values()),
            )
        )
    return rows


def danger_waiting(user: User, case: Case) -> list[tuple[ShareDecision, bool]]:
    """Imminent-danger shares of the viewer's organisation on this case still waiting for a
    second person, each with whether the viewer may confirm it (not the one who shared)."""
    orgs = facts_for(user).org_ids
    since = timezone.now() - datetime.timedelta(hours=DANGER_CONFIRM_HOURS)
    waiting = []
    for decision in selectors.ledger(user=user, case=case):
        if (
            decision.basis_kind == ShareBasis.DANGER
            and decision.confirmed_at is None
            and decision.reviewed_at is None
            and decision.decided_at > since
            and decision.origin_organisation_id in orgs
        ):
            waiting.append((decision, decision.decided_by_id != user.pk))
    return waiting


def consent_groups(consents: list[Consent]) -> list[tuple[str, str, str, list[Consent]]]:
    """The case's consents kept apart by kind: (kind, title, explanation, consents)."""
    from icommit.cases.forms_sharing import CONSENT_EXPLANATIONS

    return [
        (
            kind.value,
            str(kind.label),
            str(CONSENT_EXPLANATIONS[kind.value]),
            [c for c in consents if c.kind == kind.value],
        )
        for kind in ConsentKind
    ]


def case_sections(request: Any, case: Case) -> dict[str, Any]:
    """Context for ``cases/sharing/_sections.html`` on the case page."""
    user = request.user
    return {
        "note_rows": note_rows(user, case),
        "can_work": can(user, Action.CASE_WORK, case),
        "consent_groups": consent_groups(selectors.consents_for(case=case)),
        "share_requests": list(selectors.share_requests_to(user=user, case=case)),
        "danger_waiting": danger_waiting(user, case),
    }


# --- pages (being built) ------------------------------------------------------------------------


def _pending(request: Any, **kwargs: Any) -> Any:
    from django.http import Http404

    raise Http404()


note_add = note = note_document = share_request = share = share_end = _pending
danger_confirm = consents = consent_withdraw = consent_template = ledger = restriction = _pending
