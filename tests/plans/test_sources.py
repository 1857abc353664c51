"""Plan sources as a protocol: registered kinds, one path into the plan, one link table."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from pytest_django import DjangoAssertNumQueries

from icommit.core.exceptions import ValidationFailed
from icommit.plans import selectors, services, sources
from icommit.plans.models import Goal, PlanAction, PlanLink
from icommit.plans.sources import SourceRef
from tests.conftest import World


def test_each_source_app_registers_its_kind_with_a_label() -> None:
    assert sources.label_of("phase_task") == "Phase task"
    assert sources.label_of("meeting_decision") == "Meeting decision"
    assert sources.label_of("recommendation") == "Diagnostics recommendation"
    assert not sources.is_registered("case_plan") and sources.label_of("case_plan") == ""


@pytest.mark.parametrize("kind", ["", "Phase Task!", "x" * 41, "a-b"])
def test_a_kind_is_a_short_plain_name(kind: str) -> None:
    with pytest.raises(ValueError, match="letters"):
        sources.register(kind, "Anything")


def test_a_kind_keeps_the_label_it_was_registered_with() -> None:
    sources.register("phase_task", sources._KINDS["phase_task"])  # the same again is harmless
    with pytest.raises(ValueError, match="already registered"):
        sources.register("phase_task", "Something else")


def test_an_unregistered_source_kind_is_refused(world: World) -> None:
    unknown = SourceRef("case_plan", "17", "Case plan of client 17")
    with pytest.raises(ValidationFailed) as caught:
        services.goal_create(actor=world.coordinator, team=world.team, title="G", source=unknown)
    assert "source_kind" in caught.value.details
    goal = services.goal_create(actor=world.coordinator, team=world.team, title="G")
    with pytest.raises(ValidationFailed) as caught:
        services.action_create(actor=world.coordinator, goal=goal, title="A", source=unknown)
    assert "source_kind" in caught.value.details
    assert not PlanAction.objects.exists() and not PlanLink.objects.exists()


def test_a_source_needs_an_id(world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.goal_create(
            actor=world.coordinator,
            team=world.team,
            title="G",
            source=SourceRef("phase_task", " ", "A task"),
        )
    assert "source_ref" in caught.value.details
    assert not Goal.objects.exists()


def test_a_kind_registered_by_a_new_app_needs_no_migration(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "_KINDS", dict(sources._KINDS))
    sources.register("conference_decision", "Case conference decision")
    goal = services.goal_create(
        actor=world.coordinator,
        team=world.team,
        title="Housing first",
        source=SourceRef("conference_decision", "c-4", "Conference 4: housing"),
    )
    assert goal.get_source_kind_display() == "Case conference decision"
    link = PlanLink.objects.get()
    assert (link.source_kind, link.source_id, link.goal, link.action) == (
        "conference_decision",
        "c-4",
        goal,
        None,
    )


def test_what_was_planned_from_sources_is_found_in_one_query(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    task = SourceRef("phase_task", "setup.legal-basis", "Record the legal basis")
    goal = services.goal_create(actor=world.coordinator, team=world.team, title="G", source=task)
    action = services.action_create(actor=world.coordinator, goal=goal, title="A", source=task)
    services.action_create(actor=world.coordinator, goal=goal, title="Made on the plan")
    other = SourceRef("phase_task", "setup.charter", "Write the charter")
    services.goal_create(actor=world.coordinator, team=world.team, title="H", source=other)
    with django_assert_num_queries(1):
        found = selectors.planned_from(
            team_id=world.team.pk, kind="phase_task", ids=["setup.legal-basis", "nothing"]
        )
        shown = [(link.kind, link.title) for link in found["setup.legal-basis"]]
    assert shown == [("goal", "G"), ("action", "A")]
    assert found["setup.legal-basis"][1].item == action
    assert "nothing" not in found
    assert selectors.planned_from(team_id=world.team.pk, kind="recommendation", ids=["x"]) == {}
    assert PlanLink.objects.count() == 3  # the action made on the plan has no link


# --- the data migration ----------------------------------------------------------------------


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def newest_afterwards(transactional_db: None) -> Any:
    """Whatever happens in the test, the database ends at the newest migrations."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.usefixtures("newest_afterwards")
def test_existing_sources_and_decision_links_move_into_the_one_link_table() -> None:
    old = _migrate([("plans", "0002_text_limits"), ("charters", "0002_text_limits")])
    Team = old.get_model("teams", "Team")
    OldGoal = old.get_model("plans", "Goal")
    OldAction = old.get_model("plans", "PlanAction")
    OldLink = old.get_model("charters", "PlanLink")
    Meeting = old.get_model("charters", "Meeting")
    Minutes = old.get_model("charters", "MinutesVersion")
    Decision = old.get_model("charters", "Decision")
    team = Team.objects.create(name="T", city="X", country="DE")
    ref = "9:purpose:low:0"
    from_advice = OldGoal.objects.create(
        team=team,
        title="From advice",
        source_kind="recommendation",
        source_ref=ref,
        source_label="Spring — Purpose: agree it",
    )
    from_task = OldAction.objects.create(
        team=team,
        goal=from_advice,
        title="From a task",
        source_kind="phase_task",
        source_ref="setup.legal-basis",
        source_label="Record the legal basis",
    )
    OldAction.objects.create(team=team, goal=from_advice, title="Made on the plan")
    meeting = Meeting.objects.create(team=team)
    minutes = Minutes.objects.create(meeting=meeting, number=1, held_on="2026-03-03", title="M")
    decision = Decision.objects.create(version=minutes, position=1, text="Do it")
    # a decision's goal that carries no source of its own: only charters knew the link
    bare = OldGoal.objects.create(team=team, title="Only charters knew")
    OldLink.objects.create(
        team=team, lineage=decision.lineage, kind="goal", goal_id=bare.pk, title=bare.title
    )

    new = _migrate([("plans", "0003_plan_links"), ("charters", "0003_plan_links_move_to_plans")])
    Link = new.get_model("plans", "PlanLink")
    links = {
        (link.source_kind, link.source_id, link.goal_id, link.action_id)
        for link in Link.objects.all()
    }
    assert links == {
        ("recommendation", ref, from_advice.pk, None),
        ("phase_task", "setup.legal-basis", from_advice.pk, from_task.pk),
        ("meeting_decision", str(decision.pk), bare.pk, None),
    }
