"""Demo City's D&R phases, tracks and risk-assessment references, on the cases of
``demo/cases.py`` (run after it), all written through the assessments services.

- Police and probation administrators designate a risk assessor each (the detective, the
  parole officer); the prison's administrator designates the warden.
- Case 1 (plan active): phases up to reintegration; exit counselling sees behaviour move from
  involved to left the scene while the attitudes stay committed — the tracks part ways. The
  detective's reference (moderate) is shared with exit counselling under police law.
- Case 9 (case conference): the parole officer's reference (high) is not shared: only probation
  reads it. Exit counselling and probation each record both tracks.
- Case 11 (review): the detective's reference from half a year ago is overdue for review.
- Case 12 (aftercare): the phase history to aftercare; both tracks stable.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from icommit.accounts.models import User
from icommit.assessments import services
from icommit.assessments.models import PhaseEntry, RiskAssessor
from icommit.cases import services as cases
from icommit.cases.models import Case
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team


def _case(team: Team, n: int) -> Case | None:
    return Case.objects.filter(team=team, number__endswith=f"-{n:03d}").first()


@transaction.atomic
def build(
    *,
    team: Team,
    orgs: dict[str, Organisation],
    users: dict[str, User],
    second_team: Team | None = None,
    **_: Any,
) -> None:
    """The assessments of Demo City MSC (nothing when some are there already)."""
    if PhaseEntry.objects.filter(case__team=team).exists():
        return
    today = timezone.localdate()

    def u(key: str) -> User:
        return users[f"{key}@example.org"]

    def day(offset: int) -> datetime.date:
        return today + datetime.timedelta(days=offset)

    for admin, org, person in (
        ("police", "police", "detective"),
        ("probation", "probation", "parole"),
        ("prison", "prison", "warden"),
    ):
        known = org in orgs and f"{person}@example.org" in users
        if (
            known
            and not RiskAssessor.objects.filter(organisation=orgs[org], user=u(person)).exists()
        ):
            services.assessor_designate(actor=u(admin), organisation=orgs[org], user=u(person))

    def phases(case: Case, steps: list[tuple[str, int, str]]) -> None:
        for phase, offset, note in steps:
            services.phase_record(
                actor=u("casemanager"), case=case, phase=phase, since=day(offset), note=note
            )

    def track(case: Case, who: str, org: str, entries: list[tuple[str, str, int, str]]) -> None:
        for track_code, stage, offset, why in entries:
            services.track_record(
                actor=u(who),
                case=case,
                organisation=orgs[org],
                track=track_code,
                stage=stage,
                on=day(offset),
                rationale=why,
            )

    one = _case(team, 1)
    if one is not None:
        phases(
            one,
            [
                ("contact", -200, "First talks in the job centre; he came to three of four dates."),
                ("stabilisation", -140, "Regular meetings; the flat is secured."),
                ("reintegration", -30, "Started a training place; support steps back."),
            ],
        )
        track(
            one,
            "casemanager",
            "exit",
            [
                ("disengagement", "involved", -190, "Still goes to the group's evenings."),
                (
                    "disengagement",
                    "distancing",
                    -120,
                    "Stopped going to the evenings; still chats.",
                ),
                ("disengagement", "left", -20, "Left the chat groups; no contact for two months."),
                ("deradicalisation", "committed", -190, "Speaks of 'the others' as enemies."),
                (
                    "deradicalisation",
                    "committed",
                    -20,
                    "The old views are unchanged, though he no longer acts on them.",
                ),
            ],
        )
        reference = services.risk_record(
            actor=u("detective"),
            case=one,
            organisation=orgs["police"],
            instrument="VERA-2R",
            assessed_on=day(-40),
            level="moderate",
            summary="Meet him only with two practitioners present, in public places; no home "
            "visits. Lower than at the last review: he has left the group. Next review in three "
            "months.",
            next_review=day(50),
        )
        cases.item_share(
            actor=u("detective"),
            case=one,
            item=reference,
            organisations=[orgs["exit"]],
            purpose="So that the case manager can plan contacts safely",
            basis="statute",
            statute="Police law of the Land: passing on information to prevent danger",
            client_informed=True,
        )
    nine = _case(team, 9)
    if nine is not None:
        phases(nine, [("contact", -60, "Meetings in prison every second week.")])
        track(
            nine,
            "casemanager",
            "exit",
            [
                ("disengagement", "distancing", -15, "Keeps away from the group inside."),
                ("deradicalisation", "doubting", -15, "Asks why his former friends never wrote."),
            ],
        )
        track(
            nine,
            "parole",
            "probation",
            [("disengagement", "unclear", -10, "Not seen outside prison yet; we cannot say.")],
        )
        services.risk_record(
            actor=u("parole"),
            case=nine,
            organisation=orgs["probation"],
            instrument="ERG 22+",
            assessed_on=day(-25),
            level="high",
            summary="Conditions of supervision after release are being prepared.",
            next_review=day(60),
        )
    eleven = _case(team, 11)
    if eleven is not None:
        services.risk_record(
            actor=u("detective"),
            case=eleven,
            organisation=orgs["police"],
            instrument="RADAR-iTE",
            assessed_on=day(-200),
            level="moderate",
            summary="Contacts as agreed with probation.",
            next_review=day(-20),
        )
        track(
            eleven,
            "parole",
            "probation",
            [("disengagement", "distancing", -30, "Keeps the supervision conditions.")],
        )
    twelve = _case(team, 12)
    if twelve is not None:
        phases(
            twelve,
            [
                ("stabilisation", -400, "A working relationship after many months."),
                ("reintegration", -250, "Work and a new circle of friends."),
                ("aftercare", -60, "Regular support ended; a call every two months."),
            ],
        )
        track(
            twelve,
            "casemanager",
            "exit",
            [
                ("disengagement", "stable", -60, "No contact with the scene for over a year."),
                ("deradicalisation", "reoriented", -60, "Speaks critically about his past."),
            ],
        )
