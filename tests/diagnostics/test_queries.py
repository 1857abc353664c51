"""Query counts stay flat: a round of 60 respondents costs what a round of 5 costs."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from icommit.access.roles import TeamRole
from icommit.accounts.models import User
from icommit.diagnostics.models import Round
from icommit.stakeholders.sectors import Sector
from icommit.teams.models import Team
from tests.diagnostics.conftest import (
    ClientFor,
    close,
    close_by_date,
    join,
    open_round,
    submit,
    vouch,
)
from tests.factories import OrganisationFactory, TeamFactory, UserFactory, team_member

#: Upper bounds, so a constant but wasteful page is caught too.
RESULTS_CEILING = 20
ROUND_CEILING = 15
ROUNDS_CEILING = 15


@dataclass
class Sized:
    team: Team
    coordinator: User
    round: Round


def _round_of(n: int) -> Sized:
    """A team of ``n`` respondents from four organisations, a third of them security members."""
    team = TeamFactory()
    social = OrganisationFactory(sector=Sector.SOCIAL_SERVICES)
    coordinator = UserFactory()
    team_member(team, coordinator, social, TeamRole.COORDINATOR)
    vouch(coordinator)
    police = OrganisationFactory(sector=Sector.POLICE)
    probation = OrganisationFactory(sector=Sector.PROBATION)
    school = OrganisationFactory(sector=Sector.SCHOOL)
    security = n // 3
    people = [
        coordinator,
        *join(team, police, security - security // 2),
        *join(team, probation, security // 2),
        *join(team, social, (n - 1 - security) // 2),
    ]
    people += join(team, school, n - len(people))
    round = open_round(coordinator, team)
    for i, person in enumerate(people):
        submit(round, [person], 1 + i % 5, part_level=1 + (i * 2) % 5)
    return Sized(team, coordinator, round)


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_round_page_and_the_results_cost_the_same_for_5_and_60_respondents(
    db: None, client_for: ClientFor, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    small, large = _round_of(5), _round_of(60)
    assert large.round.responses.count() == 60
    pages = {}
    for sized in (small, large):
        client = client_for(sized.coordinator)
        args = (sized.team.pk, sized.round.pk)
        pages[sized.round.pk] = (
            client,
            reverse("diagnostics:round", args=args),
            reverse("diagnostics:results", args=args),
        )
    # the response rate, while the rounds are open
    client, url, _ = pages[small.round.pk]
    client.get(url)  # warm the caches that do not depend on the round
    round_queries = _count(client, url)
    assert round_queries <= ROUND_CEILING
    client, url, _ = pages[large.round.pk]
    with django_assert_num_queries(round_queries):
        assert client.get(url).status_code == 200
    # the results, once closed
    for sized in (small, large):
        close(sized.round, sized.coordinator)
    client, _, url = pages[small.round.pk]
    client.get(url)
    results_queries = _count(client, url)
    assert results_queries <= RESULTS_CEILING
    client, _, url = pages[large.round.pk]
    with django_assert_num_queries(results_queries):
        response = client.get(url)
    assert "60" in response.content.decode()


def test_the_rounds_list_costs_the_same_for_one_and_four_rounds(
    db: None, client_for: ClientFor, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    teams = []
    for rounds in (1, 4):
        team = TeamFactory()
        coordinator = UserFactory()
        organisation = OrganisationFactory()
        team_member(team, coordinator, organisation, TeamRole.COORDINATOR)
        join(team, organisation, 5)
        for n in range(rounds):
            round = open_round(coordinator, team, title=f"Round {n}")
            if n < rounds - 1:
                close_by_date(round)
        teams.append((team, coordinator))
    counts = []
    for team, coordinator in teams:
        client = client_for(coordinator)
        url = reverse("diagnostics:rounds", args=(team.pk,))
        client.get(url)  # the first request of a session does more; pages are compared warm
        counts.append(_count(client, url))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(ROUNDS_CEILING):
        assert client.get(url).status_code == 200


#: "Into the plan" from one recommendation: the form page, and the goal it creates (two audit
#: events of five queries each; 37 on PostgreSQL). Before the direct lookup: 17 and 36 on
#: SQLite with no previous round, plus the previous round's aggregates where there was one,
#: and both charts drawn each time.
RECOMMENDATION_CEILINGS = (16, 38)


def test_a_recommendation_into_the_plan_costs_the_same_for_5_and_60_respondents(
    db: None, client_for: ClientFor
) -> None:
    from icommit.diagnostics import reports
    from icommit.plans.models import Goal, PlanLink

    counts = []
    for n in (5, 60):
        sized = _round_of(n)
        close(sized.round, sized.coordinator)
        report = reports.round_report(user=sized.coordinator, round=sized.round, lang="en")
        advice = report.with_advice[0].advice[0]
        # the one recommendation costs less than the whole report (two rounds of aggregates,
        # both charts) that building it used to take
        with CaptureQueriesContext(connection) as whole:
            reports.round_report(user=sized.coordinator, round=sized.round, lang="en")
        with CaptureQueriesContext(connection) as one:
            found = reports.recommendation_of(
                round=sized.round, domain=advice.domain, index=advice.index, lang="en"
            )
        assert found == advice
        assert len(one) < len(whole)
        client = client_for(sized.coordinator)
        url = reverse(
            "diagnostics:recommendation_plan",
            args=(sized.team.pk, sized.round.pk, advice.domain, advice.index),
        )
        client.get(url)  # the first request of a session does more; pages are compared warm
        form = _count(client, url)
        with CaptureQueriesContext(connection) as created:
            response = client.post(url, {"kind": "goal", "goal-title": "Agree our purpose"})
        assert response.status_code == 302
        goal = Goal.objects.get(team=sized.team)
        assert PlanLink.objects.get(goal=goal).source_id == advice.source_ref
        counts.append((form, len(created)))
    assert counts[0] == counts[1]
    assert all(c <= most for c, most in zip(counts[0], RECOMMENDATION_CEILINGS, strict=True)), (
        counts
    )
