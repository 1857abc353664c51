"""dataprotection in the access-matrix world: an export request X of case C, recorded by C's lead
organisation L, with parts of L (its note, the identity), of P (a note P recorded) and of F (its
referral); a dry run Y of the retention; a finished dry-run job J2 of J's owner (who is not the
DPO, so its page shows the state but not the listing)."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.db import transaction

from icommit.access.actions import Action
from icommit.access.matrix import Subject
from icommit.core.jobs import result_path
from icommit.core.models import Job

APP = "dataprotection"
S = Subject


def build(w: Any) -> dict[str, Any]:
    from icommit.cases import services as cases
    from icommit.dataprotection import services
    from icommit.stakeholders.models import Organisation

    case = w.cases["case"]
    with transaction.atomic():
        cases.note_create(
            actor=w.users[S.CASE_PARTICIPANT],
            case=case,
            organisation=Organisation.objects.get(pk=w.cases["p"]),
            title="Youth welfare visit",
            text="Visited the family",
            category="family",
            secrecy="none",
        )
        request = services.export_request_create(
            actor=w.users[S.CASE_LEAD_MANAGER], case=case, asked_on=datetime.date.today()
        )
        run = services.retention_run(actor=w.users[S.DPO], dry_run=True)
    job = Job.objects.create(
        owner=w.users[S.JOB_OWNER],
        kind=services.DRY_RUN_JOB,
        status=Job.Status.DONE,
        result_name="dry-run.json",
        result_type="application/json",
        result_path=f"jobs/matrix-dry-run-{w.team.pk}.json",
    )
    result_path(job).parent.mkdir(parents=True, exist_ok=True)
    result_path(job).write_text(json.dumps({"run": str(run.pk), "listing": []}))
    return {"request": request, "run": run, "job": job}


def policy_objects(w: Any) -> tuple[dict[str, Any], dict[Action, Any]]:
    own = w.extra[APP]
    return (
        {"dataprotection": own["request"]},
        {
            Action.DATAPROTECTION_RETENTION: None,
            Action.DATAPROTECTION_ERASE: None,
            Action.DATAPROTECTION_RECORD: None,
            Action.DATAPROTECTION_EXPORT_OVERSEE: None,
            Action.DATAPROTECTION_EXPORT_REQUEST: w.cases["case"],
        },
    )


def page_kwargs(w: Any, name: str) -> dict[str, Any] | None:
    if not name.startswith("dataprotection:"):
        return None
    own = w.extra[APP]
    return {
        "team_pk": w.team.pk,
        "case_pk": w.cases["case"].pk,
        "export_pk": own["request"].pk,
        "run_pk": own["run"].pk,
        "job_pk": own["job"].pk,
    }


def api_payloads(w: Any) -> dict[str, dict[str, Any]]:
    return {
        "set_retention_period": {"months": 24},
        "erase_client": {
            "team_id": w.team.pk,
            "case_number": w.cases["case"].number,
            "reason": "request",
            "confirm": "not the number",
        },
        "start_record_file": {"format": "json"},
        "create_export_request": {"asked_on": datetime.date.today().isoformat()},
        "answer_export_request": {"organisation_id": 0, "release": True},
        "start_export_file": {"organisation_id": 0, "format": "json"},
    }


def fill(path: str, w: Any) -> str:
    own = w.extra[APP]
    return (
        path.replace("{export_id}", str(own["request"].pk))
        # only the retention run's path: other apps' paths name runs of their own (training)
        .replace("/retention/runs/{run_id}", f"/retention/runs/{own['run'].pk}")
        .replace("{job_id}", str(own["job"].pk))
        .replace("{category}", "health")
    )
