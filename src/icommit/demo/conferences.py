"""Demo data of the conferences app: a past case conference of Demo City MSC with three cases
and an upcoming one.

At the past conference, one case is presented with the client's name (its identity reached every
attending organisation) and the others under their pseudonyms; on the first case an organisation
present records dissent, the work is scaled up, an action goes into the plan and the minutes are
confirmed by everyone present and frozen; the second case's minutes wait for confirmation; the
third's are a draft. Everything is written through the services, as people would.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from icommit.accounts.models import User
from icommit.cases.models import Case, CaseParticipant, ClientIdentity, IdentityAudience
from icommit.conferences import services
from icommit.conferences.models import Conference, PartAttendee
from icommit.conferences.services import ActionIn, DissentIn, PartIn
from icommit.sharing.models import live_q
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team, TeamMembership

_LIVE_STAGES = ("case_conference", "consent", "plan_active", "review", "assessment")


def _reach(case: Case) -> set[int]:
    """The organisations the client's identity reaches now (its origin and live audience)."""
    identity = ClientIdentity.objects.filter(client_id=case.client_id).first()
    if identity is None:
        return set()
    rows = IdentityAudience.objects.filter(live_q(), item=identity)
    return {identity.origin_organisation_id} | set(rows.values_list("organisation_id", flat=True))


def _taking_part(case: Case) -> set[int]:
    return set(
        CaseParticipant.objects.filter(case=case, left_at__isnull=True).values_list(
            "organisation_id", flat=True
        )
    )


def build(
    *, team: Team, orgs: dict[str, Organisation], users: dict[str, User], second_team: Team
) -> None:
    """The case conferences of Demo City MSC (nothing when the team has conferences already)."""
    if Conference.objects.filter(team=team).exists():
        return
    cm = users["casemanager@example.org"]
    candidates = list(
        Case.objects.filter(
            team=team, lead_organisation=orgs["exit"], case_manager=cm, stage__in=_LIVE_STAGES
        ).order_by("number")
    )
    if len(candidates) < 3:
        return
    # the case whose identity reaches the most organisations is presented with the name
    named = max(candidates, key=lambda c: len(_reach(c) & _taking_part(c)))
    others = [c for c in candidates if c.pk != named.pk][:2]
    attending = _reach(named) & _taking_part(named) or {orgs["exit"].pk}
    people = list(
        TeamMembership.objects.effective()
        .filter(team=team, organisation_id__in=attending)
        .values_list("user_id", flat=True)
    )
    today = timezone.localdate()
    held_on = today - datetime.timedelta(days=14)
    with transaction.atomic():
        past = services.conference_create(
            actor=cm,
            team=team,
            held_on=held_on,
            title="Case conference",
            attendee_ids=people,
        )
        entries = [
            services.agenda_add(actor=cm, conference=past, case=case) for case in (named, *others)
        ]
        parts = [
            services.part_open(actor=cm, entry=entry, client_informed=True) for entry in entries
        ]
        # the case with the most organisations present gets the dissent and the frozen minutes
        parts.sort(key=lambda p: -len(_present_others(p)))
        _frozen_with_dissent(cm, parts[0], held_on)
        _waiting(cm, parts[1], held_on)
        services.part_update(
            actor=cm,
            part=parts[2],
            data=PartIn(
                discussion="Short update: the client started the apprenticeship; nothing to "
                "decide today.",
                scale="unchanged",
            ),
        )
        upcoming = services.conference_create(
            actor=cm,
            team=team,
            held_on=today + datetime.timedelta(days=14),
            title="Case conference",
            attendee_ids=people,
        )
        for case in (named, others[0]):
            services.agenda_add(actor=cm, conference=upcoming, case=case)


def _present(part: Any) -> list[Any]:
    """Those present for the case (the newest version of the part's minutes)."""
    return list(PartAttendee.objects.filter(version_id=part.current_id).select_related("user"))


def _present_others(part: Any) -> list[Any]:
    return [
        a for a in part.current.attendees.all() if a.organisation_id != part.origin_organisation_id
    ]


def _frozen_with_dissent(cm: User, part: Any, held_on: datetime.date) -> None:
    others = _present_others(part)
    dissent = (
        [
            DissentIn(
                others[0].organisation_id,
                "We would wait with scaling up until the housing question is settled.",
            )
        ]
        if others
        else []
    )
    responsible = others[0].organisation_id if others else part.origin_organisation_id
    services.part_update(
        actor=cm,
        part=part,
        data=PartIn(
            discussion="The client's view was read first: he wants a flat of his own and work "
            "before anything else. The exit counsellor reported steady contact; the "
            "organisations present agreed that the time after release is the critical phase.",
            decisions="Scale the joint work up for the three months after release. Weekly "
            "contact with the exit counsellor; housing is the first goal.",
            scale="up",
            intensity="high",
            next_review=held_on + datetime.timedelta(days=42),
            dissents=dissent,
            actions=[
                ActionIn(
                    "Arrange a viewing of supported housing before release",
                    responsible,
                    held_on + datetime.timedelta(days=28),
                )
            ],
        ),
    )
    services.part_circulate(actor=cm, part=part)
    for attendee in _present(part):
        if attendee.user_id != cm.pk and attendee.must_confirm:
            services.part_confirm(actor=attendee.user, part=part)
    if any(a.user_id == cm.pk for a in _present(part)):
        services.part_confirm(actor=cm, part=part)


def _waiting(cm: User, part: Any, held_on: datetime.date) -> None:
    services.part_update(
        actor=cm,
        part=part,
        data=PartIn(
            discussion="School attendance is better; the family counselling sessions continue.",
            decisions="Keep the current level; review after the summer holidays.",
            scale="unchanged",
            next_review=held_on + datetime.timedelta(days=70),
        ),
    )
    # sent out: they wait for the confirmation of everyone present (the case manager too)
    services.part_circulate(actor=cm, part=part)
