"""A case world (tests/cases/conftest.py) with plan rows in the protocol and a conference.

Protocol rows for plan information from exit counselling (the lead): to youth welfare and
housing "always", to the police "with consent" (no consent is recorded), to the school none.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.db import transaction

from icommit.accounts.models import User
from icommit.cases.models import Case
from icommit.conferences import services
from icommit.conferences.models import AgendaEntry, Conference, ConferencePart
from tests.cases.conftest import CaseWorld, cw  # noqa: F401 (the fixture this one builds on)

HELD_ON = datetime.date(2026, 3, 2)


@dataclass
class ConferenceWorld:
    cw: CaseWorld
    case: Case
    conference: Conference
    entry: AgendaEntry

    def convene(self, *people: User, title: str = "Case conference") -> Conference:
        return services.conference_create(
            actor=self.cw.coordinator,
            team=self.cw.team,
            held_on=HELD_ON,
            title=title,
            attendee_ids=[p.pk for p in people],
        )

    def open(self) -> ConferencePart:
        return services.part_open(actor=self.cw.manager, entry=self.entry, client_informed=True)


@pytest.fixture
def kw(cw: CaseWorld) -> ConferenceWorld:  # noqa: F811 (the fixture imported above)
    with transaction.atomic():
        cw.row(cw.youth, "plan", "always", "§ 69 SGB X")
        cw.row(cw.housing, "plan", "always", "§ 69 SGB X")
        cw.row(cw.police, "plan", "consent")
        case = cw.working()
    world = ConferenceWorld(cw, case, None, None)  # type: ignore[arg-type]
    world.conference = world.convene(
        cw.manager, cw.youth_worker, cw.officer, cw.housing_worker, cw.teacher
    )
    world.entry = services.agenda_add(actor=cw.manager, conference=world.conference, case=case)
    return world
