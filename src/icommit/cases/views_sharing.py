"""Pages of a case's notes, sharing decisions, consents, ledger and restriction requests.

Every read goes through ``cases.selectors`` (notes through the kernel's visibility filter),
every change through ``cases.services``; a refusal of a service is shown on the form and
changes nothing. ``case_sections`` gives the case page (``views.case``) what it shows of this
part: the notes the viewer may read, consents, requests and danger shares waiting.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from icommit.access import Action, can, require
from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.cases import content as case_content
from icommit.cases import forms_sharing, selectors, services
from icommit.cases.models import (
    Case,
    CaseNote,
    Consent,
    ConsentKind,
    NoteKind,
    ShareBasis,
    ShareDecision,
)
from icommit.cases.services import DANGER_CONFIRM_HOURS
from icommit.core.content import translated
from icommit.core.exceptions import Forbidden, NotFound
from icommit.core.http import AuthedRequest, require_GET_POST
from icommit.sharing.selectors import sharing_decision
from icommit.stakeholders.content import content
from icommit.stakeholders.models import Organisation
from icommit.teams.selectors import team_organisations
from icommit.web.submit import submit_button, submit_form

# --- labels ---------------------------------------------------------------------------------------


def category_label(code: str) -> str:
    category = content().data_categories.get(code)
    return category.label_in(get_language() or "en") if category is not None else code


def secrecy_label(code: str) -> str:
    v2 = content().v2
    kind = v2.secrecy.get(code) if v2 is not None else None
    return kind.label_in(get_language() or "en") if kind is not None else code


def secrecy_bound(code: str) -> bool:
    return bool(code) and code != "none"


# --- what the case page shows of this part --------------------------------------------------------


@dataclass
class NoteRow:
    note: CaseNote
    mine: bool
    category: str
    secrecy: str
    #: organisations it is shared with now (only for the viewer's own notes)
    shared_with: list[Organisation] = field(default_factory=list)


def _shared_with(note: CaseNote) -> list[Organisation]:
    """The organisations a note is shared with now (``notes_for`` prefetched the live rows)."""
    rows = getattr(note, "live_audience", [])
    return list({row.organisation_id: row.organisation for row in rows}.values())


def note_rows(user: User, case: Case) -> list[NoteRow]:
    orgs = facts_for(user).org_ids
    rows = []
    for note in selectors.notes_for(user=user, case=case):
        mine = note.origin_organisation_id in orgs
        rows.append(
            NoteRow(
                note=note,
                mine=mine,
                category=category_label(note.category),
                secrecy=secrecy_label(note.secrecy) if secrecy_bound(note.secrecy) else "",
                shared_with=_shared_with(note) if mine else [],
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
    return [
        (
            kind.value,
            str(kind.label),
            str(forms_sharing.CONSENT_EXPLANATIONS[kind.value]),
            [c for c in consents if c.kind == kind.value],
        )
        for kind in ConsentKind
    ]


def case_sections(request: Any, case: Case) -> dict[str, Any]:
    """Context for ``cases/sharing/_sections.html`` on the case page."""
    user = request.user
    return {
        "note_rows": note_rows(user, case),
        # a restricted client's case is only stored: no forms, the services would refuse them
        "can_work": can(user, Action.CASE_WORK, case) and not case.client.is_restricted,
        "consent_groups": consent_groups(selectors.consents_for(case=case)),
        "share_requests": list(selectors.share_requests_to(user=user, case=case)),
        "danger_waiting": danger_waiting(user, case),
    }


# --- common ---------------------------------------------------------------------------------------


def _case(request: AuthedRequest, team_pk: int, case_pk: Any, action: Action) -> Case:
    """A case the person can find (else 404), on which they may do ``action`` (else 403)."""
    case = selectors.case_get(user=request.user, pk=case_pk, action=Action.CASE_FIND)
    if case.team_id != team_pk:
        raise NotFound()
    require(request.user, action, case)
    return case


def _case_url(case: Case) -> str:
    return reverse("cases:case", args=[case.team_id, case.pk])


def _own_participating(user: User, case: Case) -> list[Organisation]:
    orgs = facts_for(user).org_ids
    return [p.organisation for p in selectors.participants(case) if p.organisation_id in orgs]


def _decision(user: User, case: Case, pk: Any) -> ShareDecision:
    """A decision the viewer's organisation took or received (the ledger's), or NotFound."""
    try:
        return selectors.ledger(user=user, case=case).get(pk=pk)
    except (ShareDecision.DoesNotExist, ValueError, ValidationError):
        raise NotFound() from None


# --- notes ----------------------------------------------------------------------------------------


@require_GET_POST
@login_required
def note_add(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_WORK)

    def record(form: forms_sharing.NoteForm) -> CaseNote:
        data = form.cleaned_data
        upload = form.upload if data["kind"] == NoteKind.DOCUMENT else None
        return services.note_create(
            actor=request.user,
            case=case,
            organisation=Organisation.objects.get(pk=data["organisation"]),
            title=data["title"],
            text=data["text"],
            category=data["category"],
            secrecy=data["secrecy"],
            kind=data["kind"],
            document=upload.data if upload else None,
            document_name=upload.name if upload else "",
            document_type=upload.content_type if upload else "",
        )

    return submit_form(
        request,
        partial(forms_sharing.NoteForm, organisations=_own_participating(request.user, case)),
        run=record,
        success=lambda note: (
            _(
                "Saved. Only your organisation (%(org)s) sees it; share it from its page if others "
                "need it."
            )
            % {"org": note.origin_organisation.name}
        ),
        redirect_to=lambda note: reverse("cases:note", args=[case.team_id, case.pk, note.pk]),
        template="cases/sharing/note_add.html",
        context={"case": case},
    )


@require_GET
@login_required
def note(request: AuthedRequest, team_pk: int, case_pk: Any, note_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_VIEW)
    item = selectors.note_get(user=request.user, case=case, pk=note_pk)
    services.opened(user=request.user, case=case, what="note", item_id=item.pk)
    mine = can(request.user, Action.SHARED_SHARE, item)
    decisions = (
        [d for d in selectors.ledger(user=request.user, case=case) if d.item_id == item.pk]
        if mine
        else []
    )
    return render(
        request,
        "cases/sharing/note.html",
        {
            "case": case,
            "note": item,
            "mine": mine,
            "can_work": can(request.user, Action.CASE_WORK, case),
            "category": category_label(item.category),
            "secrecy": secrecy_label(item.secrecy) if secrecy_bound(item.secrecy) else "",
            "shared_with": list(
                {
                    row.organisation_id: row.organisation
                    for row in getattr(item, "live_audience", [])
                }.values()
            )
            if mine
            else [],
            "decisions": _with_states(decisions),
        },
    )


@require_GET
@login_required
def note_document(request: AuthedRequest, team_pk: int, case_pk: Any, note_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_VIEW)
    item = selectors.note_get(user=request.user, case=case, pk=note_pk)
    if not item.document:
        raise NotFound()
    services.opened(user=request.user, case=case, what="document", item_id=item.pk)
    response = HttpResponse(
        bytes.fromhex(item.document), content_type=item.document_type or "application/octet-stream"
    )
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=item.document_name or "document")
        or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# --- sharing decisions ----------------------------------------------------------------------------


@dataclass
class Recipient:
    organisation: Organisation
    rule: str
    source: str
    agreed: bool


def _statutes(case: Case, sender: Organisation, category: str) -> list[tuple[str, str]]:
    """The statutory provisions of the team's country content that the sending organisation's
    sector may use for this category, as (code, label) choices (imminent danger has its own
    path)."""
    language = get_language() or "en"
    bases = case_content.legal_bases(case.team.country or case_content.GENERAL)
    return [
        (b.code, b.label_in(language))
        for b in bases
        if not b.imminent_danger and b.usable_by(sender.sector) and b.covers(category)
    ]


def _share_item(user: User, case: Case, kind: str, item_pk: Any) -> Any:
    return selectors.case_item_get(user=user, case=case, kind=kind, pk=item_pk)


@require_GET_POST
@login_required
def share(
    request: AuthedRequest, team_pk: int, case_pk: Any, kind: str, item_pk: Any
) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_WORK)
    item = _share_item(request.user, case, kind, item_pk)
    if not can(request.user, Action.SHARED_SHARE, item):
        raise Forbidden(
            _("Only the organisation this comes from shares it; ask it to share further.")
        )
    origin = item.origin_organisation
    organisations = [
        p.organisation for p in selectors.participants(case) if p.organisation_id != origin.pk
    ]
    recipients = []
    for org in organisations:
        flow = sharing_decision(team=case.team, sender=origin, receiver=org, category=item.category)
        recipients.append(
            Recipient(
                organisation=org,
                rule=flow.label,
                source=flow.row.legal_source if flow.row is not None else "",
                agreed=flow.agreed,
            )
        )
    consents = [
        c
        for c in selectors.consents_for(case=case)
        if c.organisation_id == origin.pk and c.active and c.kind != ConsentKind.PARTICIPATION
    ]
    statutes = _statutes(case, origin, item.category)

    def decide(form: forms_sharing.ShareForm) -> ShareDecision:
        data = form.cleaned_data
        # a provision chosen from the list goes by its code (the service checks that the sender
        # may rely on it); a provision typed in counts as a permission, never as a duty
        code = data.get("statute_code") or ""
        statute = "" if code else data["statute_text"]
        return services.item_share(
            actor=request.user,
            case=case,
            item=item,
            organisations=data["chosen"],
            purpose=data["purpose"],
            basis=data["basis"],
            client_informed=data["client_informed"] == "yes",
            not_informed_reason=data["not_informed_reason"],
            consent=data["consent_obj"] if data["basis"] == ShareBasis.CONSENT else None,
            statute=statute if data["basis"] == ShareBasis.STATUTE else "",
            statute_code=code if data["basis"] == ShareBasis.STATUTE else "",
            reason=data["reason"],
            ends_at=data["ends_at"],
        )

    def success(decision: ShareDecision) -> str:
        names = ", ".join(o.name for o in decision.organisations.all())
        if decision.basis_kind == ShareBasis.DANGER:
            return _(
                "Shared with %(orgs)s because of imminent danger. A second person of your "
                "organisation confirms within 24 hours, or the data-protection officer "
                "reviews it."
            ) % {"orgs": names}
        return _("Shared with %(orgs)s.") % {"orgs": names}

    back = (
        reverse("cases:note", args=[case.team_id, case.pk, item.pk])
        if kind == "note"
        else _case_url(case)
    )
    return submit_form(
        request,
        partial(
            forms_sharing.ShareForm,
            organisations=organisations,
            consents=consents,
            statutes=statutes,
        ),
        run=decide,
        success=success,
        redirect_to=back,
        template="cases/sharing/share.html",
        context={
            "case": case,
            "item": item,
            "kind": kind,
            "title": getattr(item, "title", "") or _("Identity"),
            "category": category_label(item.category),
            "secrecy": secrecy_label(getattr(item, "secrecy", ""))
            if secrecy_bound(getattr(item, "secrecy", ""))
            else "",
            "recipients": recipients,
            "has_consents": bool(consents),
            "has_statutes": bool(statutes),
            "back": back,
        },
    )


@require_POST
@login_required
def share_end(request: AuthedRequest, team_pk: int, case_pk: Any, decision_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_WORK)
    decision = _decision(request.user, case, decision_pk)
    ledger_url = reverse("cases:ledger", args=[case.team_id, case.pk])
    return submit_button(
        request,
        run=lambda: services.decision_end(actor=request.user, decision=decision),
        success=_("The share has ended: the organisations named no longer see it."),
        redirect_to=ledger_url,
    )


@require_POST
@login_required
def danger_confirm(
    request: AuthedRequest, team_pk: int, case_pk: Any, decision_pk: Any
) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_WORK)
    decision = _decision(request.user, case, decision_pk)
    return submit_button(
        request,
        run=lambda: services.danger_confirm(actor=request.user, decision=decision),
        success=_("You confirmed the share because of imminent danger."),
        redirect_to=_case_url(case),
    )


@require_GET_POST
@login_required
def share_request(request: AuthedRequest, team_pk: int, case_pk: Any, note_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_WORK)
    item = selectors.note_get(user=request.user, case=case, pk=note_pk)
    orgs = facts_for(request.user).org_ids
    targets = [
        p.organisation
        for p in selectors.participants(case)
        if p.organisation_id not in orgs and p.organisation_id != item.origin_organisation_id
    ]

    def ask(form: forms_sharing.ShareRequestForm) -> Any:
        return services.share_request(
            actor=request.user,
            note=item,
            to_organisation=Organisation.objects.get(pk=form.cleaned_data["to_organisation"]),
            reason=form.cleaned_data["reason"],
        )

    return submit_form(
        request,
        partial(forms_sharing.ShareRequestForm, organisations=targets),
        run=ask,
        success=_("Your request went to %(org)s, which decides.")
        % {"org": item.origin_organisation.name},
        redirect_to=_case_url(case),
        template="cases/sharing/share_request.html",
        context={"case": case, "note": item},
    )


# --- the ledger -----------------------------------------------------------------------------------


@dataclass
class LedgerRow:
    decision: ShareDecision
    state: str
    state_label: str


STATE_LABELS = {
    "ended": gettext_lazy("ended"),
    "active": gettext_lazy("active"),
    "confirmed": gettext_lazy("confirmed"),
    "waiting": gettext_lazy("waiting for confirmation"),
    "dpo": gettext_lazy("under review by the data-protection officer"),
    "reviewed": gettext_lazy("reviewed by the data-protection officer"),
}


def _with_states(decisions: list[ShareDecision]) -> list[LedgerRow]:
    """Each decision with its state: whether any of its audience rows is still in effect, and
    for imminent danger whether a second person confirmed it or the DPO reviews it."""
    live = selectors.live_decision_ids(decisions)
    since = timezone.now() - datetime.timedelta(hours=DANGER_CONFIRM_HOURS)
    rows = []
    for decision in decisions:
        if decision.pk not in live:
            state = "ended"
        elif decision.basis_kind != ShareBasis.DANGER:
            state = "active"
        elif decision.confirmed_at is not None:
            state = "confirmed"
        elif decision.reviewed_at is not None:
            state = "reviewed"
        elif decision.decided_at <= since:
            state = "dpo"
        else:
            state = "waiting"
        rows.append(LedgerRow(decision, state, str(STATE_LABELS[state])))
    return rows


@require_GET
@login_required
def ledger(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_VIEW)
    orgs = facts_for(request.user).org_ids
    return render(
        request,
        "cases/sharing/ledger.html",
        {
            "case": case,
            "rows": _with_states(list(selectors.ledger(user=request.user, case=case))),
            "my_orgs": orgs,
            "can_work": can(request.user, Action.CASE_WORK, case),
        },
    )


# --- consents -------------------------------------------------------------------------------------


@require_GET_POST
@login_required
def consents(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_VIEW)
    can_work = can(request.user, Action.CASE_WORK, case)
    if request.method == "POST" and not can_work:
        raise Forbidden()
    all_consents = selectors.consents_for(case=case)
    orgs = facts_for(request.user).org_ids

    def record(form: forms_sharing.ConsentForm) -> Consent:
        data = form.cleaned_data
        upload = form.upload
        return services.consent_record(
            actor=request.user,
            case=case,
            kind=data["kind"],
            organisation=Organisation.objects.get(pk=data["organisation"]),
            purpose=data["purpose"],
            given_by=data["given_by"],
            form=data["form"],
            given_on=data["given_on"],
            recipients=data["recipient_objs"],
            categories=data["categories"] or [],
            professional=data["professional"],
            form_reason=data["form_reason"],
            valid_until=data["valid_until"],
            document=upload.data if upload else None,
            document_name=upload.name if upload else "",
        )

    return submit_form(
        request,
        partial(
            forms_sharing.ConsentForm,
            organisations=_own_participating(request.user, case),
            team_organisations=team_organisations(team=case.team),
            initial={"given_on": timezone.localdate()},
        ),
        run=record,
        success=lambda consent: (
            _("Recorded: %(kind)s.") % {"kind": ConsentKind(consent.kind).label}
        ),
        redirect_to=reverse("cases:consents", args=[case.team_id, case.pk]),
        template="cases/sharing/consents.html",
        context={
            "case": case,
            "can_work": can_work,
            "consent_groups": consent_groups(all_consents),
            "my_orgs": orgs,
            "explanations": forms_sharing.CONSENT_EXPLANATIONS,
            "is_minor": case.client.is_minor,
            "capacity": case.client.capacity_to_consent,
            "germany": (case.team.country or "").upper() == "DE",
            "templates": _template_links(case),
        },
    )


def _template_links(case: Case) -> list[tuple[str, str]]:
    labels = {
        "adult": _("Consent form for adults"),
        "minor": _("Consent form for minors"),
        "easy": _("Consent form in easy language"),
    }
    return [
        (str(labels[a]), reverse("cases:consent_template", args=[case.team_id, case.pk, a]))
        for a in case_content.AUDIENCES
        if a in labels
    ]


@require_GET_POST
@login_required
def consent_withdraw(
    request: AuthedRequest, team_pk: int, case_pk: Any, consent_pk: Any
) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_WORK)
    consent = next((c for c in selectors.consents_for(case=case) if c.pk == consent_pk), None)
    if consent is None:
        raise NotFound()
    if consent.organisation_id not in facts_for(request.user).org_ids:
        raise Forbidden(_("Only the organisation it was given to records its withdrawal."))
    under = _with_states(
        list(selectors.ledger(user=request.user, case=case).filter(consent=consent))
    )
    here = reverse("cases:consent_withdraw", args=[case.team_id, case.pk, consent.pk])
    if consent.withdrawn_at is not None:
        return render(
            request,
            "cases/sharing/consent_withdraw.html",
            {"case": case, "consent": consent, "rows": under, "done": True},
        )
    return submit_form(
        request,
        forms_sharing.WithdrawForm,
        run=lambda form: services.consent_withdraw(
            actor=request.user, consent=consent, note=form.cleaned_data["note"]
        ),
        success=_("The withdrawal is recorded; every share resting on it has ended."),
        redirect_to=here,
        template="cases/sharing/consent_withdraw.html",
        context={
            "case": case,
            "consent": consent,
            "rows": under,
            "done": False,
            "summary": forms_sharing.consent_summary(consent),
        },
    )


@require_GET
@login_required
def consent_template(
    request: AuthedRequest, team_pk: int, case_pk: Any, audience: str
) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_VIEW)
    if audience not in case_content.AUDIENCES:
        raise NotFound()
    language = get_language() or "en"
    template = case_content.consent_template(audience, case.team.country or case_content.GENERAL)
    own = _own_participating(request.user, case)
    values = {
        "client_pseudonym": case.client.pseudonym,
        "organisation": own[0].name if own else "",
        "date": date_format(timezone.localdate()),
        "purpose": case.purpose,
    }

    def filled(text: dict[str, str]) -> list[str]:
        return [case_content.fill(p, values) for p in case_content.paragraphs(text, language)]

    return render(
        request,
        "cases/sharing/consent_template.html",
        {
            "case": case,
            "title": template.title_in(language),
            "intro": filled(template.intro),
            "sections": [
                (translated(s.heading, language), filled(s.text)) for s in template.sections
            ],
            "signature": filled(template.signature),
            "guidance": filled(template.guidance),
            "limits": filled(template.limits),
        },
    )


# --- restriction of processing --------------------------------------------------------------------


@require_GET_POST
@login_required
def restriction(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_WORK)
    return submit_form(
        request,
        forms_sharing.RestrictionForm,
        run=lambda form: services.restriction_request(
            actor=request.user, case=case, reason=form.cleaned_data["reason"]
        ),
        success=_(
            "The request is recorded. The data-protection officer decides; until then "
            "processing goes on."
        ),
        redirect_to=_case_url(case),
        template="cases/sharing/restriction.html",
        context={"case": case},
    )


# --- the data-protection officer's pages (privacy namespace) --------------------------------------


@require_GET
@login_required
def dpo_queue(request: AuthedRequest) -> HttpResponse:
    require(request.user, Action.CASE_PRIVACY)
    queue = selectors.dpo_queue()
    restricted = selectors.restricted_cases()
    return render(
        request,
        "cases/privacy/queue.html",
        {"queue": queue, "restricted": list(restricted.order_by("number"))},
    )


@require_GET_POST
@login_required
def danger_review(request: AuthedRequest, decision_pk: Any) -> HttpResponse:
    require(request.user, Action.CASE_PRIVACY)
    decision = next((d for d in selectors.dpo_queue().danger if d.pk == decision_pk), None)
    if decision is None:
        raise NotFound()
    return submit_form(
        request,
        forms_sharing.ReviewForm,
        run=lambda form: services.danger_review(
            actor=request.user,
            decision=decision,
            note=form.cleaned_data["note"],
            end=form.cleaned_data["end"],
        ),
        success=_("Review recorded."),
        redirect_to=reverse("privacy:queue"),
        template="cases/privacy/danger_review.html",
        context={"decision": decision},
    )


@require_GET_POST
@login_required
def restriction_decide(request: AuthedRequest, request_pk: Any) -> HttpResponse:
    require(request.user, Action.CASE_PRIVACY)
    asked = next((r for r in selectors.dpo_queue().restrictions if r.pk == request_pk), None)
    if asked is None:
        raise NotFound()
    return submit_form(
        request,
        forms_sharing.RestrictionDecideForm,
        run=lambda form: services.restriction_decide(
            actor=request.user, request=asked, grant=form.cleaned_data["decision"] == "grant"
        ),
        success=lambda r: (
            _("Restriction granted: processing is limited to storage.")
            if r.decision == "granted"
            else _("Restriction refused.")
        ),
        redirect_to=reverse("privacy:queue"),
        template="cases/privacy/restriction_decide.html",
        context={"asked": asked},
    )


@require_GET_POST
@login_required
def restriction_lift(request: AuthedRequest, case_pk: Any) -> HttpResponse:
    require(request.user, Action.CASE_PRIVACY)
    case = selectors.restricted_cases().filter(pk=case_pk).first()
    if case is None:
        raise NotFound()
    return submit_form(
        request,
        forms_sharing.LiftForm,
        run=lambda form: services.restriction_lift(
            actor=request.user, case=case, note=form.cleaned_data["note"]
        ),
        success=_("The restriction is lifted."),
        redirect_to=reverse("privacy:queue"),
        template="cases/privacy/restriction_lift.html",
        context={"case": case},
    )
