"""The interventions API: the plan only to organisations it is shared with, writes under the
same rules as the pages."""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

import pytest

from icommit.conferences import services as conferences
from icommit.interventions import services
from icommit.interventions.models import Contact, Goal, Measure
from tests.conftest import verified_client
from tests.interventions.conftest import TODAY, PlanWorld

pytestmark = pytest.mark.django_db


def _base(pw: PlanWorld) -> str:
    return f"/api/v1/teams/{pw.case.team_id}/cases/{pw.case.pk}"


def _call(user: Any, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    client = verified_client(user)
    return client.generic(
        method, url, json.dumps(body) if body is not None else "", content_type="application/json"
    )


def test_the_plan_is_answered_to_the_lead_and_to_whom_it_is_shared(pw: PlanWorld) -> None:
    lead = _call(pw.cw.manager, "GET", _base(pw) + "/plan")
    assert lead.status_code == 200
    data = lead.json()
    assert data["goals"][0]["statement"] == "Find a flat of his own"
    assert {m["responsible"]["name"] for m in data["measures"]} == {"Youth office", "Housing"}
    assert _call(pw.cw.youth_worker, "GET", _base(pw) + "/plan").status_code == 200
    # housing takes part but the plan is not shared with it; the school does not take part
    assert _call(pw.cw.housing_worker, "GET", _base(pw) + "/plan").status_code == 404
    assert _call(pw.cw.teacher, "GET", _base(pw) + "/plan").status_code in (403, 404)


def test_the_lead_edits_the_plan_through_the_api(pw: PlanWorld) -> None:
    goal = _call(
        pw.cw.manager,
        "POST",
        _base(pw) + "/plan/goals",
        {"domain": "work", "statement": "An apprenticeship"},
    )
    assert goal.status_code == 201
    measure = _call(
        pw.cw.manager,
        "POST",
        _base(pw) + "/plan/measures",
        {"what": "Job centre", "responsible_id": pw.cw.youth.pk, "goal_id": goal.json()["id"]},
    )
    assert measure.status_code == 201
    assert Measure.objects.get(pk=measure.json()["id"]).goal_id is not None
    bad = _call(
        pw.cw.manager,
        "POST",
        _base(pw) + "/plan/measures",
        {"what": "x", "responsible_id": pw.cw.school.pk},
    )
    assert bad.status_code == 422 and "responsible_id" in json.dumps(bad.json())
    scale = _call(
        pw.cw.manager,
        "POST",
        _base(pw) + "/plan/scale",
        {"intensity": "high", "on": TODAY().isoformat(), "reason": "Threats"},
    )
    assert scale.status_code == 201
    review = _call(
        pw.cw.manager, "PUT", _base(pw) + "/plan/review", {"next_review": TODAY().isoformat()}
    )
    assert review.status_code == 200 and review.json()["next_review"] == TODAY().isoformat()


def test_a_participant_may_not_edit_but_marks_its_own_measure(pw: PlanWorld) -> None:
    refused = _call(
        pw.cw.youth_worker,
        "POST",
        _base(pw) + "/plan/goals",
        {"domain": "work", "statement": "x"},
    )
    assert refused.status_code == 403
    assert Goal.objects.filter(plan=pw.plan).count() == 1
    url = f"{_base(pw)}/plan/measures/{pw.youth_measure.pk}/status"
    assert _call(pw.cw.youth_worker, "POST", url, {"status": "done"}).status_code == 200
    other = f"{_base(pw)}/plan/measures/{pw.housing_measure.pk}/status"
    assert _call(pw.cw.youth_worker, "POST", other, {"status": "done"}).status_code == 403
    # housing is responsible, but the plan is not shared with it: its measure is not found
    assert _call(pw.cw.housing_worker, "POST", other, {"status": "done"}).status_code == 404
    assert Measure.objects.get(pk=pw.housing_measure.pk).status == "open"


def test_contacts_outcomes_and_offences_through_the_api(pw: PlanWorld) -> None:
    contact = _call(
        pw.cw.youth_worker,
        "POST",
        _base(pw) + "/contacts",
        {"organisation_id": pw.cw.youth.pk, "on": TODAY().isoformat(), "kind": "phone"},
    )
    assert contact.status_code == 201 and Contact.objects.count() == 1
    assert len(_call(pw.cw.youth_worker, "GET", _base(pw) + "/contacts").json()) == 1
    # the lead, like every other organisation, reads only its own contacts (security review
    # S5), and of the others' only the day of the last one
    assert _call(pw.cw.manager, "GET", _base(pw) + "/contacts").json() == []
    assert _call(pw.cw.housing_worker, "GET", _base(pw) + "/contacts").json() == []
    for who in (pw.cw.manager, pw.cw.housing_worker):
        last = _call(who, "GET", _base(pw) + "/contacts/last")
        assert last.status_code == 200 and last.json() == {"on": TODAY().isoformat()}
    early = _call(
        pw.cw.manager,
        "POST",
        _base(pw) + "/outcomes",
        {"on": TODAY().isoformat(), "housing": "own", "work": "employed", "education": "none"},
    )
    assert early.status_code == 409
    report = _call(
        pw.cw.officer,
        "POST",
        _base(pw) + "/outcomes/offences",
        {
            "organisation_id": pw.cw.police.pk,
            "status": "charge",
            "on": TODAY().isoformat(),
            "reference": "AZ 1/26",
        },
    )
    assert report.status_code == 201 and report.json()["status"] == "charge"
    unknown = _call(
        pw.cw.officer,
        "POST",
        _base(pw) + "/outcomes/offences",
        {"organisation_id": pw.cw.police.pk, "status": "yes", "on": TODAY().isoformat()},
    )
    assert unknown.status_code == 422 and "status" in json.dumps(unknown.json())
    not_police = _call(
        pw.cw.youth_worker,
        "POST",
        _base(pw) + "/outcomes/offences",
        {"organisation_id": pw.cw.youth.pk, "status": "none_known", "on": TODAY().isoformat()},
    )
    assert not_police.status_code == 403
    assert len(_call(pw.cw.officer, "GET", _base(pw) + "/outcomes/offences").json()) == 1
    assert _call(pw.cw.manager, "GET", _base(pw) + "/outcomes/offences").json() == []


def test_adding_a_goal_names_the_organisations_whose_share_ended(pw: PlanWorld) -> None:
    same = _call(
        pw.cw.manager, "POST", _base(pw) + "/plan/goals", {"domain": "work", "statement": "A job"}
    )
    assert same.status_code == 201 and same.json()["shares_ended"] == []
    health = _call(
        pw.cw.manager,
        "POST",
        _base(pw) + "/plan/goals",
        {"domain": "mental_health", "statement": "See a therapist"},
    )
    assert health.status_code == 201
    assert health.json()["shares_ended"] == [{"id": pw.cw.youth.pk, "name": pw.cw.youth.name}]


def test_a_source_id_is_shown_only_to_who_may_read_the_source(pw: PlanWorld) -> None:
    cw = pw.cw
    # minutes of a conference only the lead attended: the youth office, which reads the plan,
    # never received them
    conference = conferences.conference_create(
        actor=cw.coordinator,
        team=cw.team,
        held_on=TODAY() - datetime.timedelta(days=1),
        title="Case conference",
        attendee_ids=[cw.manager.pk],
    )
    entry = conferences.agenda_add(actor=cw.manager, conference=conference, case=pw.case)
    part = conferences.part_open(actor=cw.manager, entry=entry, client_informed=True)
    made = {}
    for what, source in (("Agreed at the conference", str(part.pk)), ("Elsewhere", uuid.uuid4())):
        made[what] = services.measure_create(
            actor=cw.manager,
            case=pw.case,
            what=what,
            responsible=cw.youth,
            source_kind="conference",
            source_id=source,
        )
    services.scale_set(
        actor=cw.manager,
        case=pw.case,
        intensity="high",
        on=TODAY(),
        reason="Decided at the conference",
        source_kind="conference",
        source_id=str(part.pk),
    )

    def sources(user: Any) -> tuple[dict[str, Any], list[Any]]:
        plan = _call(user, "GET", _base(pw) + "/plan").json()
        measures = {m["what"]: m["source_id"] for m in plan["measures"] if m["source_kind"]}
        return measures, [s["source_id"] for s in plan["scale"]]

    # the lead reads the minutes: it follows the reference; an id of nothing it may read is null
    assert sources(cw.manager) == (
        {"Agreed at the conference": str(part.pk), "Elsewhere": None},
        [str(part.pk)],
    )
    # the youth office reads the plan but not the minutes: it learns no id of them
    assert sources(cw.youth_worker) == (
        {"Agreed at the conference": None, "Elsewhere": None},
        [None],
    )
    url = f"{_base(pw)}/plan/measures/{made['Agreed at the conference'].pk}/status"
    marked = _call(cw.youth_worker, "POST", url, {"status": "done"})
    assert marked.status_code == 200 and marked.json()["source_id"] is None
