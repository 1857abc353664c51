"""The plan as a PDF and a CSV, served at once (plans are small) and audited as downloads."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from icommit.accounts.models import User
from icommit.core import audit
from icommit.core.csvsafe import csv_bytes
from icommit.core.pdf import render_pdf
from icommit.plans import selectors
from icommit.plans.content import phase_label
from icommit.plans.models import Goal
from icommit.plans.timeline import mark_overdue, timeline
from icommit.teams.models import Team

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


def plan_pdf_response(
    *, actor: User, team: Team, goals: list[Goal], filters: dict[str, Any]
) -> HttpResponse:
    """The plan as PDF: goals with their actions, then the timeline."""
    day = selectors.today()
    counts = mark_overdue(goals, day)
    data = render_pdf(
        "plans/plan_pdf.html",
        {"team": team, "goals": goals, "counts": counts, "timeline": timeline(goals, day)},
    )
    _audit(actor, team, "plan.pdf", filters)
    return _attachment(data, "application/pdf", f"plan-team-{team.pk}.pdf")
