"""A case world (tests/cases/conftest.py) with a closed case whose client has notes of two
organisations, an identity shared with the youth office, a relative and a consent."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.utils import timezone

from icommit.cases import services as cases
from icommit.cases.models import Case, CaseNote, ClientIdentity
from tests.cases.conftest import CaseWorld, cw  # noqa: F401 (the fixture, used by the tests here)

NAME = "Friederike Quastenberg"
REFERRAL = "Shares right-wing propaganda in class and talks about a group."
NOTE_TEXT = "Talked about leaving the Kameradschaft Nordheide."
YOUTH_TEXT = "Home visit: the mother worries about Zwiebelturm friends."
RELATIVE = "Annegret Quastenberg"


@dataclass
class Closed:
    case: Case
    exit_note: CaseNote
    youth_note: CaseNote
    identity: ClientIdentity


def close(case: Case, on: datetime.date) -> Case:
    """Move the case to "closed" on that day (the stage path itself is tested in cases)."""
    at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    Case.objects.filter(pk=case.pk).update(stage="closed", stage_since=at, closed_code="goals_met")
    case.refresh_from_db()
    return case


def client_world(cw: CaseWorld, *, closed_on: datetime.date | None = None) -> Closed:  # noqa: F811
    with transaction.atomic():
        case = cw.working(name=NAME, birth_date="2004-05-06", concern=REFERRAL)
        exit_note = cw.note(case, category="situation", text=NOTE_TEXT)
        cases.item_share(
            actor=cw.manager,
            case=case,
            item=exit_note,
            organisations=[cw.youth],
            purpose="Plan the support together",
            basis="protocol",
            client_informed=True,
        )
        youth_note = cases.note_create(
            actor=cw.youth_worker,
            case=case,
            organisation=cw.youth,
            title="Home visit",
            text=YOUTH_TEXT,
            category="family",
            secrecy="none",
        )
        consent = cases.consent_record(
            actor=cw.manager,
            case=case,
            kind="release",
            organisation=cw.exit,
            professional="Exit counsellor",
            recipients=[cw.youth],
            categories=["identity", "situation"],
            purpose="Coordinate home visits",
            given_by="client",
            form="written",
            given_on=datetime.date.today(),
        )
        identity = ClientIdentity.objects.get(client=case.client)
        cases.item_share(
            actor=cw.manager,
            case=case,
            item=identity,
            organisations=[cw.youth],
            purpose="Home visits",
            basis="consent",
            consent=consent,
            client_informed=True,
        )
        cases.relative_add(actor=cw.manager, case=case, relation="mother", name=RELATIVE)
        cases.opened(user=cw.youth_worker, case=case, what="note", item_id=exit_note.pk)
        cases.restriction_request(actor=cw.manager, case=case, reason="Client asks for a pause")
    if closed_on is not None:
        case = close(case, closed_on)
    return Closed(case, exit_note, youth_note, identity)


@pytest.fixture
def closed(cw: CaseWorld) -> Closed:  # noqa: F811
    return client_world(cw, closed_on=datetime.date(2024, 1, 31))
