"""Pages of a team's phase progress: the phase page, task states, moves, and adapting the model."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from icommit.access import Action, can
from icommit.core.exceptions import Forbidden, NotFound
from icommit.core.http import AuthedRequest, require_GET_POST
from icommit.phases import selectors, services
from icommit.phases.forms import ADAPT_FORMS, MoveForm, TaskStateForm, UpgradeForm
from icommit.phases.models import Direction
from icommit.plans.services import goal_create
from icommit.plans.sources import SourceRef
from icommit.teams.models import Team
from icommit.teams.selectors import team_get
from icommit.web.submit import submit_button, submit_form


def _task_auto_id(task_id: str) -> str:
    return "t-" + task_id.replace(".", "-") + "-%s"


_MOVE_IDS: dict[str, str] = {Direction.FORWARD: "move-on-%s", Direction.BACK: "move-back-%s"}


def _page(
    request: AuthedRequest,
    team: Team,
    *,
    task_form: tuple[str, TaskStateForm] | None = None,
    move_form: MoveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    tp = selectors.team_phase(team=team)
    can_edit = can(request.user, Action.PHASES_EDIT, team)
    can_move = can(request.user, Action.PHASES_MOVE, team)
    rows: list[dict[str, Any]] = []
    for task in tp.tasks:
        form = None
        if can_edit:
            if task_form is not None and task_form[0] == task.id:
                form = task_form[1]
            else:
                form = TaskStateForm(
                    initial={"state": task.state, "evidence": task.evidence, "reason": task.reason},
                    auto_id=_task_auto_id(task.id),
                )
        rows.append({"task": task, "form": form})
    move_forms: dict[str, MoveForm] = {}
    if can_move:
        for direction, target in (
            (Direction.FORWARD, tp.next_phase),
            (Direction.BACK, tp.previous_phase),
        ):
            if target is None:
                continue
            if move_form is not None and move_form.data.get("direction") == direction:
                move_forms[direction] = move_form
            else:
                move_forms[direction] = MoveForm(
                    initial={"direction": direction, "expected_phase": tp.phase.key},
                    auto_id=_MOVE_IDS[direction],
                )
    context = {
        "team": team,
        "tp": tp,
        "rows": rows,
        "gate_tasks": [t for t in tp.tasks if t.in_gate],
        "can_edit": can_edit,
        "can_move": can_move,
        "can_adapt": can(request.user, Action.PHASES_ADAPT, team),
        "can_create_goal": _goal_button(request, team),
        "forward_form": move_forms.get(Direction.FORWARD),
        "back_form": move_forms.get(Direction.BACK),
        "version_label": selectors.version_label(tp.version, tp.model),
        "newer_version": selectors.newer_version(tp),
    }
    return render(request, "phases/detail.html", context, status=status)


def _goal_button(request: AuthedRequest, team: Team) -> bool:
    """Whether to offer "create a goal from this task" (coordinators who edit the plan)."""
    return can(request.user, Action.PLAN_EDIT, team)


@require_GET
@login_required
def phase_detail(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = team_get(user=request.user, pk=team_pk, action=Action.PHASES_VIEW)
    return _page(request, team)


def _detail_url(team: Team, anchor: str = "") -> str:
    url = reverse("phases:detail", kwargs={"team_pk": team.pk})
    return f"{url}#{anchor}" if anchor else url


@require_POST
@login_required
def task_update(request: AuthedRequest, team_pk: int, task_id: str) -> HttpResponse:
    team = team_get(user=request.user, pk=team_pk, action=Action.PHASES_EDIT)
    on_page = any(t.id == task_id for t in selectors.team_phase(team=team, history=False).tasks)
    if not on_page:
        messages.error(request, _("This task is not one of the current phase."))
        return redirect(_detail_url(team))
    return submit_form(
        request,
        partial(TaskStateForm, auto_id=_task_auto_id(task_id)),
        run=lambda form: services.phase_task_update(
            actor=request.user, team=team, task_id=task_id, **form.cleaned_data
        ),
        success=_("Task saved."),
        redirect_to=_detail_url(team, "task-" + task_id.replace(".", "-")),
        page=lambda form, status: _page(request, team, task_form=(task_id, form), status=status),
    )


@require_POST
@login_required
def move(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = team_get(user=request.user, pk=team_pk, action=Action.PHASES_MOVE)
    direction = request.POST.get("direction", "")
    if direction not in _MOVE_IDS:  # a hidden field: nothing the page could show to correct
        messages.error(request, _("The move was not understood. Reload the page and try again."))
        return redirect(_detail_url(team))

    def moved(_move: object) -> str:
        tp = selectors.team_phase(team=team, history=False)
        return _("The team is now in phase %(number)s: %(title)s.") % {
            "number": tp.phase.number,
            "title": tp.phase.title,
        }

    return submit_form(
        request,
        partial(MoveForm, auto_id=_MOVE_IDS[direction]),
        run=lambda form: services.phase_move(actor=request.user, team=team, **form.cleaned_data),
        success=moved,
        redirect_to=_detail_url(team),
        page=lambda form, status: _page(request, team, move_form=form, status=status),
        # the phase changed under the page (or there is none further): show the page afresh
        conflict_to=_detail_url(team),
    )


@require_GET_POST
@login_required
def adapt(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = team_get(user=request.user, pk=team_pk, action=Action.PHASES_ADAPT)
    tp = selectors.team_phase(team=team, history=False)
    phases = [(p.key, p.title) for p in tp.phases]
    tasks = selectors.task_choices(tp.model)
    options = {"add": {"phases": phases}, "drop": {"tasks": tasks}, "reword": {"tasks": tasks}}
    factories = {
        op: partial(cls, auto_id=f"{op}-%s", **options[op])  # type: ignore[arg-type]  # per-form options
        for op, cls in ADAPT_FORMS.items()
    }

    def page(shown: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
        forms = {op: make() for op, make in factories.items()} | (shown or {})
        context = {
            "team": team,
            "tp": tp,
            "version_label": selectors.version_label(tp.version, tp.model),
            "versions": selectors.version_rows(team=team),
            "forms": forms,
        }
        return render(request, "phases/adapt.html", context, status=status)

    if request.method != "POST":
        return page()
    op = request.POST.get("op", "")
    if op not in ADAPT_FORMS:
        messages.error(request, _("Choose what to change."))
        return redirect("phases:adapt", team_pk=team.pk)

    def derive(form: Any) -> object:
        data = dict(form.cleaned_data)
        note = data.pop("note")
        return services.phase_model_derive(
            actor=request.user, team=team, changes=[{"op": op, **data}], note=note
        )

    return submit_form(
        request,
        factories[op],
        run=derive,
        success=_("The team now follows its own adapted version of the model."),
        redirect_to=reverse("phases:adapt", kwargs={"team_pk": team.pk}),
        page=lambda form, status: page({op: form}, status),
    )


@require_GET_POST
@login_required
def upgrade(request: AuthedRequest, team_pk: int) -> HttpResponse:
    """What a newer version of the model changes, and (coordinators) moving the team to it."""
    team = team_get(user=request.user, pk=team_pk, action=Action.PHASES_VIEW)
    can_upgrade = can(request.user, Action.PHASES_ADAPT, team)
    if request.method == "POST" and not can_upgrade:
        raise Forbidden()
    preview = selectors.upgrade_preview(team=team)
    if preview is None:
        if request.method == "POST":
            messages.info(request, _("The team already follows the newest version of the model."))
            return redirect(_detail_url(team, "version-heading"))
        tp = selectors.team_phase(team=team, history=False)
        context = {"team": team, "current_label": selectors.version_label(tp.version, tp.model)}
        return render(request, "phases/upgrade.html", context)
    factory = partial(UpgradeForm, auto_id="upgrade-%s")

    def page(form: UpgradeForm | None = None, status: int = 200) -> HttpResponse:
        context = {
            "team": team,
            "preview": preview,
            "form": (form or factory(initial={"expected_hash": preview.expected_hash}))
            if can_upgrade
            else None,
        }
        return render(request, "phases/upgrade.html", context, status=status)

    if request.method != "POST":
        return page()

    def moved(_version: object) -> str:
        tp = selectors.team_phase(team=team, history=False)
        return _("The team now follows %(label)s. It stays in phase %(phase)s.") % {
            "label": selectors.version_label(tp.version, tp.model),
            "phase": preview.phase_title,
        }

    return submit_form(
        request,
        factory,
        run=lambda form: services.phase_model_upgrade(
            actor=request.user, team=team, **form.cleaned_data
        ),
        success=moved,
        redirect_to=_detail_url(team, "version-heading"),
        page=lambda form, status: page(form, status),
        # the team's version changed under the page: show the page afresh
        conflict_to=reverse("phases:upgrade", kwargs={"team_pk": team.pk}),
    )


@require_POST
@login_required
def goal_from_task(request: AuthedRequest, team_pk: int, task_id: str) -> HttpResponse:
    team = team_get(user=request.user, pk=team_pk, action=Action.PHASES_VIEW)
    if not _goal_button(request, team):
        raise Forbidden()
    found = selectors.task_in_model(team=team, task_id=task_id)
    if found is None:
        raise NotFound()
    phase, task = found
    return submit_button(
        request,
        run=lambda: goal_create(
            actor=request.user,
            team=team,
            title=task.title,
            description=_("What counts as evidence: %(evidence)s")
            % {"evidence": task.evidence_hint},
            phase_key=phase.key,
            source=SourceRef(kind="phase_task", id=task.id, label=task.title),
        ),
        success=_("Goal created from the phase task. Add its actions next."),
        redirect_to=lambda goal: reverse("plans:goal", kwargs={"team_pk": team.pk, "pk": goal.pk}),
        back=_detail_url(team, "task-" + task.slug),
    )
