"""The migrations of interventions carry existing rows over, both ways."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from icommit.interventions import services
from tests.cases.conftest import CaseWorld
from tests.interventions.conftest import TODAY

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
