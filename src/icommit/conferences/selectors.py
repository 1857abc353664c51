"""Reads of case conferences, narrowed to what the reader may see.

The conference page is built by ``conference_view`` in a fixed number of queries whatever the
number of cases on the agenda: per registered kind of case item one query (the sharing kernel's
filter, with one column per agenda case saying which case an item belongs to), and one query
each for attendees, agenda, participants, identities and the parts of the minutes.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    QuerySet,
)

from icommit.access import Action, can, get_visible, require, visible
from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.cases import kinds
from icommit.cases.models import Case, CaseParticipant, ClientIdentity, IdentityAudience
from icommit.conferences.models import (
    AgendaEntry,
    Conference,
    ConferenceAttendee,
    ConferencePart,
    Dissent,
    PartAction,
    PartAttendee,
    PartVersion,
)
from icommit.core import crypto
from icommit.core.exceptions import Forbidden, NotFound
from icommit.sharing.items import visible_items
from icommit.sharing.models import live_q
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team, TeamMembership
from icommit.teams.selectors import team_get


def conference_team_get(*, user: User, pk: Any, action: Action = Action.CONFERENCE_VIEW) -> Team:
    """The team of a conference page: NotFound if hidden, Forbidden if the action is refused."""
    team = team_get(user=user, pk=pk)
    # the team exists for whoever sees it (an administrator too); the conferences are its roles'
    if not can(user, action, team):
        raise Forbidden()
    return team


def conferences_for(*, user: User, team: Team) -> QuerySet[Conference]:
    """The team's conferences, newest first, with their numbers of attendees and cases."""
    return (
        visible(user, Action.CONFERENCE_VIEW, Conference.objects.filter(team=team))
        .select_related("convened_by")
        .annotate(
            attendee_count=Count("attendees", distinct=True),
            case_count=Count("agenda", distinct=True),
        )
        .order_by("-held_on", "-pk")
    )


def conference_get(
    *, user: User, team: Team, pk: Any, action: Action = Action.CONFERENCE_VIEW
) -> Conference:
    """One conference of the team, or NotFound (Forbidden when the action is refused)."""
    conference = get_visible(
        user,
        Action.CONFERENCE_VIEW,
        Conference.objects.filter(team=team).select_related("team", "convened_by"),
        pk=pk,
    )
    if action != Action.CONFERENCE_VIEW:
        require(user, action, conference)
    return conference


def entry_get(*, conference: Conference, pk: Any) -> AgendaEntry:
    """One agenda entry of the conference (found by whoever finds the conference)."""
    try:
        return AgendaEntry.objects.select_related(
            "case",
            "case__client",
            "case__lead_organisation",
            "case__team",
            "conference",
            "conference__team",
        ).get(conference=conference, pk=pk)
    except (AgendaEntry.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def part_of(*, user: User, entry: AgendaEntry) -> ConferencePart | None:
    """The part of the minutes about this entry, if it exists and the user may read it."""
    return (
        visible_items(user, ConferencePart.objects.filter(entry=entry))
        .select_related("current", "entry", "case", "case__client", "entry__conference")
        .first()
    )


def part_exists(*, entry: AgendaEntry) -> bool:
    return ConferencePart.objects.filter(entry=entry).exists()


def attendees(*, conference: Conference) -> list[ConferenceAttendee]:
    return list(conference.attendees.select_related("user", "organisation"))


def attendee_choices(*, team: Team) -> list[TeamMembership]:
    """Who may attend: team members with a confirmed membership of their organisation."""
    return list(
        TeamMembership.objects.effective()
        .filter(team=team)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name")
    )


def agenda_case_choices(*, user: User, conference: Conference) -> list[Case]:
    """Accepted cases of the team the user's organisation takes part in, not yet on the agenda."""
    on_agenda = AgendaEntry.objects.filter(conference=conference).values("case_id")
    return list(
        visible(user, Action.CASE_VIEW, Case.objects.filter(team_id=conference.team_id))
        .filter(lead_organisation__isnull=False)
        .exclude(pk__in=on_agenda)
        .select_related("client")
        .order_by("number")
    )


def presenter_choices(*, case: Case) -> list[TeamMembership]:
    return list(
        TeamMembership.objects.effective()
        .filter(team_id=case.team_id, organisation_id=case.lead_organisation_id or 0)
        .select_related("user")
        .order_by("user__full_name")
    )


@dataclass
class ItemLine:
    label: str
    title: str
    organisation: str
    url: str


@dataclass
class SpeakerLine:
    organisation: Organisation
    is_lead: bool


@dataclass
class PartView:
    part: ConferencePart
    version: PartVersion
    attendees: list[PartAttendee]
    dissents: list[Dissent]
    actions: list[PartAction]
    may_record: bool
    awaits_me: bool
    #: attending organisations that did not receive the part: (name, why not)
    stepped_out: list[tuple[str, str]] = field(default_factory=list)

    @property
    def pending(self) -> list[PartAttendee]:
        return [a for a in self.attendees if a.must_confirm and a.confirmed_at is None]


@dataclass
class EntryView:
    entry: AgendaEntry
    case: Case
    #: the client's name when the identity reaches every attending organisation and the viewer
    name: str = ""
    #: the viewer's organisation takes part in the case (else they step out for it)
    takes_part: bool = False
    items: list[ItemLine] = field(default_factory=list)
    client_view_url: str = ""
    speakers: list[SpeakerLine] = field(default_factory=list)
    part: PartView | None = None
    part_opened: bool = False
    may_open: bool = False
    #: a frozen part whose review date and actions still wait for the case manager
    to_apply: bool = False
    may_apply: bool = False


@dataclass
class ConferenceView:
    conference: Conference
    attendees: list[ConferenceAttendee]
    entries: list[EntryView]

    @property
    def by_organisation(self) -> list[tuple[Organisation, list[ConferenceAttendee]]]:
        groups: dict[int, tuple[Organisation, list[ConferenceAttendee]]] = {}
        for a in self.attendees:
            groups.setdefault(a.organisation_id, (a.organisation, []))[1].append(a)
        return list(groups.values())


def _items_by_case(user: User, cases: list[Case]) -> dict[Any, list[tuple[Any, Any]]]:
    """(kind, item) pairs the user may see, per case: one query per kind of item."""
    found: dict[Any, list[tuple[Any, Any]]] = {c.pk: [] for c in cases}
    if not cases:
        return found
    for kind in kinds.all_kinds():
        if kind.model is ConferencePart:  # the minutes have their own place on the page
            continue
        conditions = [kind.of_case(c) for c in cases]
        marks = {
            f"_on_{i}": ExpressionWrapper(q, output_field=BooleanField())
            for i, q in enumerate(conditions)
        }
        qs = (
            visible_items(user, kind.model.objects.filter(reduce(operator.or_, conditions)))
            .select_related("origin_organisation")
            .annotate(**marks)
        )
        for item in qs:
            for i, case in enumerate(cases):
                if getattr(item, f"_on_{i}"):
                    found[case.pk].append((kind, item))
    return found


def conference_view(*, user: User, conference: Conference) -> ConferenceView:
    """The conference page: per agenda case what the viewer may see, and nothing more."""
    facts = facts_for(user)
    seats = attendees(conference=conference)
    attending = {a.organisation_id for a in seats}
    my_seats = {a.organisation_id for a in seats if a.user_id == user.pk and a.must_confirm}
    entries = list(
        AgendaEntry.objects.filter(conference=conference).select_related(
            "case", "case__client", "case__lead_organisation", "presenter"
        )
    )
    cases = [e.case for e in entries]
    # unwrap every client's key in one query, for the request's key cache (names, minutes)
    with crypto.key_cache(preload=[c.client.subject_key_id for c in cases]):
        pass
    taking_part: dict[Any, list[Organisation]] = {c.pk: [] for c in cases}
    for row in CaseParticipant.objects.filter(case__in=cases, left_at__isnull=True).select_related(
        "organisation"
    ):
        taking_part[row.case_id].append(row.organisation)
    items = _items_by_case(user, cases)
    # whom each client's identity reaches: its origin and its live audience
    reach: dict[Any, set[int]] = {}
    for identity in ClientIdentity.objects.filter(client_id__in=[c.client_id for c in cases]):
        reach[identity.client_id] = {identity.origin_organisation_id}
    # the stubs type the audience manager by the abstract row, which has no ``item``
    live = IdentityAudience.objects.filter(live_q(), item__client_id__in=list(reach))
    reached = live.values_list("item__client_id", "organisation_id")  # type: ignore[misc]
    for client_id, org_id in reached:
        reach[client_id].add(org_id)
    parts = {
        p.entry_id: p
        for p in visible_items(user, ConferencePart.objects.filter(entry__in=entries))
        .select_related("current")
        .prefetch_related(
            Prefetch(
                "current__attendees",
                queryset=PartAttendee.objects.select_related("user", "organisation"),
            ),
            Prefetch("current__dissents", queryset=Dissent.objects.select_related("organisation")),
            Prefetch(
                "current__actions", queryset=PartAction.objects.select_related("organisation")
            ),
        )
    }
    names = {a.organisation_id: a.organisation.name for a in seats}
    rows = []
    for entry in entries:
        case = entry.case
        orgs = taking_part[case.pk]
        org_ids = {o.pk for o in orgs}
        # only a part the viewer may see is said to be open (else its existence leaks)
        view = EntryView(entry=entry, case=case, part_opened=entry.pk in parts)
        view.takes_part = bool(org_ids & facts.org_ids)
        for kind, item in items[case.pk]:
            url = kind.url(case, item) if kind.url else ""
            if getattr(item, "viewpoint", "") == "client" and not view.client_view_url:
                view.client_view_url = url
            shared_with_all = bool(attending) and attending <= reach.get(case.client_id, set())
            if kind.key == "identity" and shared_with_all:
                view.name = item.name
            view.items.append(
                ItemLine(str(kind.label), kind.title(item), item.origin_organisation.name, url)
            )
        if view.takes_part:
            present = [o for o in orgs if o.pk in attending]
            present.sort(key=lambda o: (o.is_security, o.pk != case.lead_organisation_id, o.name))
            view.speakers = [SpeakerLine(o, o.pk == case.lead_organisation_id) for o in present]
            view.may_open = not view.part_opened and case.lead_organisation_id in (
                my_seats & facts.org_ids
            )
        part = parts.get(entry.pk)
        if part is not None and part.current is not None:
            version = part.current
            present_people = list(version.attendees.all())
            view.part = PartView(
                part=part,
                version=version,
                attendees=present_people,
                dissents=list(version.dissents.all()),
                actions=list(version.actions.all()),
                may_record=part.origin_organisation_id in (my_seats & facts.org_ids),
                awaits_me=any(
                    a.user_id == user.pk and a.must_confirm and a.confirmed_at is None
                    for a in present_people
                )
                and version.status == "circulated",
                stepped_out=[
                    (names.get(int(org_id), ""), reason)
                    for org_id, reason in sorted(part.stepped_out.items())
                ],
            )
            view.to_apply = version.is_frozen and version.applied_at is None
            # asked only of frozen minutes not yet taken in (a few, never the whole agenda)
            view.may_apply = view.to_apply and can(user, Action.CASE_MANAGE, case)
        rows.append(view)
    return ConferenceView(conference=conference, attendees=seats, entries=rows)


def parts_to_confirm(*, user: User) -> QuerySet[ConferencePart]:
    """Parts of the minutes circulated and waiting for this user's confirmation."""
    mine = PartAttendee.objects.filter(
        version_id=OuterRef("current_id"), user=user, confirmed_at__isnull=True
    ).exclude(role="observer")
    return (
        visible(
            user,
            Action.CONFERENCE_CONFIRM,
            ConferencePart.objects.filter(Exists(mine), current__status="circulated"),
        )
        .select_related("entry__conference__team", "case__client", "current")
        .order_by("current__circulated_at")
    )


def parts_of_case(*, user: User, case: Case) -> list[ConferencePart]:
    """The parts of the minutes about this case the user may read, newest conference first."""
    return list(
        visible_items(user, ConferencePart.objects.filter(case=case))
        .select_related("entry__conference", "current", "origin_organisation")
        .order_by("-entry__conference__held_on")
    )


def agenda_of_case(*, case: Case) -> list[AgendaEntry]:
    """The conferences this case is on (the case page's participants see that it was discussed)."""
    return list(
        AgendaEntry.objects.filter(case=case)
        .select_related("conference")
        .order_by("-conference__held_on")
    )


def versions_of(*, part: ConferencePart) -> list[PartVersion]:
    return list(PartVersion.objects.filter(part=part).order_by("number"))


def responsible_choices(*, case: Case) -> list[Organisation]:
    """The organisations taking part in the case (those an action may be given to)."""
    return list(
        Organisation.objects.filter(
            pk__in=CaseParticipant.objects.filter(case=case, left_at__isnull=True).values(
                "organisation_id"
            )
        ).order_by("name")
    )


def part_for_entry(*, entry: AgendaEntry) -> ConferencePart:
    """The part of an entry for a service to check and act on (NotFound if none was opened);
    the service decides whether the user may act on it."""
    part = (
        ConferencePart.objects.filter(entry=entry)
        .select_related("entry__conference", "case__client", "current")
        .first()
    )
    if part is None:
        raise NotFound()
    return part
