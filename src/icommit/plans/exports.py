"""The plan as a PDF, prepared by a background job (``core.jobs``), and as a CSV served at once.

The CSV is one row per action of one team's plan, written without a layout engine: linear in
the plan's size and cheap, so it stays inline. The PDF job validates its filter and re-checks
its owner's access with the plan page's selectors when it runs.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from icommit.accounts.models import User
from icommit.core import audit
from icommit.core.csvsafe import csv_bytes
from icommit.core.exceptions import ValidationFailed
from icommit.core.jobs import Report
from icommit.core.models import Job
from icommit.core.pdf import render_pdf
from icommit.plans import selectors
from icommit.plans.content import phase_label
from icommit.plans.forms import PlanFilterForm
from icommit.plans.models import Goal
from icommit.plans.timeline import mark_overdue, timeline
from icommit.teams.models import Team
from icommit.teams.selectors import team_organisations

PDF_KIND = "plan.pdf"

CSV_HEADER = [
    gettext_lazy("Goal"),
    gettext_lazy("Goal status"),
    gettext_lazy("Achievement"),
    gettext_lazy("Phase"),
    gettext_lazy("Indicator"),
    gettext_lazy("Target value"),
    gettext_lazy("Target date"),
    gettext_lazy("Action"),
    gettext_lazy("Owner organisation"),
    gettext_lazy("Owner person"),
    gettext_lazy("Due date"),
    gettext_lazy("Action status"),
    gettext_lazy("Overdue"),
    gettext_lazy("Created from"),
]


def _audit(actor: User, team: Team, kind: str, filters: dict[str, Any]) -> None:
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="export.download",
            obj=team,
            team_id=team.pk,
            purpose=kind,
            changes={"filters": filters},
        )


def _attachment(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def plan_rows(goals: list[Goal]) -> list[list[Any]]:
    """One row per action (a goal without actions gets one row of its own)."""
    day = selectors.today()
    rows: list[list[Any]] = []
    for goal in goals:
        head = [
            goal.title,
            goal.get_lifecycle_status_display(),
            goal.get_achievement_display(),
            phase_label(goal.phase_key) if goal.phase_key else "",
            goal.indicator_id,
            "" if goal.target_value is None else goal.target_value,
            goal.target_date.isoformat() if goal.target_date else "",
        ]
        actions = list(goal.actions.all())
        if not actions:
            rows.append([*head, "", "", "", "", "", "", goal.source_label])
        for action in actions:
            rows.append(
                [
                    *head,
                    action.title,
                    action.owner_organisation.name if action.owner_organisation else "",
                    action.owner_user.full_name if action.owner_user else "",
                    action.due_date.isoformat() if action.due_date else "",
                    action.get_status_display(),
                    _("yes") if action.is_overdue(day) else "",
                    action.source_label or goal.source_label,
                ]
            )
    return rows


def plan_csv_response(
    *, actor: User, team: Team, goals: list[Goal], filters: dict[str, Any]
) -> HttpResponse:
    """The plan as CSV, cells neutralised against formula injection."""
    data = csv_bytes([str(h) for h in CSV_HEADER], plan_rows(goals))
    _audit(actor, team, "plan.csv", filters)
    return _attachment(data, "text/csv; charset=utf-8", f"plan-team-{team.pk}.csv")


def plan_filters(*, team: Team, data: Any) -> dict[str, Any]:
    """The plan filter (owner organisation, action status) checked against the team as it is
    now, as plain values for a job's parameters; ValidationFailed names what is wrong."""
    form = PlanFilterForm(data, organisations=team_organisations(team=team))
    if not form.is_valid():
        raise ValidationFailed(
            _("The filter is not valid any more; choose it again."),
            details={k: [str(m) for m in v] for k, v in form.errors.items()},
        )
    owner = form.cleaned_data["owner"]
    return {"owner": owner.pk if owner else None, "status": form.cleaned_data["status"]}


def plan_pdf(job: Job, report: Report) -> tuple[str, str, bytes]:
    """The plan as PDF (goals with their actions, then the timeline), as filtered."""
    team = selectors.plan_team_get(user=job.owner, pk=job.params["team"])
    owner, status = job.params.get("owner"), job.params.get("status") or ""
    filters = plan_filters(team=team, data={"owner": owner or "", "status": status})
    goals = list(
        selectors.goal_list(
            user=job.owner,
            team=team,
            owner_organisation_id=filters["owner"],
            status=filters["status"],
        )
    )
    report(10, "")
    day = selectors.today()
    counts = mark_overdue(goals, day)
    data = render_pdf(
        "plans/plan_pdf.html",
        {"team": team, "goals": goals, "counts": counts, "timeline": timeline(goals, day)},
    )
    return f"plan-team-{team.pk}.pdf", "application/pdf", data
