"""Pages of assessments: the client's D&R phase and tracks, risk-assessment references, and the
designation of risk assessors by an organisation's administrator.

Every case page finds its case first (404 beyond it), then requires its own action (403); track
entries and risk references come only from the selectors (the sharing kernel), so a page never
shows an entry that was not recorded by or shared with the viewer's organisation.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from icommit.access import Action, can, require
from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.assessments import selectors, services
from icommit.assessments.content import TRACKS, content
from icommit.assessments.forms import DesignateForm, PhaseForm, RiskForm, TrackForm
from icommit.assessments.policies import assessor_org_ids
from icommit.cases import selectors as case_selectors
from icommit.cases.models import Case
from icommit.core.exceptions import NotFound
from icommit.core.http import AuthedRequest, require_GET_POST
from icommit.stakeholders.models import Organisation
from icommit.web.submit import submit_button, submit_form


def _lang() -> str:
    return get_language() or "en"


def _case(request: AuthedRequest, team_pk: int, case_pk: Any, action: Action) -> Case:
    """The case, if the person finds it at all (else 404) and may do ``action`` (else 403)."""
    case = case_selectors.case_get(user=request.user, pk=case_pk, action=Action.CASE_FIND)
    if case.team_id != team_pk:
        raise NotFound()
    require(request.user, action, case)
    return case


def _tracks_url(case: Case) -> str:
    return reverse("assessments:tracks", args=[case.team_id, case.pk])


def _own_participants(user: User, case: Case, among: set[int] | None = None) -> list[Organisation]:
    mine = set(facts_for(user).org_ids) if among is None else among
    return [p.organisation for p in case_selectors.participants(case) if p.organisation_id in mine]


def _stage_choices(track: str) -> list[tuple[str, str]]:
    lang = _lang()
    return [
        (s.code, f"{s.title_in(lang)} — {s.description_in(lang)}")
        for s in content().tracks[track].stages
    ]


def _phase_form(case: Case, **kwargs: Any) -> PhaseForm:
    lang = _lang()
    phases = [(p.code, f"{p.title_in(lang)} — {p.description_in(lang)}") for p in content().phases]
    return PhaseForm(phases=phases, initial={"since": selectors.today()}, **kwargs)


def _track_form(user: User, case: Case, track: str, **kwargs: Any) -> TrackForm:
    organisations = [(o.pk, o.name) for o in _own_participants(user, case)]
    return TrackForm(
        track=track,
        stages=_stage_choices(track),
        organisations=organisations,
        initial={"on": selectors.today(), "track": track},
        **kwargs,
    )


def _tracks_page(
    request: AuthedRequest,
    case: Case,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    bound = bound or {}
    can_track = can(user, Action.ASSESSMENT_RECORD_TRACK, case)
    can_phase = can(user, Action.ASSESSMENT_PHASE, case)
    restricted = case.client.is_restricted
    tracks = selectors.tracks_for(user=user, case=case)
    mine = facts_for(user).org_ids
    for view in tracks:
        view.form = (  # type: ignore[attr-defined]
            bound.get(view.code) or _track_form(user, case, view.code)
            if can_track and not restricted
            else None
        )
    phases = selectors.phase_history(user=request.user, case=case)
    for entry in phases:
        entry.title = selectors.phase_title(entry.phase)  # type: ignore[attr-defined]
    return render(
        request,
        "assessments/tracks.html",
        {
            "team": case.team,
            "case": case,
            "restricted": restricted,
            "tracks": tracks,
            "mine": mine,
            "phases": list(reversed(phases)),
            "current_phase": phases[-1] if phases else None,
            "phase_form": (bound.get("phase") or _phase_form(case))
            if can_phase and not restricted
            else None,
            "texts": selectors.texts(),
        },
        status=status,
    )


@require_GET
@login_required
def tracks(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.ASSESSMENT_VIEW)
    return _tracks_page(request, case)


@require_POST
@login_required
def track_add(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.ASSESSMENT_RECORD_TRACK)
    track = request.POST.get("track", "")
    if track not in TRACKS:
        track = next((t for t in TRACKS if f"{t}-track" in request.POST), TRACKS[0])
    organisations = {o.pk: o for o in _own_participants(request.user, case)}

    def run(form: TrackForm) -> Any:
        data = form.cleaned_data
        return services.track_record(
            actor=request.user,
            case=case,
            organisation=organisations.get(data["organisation"]),
            track=data["track"],
            stage=data["stage"],
            on=data["on"],
            rationale=data["rationale"],
        )

    return submit_form(
        request,
        functools.partial(_track_form, request.user, case, track),
        run=run,
        success=_("The entry was recorded. Only your organisation reads it until it shares it."),
        redirect_to=_tracks_url(case),
        page=lambda form, status: _tracks_page(request, case, bound={track: form}, status=status),
    )


@require_POST
@login_required
def phase_add(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.ASSESSMENT_PHASE)

    def run(form: PhaseForm) -> Any:
        data = form.cleaned_data
        return services.phase_record(
            actor=request.user,
            case=case,
            phase=data["phase"],
            since=data["since"],
            note=data["note"],
        )

    return submit_form(
        request,
        functools.partial(_phase_form, case),
        run=run,
        success=_("The case-work phase was recorded."),
        redirect_to=_tracks_url(case),
        page=lambda form, status: _tracks_page(request, case, bound={"phase": form}, status=status),
    )


# --- risk-assessment references -------------------------------------------------------------------


@require_GET
@login_required
def risks(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.ASSESSMENT_VIEW)
    user = request.user
    return render(
        request,
        "assessments/risks.html",
        {
            "team": case.team,
            "case": case,
            "references": selectors.decorate_risks(
                list(selectors.risk_references(user=user, case=case))
            ),
            "overdue": selectors.overdue_reviews(user=user, case=case),
            "can_risk": can(user, Action.ASSESSMENT_RECORD_RISK, case)
            and not case.client.is_restricted,
            "mine": facts_for(user).org_ids,
            "texts": selectors.texts(),
        },
    )


@require_GET_POST
@login_required
def risk_add(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.ASSESSMENT_RECORD_RISK)
    user = request.user
    organisations = {
        o.pk: o for o in _own_participants(user, case, among=assessor_org_ids(facts_for(user)))
    }
    texts = selectors.texts()
    form = functools.partial(
        RiskForm,
        organisations=[(pk, o.name) for pk, o in organisations.items()],
        levels=[(code, f"{title} — {text}") for code, title, text in texts["levels"]],
        initial={"assessed_on": selectors.today()},
    )

    def run(shown: RiskForm) -> Any:
        data = shown.cleaned_data
        return services.risk_record(
            actor=user,
            case=case,
            organisation=organisations.get(data["organisation"]),
            instrument=data["instrument"],
            assessed_on=data["assessed_on"],
            level=data["level"],
            summary=data["summary"],
            next_review=data["next_review"],
        )

    return submit_form(
        request,
        form,
        run=run,
        success=_(
            "The reference was recorded. Only your organisation reads it until it shares it."
        ),
        redirect_to=lambda ref: reverse("assessments:risk", args=[case.team_id, case.pk, ref.pk]),
        template="assessments/risk_form.html",
        context={
            "team": case.team,
            "case": case,
            "texts": texts,
            "restricted": case.client.is_restricted,
        },
    )


@require_GET
@login_required
def risk(request: AuthedRequest, team_pk: int, case_pk: Any, risk_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.ASSESSMENT_VIEW)
    user = request.user
    reference = selectors.risk_get(user=user, case=case, pk=risk_pk)
    services.risk_opened(user=user, case=case, reference=reference)
    selectors.decorate_risks([reference])
    return render(
        request,
        "assessments/risk.html",
        {
            "team": case.team,
            "case": case,
            "ref": reference,
            "can_share": can(user, Action.SHARED_SHARE, reference)
            and can(user, Action.CASE_WORK, case),
            "texts": selectors.texts(),
        },
    )


# --- designating risk assessors ---


@require_GET_POST
@login_required
def assessors(request: AuthedRequest, team_pk: int) -> HttpResponse:
    user = request.user
    require(user, Action.ASSESSMENT_DESIGNATE)
    team = selectors.team_for_assessors(user=user, pk=team_pk)
    groups = selectors.assessors_for(user=user)
    by_key = {
        f"{g.organisation.pk}:{person.pk}": (g.organisation, person)
        for g in groups
        for person in g.candidates
    }
    people = [(key, f"{person} ({org.name})") for key, (org, person) in by_key.items()]

    def run(form: DesignateForm) -> Any:
        organisation, person = by_key.get(form.cleaned_data["person"], (None, None))
        return services.assessor_designate(actor=user, organisation=organisation, user=person)

    return submit_form(
        request,
        functools.partial(DesignateForm, people=people),
        run=run,
        success=_("The person is now a risk assessor of the organisation."),
        redirect_to=reverse("assessments:assessors", args=[team.pk]),
        template="assessments/assessors.html",
        context={"team": team, "groups": groups},
    )


@require_POST
@login_required
def assessor_end(request: AuthedRequest, team_pk: int, assessor_pk: int) -> HttpResponse:
    user = request.user
    require(user, Action.ASSESSMENT_DESIGNATE)
    team = selectors.team_for_assessors(user=user, pk=team_pk)
    assessor = selectors.assessor_get(user=user, pk=assessor_pk)
    back = reverse("assessments:assessors", args=[team.pk])
    return submit_button(
        request,
        run=lambda: services.assessor_end(actor=user, assessor=assessor),
        success=_("The designation has ended."),
        redirect_to=back,
    )
