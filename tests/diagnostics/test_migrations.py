"""Rounds that existed before issue 9 are brought under the minimum by migration 0002."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("diagnostics", "0001_initial")]
AFTER = [("diagnostics", "0002_fixed_invitations_and_minimum")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    """Move diagnostics to ``targets``; the models of every app as the database then holds
    them (the other apps stay at their newest migration)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    others = [n for n in executor.loader.graph.leaf_nodes() if n[0] != "diagnostics"]
    return executor.loader.project_state([*others, *targets]).apps


def _closed_round(apps: Any, *, answering: int, title: str) -> Any:
    """A closed round of the shipped questionnaire whose invitees were confirmed long ago by
    someone else, ``answering`` of whom submitted (every statement at 4, one "don't know")."""
    user_model = apps.get_model("accounts", "User")
    Organisation = apps.get_model("stakeholders", "Organisation")
    Membership = apps.get_model("stakeholders", "OrganisationMembership")
    Team = apps.get_model("teams", "Team")
    Version = apps.get_model("instruments", "InstrumentVersion")
    Round = apps.get_model("diagnostics", "Round")
    Participation = apps.get_model("diagnostics", "Participation")
    Response = apps.get_model("instruments", "Response")
    ResponseScore = apps.get_model("instruments", "ResponseScore")
    RoundResponse = apps.get_model("diagnostics", "RoundResponse")
    now = timezone.now()
    org = Organisation.objects.create(
        name=f"Police {title}",
        country="DE",
        city="X",
        sector="police",
        is_security=True,
        is_state=True,
    )
    admin = user_model.objects.create(email=f"admin-{title}@test.org", full_name="Admin")
    opener = user_model.objects.create(email=f"coordinator-{title}@test.org", full_name="Co")
    team = Team.objects.create(name=f"Team {title}", city="X", country="DE")
    version = Version.objects.get(instrument__key="msc-diagnostics", number=1)
    round = Round.objects.create(
        team=team,
        version=version,
        title=title,
        opened_by=opener,
        opened_at=now - datetime.timedelta(days=20),
        closes_on=(now - datetime.timedelta(days=2)).date(),
        closed_at=now - datetime.timedelta(days=1),
    )
    likert = [
        i["key"]
        for s in version.definition["sections"]
        if s.get("audience", "all") == "all"
        for i in s["items"]
        if i["type"] == "likert"
    ]
    for n in range(6):
        person = user_model.objects.create(email=f"p{n}-{title}@test.org", full_name=f"P{n}")
        Membership.objects.create(
            user=person,
            organisation=org,
            confirmed_at=now - datetime.timedelta(days=100),
            confirmed_by=admin,
        )
        Participation.objects.create(
            round=round, user=person, organisation=org, submitted=n < answering
        )
        if n >= answering:
            continue
        answers = dict.fromkeys(likert, 4)
        if n == 0:
            answers[likert[0]] = "dont_know"
        response = Response.objects.create(version=version, answers=answers, submitted=True)
        for domain in {d["key"] for d in version.definition["domains"] if d["key"][:3] != "ns_"}:
            ResponseScore.objects.create(response=response, domain=domain, score=75.0)
        RoundResponse.objects.create(
            round=round, response=response, is_security=True, sector="police"
        )
    return round


@pytest.fixture
def newest_afterwards(transactional_db: None) -> Any:
    """Whatever happens in the test, the database ends at the newest migrations."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.usefixtures("newest_afterwards")
def test_old_rounds_get_groups_counts_and_tallies_or_lose_answers_too_few_to_show() -> None:
    old = _migrate(BEFORE)
    enough = _closed_round(old, answering=5, title="enough")
    few = _closed_round(old, answering=3, title="few")
    new = _migrate(AFTER)
    Round = new.get_model("diagnostics", "Round")
    Participation = new.get_model("diagnostics", "Participation")
    RoundResponse = new.get_model("diagnostics", "RoundResponse")
    Tally = new.get_model("diagnostics", "StatementTally")

    kept = Round.objects.get(pk=enough.pk)
    assert kept.has_results and kept.min_respondents == 5
    invitations = Participation.objects.filter(round=kept)
    assert all(p.counted and p.is_security and p.sector == "police" for p in invitations)
    assert RoundResponse.objects.filter(round=kept).count() == 5
    tallies = {t.item: t.answered for t in Tally.objects.filter(round=kept)}
    assert tallies["purpose_1"] == 4  # one "don't know" is no answer
    assert all(n == 5 for k, n in tallies.items() if k != "purpose_1")

    gone = Round.objects.get(pk=few.pk)
    assert not gone.has_results
    assert not RoundResponse.objects.filter(round=gone).exists()
    assert not Tally.objects.filter(round=gone).exists()
