"""A round's results as a PDF report (a background job, ``core.jobs``) and as CSV aggregates.

Both are made from the same ``Report`` as the page, so they hide exactly what the page hides.
The CSV holds one row per dimension and group, so it stays a direct download; the PDF job
re-checks its owner's access (and that the round is closed) when it runs.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from icommit.access import Action
from icommit.accounts.models import User
from icommit.core import audit
from icommit.core.csvsafe import csv_bytes
from icommit.core.exceptions import Conflict
from icommit.core.jobs import Report as Progress
from icommit.core.models import Job
from icommit.core.pdf import render_pdf
from icommit.diagnostics import reports, selectors
from icommit.diagnostics.reports import Report

PDF_KIND = "diagnostics.pdf"


def _audit(actor: User, report: Report, kind: str) -> None:
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="export.download",
            obj=report.round,
            team_id=report.round.team_id,
            purpose=kind,
        )


def _attachment(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def results_csv_response(*, actor: User, report: Report) -> HttpResponse:
    """Shown aggregates only: one row per dimension and group that may be shown."""
    if report.withheld:
        # an empty table would not say why it is empty; the round page does
        raise Conflict(report.withheld_reason)
    titles = {d.key: d.title for d in report.domains}
    labels = {c.key: c.label for c in report.columns}
    header = [
        _("Dimension key"),
        _("Dimension"),
        _("Group key"),
        _("Group"),
        _("Respondents"),
        _("Score"),
        _("Band"),
        _("Previous round"),
        _("Change"),
    ]
    rows = [
        [
            domain,
            titles.get(domain, domain),
            group,
            labels.get(group, group),
            n,
            score,
            report.band_labels.get(band or "", ""),
            "" if previous is None else previous,
            "" if change is None else change,
        ]
        for domain, group, n, score, band, previous, change in report.results.as_rows()
    ]
    data = csv_bytes([str(h) for h in header], rows)
    _audit(actor, report, "diagnostics.csv")
    return _attachment(data, "text/csv; charset=utf-8", f"diagnostics-round-{report.round.pk}.csv")


def results_pdf(job: Job, report: Progress) -> tuple[str, str, bytes]:
    """The results report as PDF, with the same charts and tables as the page."""
    team = selectors.diagnostics_team_get(user=job.owner, pk=job.params["team"])
    shown = selectors.round_get(
        user=job.owner, team=team, pk=job.params["round"], action=Action.DIAGNOSTICS_RESULTS
    )
    results = reports.round_report(user=job.owner, round=shown, lang=get_language() or "en")
    report(10, "")
    data = render_pdf("diagnostics/results_pdf.html", {"report": results})
    return f"diagnostics-round-{shown.pk}.pdf", "application/pdf", data
