"""The migrations of interventions carry existing rows over, both ways."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from icommit.interventions import services
from icommit.interventions.models import PlanEvent
from tests.cases.conftest import CaseWorld
from tests.interventions.conftest import TODAY, PlanWorld

APP = "interventions"


def _migrate(target: str) -> Any:
    """Move interventions to ``target``; the models as the database then holds them."""
    executor = MigrationExecutor(connection)
    executor.migrate([(APP, target)])
    executor.loader.build_graph()
    others = [n for n in executor.loader.graph.leaf_nodes() if n[0] != APP]
    return executor.loader.project_state([*others, (APP, target)]).apps


@pytest.fixture
def newest_afterwards(transactional_db: None) -> Any:
    """Whatever happens in the test, the database ends at the newest migrations."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.usefixtures("newest_afterwards")
def test_offence_reports_turn_from_yes_or_no_into_a_stage_and_back(cw: CaseWorld) -> None:
    case = cw.working()
    made = {
        status: services.offence_report_record(
            actor=cw.officer,
            case=case,
            organisation=cw.police,
            status=status,
            on=TODAY(),
            reference="" if status == "none_known" else "AZ 1",
        ).pk
        for status in ("none_known", "investigation", "charge", "conviction")
    }
    old = _migrate("0001_initial").get_model(APP, "OffenceReport")
    reported = dict(old.objects.values_list("pk", "reported"))
    assert reported == {
        made["none_known"]: False,
        made["investigation"]: True,
        made["charge"]: True,
        made["conviction"]: True,
    }
    new = _migrate("0002_offence_report_status").get_model(APP, "OffenceReport")
    # yes becomes the least advanced stage that still means "proceedings exist"
    status = dict(new.objects.values_list("pk", "status"))
    assert status == {
        made["none_known"]: "none_known",
        made["investigation"]: "investigation",
        made["charge"]: "investigation",
        made["conviction"]: "investigation",
    }


def _raw_details() -> list[str | None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT detail FROM interventions_planevent")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.usefixtures("newest_afterwards")
def test_plan_history_details_are_sealed_and_opened_again_when_reversed(pw: PlanWorld) -> None:
    services.plan_review_set(actor=pw.cw.manager, case=pw.case, next_review=TODAY())
    lines = {(e.what, e.detail) for e in PlanEvent.objects.filter(plan=pw.plan)}
    assert ("goal_added", "housing") in lines and ("measure_added", "Housing") in lines
    # stored sealed: no detail readable in the column
    assert all(raw.startswith("v1:") for raw in _raw_details() if raw)
    assert "housing" not in str(_raw_details())

    old = _migrate("0002_offence_report_status").get_model(APP, "PlanEvent")
    assert {(e.what, e.detail) for e in old.objects.all()} == lines
    assert "housing" in _raw_details()  # plain again, as before the migration

    new = _migrate("0003_plan_event_detail_sealed").get_model(APP, "PlanEvent")
    assert new.objects.count() == len(lines)
    assert "housing" not in str(_raw_details())
    assert {(e.what, e.detail) for e in PlanEvent.objects.filter(plan=pw.plan)} == lines
