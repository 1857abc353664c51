"""Pages of cases: the list, referring, triage, the case page and what a case manager does on it.

Every page finds its case through ``selectors.case_get`` (a case the person cannot find at all
answers 404, one they find but may not act on 403) and renders only what the selectors return;
identity is shown only through ``selectors.identity_for`` and each opening is written to the
access log. Notes, sharing and consent are helper pages of ``views_sharing``; the case page
includes their sections.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from icommit.access import Action, can, require
from icommit.access.facts import facts_for
from icommit.access.roles import TeamRole
from icommit.cases import selectors, services, views_sharing
from icommit.cases.forms import (
    CapacityForm,
    CaseEditForm,
    IdentityForm,
    MoveForm,
    ParticipantAddForm,
    ParticipantRemoveForm,
    ReferralForm,
    RelativeForm,
    SearchForm,
    StageFilterForm,
    TransferForm,
    TriageForm,
)
from icommit.cases.models import Case, ClientKind, TransitionKind
from icommit.cases.process import NEEDS_CODE, TRANSITIONS, Stage, process
from icommit.core.content import translated
from icommit.core.exceptions import Forbidden, NotFound
from icommit.core.http import AuthedRequest, require_GET_POST
from icommit.teams.models import Team
from icommit.teams.selectors import (
    my_team_memberships,
    team_get,
    team_members,
    team_organisations,
)
from icommit.web import registry as web
from icommit.web.submit import submit_button, submit_form

PAGE_SIZE = 25
#: The planning-ahead texts of the process content, by the case's transition kind.
AHEAD_KEYS = {
    TransitionKind.RELEASE: "release_from_prison",
    TransitionKind.RELOCATION: "moving_city",
    TransitionKind.ADULTHOOD: "turning_18",
}


# --- process content in the reader's language -------------------------------------------------


def _lang() -> str:
    return get_language() or "en"


def stage_titles() -> dict[str, str]:
    lang = _lang()
    return {stage.value: text.title_in(lang) for stage, text in process().stages.items()}


def exit_codes(stage: str) -> list[tuple[str, str]]:
    lang = _lang()
    return [(c.code, translated(c.text, lang)) for c in process().exit_codes.get(stage, ())]


def code_text(stage: str, code: str) -> str:
    return dict(exit_codes(stage)).get(code, code)


def stage_meaning(case: Case) -> dict[str, Any]:
    """What the case's stage means (process content), its time limit and whether it is over."""
    lang = _lang()
    text = process().stages[Stage(case.stage)]
    due = None
    if text.days:
        due = timezone.localdate(case.stage_since) + datetime.timedelta(days=text.days)
    return {
        "title": text.title_in(lang),
        "entry": translated(text.entry, lang),
        "responsible": translated(process().roles.get(text.responsible), lang),
        "days": text.days,
        "due": due,
        "overdue": due is not None and due < timezone.localdate(),
        "recorded": translated(text.recorded, lang),
        "sharing": translated(text.sharing, lang),
    }


def ahead_text(case: Case) -> str:
    key = AHEAD_KEYS.get(TransitionKind(case.transition_kind)) if case.transition_kind else None
    for ahead in process().ahead:
        if ahead.key == key:
            return translated(ahead.text, _lang())
    return ""


# --- finding the team and the case ------------------------------------------------------------


def _team(request: AuthedRequest, team_pk: int, action: Action = Action.CASE_LIST) -> Team:
    return team_get(user=request.user, pk=team_pk, action=action)


def _case(request: AuthedRequest, team_pk: int, case_pk: Any, action: Action) -> Case:
    """The case, if the person finds it at all (else 404) and may do ``action`` (else 403)."""
    case = selectors.case_get(user=request.user, pk=case_pk, action=Action.CASE_FIND)
    if case.team_id != team_pk:
        raise NotFound()
    require(request.user, action, case)
    return case


def _case_url(case: Case, name: str = "cases:case") -> str:
    return reverse(name, args=[case.team_id, case.pk])


def _decorate(cases: Any) -> list[Case]:
    """Add the stage title and the overdue mark to cases shown in a list."""
    titles = stage_titles()
    today = timezone.localdate()
    shown = list(cases)
    for case in shown:
        case.stage_title = titles.get(case.stage, case.stage)
        case.review_overdue = bool(case.next_review and case.next_review < today)
    return shown


def _grouped_members(team: Team, *, with_team: bool = False) -> list[tuple[str, list[Any]]]:
    """Team members who can work on a case (no observers), grouped by their organisation."""
    groups: dict[str, list[Any]] = defaultdict(list)
    for m in team_members(team=team).exclude(role=TeamRole.OBSERVER):
        label = f"{team.name}: {m.organisation.name}" if with_team else m.organisation.name
        groups[label].append((m.user_id, str(m.user)))
    return list(groups.items())


# --- the list, referring, the status of a referral --------------------------------------------


@require_GET
@login_required
def case_list(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = _team(request, team_pk)
    user = request.user
    titles = stage_titles()
    filter_form = StageFilterForm(request.GET or None, stages=list(titles.items()))
    stage = filter_form.cleaned_data.get("stage", "") if filter_form.is_valid() else ""
    page = Paginator(selectors.cases_for(user=user, team=team, stage=stage), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    sent = Paginator(selectors.referrals_sent(user=user, team=team), PAGE_SIZE).get_page(
        request.GET.get("sent")
    )
    can_triage = can(user, Action.CASE_TRIAGE, team)
    return render(
        request,
        "cases/list.html",
        {
            "team": team,
            "filter_form": filter_form,
            "stage": stage,
            "page_obj": page,
            "cases": _decorate(page),
            "sent_page": sent,
            "sent": _decorate(sent),
            "can_triage": can_triage,
            "to_triage": _decorate(selectors.referrals_to_triage(user=user, team=team))
            if can_triage
            else [],
            "can_refer": can(user, Action.CASE_REFER, team),
            "can_search": can(user, Action.CASE_IDENTITY_SEARCH, team),
        },
    )


@require_GET_POST
@login_required
def refer(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = _team(request, team_pk, Action.CASE_REFER)
    memberships = my_team_memberships(user=request.user).filter(team=team)
    organisations = list({m.organisation_id: m.organisation.name for m in memberships}.items())
    by_pk = {m.organisation_id: m.organisation for m in memberships}

    def run(form: ReferralForm) -> Case:
        data = form.cleaned_data
        organisation = by_pk.get(data["organisation"])
        if organisation is None:  # the choices allow nothing else
            raise NotFound()
        return services.referral_create(
            actor=request.user,
            team=team,
            organisation=organisation,
            concern=data["concern"],
            gender=data["gender"],
            age_band=data["age_band"],
            phenomenon=data["phenomenon"],
            setting=data["setting"],
            family_only=data["family_only"],
            name=data["name"],
            birth_date=data["birth_date"].isoformat() if data["birth_date"] else "",
            contact=data["contact"],
            transition_kind=data["transition_kind"],
            transition_date=data["transition_date"],
        )

    return submit_form(
        request,
        functools.partial(ReferralForm, organisations=organisations),
        run=run,
        success=_("The referral was received. The team's case managers will look at it."),
        redirect_to=lambda case: _case_url(case, "cases:status"),
        template="cases/refer.html",
        context={"team": team},
    )


@require_GET
@login_required
def status(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_REFERRAL_STATUS)
    return render(
        request,
        "cases/status.html",
        {
            "team": case.team,
            "number": case.number,
            "referred_at": case.referred_at,
            "stage_title": stage_titles().get(case.stage, case.stage),
            "can_view": can(request.user, Action.CASE_VIEW, case),
            "case_pk": case.pk,
        },
    )


# --- triage ---------------------------------------------------------------------------------


def _earlier_check(case: Case) -> str:
    """Whether earlier referrals were checked, never what was found (other cases stay unseen)."""
    if case.family_only:
        return "family_only"
    return "checked" if selectors.identity_recorded(case=case, matchable=True) else "not_checked"


@require_GET_POST
@login_required
def triage(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_TRIAGE)
    team = case.team
    user = request.user
    if request.method == "POST" and request.POST.get("op") == "start":
        return submit_button(
            request,
            run=lambda: services.triage_start(actor=user, case=case),
            success=_("You have taken up the referral."),
            redirect_to=_case_url(case, "cases:triage"),
        )
    lang = _lang()
    questions = [
        (q.key, translated(q.question, lang), translated(q.guidance, lang))
        for q in process().triage
    ]
    titles = stage_titles()
    codes = [
        (titles[stage], exit_codes(stage))
        for stage in (Stage.REJECTED.value, Stage.REDIRECTED.value)
    ]
    initial: dict[str, Any] = {}
    for key, value in (case.triage_answers or {}).items():
        if isinstance(value, dict):
            initial[f"q_{key}"] = value.get("answer", "")
            initial[f"why_{key}"] = value.get("why", "")
        elif isinstance(value, str):
            initial[f"q_{key}"] = value
    form = functools.partial(
        TriageForm,
        questions=questions,
        organisations=[(o.pk, o.name) for o in team_organisations(team=team)],
        managers=_grouped_members(team),
        codes=codes,
        initial=initial,
    )
    organisations = {o.pk: o for o in team_organisations(team=team)}
    members = {m.user_id: m.user for m in team_members(team=team)}

    def run(shown: TriageForm) -> Case:
        data = shown.cleaned_data
        accepted = data["outcome"] == Stage.ACCEPTED.value
        return services.triage_decide(
            actor=user,
            case=case,
            outcome=data["outcome"],
            code="" if accepted else data["code"],
            note=data["note"],
            lead_organisation=organisations.get(data["lead_organisation"]) if accepted else None,
            case_manager=members.get(data["case_manager"]) if accepted else None,
            purpose=data["purpose"] if accepted else "",
            answers=shown.answers(),
        )

    def after(decided: Case) -> str:
        if can(user, Action.CASE_VIEW, decided):
            return _case_url(decided)
        return reverse("cases:list", args=[team.pk])

    return submit_form(
        request,
        form,
        run=run,
        success=lambda decided: (
            _("Triage of %(number)s decided: %(stage)s.")
            % {"number": decided.number, "stage": titles.get(decided.stage, decided.stage)}
        ),
        redirect_to=after,
        template="cases/triage.html",
        context={
            "team": team,
            "case": case,
            "client": case.client,
            "stage_title": titles.get(case.stage, case.stage),
            "earlier": _earlier_check(case),
            "ahead": ahead_text(case),
            # a case moved back to "referred" after it had ended (rejected, redirected, closed)
            "re_referral": case.previous_id is not None
            or any(
                c.to_stage == Stage.REFERRED.value and c.from_stage
                for c in selectors.stage_history(case=case)
            ),
        },
    )


# --- the case page ----------------------------------------------------------------------------


def _move_choices(case: Case) -> tuple[list[tuple[str, str]], list[tuple[str, Any]]]:
    titles = stage_titles()
    allowed = TRANSITIONS.get(Stage(case.stage), frozenset())
    targets = [
        (s.value, titles[s.value])
        for s in Stage
        if s in allowed and s not in (Stage.TRIAGE, Stage.ACCEPTED)
    ]
    codes = [
        (titles[s.value], exit_codes(s.value)) for s in Stage if s in allowed and s in NEEDS_CODE
    ]
    return targets, codes


def _addable(case: Case) -> list[tuple[int, str]]:
    taking_part = {p.organisation_id for p in selectors.participants(case)}
    return [(o.pk, o.name) for o in team_organisations(team=case.team) if o.pk not in taking_part]


def _case_page(
    request: AuthedRequest,
    case: Case,
    *,
    move_form: MoveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can_manage = can(user, Action.CASE_MANAGE, case)
    restricted = case.client.is_restricted
    identity = selectors.identity_for(user=user, case=case)
    services.opened(user=user, case=case, what="case")
    if identity is not None:
        services.opened(user=user, case=case, what="identity", item_id=identity.pk)
    targets, codes = _move_choices(case)
    if move_form is None and can_manage and not restricted and targets:
        move_form = MoveForm(targets=targets, codes=codes)
    context = {
        "team": case.team,
        "case": case,
        "client": case.client,
        "meaning": stage_meaning(case),
        "ahead": ahead_text(case),
        "closed_code": code_text(Stage.CLOSED.value, case.closed_code) if case.closed_code else "",
        "participants": selectors.participants(case),
        "identity": identity,
        "is_lead": case.lead_organisation_id in facts_for(user).org_ids,
        "referral_readable": selectors.referral_readable(user=user, case=case),
        "can_manage": can_manage,
        "can_access_log": can(user, Action.CASE_ACCESS_LOG, case),
        "restricted": restricted,
        "move_form": move_form if can_manage and not restricted else None,
        "notices": selectors.match_notices(case=case) if can_manage else [],
        "review_overdue": bool(case.next_review and case.next_review < timezone.localdate()),
        **views_sharing.case_sections(request, case),
    }
    # the apps above cases add their sections (Social Diagnostics, plan, conferences ...)
    context["case_panels"] = web.fill("case.page", user=user, context=context, obj=case)
    return render(request, "cases/case.html", context, status=status)


@require_GET
@login_required
def case_detail(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_VIEW)
    return _case_page(request, case)


@require_POST
@login_required
def move(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_MANAGE)
    targets, codes = _move_choices(case)
    titles = stage_titles()
    return submit_form(
        request,
        functools.partial(MoveForm, targets=targets, codes=codes),
        run=lambda form: services.case_move(
            actor=request.user,
            case=case,
            target=form.cleaned_data["target"],
            code=form.cleaned_data["code"],
            note=form.cleaned_data["note"],
        ),
        success=lambda moved: (
            _("The case is now in “%(stage)s”.") % {"stage": titles.get(moved.stage, moved.stage)}
        ),
        redirect_to=_case_url(case),
        page=lambda form, status: _case_page(request, case, move_form=form, status=status),
    )


@require_POST
@login_required
def notice_seen(request: AuthedRequest, team_pk: int, case_pk: Any, notice_pk: int) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_MANAGE)
    notice = next((n for n in selectors.match_notices(case=case) if n.pk == notice_pk), None)
    if notice is None:
        raise NotFound()
    return submit_button(
        request,
        run=lambda: services.match_notice_seen(actor=request.user, notice=notice),
        success=_("The notice is marked as seen."),
        redirect_to=_case_url(case),
    )


# --- participants, edit, transfer --------------------------------------------------------------


@require_GET_POST
@login_required
def participants(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_MANAGE)
    user = request.user
    shown = selectors.participants(case)
    organisations = {o.pk: o for o in team_organisations(team=case.team)}
    url = _case_url(case, "cases:participants")
    add = functools.partial(ParticipantAddForm, organisations=_addable(case))

    def page(add_form: ParticipantAddForm, status: int, remove_form: Any = None) -> HttpResponse:
        return render(
            request,
            "cases/participants.html",
            {
                "team": case.team,
                "case": case,
                "participants": shown,
                "add_form": add_form,
                "remove_form": remove_form,
                "restricted": case.client.is_restricted,
            },
            status=status,
        )

    if request.method == "POST" and request.POST.get("op") == "remove":
        leaving = {p.organisation_id: p.organisation for p in shown}

        def remove(form: ParticipantRemoveForm) -> int:
            organisation = leaving.get(form.cleaned_data["organisation"])
            if organisation is None:
                raise NotFound()
            return services.participant_remove(
                actor=user, case=case, organisation=organisation, reason=form.cleaned_data["reason"]
            )

        return submit_form(
            request,
            ParticipantRemoveForm,
            run=remove,
            success=lambda ended: (
                ngettext(
                    "The organisation left the case; %(n)s share to it ended.",
                    "The organisation left the case; %(n)s shares to it ended.",
                    ended,
                )
                % {"n": ended}
            ),
            redirect_to=url,
            page=lambda form, status: page(add(), status, remove_form=form),
        )

    def run(form: ParticipantAddForm) -> Any:
        organisation = organisations.get(form.cleaned_data["organisation"])
        if organisation is None:
            raise NotFound()
        return services.participant_add(
            actor=user, case=case, organisation=organisation, reason=form.cleaned_data["reason"]
        )

    return submit_form(
        request,
        add,
        run=run,
        success=_("The organisation takes part in the case now."),
        redirect_to=url,
        page=lambda form, status: page(form, status),
    )


@require_GET_POST
@login_required
def edit(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_MANAGE)
    return submit_form(
        request,
        functools.partial(
            CaseEditForm,
            initial={
                "purpose": case.purpose,
                "next_review": case.next_review,
                "transition_kind": case.transition_kind,
                "transition_date": case.transition_date,
            },
        ),
        run=lambda form: services.case_update(
            actor=request.user,
            case=case,
            purpose=form.cleaned_data["purpose"],
            next_review=form.cleaned_data["next_review"],
            transition_kind=form.cleaned_data["transition_kind"],
            transition_date=form.cleaned_data["transition_date"],
        ),
        success=_("The case is saved."),
        redirect_to=_case_url(case),
        template="cases/edit.html",
        context={"team": case.team, "case": case, "restricted": case.client.is_restricted},
    )


@require_GET_POST
@login_required
def transfer(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_MANAGE)
    user = request.user
    teams = {case.team.pk: case.team}
    for m in my_team_memberships(user=user):
        if m.team.pk not in teams and can(user, Action.CASE_REFER, m.team):
            teams[m.team.pk] = m.team
    several = len(teams) > 1
    organisations: dict[int, Any] = {}
    org_groups = []
    managers: list[tuple[str, list[Any]]] = []
    users: dict[int, Any] = {}
    for team in teams.values():
        orgs = list(team_organisations(team=team))
        organisations.update({o.pk: o for o in orgs})
        org_groups.append((team.name, [(o.pk, o.name) for o in orgs]))
        managers += _grouped_members(team, with_team=several)
        users.update({m.user_id: m.user for m in team_members(team=team)})
    identity_held = selectors.identity_recorded(case=case, matchable=False)

    def run(form: TransferForm) -> Any:
        data = form.cleaned_data
        organisation = organisations.get(data["to_organisation"])
        if organisation is None:
            raise NotFound()
        return services.case_transfer(
            actor=user,
            case=case,
            to_organisation=organisation,
            reason=data["reason"],
            to_team=teams.get(data["to_team"]),
            case_manager=users.get(data["case_manager"]) if data["case_manager"] else None,
        )

    def after(moved: Any) -> str:
        if can(user, Action.CASE_VIEW, case):
            return reverse("cases:case", args=[moved.to_team_id, case.pk])
        return reverse("cases:list", args=[moved.to_team_id])

    return submit_form(
        request,
        functools.partial(
            TransferForm,
            teams=[(t.pk, t.name) for t in teams.values()],
            organisations=org_groups if several else org_groups[0][1],
            managers=managers,
            initial={"to_team": case.team_id},
        ),
        run=run,
        success=_("The case was transferred."),
        redirect_to=after,
        template="cases/transfer.html",
        context={
            "team": case.team,
            "case": case,
            "identity_held": identity_held,
            "several_teams": several,
            "restricted": case.client.is_restricted,
        },
    )


# --- identity ---------------------------------------------------------------------------------


@require_GET_POST
@login_required
def identity(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_VIEW)
    user = request.user
    shown = selectors.identity_for(user=user, case=case)
    is_lead = case.lead_organisation_id in facts_for(user).org_ids and can(
        user, Action.CASE_WORK, case
    )
    if shown is None and not is_lead:
        raise NotFound()
    client = case.client
    family_only = client.kind == ClientKind.THIRD_PARTY
    editable = is_lead and not client.is_restricted and not family_only
    url = _case_url(case, "cases:identity")
    op = request.POST.get("op", "identity") if request.method == "POST" else ""
    identity_form = functools.partial(
        IdentityForm,
        initial={
            "name": shown.name if shown else "",
            "birth_date": shown.birth_date if shown else None,
            "address": shown.address if shown else "",
            "contact": shown.contact if shown else "",
        },
    )
    capacity_initial = {
        None: "unknown",
        True: "yes",
        False: "no",
    }[client.capacity_to_consent]
    capacity_form = functools.partial(
        CapacityForm,
        initial={"capacity": capacity_initial, "capacity_note": client.capacity_note},
    )

    def page(forms: dict[str, Any], status: int) -> HttpResponse:
        if status == 200 and shown is not None:
            services.opened(user=user, case=case, what="identity", item_id=shown.pk)
        return render(
            request,
            "cases/identity.html",
            {
                "team": case.team,
                "case": case,
                "client": client,
                "identity": shown,
                "is_lead": is_lead,
                "editable": editable,
                "family_only": family_only,
                "relatives": selectors.relatives_for(case=case) if is_lead else [],
                "identity_form": forms.get("identity") or (identity_form() if editable else None),
                "relative_form": forms.get("relative") or (RelativeForm() if editable else None),
                "capacity_form": forms.get("capacity")
                or (capacity_form() if is_lead and client.is_minor else None),
            },
            status=status,
        )

    if request.method != "POST":
        return page({}, 200)
    if not is_lead:  # another organisation reads a shared identity, never edits it
        raise Forbidden(_("Only the lead organisation records who the client is."))
    if op == "relative":
        return submit_form(
            request,
            RelativeForm,
            run=lambda form: services.relative_add(actor=user, case=case, **form.cleaned_data),
            success=_("The contact person is recorded."),
            redirect_to=url,
            page=lambda form, status: page({"relative": form}, status),
        )
    if op == "capacity":
        values = {"yes": True, "no": False, "unknown": None}
        return submit_form(
            request,
            capacity_form,
            run=lambda form: services.capacity_set(
                actor=user,
                case=case,
                capacity=values[form.cleaned_data["capacity"]],
                note=form.cleaned_data["capacity_note"],
            ),
            success=_("The capacity to consent is recorded."),
            redirect_to=url,
            page=lambda form, status: page({"capacity": form}, status),
        )

    def save(form: IdentityForm) -> Any:
        data = form.cleaned_data
        return services.identity_set(
            actor=user,
            case=case,
            name=data["name"],
            birth_date=data["birth_date"].isoformat() if data["birth_date"] else "",
            address=data["address"],
            contact=data["contact"],
        )

    return submit_form(
        request,
        identity_form,
        run=save,
        success=_("The identity is saved."),
        redirect_to=url,
        page=lambda form, status: page({"identity": form}, status),
    )


@require_http_methods(["GET", "POST"])
@login_required
def search(request: AuthedRequest, team_pk: int) -> HttpResponse:
    """Search by a POST: a name and a date of birth never stand in a URL (server logs, browser
    history, Referer headers), and the answer is never cached."""
    team = _team(request, team_pk, Action.CASE_IDENTITY_SEARCH)
    posted = request.method == "POST"
    form = SearchForm(request.POST if posted else None)
    found: list[Case] | None = None
    if posted and form.is_valid():
        birth = form.cleaned_data["birth_date"]
        found = _decorate(
            services.identity_search(
                actor=request.user,
                team=team,
                name=form.cleaned_data["name"],
                birth_date=birth.isoformat() if birth else "",
            )
        )
    response = render(
        request,
        "cases/search.html",
        {"team": team, "form": form, "found": found},
        status=422 if posted and not form.is_valid() else 200,
    )
    add_never_cache_headers(response)
    return response


# --- access log and timeline ------------------------------------------------------------------


WHAT = {
    "case": _("case page"),
    "identity": _("identity"),
    "note": _("note"),
    "document": _("document"),
}


@require_GET
@login_required
def access_log(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_ACCESS_LOG)
    page = Paginator(selectors.access_log(case=case), 50).get_page(request.GET.get("page"))
    for entry in page:
        entry.what_label = str(WHAT.get(entry.what, entry.what))  # type: ignore[attr-defined]
    return render(
        request,
        "cases/access_log.html",
        {"team": case.team, "case": case, "page_obj": page},
    )


@require_GET
@login_required
def timeline(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.CASE_VIEW)
    titles = stage_titles()
    entries = []
    for entry in selectors.timeline(user=request.user, case=case):
        row: dict[str, Any] = {
            "at": entry.at,
            "kind": entry.kind,
            "obj": entry.obj,
            "summary": entry.summary,
            "url": entry.url,
            "organisation": entry.organisation,
        }
        if entry.kind == "stage":
            change = entry.obj
            row["from_title"] = titles.get(change.from_stage, "")
            row["to_title"] = titles.get(change.to_stage, change.to_stage)
            row["code_text"] = code_text(change.to_stage, change.code) if change.code else ""
        entries.append(row)
    return render(
        request,
        "cases/timeline.html",
        {"team": case.team, "case": case, "entries": entries},
    )
