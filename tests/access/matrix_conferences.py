"""conferences in the access-matrix world (see matrix_apps.py).

The coordinator of T convened conference K with case C on its agenda (presented by L's case
manager). Attending: the coordinator and the member of T (both police, which takes no part in
C), L's case manager and P's member. L's case manager opened C's minutes: shared at once with P
(T's protocol lets plan information go from L to P), the police stepped out; the minutes are
written and wait for confirmation.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from icommit.access.actions import Action
from icommit.access.matrix import Subject as S
from icommit.sharing.models import ProtocolRow
from icommit.sharing.services import protocol_row_create
from icommit.stakeholders.models import Organisation

APP = "conferences"


def build(w: Any) -> dict[str, Any]:
    from icommit.conferences import services

    case = w.cases["case"]
    participant = Organisation.objects.get(pk=w.cases["p"])
    lead = case.lead_organisation
    manager = w.users[S.CASE_LEAD_MANAGER]
    with transaction.atomic():
        if not ProtocolRow.objects.filter(
            team=w.team,
            from_organisation=lead,
            to_organisation=participant,
            category="plan",
        ).exists():
            protocol_row_create(
                actor=w.users[S.TEAM_COORDINATOR],
                team=w.team,
                values={
                    "from_organisation_id": lead.pk,
                    "to_organisation_id": participant.pk,
                    "category": "plan",
                    "rule": "always",
                    "legal_source": "Test statute § 4",
                },
            )
        conference = services.conference_create(
            actor=w.users[S.TEAM_COORDINATOR],
            team=w.team,
            held_on=datetime.date.today(),
            title="K",
            attendee_ids=[
                w.users[s].pk
                for s in (
                    S.TEAM_COORDINATOR,
                    S.TEAM_MEMBER,
                    S.CASE_LEAD_MANAGER,
                    S.CASE_PARTICIPANT,
                )
            ],
        )
        entry = services.agenda_add(actor=manager, conference=conference, case=case)
        part = services.part_open(actor=manager, entry=entry, client_informed=True)
        services.part_update(
            actor=manager, part=part, data=services.PartIn(discussion="Talked about work")
        )
        services.part_circulate(actor=manager, part=part)
    return {"conference": conference, "entry": entry, "part": part}


def policy_objects(w: Any) -> tuple[dict[str, Any], dict[Action, Any]]:
    x = w.extra[APP]
    return (
        {"conference": x["conference"]},
        {Action.CONFERENCE_RECORD: x["part"], Action.CONFERENCE_CONFIRM: x["part"]},
    )


def page_kwargs(w: Any, name: str) -> dict[str, Any] | None:
    if not name.startswith("conferences:"):
        return None
    x = w.extra[APP]
    return {"team_pk": w.team.pk, "pk": x["conference"].pk, "entry_pk": x["entry"].pk}


def api_payloads(w: Any) -> dict[str, dict[str, Any]]:
    conference = {"held_on": "2026-03-01", "title": "New conference", "attendee_ids": []}
    return {
        "create_conference": conference,
        "update_conference": conference,
        "add_agenda_case": {"case_id": str(w.cases["case"].pk)},
        "move_agenda_case": {"direction": "up"},
        "open_conference_minutes": {"client_informed": True},
        "update_conference_minutes": {"discussion": "Talked about housing"},
        "correct_conference_minutes": {"reason": "A date was wrong"},
    }


def fill(path: str, w: Any) -> str:
    x = w.extra.get(APP)
    if not x:
        return path
    return path.replace("{conference_id}", str(x["conference"].pk)).replace(
        "{entry_id}", str(x["entry"].pk)
    )
