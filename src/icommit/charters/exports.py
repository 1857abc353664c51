"""A charter version as a PDF, prepared by a background job (``core.jobs``) for whoever started it.

The job re-checks, when it runs, that its owner may still read the version, with the same
selectors as the version page; the start and the download are audited by ``core.jobs``.
"""

from __future__ import annotations

from icommit.charters.selectors import (
    charter_confirmations,
    charter_team_get,
    charter_version_get,
    snapshot_members,
)
from icommit.core.jobs import Report
from icommit.core.models import Job
from icommit.core.pdf import render_pdf

PDF_KIND = "charter.pdf"


def charter_pdf(job: Job, report: Report) -> tuple[str, str, bytes]:
    """Render one published version with its members, protocol and confirmations."""
    team = charter_team_get(user=job.owner, pk=job.params["team"])
    version = charter_version_get(user=job.owner, team=team, number=job.params["number"])
    report(10, "")
    data = render_pdf(
        "charters/charter_pdf.html",
        {
            "team": team,
            "version": version,
            "members": snapshot_members(version=version),
            "confirmations": charter_confirmations(version=version),
        },
    )
    return f"charter-{team.pk}-v{version.number}.pdf", "application/pdf", data
