"""Reads on charters and team meetings, narrowed by ``access``, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from icommit.access import Action, get_visible, require, visible
from icommit.access.roles import TeamRole
from icommit.accounts.models import User
from icommit.charters.models import (
    PLAN_SOURCE_KIND,
    Attendee,
    CharterConfirmation,
    CharterStatus,
    CharterVersion,
    Decision,
    Dissent,
    Meeting,
    MinutesStatus,
    MinutesVersion,
)
from icommit.core.exceptions import NotFound
from icommit.plans.models import PlanLink
from icommit.plans.selectors import planned_from
from icommit.sharing.selectors import sharing_protocol_rows
from icommit.teams.models import Team, TeamMembership
from icommit.teams.selectors import team_get


def charter_team_get(*, user: User, pk: Any, action: Action = Action.CHARTER_VIEW) -> Team:
    """The team of a charter or meeting page: NotFound if hidden, Forbidden if refused."""
    team = team_get(user=user, pk=pk)
    require(user, action, team)
    return team


# --- charter -----------------------------------------------------------------------------------


def _versions(user: User, team: Team) -> QuerySet[CharterVersion]:
    return visible(
        user, Action.CHARTER_VIEW, CharterVersion.objects.filter(team=team)
    ).select_related("team", "published_by", "created_by")


def charter_versions(*, user: User, team: Team) -> QuerySet[CharterVersion]:
    """Published versions of the team's charter, newest first, with confirmation counts."""
    return (
        _versions(user, team)
        .filter(status=CharterStatus.PUBLISHED)
        .annotate(confirmation_count=Count("confirmations"))
        .order_by("-number")
    )


def charter_current(*, user: User, team: Team) -> CharterVersion | None:
    """The newest published version of the team's charter, if there is one."""
    return _versions(user, team).filter(status=CharterStatus.PUBLISHED).order_by("-number").first()


def charter_version_get(*, user: User, team: Team, number: Any) -> CharterVersion:
    """One published version of the team's charter by its number, or NotFound."""
    return get_visible(
        user,
        Action.CHARTER_VIEW,
        _versions(user, team).filter(status=CharterStatus.PUBLISHED),
        number=number,
    )


def charter_draft(*, user: User, team: Team) -> CharterVersion | None:
    """The team's charter draft, for those who may edit it."""
    return (
        visible(user, Action.CHARTER_EDIT, CharterVersion.objects.filter(team=team))
        .filter(status=CharterStatus.DRAFT)
        .select_related("team", "based_on", "created_by")
        .first()
    )


def draft_preview(*, team: Team) -> dict[str, int]:
    """How many members and sharing-protocol rows publishing would record today."""
    members = TeamMembership.objects.effective().filter(team=team).count()
    return {"members": members, "protocol_rows": len(sharing_protocol_rows(team=team))}


@dataclass
class MemberConfirmation:
    user_id: int
    name: str
    organisation_id: int
    organisation: str
    role: str
    role_label: str
    confirmed_at: Any = None

    @property
    def expected(self) -> bool:
        """Observers read the charter; everyone else confirms it."""
        return self.role != TeamRole.OBSERVER


@dataclass
class OrganisationConfirmation:
    organisation_id: int
    name: str
    confirmed: list[MemberConfirmation] = field(default_factory=list)
    missing: list[MemberConfirmation] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass
class ConfirmationStatus:
    members: list[MemberConfirmation]
    organisations: list[OrganisationConfirmation]
    #: Confirmations by people who are no longer in the team (they still count for the record).
    former: list[CharterConfirmation]

    @property
    def expected(self) -> list[MemberConfirmation]:
        return [m for m in self.members if m.expected]

    @property
    def confirmed_count(self) -> int:
        return sum(1 for m in self.expected if m.confirmed_at)

    @property
    def missing_count(self) -> int:
        return sum(1 for m in self.expected if not m.confirmed_at)


def charter_confirmation_status(*, version: CharterVersion) -> ConfirmationStatus:
    """Who of today's members has confirmed the version and who not yet, by organisation."""
    confirmed_at = CharterConfirmation.objects.filter(
        version=version, user_id=OuterRef("user_id")
    ).values("confirmed_at")[:1]
    memberships = (
        TeamMembership.objects.effective()
        .filter(team_id=version.team_id)
        .select_related("user", "organisation")
        .annotate(confirmed_at=Subquery(confirmed_at))
        .order_by("organisation__name", "user__full_name")
    )
    members = [
        MemberConfirmation(
            user_id=m.user_id,
            name=m.user.full_name,
            organisation_id=m.organisation_id,
            organisation=m.organisation.name,
            role=m.role,
            role_label=str(m.get_role_display()),
            confirmed_at=m.confirmed_at,  # type: ignore[attr-defined]  # annotated above
        )
        for m in memberships
    ]
    by_org: dict[int, OrganisationConfirmation] = {}
    for member in members:
        if not member.expected:
            continue
        org = by_org.setdefault(
            member.organisation_id,
            OrganisationConfirmation(member.organisation_id, member.organisation),
        )
        (org.confirmed if member.confirmed_at else org.missing).append(member)
    current_ids = [m.user_id for m in members]
    former = list(
        CharterConfirmation.objects.filter(version=version)
        .exclude(user_id__in=current_ids)
        .select_related("user", "organisation")
    )
    return ConfirmationStatus(members, list(by_org.values()), former)


def snapshot_members(*, version: CharterVersion) -> list[dict[str, Any]]:
    """The members recorded with a published version, with readable role names."""
    labels = dict(TeamRole.choices)
    return [
        {**row, "role_label": str(labels.get(row.get("role", ""), row.get("role", "")))}
        for row in version.members
    ]


def charter_confirmations(*, version: CharterVersion) -> list[CharterConfirmation]:
    """Everyone who confirmed the version, in the order they did."""
    return list(
        CharterConfirmation.objects.filter(version=version)
        .select_related("user", "organisation")
        .order_by("confirmed_at", "pk")
    )


def charters_to_confirm(*, user: User) -> QuerySet[CharterVersion]:
    """The newest published charter versions the user is to confirm and has not, oldest first.

    Only teams where the user may confirm (a role other than observer, a live team). One query.
    """
    newest = (
        CharterVersion.objects.filter(team_id=OuterRef("team_id"), status=CharterStatus.PUBLISHED)
        .order_by("-number")
        .values("number")[:1]
    )
    mine = CharterConfirmation.objects.filter(version=OuterRef("pk"), user=user)
    return (
        visible(
            user,
            Action.CHARTER_CONFIRM,
            CharterVersion.objects.filter(status=CharterStatus.PUBLISHED),
        )
        .filter(number=Subquery(newest))
        .exclude(Exists(mine))
        .select_related("team")
        .order_by("published_at", "pk")
    )


# --- meetings ----------------------------------------------------------------------------------


def meeting_list(*, user: User, team: Team) -> QuerySet[Meeting]:
    """The team's meetings, newest first, with counts from their current minutes."""
    return (
        visible(user, Action.MEETING_VIEW, Meeting.objects.filter(team=team))
        .select_related("current")
        .annotate(
            attendee_count=Count("current__attendees", distinct=True),
            decision_count=Count("current__decisions", distinct=True),
        )
        .order_by("-current__held_on", "-pk")
    )


def meeting_get(
    *, user: User, team: Team, pk: Any, action: Action = Action.MEETING_VIEW
) -> Meeting:
    """One meeting of the team, or NotFound (Forbidden when the action is refused)."""
    meeting = get_visible(
        user,
        Action.MEETING_VIEW,
        Meeting.objects.filter(team=team).select_related("team", "current"),
        pk=pk,
    )
    if action != Action.MEETING_VIEW:
        require(user, action, meeting)
    return meeting


@dataclass
class DecisionView:
    decision: Decision
    links: list[PlanLink]


@dataclass
class MinutesView:
    version: MinutesVersion
    attendees_by_organisation: list[tuple[str, list[Attendee]]]
    decisions: list[DecisionView]
    versions: list[MinutesVersion]

    @property
    def must_confirm(self) -> list[Attendee]:
        return [a for group in self.attendees_by_organisation for a in group[1] if a.must_confirm]

    @property
    def pending(self) -> list[Attendee]:
        return [a for a in self.must_confirm if a.confirmed_at is None]

    def awaits(self, user_id: int) -> bool:
        """Whether this user still has to confirm these minutes."""
        return self.version.status == MinutesStatus.CIRCULATED and any(
            a.user_id == user_id for a in self.pending
        )


def minutes_detail(*, meeting: Meeting, number: Any = None) -> MinutesView:
    """One version of a meeting's minutes (the current one by default), ready to show."""
    qs = MinutesVersion.objects.filter(meeting=meeting).select_related(
        "created_by", "frozen_by", "previous"
    )
    try:
        version = qs.get(number=number) if number else qs.latest("number")
    except (MinutesVersion.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    attendees = list(
        version.attendees.select_related("user", "organisation").order_by(
            "organisation__name", "user__full_name"
        )
    )
    groups: dict[str, list[Attendee]] = defaultdict(list)
    for attendee in attendees:
        groups[attendee.organisation.name].append(attendee)
    decisions = list(
        version.decisions.prefetch_related(
            Prefetch("dissents", Dissent.objects.select_related("organisation"))
        )
    )
    links = _links_by_lineage(meeting.team_id, [d.lineage for d in decisions])
    versions = list(
        MinutesVersion.objects.filter(meeting=meeting)
        .only("pk", "number", "status", "frozen_at", "meeting_id")
        .order_by("number")
    )
    return MinutesView(
        version=version,
        attendees_by_organisation=list(groups.items()),
        decisions=[DecisionView(d, links[d.lineage]) for d in decisions],
        versions=versions,
    )


def decision_get(*, meeting: Meeting, pk: Any) -> Decision:
    """One decision from any version of the meeting's minutes, or NotFound."""
    try:
        return Decision.objects.select_related("version__meeting__team").get(
            version__meeting=meeting, pk=pk
        )
    except (Decision.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _links_by_lineage(team_id: int, lineages: list[Any]) -> dict[Any, list[PlanLink]]:
    """Plan links of the decisions in these lineages: a correction keeps what was planned from
    the decision it corrects (two queries)."""
    lineage_of = {
        str(pk): lineage
        for pk, lineage in Decision.objects.filter(lineage__in=lineages).values_list(
            "pk", "lineage"
        )
    }
    found = planned_from(team_id=team_id, kind=PLAN_SOURCE_KIND, ids=list(lineage_of))
    links: dict[Any, list[PlanLink]] = defaultdict(list)
    for source_id, planned in found.items():
        links[lineage_of[source_id]].extend(planned)
    for planned in links.values():
        planned.sort(key=lambda link: (link.created_at, link.pk))
    return links


def decision_links(*, decision: Decision) -> list[PlanLink]:
    """Goals and actions created from the decision (or from the decision it corrects)."""
    links = _links_by_lineage(decision.version.meeting.team_id, [decision.lineage])
    return links.get(decision.lineage, [])


def attendee_choices(*, team: Team, version: MinutesVersion | None = None) -> list[Any]:
    """Team members who can be recorded as attendees, grouped by organisation."""
    members = (
        TeamMembership.objects.effective()
        .filter(team=team)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name")
    )
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    seen = set()
    for m in members:
        groups[m.organisation.name].append((m.user_id, m.user.full_name))
        seen.add(m.user_id)
    if version is not None:
        for a in version.attendees.select_related("user", "organisation").filter(
            ~Q(user_id__in=seen)
        ):
            groups[a.organisation.name].append((a.user_id, a.user.full_name))
    return sorted(groups.items())


def minutes_to_confirm(*, user: User) -> QuerySet[Meeting]:
    """Meetings whose circulated minutes wait for the user's confirmation, oldest first.

    The user attended for a role other than observer and may confirm in the team today (a role
    other than observer, a live team). One query.
    """
    waiting = Attendee.objects.filter(
        version=OuterRef("current_id"), user=user, confirmed_at__isnull=True
    ).exclude(role=TeamRole.OBSERVER)
    return (
        visible(user, Action.MEETING_CONFIRM, Meeting.objects.all())
        .filter(current__status=MinutesStatus.CIRCULATED)
        .filter(Exists(waiting))
        .select_related("team", "current")
        .order_by("current__circulated_at", "pk")
    )
