"""The migrations of assessments carry existing rows over, both ways."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from icommit.assessments import services
from icommit.assessments.models import PhaseEntry
from tests.assessments.conftest import TODAY
from tests.cases.conftest import CaseWorld

APP = "assessments"


def _migrate(target: str) -> Any:
    """Move assessments to ``target``; the models as the database then holds them."""
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
def test_existing_phase_entries_get_the_case_lead_at_migration_time(cw: CaseWorld) -> None:
    case = cw.working()
    with transaction.atomic():
        entry = services.phase_record(
            actor=cw.manager, case=case, phase="contact", since=TODAY(), note="Kept"
        )
    old = _migrate("0001_initial")
    assert "origin_organisation" not in {
        f.name for f in old.get_model(APP, "PhaseEntry")._meta.get_fields()
    }
    # the lead changed while the column did not exist: the migration takes the lead it finds
    old.get_model("cases", "Case").objects.filter(pk=case.pk).update(
        lead_organisation_id=cw.youth.pk
    )
    new = _migrate("0002_phaseentry_origin_organisation")
    moved = new.get_model(APP, "PhaseEntry").objects.get(pk=entry.pk)
    assert moved.origin_organisation_id == cw.youth.pk
    assert moved.phase == "contact" and moved.since == entry.since
    assert PhaseEntry.objects.get(pk=entry.pk).note == "Kept"  # the sealed note still opens
