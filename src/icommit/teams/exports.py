"""The team roster export, run as a background job."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from icommit.access import Action, require
from icommit.core.csvsafe import csv_bytes
from icommit.core.jobs import Report
from icommit.core.models import Job
from icommit.teams.models import Team
from icommit.teams.selectors import team_members


def roster_csv(job: Job, report: Report) -> tuple[str, str, bytes]:
    """Build the member list of a team as CSV."""
    team = Team.objects.get(pk=job.params["team"])
    require(job.owner, Action.TEAM_EXPORT, team)
    members = list(team_members(team=team))
    rows: list[list[Any]] = []
    for index, m in enumerate(members, start=1):
        rows.append(
            [
                m.user.full_name,
                m.user.email,
                m.organisation.name,
                m.get_role_display(),
                "yes" if getattr(m, "confirmed", False) else "no",
                m.added_at.date().isoformat(),
            ]
        )
        if index % 50 == 0:
            report(int(index * 100 / len(members)), "")
    data = csv_bytes(
        [
            _("Name"),
            _("Email"),
            _("Organisation"),
            _("Team role"),
            _("Confirmed"),
            _("Member since"),
        ],
        rows,
    )
    return f"team-{team.pk}-members.csv", "text/csv; charset=utf-8", data
