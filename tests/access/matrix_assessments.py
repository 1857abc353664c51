"""assessments in the access-matrix world (see matrix_apps.py).

On case C: P's member (the CASE_PARTICIPANT subject) is designated risk assessor of P by a P
administrator who is no subject, and recorded a risk reference X, shared with L under the
protocol (so every subject working on C reads it); L's member recorded a track entry; C's
case manager recorded the case-work phase. O's administrator (ORG_ADMIN) designated O's member
(ORG_MEMBER) as risk assessor of O: the designation D that the end URL ends.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from icommit.access.actions import Action
from icommit.access.matrix import Subject as S
from icommit.sharing.services import protocol_row_create
from icommit.stakeholders.models import Organisation
from tests.factories import UserFactory, member_of

APP = "assessments"


def build(w: Any) -> dict[str, Any]:
    from icommit.assessments import services
    from icommit.cases import services as cases

    case = w.cases["case"]
    participant = Organisation.objects.get(pk=w.cases["p"])
    lead = case.lead_organisation
    p_admin = UserFactory()
    member_of(p_admin, participant, admin=True)
    today = datetime.date.today()
    with transaction.atomic():
        protocol_row_create(
            actor=w.users[S.TEAM_COORDINATOR],
            team=w.team,
            values={
                "from_organisation_id": participant.pk,
                "to_organisation_id": lead.pk,
                "category": "risk",
                "rule": "always",
                "legal_source": "Test statute § 3",
            },
        )
        services.assessor_designate(
            actor=p_admin, organisation=participant, user=w.users[S.CASE_PARTICIPANT]
        )
        reference = services.risk_record(
            actor=w.users[S.CASE_PARTICIPANT],
            case=case,
            organisation=participant,
            instrument="VERA-2R",
            assessed_on=today - datetime.timedelta(days=10),
            level="moderate",
            summary="Meet in pairs.",
            next_review=today + datetime.timedelta(days=80),
        )
        cases.item_share(
            actor=w.users[S.CASE_PARTICIPANT],
            case=case,
            item=reference,
            organisations=[lead],
            purpose="Safety of home visits",
            basis="protocol",
            client_informed=True,
        )
        services.track_record(
            actor=w.users[S.CASE_LEAD_MEMBER],
            case=case,
            organisation=lead,
            track="disengagement",
            stage="distancing",
            on=today,
            rationale="Left the group chat.",
        )
        services.phase_record(
            actor=w.users[S.CASE_LEAD_MANAGER], case=case, phase="stabilisation", since=today
        )
        designation = services.assessor_designate(
            actor=w.users[S.ORG_ADMIN], organisation=w.org, user=w.users[S.ORG_MEMBER]
        )
    return {"risk": reference, "designation": designation}


def policy_objects(w: Any) -> tuple[dict[str, Any], dict[Action, Any]]:
    return {"assessment": w.cases["case"]}, {Action.ASSESSMENT_DESIGNATE: None}


def page_kwargs(w: Any, name: str) -> dict[str, Any] | None:
    if not name.startswith("assessments:"):
        return None
    x = w.extra[APP]
    return {
        "team_pk": w.team.pk,
        "case_pk": w.cases["case"].pk,
        "risk_pk": x["risk"].pk,
        "assessor_pk": x["designation"].pk,
    }


def api_payloads(w: Any) -> dict[str, dict[str, Any]]:
    today = datetime.date.today()
    return {
        "record_dr_phase": {"phase": "reintegration", "since": today.isoformat()},
        "record_track_entry": {
            "track": "deradicalisation",
            "stage": "doubting",
            "on": today.isoformat(),
            "rationale": "Asked questions about the group's story.",
        },
        "record_risk_reference": {
            "instrument": "VERA-2R",
            "assessed_on": today.isoformat(),
            "level": "low",
            "summary": "No special measures.",
            "next_review": (today + datetime.timedelta(days=90)).isoformat(),
        },
        "designate_risk_assessor": {
            "organisation_id": w.org.pk,
            "user_id": w.users[S.ORG_MEMBER].pk,
        },
    }


def fill(path: str, w: Any) -> str:
    x = w.extra.get(APP, {})
    if "risk" in x:
        path = path.replace("{reference_id}", str(x["risk"].pk))
    if "designation" in x:
        path = path.replace("{assessor_id}", str(x["designation"].pk))
    return path
