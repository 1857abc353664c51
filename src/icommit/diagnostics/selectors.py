"""Reads of diagnostics rounds, narrowed by ``access``; results come from SQL aggregates only.

Invariant: no read here returns an answer set or a per-person value; the results are counts,
sums and means per group, and which of them may be shown is decided in ``results``. While a
round is open, nothing here says who or which organisation has answered: only how many.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from icommit.access import Action, can, get_visible, visible
from icommit.accounts.models import User
from icommit.core.exceptions import Conflict, Forbidden
from icommit.diagnostics.models import (
    PLAN_SOURCE_KIND,
    OptionTally,
    Participation,
    Round,
    RoundResponse,
    StatementTally,
)
from icommit.diagnostics.results import side_of
from icommit.diagnostics.services import VOUCHED_DAYS, invitees, minimum_of, today
from icommit.instruments.models import ResponseScore
from icommit.plans import selectors as plan_selectors
from icommit.plans.models import PlanLink
from icommit.teams.models import Team
from icommit.teams.selectors import team_get


def diagnostics_team_get(*, user: User, pk: Any, action: Action = Action.DIAGNOSTICS_VIEW) -> Team:
    """The team whose rounds are asked for: NotFound if hidden, Forbidden if refused."""
    team = team_get(user=user, pk=pk)
    if not can(user, action, team):
        raise Forbidden()
    return team


def round_list(*, user: User, team: Team) -> QuerySet[Round]:
    """The team's rounds, newest first, with their invitation and answer counts (totals only)."""
    qs = Round.objects.filter(team=team).select_related("version__instrument", "opened_by")
    return (
        visible(user, Action.DIAGNOSTICS_VIEW, qs)
        .annotate(
            invited=Count("participations", distinct=True),
            counted=Count("participations", filter=Q(participations__counted=True), distinct=True),
            answered=Count(
                "participations", filter=Q(participations__submitted=True), distinct=True
            ),
        )
        .order_by("-opened_at", "-pk")
    )  # Meta.ordering is dropped from a query with aggregates


def round_counts(*, user: User, round: Round) -> dict[str, int]:
    """How many the round invited, how many of them count towards its minimum, how many have
    answered: the totals anyone in the team may see, open or closed."""
    if not can(user, Action.DIAGNOSTICS_VIEW, round):
        raise Forbidden()
    return Participation.objects.filter(round=round).aggregate(
        invited=Count("pk"),
        counted=Count("pk", filter=Q(counted=True)),
        answered=Count("pk", filter=Q(submitted=True)),
    )


@dataclass(frozen=True)
class Preview:
    """What opening a round now would invite: the basis for deciding whether to open one."""

    invited: int
    counted: int
    vouched_days: int
    minimums: dict[int, int]  # instrument version pk -> its minimum of counted answers

    def possible(self, version_pk: int) -> bool:
        return self.counted >= self.minimums.get(version_pk, 0)

    @property
    def any_possible(self) -> bool:
        return any(self.counted >= m for m in self.minimums.values())


def invitation_preview(*, user: User, team: Team, versions: list[Any]) -> Preview:
    """How many a round the user opened now would invite and count (coordinators only)."""
    from django.utils import timezone

    if not can(user, Action.DIAGNOSTICS_MANAGE, team):
        raise Forbidden()
    people = invitees(team=team, opener=user, at=timezone.now())
    return Preview(
        invited=len(people),
        counted=sum(1 for p in people if p.counted),
        vouched_days=VOUCHED_DAYS,
        minimums={v.pk: minimum_of(v) for v in versions},
    )


def round_get(
    *, user: User, team: Team, pk: Any, action: Action = Action.DIAGNOSTICS_VIEW
) -> Round:
    """One round of the team: NotFound if hidden, Forbidden if the action is refused."""
    return get_visible(
        user,
        action,
        Round.objects.filter(team=team).select_related(
            "team", "version__instrument", "opened_by", "closed_by"
        ),
        pk=pk,
    )


def open_round_for(*, user: User, team: Team) -> Round | None:
    """The round the user is invited to and may still answer, if any."""
    day = today()
    for round in visible(
        user,
        Action.DIAGNOSTICS_RESPOND,
        Round.objects.filter(team=team, closed_at__isnull=True, closes_on__gte=day),
    ).filter(participations__user_id=user.pk, participations__submitted=False):
        return round
    return None


def open_round_of(*, user: User, team: Team) -> Round | None:
    """The team's round that is open now, if any (a team has at most one at a time)."""
    day = today()
    return (
        visible(
            user,
            Action.DIAGNOSTICS_VIEW,
            Round.objects.filter(team=team, closed_at__isnull=True, closes_on__gte=day),
        )
        .order_by("-opened_at", "-pk")
        .first()
    )


def rounds_to_answer(*, user: User) -> list[Round]:
    """Open rounds in any of the user's teams that wait for the user's answers (one query)."""
    day = today()
    return list(
        visible(
            user,
            Action.DIAGNOSTICS_RESPOND,
            Round.objects.filter(closed_at__isnull=True, closes_on__gte=day),
        )
        .filter(participations__user_id=user.pk, participations__submitted=False)
        .select_related("team")
        .order_by("closes_on", "pk")[:10]
    )


def participation_of(*, user: User, round: Round) -> Participation | None:
    """The user's own invitation to the round (None if not invited)."""
    return (
        Participation.objects.filter(round=round, user_id=user.pk)
        .select_related("organisation")
        .first()
    )


@dataclass(frozen=True)
class Rate:
    organisation: str
    is_security: bool
    invited: int
    answered: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.invited) if self.invited else 0


def response_rates(*, user: User, round: Round) -> list[Rate]:
    """Invited and answered per organisation of a closed round (participation only); for
    coordinators. Empty while the round is open: watching who answers would let a coordinator
    wait for one person's answers and close the round on them."""
    if not can(user, Action.DIAGNOSTICS_MANAGE, round):
        raise Forbidden()
    if round.closed_at is None:
        return []
    rows = (
        Participation.objects.filter(round=round)
        .values("organisation__name", "is_security")  # the group fixed at opening
        .annotate(invited=Count("id"), answered=Count("id", filter=Q(submitted=True)))
        .order_by("organisation__name")
    )
    return [
        Rate(r["organisation__name"], r["is_security"], r["invited"], r["answered"]) for r in rows
    ]


@dataclass(frozen=True)
class Aggregates:
    """Per group: respondents, those of them who do not count towards the minimum, per domain
    the number scored and the sum of scores, and per statement the number of real answers."""

    respondents: dict[str, int]
    scored: dict[tuple[str, str], tuple[int, float]]
    uncounted: dict[str, int]
    answered: dict[str, dict[str, int]]  # statement key -> group -> answer sets answering it
    #: statement key -> option -> group -> answer sets that chose it ("" is no answer)
    options: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)


def _groups(grouping: str, is_security: bool, sector: str, is_state: bool) -> tuple[str, ...]:
    side = side_of(grouping, is_security=is_security, sector=sector, is_state=is_state)
    return "all", side, f"{side}/{sector}"


def round_aggregates(round: Round) -> Aggregates:
    """Counts and sums per group, domain, statement and option, in five queries whatever the
    number of answers; groups by the round's grouping."""
    grouping = round.grouping

    def groups(is_security: bool, sector: str, is_state: bool) -> tuple[str, ...]:
        return _groups(grouping, is_security, sector, is_state)

    uncounted: dict[str, int] = defaultdict(int)
    for row in (
        Participation.objects.filter(round=round, submitted=True, counted=False)
        .values("is_security", "sector", "is_state")
        .annotate(n=Count("id"))
        .order_by()
    ):
        for group in groups(row["is_security"], row["sector"], row["is_state"]):
            uncounted[group] += row["n"]
    answered: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for tally in StatementTally.objects.filter(round=round).values_list(
        "is_security", "sector", "is_state", "item", "answered"
    ):
        is_security, sector, is_state, item, n = tally
        for group in groups(is_security, sector, is_state):
            answered[item][group] += n
    options: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    for option_tally in OptionTally.objects.filter(round=round).values_list(
        "is_security", "sector", "is_state", "item", "option", "answered"
    ):
        is_security, sector, is_state, item, option, n = option_tally
        for group in groups(is_security, sector, is_state):
            options[item][option][group] += n
    respondents: dict[str, int] = defaultdict(int)
    for row in (
        RoundResponse.objects.filter(round=round)
        .values("is_security", "sector", "is_state")
        .annotate(n=Count("id"))
        .order_by()
    ):
        for group in groups(row["is_security"], row["sector"], row["is_state"]):
            respondents[group] += row["n"]
    scored: dict[tuple[str, str], tuple[int, float]] = {}
    prefix = "response__round_response__"
    for row in (
        ResponseScore.objects.filter(response__round_response__round=round)
        .values("domain", f"{prefix}is_security", f"{prefix}sector", f"{prefix}is_state")
        .annotate(n=Count("id"), total=Sum("score"))
        .order_by()
    ):
        for group in groups(
            row[f"{prefix}is_security"], row[f"{prefix}sector"], row[f"{prefix}is_state"]
        ):
            n, total = scored.get((group, row["domain"]), (0, 0.0))
            scored[(group, row["domain"])] = (n + row["n"], total + float(row["total"]))
    return Aggregates(
        dict(respondents),
        scored,
        dict(uncounted),
        {item: dict(groups) for item, groups in answered.items()},
        {
            item: {option: dict(by_group) for option, by_group in found.items()}
            for item, found in options.items()
        },
    )


def previous_round(round: Round) -> Round | None:
    """The team's closed round with results of the same instrument that came before this one."""
    return (
        Round.objects.filter(
            team_id=round.team_id,
            version__instrument_id=round.version.instrument_id,
            closed_at__isnull=False,
            has_results=True,
            opened_at__lt=round.opened_at,
        )
        .select_related("version__instrument")
        .order_by("-opened_at", "-pk")
        .first()
    )


def require_closed(round: Round) -> None:
    """Results exist only for a closed round, so no one can watch them change per answer."""
    if round.closed_at is None:
        raise Conflict(_closed_message())


def _closed_message() -> str:
    from django.utils.translation import gettext as _

    return _("Results are shown once the round has closed.")


def planned_from(*, round: Round, ids: list[str]) -> dict[str, list[PlanLink]]:
    """Goals and actions already planned from these recommendations of the round, by id."""
    return plan_selectors.planned_from(team_id=round.team_id, kind=PLAN_SOURCE_KIND, ids=ids)
