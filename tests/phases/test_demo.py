"""The demo: Demo City MSC sits in phase 3 after a history spread over the past months."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from icommit.core.models import AuditEvent
from icommit.methodology.content import content
from icommit.phases.models import TaskState
from icommit.phases.selectors import phase_summary, team_phase
from icommit.teams.models import Team


@pytest.mark.django_db
def test_the_demo_team_is_in_operation_with_a_realistic_history() -> None:
    call_command("demo", verbosity=0)
    team = Team.objects.get(name="Demo City MSC")
    tp = team_phase(team=team, language="en")
    assert tp.phase.key == "operation"
    moves = [(e.move.from_key, e.move.to_key, e.move.gate_met) for e in tp.history]
    assert moves == [("setup", "operation", True), ("exploration", "setup", True)]
    now = timezone.now()
    assert (
        tp.history[1].move.moved_at
        < tp.history[0].move.moved_at
        < now - datetime.timedelta(days=30)
    )
    setup = TaskState.objects.filter(team=team, task_id__startswith="setup.")
    every_setup_task = {task.id for task in content().latest().phase("setup").tasks}
    assert {s.task_id for s in setup} == every_setup_task  # the v2 set-up tasks included
    assert all(s.state == "done" and s.evidence for s in setup)
    states = {t.id: t.state for t in tp.tasks}
    assert "in_progress" in states.values() and "open" in states.values()
    assert tp.version.revision == 1  # the team adapted the model once
    # audit events stay honest: written when the services ran
    assert AuditEvent.objects.filter(action="phases.move", team_id=team.pk).count() == 2
    second = Team.objects.get(name="Northside Prevention Circle")
    assert phase_summary(second, "en")["tasks_done"] == 2
