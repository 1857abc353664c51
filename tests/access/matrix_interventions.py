"""interventions in the access-matrix world (see matrix_apps.py).

On case C: L's case manager started the plan with a goal G and a measure M for which P is
responsible, and shared the plan with P under the protocol. A second case C3 of T, led by L,
has the police (the team subjects' organisation) taking part: the object of ``offence.report``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from icommit.access.actions import Action
from icommit.access.matrix import Subject as S
from icommit.sharing.services import protocol_row_create
from icommit.stakeholders.models import Organisation

APP = "interventions"


def build(w: Any) -> dict[str, Any]:
    from icommit.cases import services as cases
    from icommit.interventions import services

    case = w.cases["case"]
    participant = Organisation.objects.get(pk=w.cases["p"])
    lead = case.lead_organisation
    manager = w.users[S.CASE_LEAD_MANAGER]
    today = datetime.date.today()
    with transaction.atomic():
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
        goal = services.goal_create(
            actor=manager, case=case, domain="work", statement="Start an apprenticeship"
        )
        measure = services.measure_create(
            actor=manager,
            case=case,
            goal=goal,
            what="Help with applications",
            responsible=participant,
            due_date=today + datetime.timedelta(days=20),
        )
        plan = goal.plan
        cases.item_share(
            actor=manager,
            case=case,
            item=plan,
            organisations=[participant],
            purpose="Joint plan",
            basis="protocol",
            client_informed=True,
        )
        other = cases.triage_decide(
            actor=manager,
            case=cases.referral_create(
                actor=w.users[S.CASE_REFERRER],
                team=w.team,
                organisation=Organisation.objects.get(name="Referring organisation"),
                concern="Threatened a neighbour.",
                gender="male",
                age_band="21_26",
                phenomenon="vrwe",
                setting="community",
            ),
            outcome="accepted",
            lead_organisation=lead,
            case_manager=manager,
            purpose="Support",
        )
        cases.participant_add(actor=manager, case=other, organisation=w.police, reason="r")
    return {"plan": plan, "goal": goal, "measure": measure, "c3": other}


def policy_objects(w: Any) -> tuple[dict[str, Any], dict[Action, Any]]:
    case = w.cases["case"]
    return (
        {"intervention": case, "outcome": case},
        {Action.OFFENCE_REPORT: w.extra[APP]["c3"]},
    )


def page_kwargs(w: Any, name: str) -> dict[str, Any] | None:
    if not name.startswith("interventions:"):
        return None
    x = w.extra[APP]
    return {
        "team_pk": w.team.pk,
        "case_pk": w.cases["case"].pk,
        "goal_pk": x["goal"].pk,
        "measure_pk": x["measure"].pk,
    }


def api_payloads(w: Any) -> dict[str, dict[str, Any]]:
    today = datetime.date.today().isoformat()
    p = w.cases["p"]
    return {
        "start_intervention_plan": {},
        "set_plan_review": {"next_review": today},
        "add_plan_goal": {"domain": "housing", "statement": "A flat of his own"},
        "update_plan_goal": {
            "domain": "work",
            "statement": "An apprenticeship",
            "lifecycle_status": "active",
            "achievement_status": "improving",
        },
        "add_plan_measure": {"what": "Call the landlord", "responsible_id": p},
        "update_plan_measure": {"what": "Help with applications", "responsible_id": p},
        "set_plan_measure_status": {"status": "done"},
        "scale_intervention_plan": {"intensity": "high", "on": today, "reason": "Threats"},
        "record_case_contact": {"organisation_id": p, "on": today, "kind": "meeting"},
        "record_case_outcome": {
            "on": today,
            "housing": "own",
            "work": "employed",
            "education": "not_applicable",
        },
        "report_offences": {"organisation_id": p, "status": "none_known", "on": today},
    }


def fill(path: str, w: Any) -> str:
    if "/cases/{case_id}/plan/" not in path:
        return path
    x = w.extra[APP]
    return path.replace("{goal_id}", str(x["goal"].pk)).replace(
        "{measure_id}", str(x["measure"].pk)
    )
