"""Reads of the people pages: external learners for trainers, a team's training coverage and
its certification gate for the team's coordinators. Each read asks the access kernel first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from icommit.access import Action, can, require
from icommit.accounts.models import User
from icommit.core.exceptions import Forbidden, NotFound
from icommit.stakeholders.sectors import Sector
from icommit.teams.models import Team
from icommit.teams.selectors import team_get
from icommit.training import selectors
from icommit.training.models import LearnerAccount

#: The lists of external learners a trainer reads.
STATES = ("pending", "approved", "declined")


def external_learners(user: User, state: str = "pending") -> QuerySet[LearnerAccount]:
    """External learners in one state (pending: neither approved nor declined), oldest first
    for pending, newest decision first otherwise; for trainers and administrators."""
    require(user, Action.TRAINING_LEARNERS_APPROVE)
    qs = LearnerAccount.objects.select_related("user", "approved_by")
    if state == "approved":
        return qs.filter(approved_at__isnull=False).order_by("-approved_at", "-pk")
    if state == "declined":
        return qs.filter(declined_at__isnull=False).order_by("-declined_at", "-pk")
    return qs.filter(approved_at__isnull=True, declined_at__isnull=True).order_by(
        "user__date_joined", "pk"
    )


def external_learner_get(user: User, pk: Any) -> LearnerAccount:
    """One external learner, for trainers and administrators (others: Forbidden)."""
    require(user, Action.TRAINING_LEARNERS_APPROVE)
    found = LearnerAccount.objects.select_related("user").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def pending_count(user: User) -> int:
    """How many external learners wait for a decision: for trainers and administrators only
    (no query for anyone else)."""
    if not can(user, Action.TRAINING_LEARNERS_APPROVE):
        return 0
    return LearnerAccount.objects.filter(approved_at__isnull=True, declined_at__isnull=True).count()


def team_for(user: User, pk: Any, action: Action) -> Team:
    """The team, if the user sees it at all (else NotFound) and may do ``action`` (else
    Forbidden)."""
    team = team_get(user=user, pk=pk)
    # not ``require``: the training policy would hide the team from a member who sees it
    if not can(user, action, team):
        raise Forbidden()
    return team


@dataclass(frozen=True)
class CoverageLine:
    row: selectors.CoverageRow
    sector_label: str
    #: the team's gate names the member's sector
    gated_sector: bool


def coverage_page(team: Team, number: Any, *, per_page: int = 50) -> tuple[Page[Any], list[Any]]:
    """One page of the team's members with their coverage rows (four queries whatever the
    number of members)."""
    page = Paginator(selectors.coverage_members(team), per_page).get_page(number)
    gate = set(selectors.gate_sectors(team))
    labels = dict(Sector.choices)
    lines = [
        CoverageLine(
            row=row,
            sector_label=str(labels.get(row.sector, row.sector)),
            gated_sector=row.sector in gate,
        )
        for row in selectors.coverage_of(page.object_list)
    ]
    return page, lines
