"""A charter version as a PDF, served at once (charters are small) and audited as a download."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpResponse

from icommit.accounts.models import User
from icommit.charters.models import CharterVersion
from icommit.charters.selectors import charter_confirmations, snapshot_members
from icommit.core import audit
from icommit.core.pdf import render_pdf


def charter_pdf(*, actor: User, version: CharterVersion) -> HttpResponse:
    """Render one published version with its members, protocol and confirmations."""
    data = render_pdf(
        "charters/charter_pdf.html",
        {
            "team": version.team,
            "version": version,
            "members": snapshot_members(version=version),
            "confirmations": charter_confirmations(version=version),
        },
    )
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="export.download",
            obj=version,
            team_id=version.team_id,
            purpose="charter.pdf",
            changes={"number": version.number},
        )
    response = HttpResponse(data, content_type="application/pdf")
    name = f"charter-{version.team_id}-v{version.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
