"""analysis in the access-matrix world (see matrix_apps.py).

On case C, C's case manager (lead L) started analysis A; L's member recorded and submitted L's
perspective X (rating one domain of the social situation) and shared it with P under the
protocol's "always" row for the situation, so every subject working on C reads it; the case
manager recorded formulation F (one situation domain rated) and shared it with P likewise.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from icommit.access.actions import Action
from icommit.access.matrix import Subject as S
from icommit.stakeholders.models import Organisation

APP = "analysis"


def _answers() -> dict[str, Any]:
    return {
        "client_involved": "without_client",
        "gender_considered": "not_considered",
        "education": {"concern": 1, "resource": 2, "rationale": "Left school early."},
    }


def build(w: Any) -> dict[str, Any]:
    from icommit.analysis import services
    from icommit.cases import services as cases

    case = w.cases["case"]
    participant = Organisation.objects.get(pk=w.cases["p"])
    lead = case.lead_organisation
    manager, member = w.users[S.CASE_LEAD_MANAGER], w.users[S.CASE_LEAD_MEMBER]
    with transaction.atomic():
        analysis = services.analysis_open(actor=manager, case=case)
        perspective = services.perspective_create(
            actor=member,
            analysis=analysis,
            organisation=lead,
            viewpoint="organisation",
            answers=_answers(),
        )
        perspective = services.perspective_submit(actor=member, perspective=perspective)
        formulation = services.formulation_agree(
            actor=manager,
            analysis=analysis,
            data={
                "summary": "Training is the way back.",
                "domains": {"education": {"concern": 1, "resource": 2, "note": ""}},
            },
        )
        for item in (perspective, formulation):
            cases.item_share(
                actor=manager,
                case=case,
                item=item,
                organisations=[participant],
                purpose="Case conference",
                basis="protocol",
                client_informed=True,
            )
    return {"analysis": analysis, "perspective": perspective, "formulation": formulation}


def policy_objects(w: Any) -> tuple[dict[str, Any], dict[Action, Any]]:
    return {"analysis": w.cases["case"]}, {}


def page_kwargs(w: Any, name: str) -> dict[str, Any] | None:
    if not name.startswith("analysis:"):
        return None
    x = w.extra[APP]
    kwargs: dict[str, Any] = {
        "team_pk": w.team.pk,
        "case_pk": w.cases["case"].pk,
        "analysis_pk": x["analysis"].pk,
        "viewpoint": "organisation",
    }
    kwargs["pk"] = x["formulation"].pk if name == "analysis:formulation" else x["perspective"].pk
    return kwargs


def api_payloads(w: Any) -> dict[str, dict[str, Any]]:
    return {
        "open_analysis": {"reason": "Review after six months"},
        "create_perspective": {"viewpoint": "client", "answers": {}},
        "update_perspective": {"answers": {}},
        "submit_perspective": {},
        "agree_formulation": {"summary": "Agreed again."},
    }


def fill(path: str, w: Any) -> str:
    x = w.extra.get(APP, {})
    if "analysis" in x:
        path = path.replace("{analysis_id}", str(x["analysis"].pk))
    if "perspective" in x:
        path = path.replace("{perspective_id}", str(x["perspective"].pk))
    return path
