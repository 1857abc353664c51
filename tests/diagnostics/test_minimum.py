"""The minimum of counted respondents (issue 9): the coordinator's attack and what stops it.

A coordinator who administers an organisation added a puppet, watched who answered, answered as
the puppet and as themself and closed the round early on three answer sets: the team mean minus
the two known ones gave the target's scores. Now the invitations are fixed at opening, only
members vouched for by someone else count, results need five counted answers in every group and
per statement, and while open nobody sees who has answered.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from icommit.access.roles import TeamRole
from icommit.accounts.models import User
from icommit.core.exceptions import Conflict, Forbidden
from icommit.diagnostics import reports, services
from icommit.diagnostics.models import Draft, Participation, Round, RoundResponse
from icommit.instruments.engine import load_yaml
from icommit.instruments.models import InstrumentVersion
from icommit.instruments.services import version_store
from icommit.stakeholders import services as stakeholders
from icommit.stakeholders.models import OrganisationMembership
from icommit.stakeholders.sectors import Sector
from icommit.teams import services as teams
from icommit.teams.models import TeamMembership
from tests.conftest import World
from tests.diagnostics.conftest import (
    ClientFor,
    Crew,
    answers_at,
    close,
    close_by_date,
    join,
    open_round,
    submit,
    text_of,
    vouch,
)
from tests.factories import OrganisationFactory, UserFactory

SEVEN = """
format: icommit-instrument/1
key: strict-diagnostics
version: 1
kind: diagnostics
languages: [en]
title: {en: Strict team check}
scales:
  agree5:
    choices:
      - {value: 1, label: {en: "Strongly disagree"}}
      - {value: 2, label: {en: "Disagree"}}
      - {value: 3, label: {en: "Neither"}}
      - {value: 4, label: {en: "Agree"}}
      - {value: 5, label: {en: "Strongly agree"}}
domains:
  - {key: purpose, title: {en: Purpose}}
scoring:
  method: mean
  min_answered: 0.5
  min_respondents: 7
  bands:
    - {key: low, label: {en: Low}, below: 50}
    - {key: high, label: {en: High}}
sections:
  - key: main
    title: {en: The team}
    items:
      - {key: goal, type: likert, scale: agree5, domain: purpose, text: {en: "We share one goal."}}
"""


def _api(team_pk: int, path: str = "") -> str:
    return f"/api/v1/teams/{team_pk}/diagnostics{path}"


def _membership(person: User) -> OrganisationMembership:
    return OrganisationMembership.objects.get(user=person, ended_at__isnull=True)


# --- the attack of issue 9 -------------------------------------------------------------------


def _puppet(world: World) -> User:
    """The coordinator, administrator of the municipality, adds a person whose mailbox they
    control: confirmed at once (by the coordinator), and a member of the team."""
    puppet = UserFactory(email="puppet@test.org", full_name="Pat Puppet")
    with transaction.atomic():
        stakeholders.membership_add(
            actor=world.coordinator, organisation=world.municipality, user=puppet
        )
        teams.team_member_add(
            actor=world.coordinator,
            team=world.team,
            user=puppet,
            organisation=world.municipality,
            role=TeamRole.MEMBER,
        )
    return puppet


def test_the_coordinators_puppet_attack_ends_without_results(
    world: World, client_for: ClientFor
) -> None:
    vouch(world.coordinator, world.member)
    target = world.member  # police
    others = join(world.team, OrganisationFactory(sector=Sector.SOCIAL_SERVICES), 3)
    puppet = _puppet(world)
    round = open_round(world.coordinator, world.team)
    invited = {p.user_id: p for p in Participation.objects.filter(round=round)}
    assert set(invited) == {world.coordinator.pk, target.pk, puppet.pk, *(p.pk for p in others)}
    assert not invited[puppet.pk].counted  # confirmed by the opener, and only just now
    assert all(p.counted for pk, p in invited.items() if pk != puppet.pk)

    # the target answers: the coordinator cannot see that it was the target, or the police
    submit(round, [target], 1)
    client = client_for(world.coordinator)
    detail = client.get(_api(world.team.pk, f"/rounds/{round.pk}")).json()
    assert (detail["answered"], detail["rates"]) == (1, [])
    page = text_of(
        client.get(reverse("diagnostics:round", args=(world.team.pk, round.pk))).content.decode()
    )
    assert "1 of 6 invited members have answered." in page
    assert "Police" not in page and target.full_name not in page

    # answering as the puppet and as themself, then closing early on three answer sets
    submit(round, [world.coordinator, puppet], 5)
    with pytest.raises(Conflict) as refused:
        close(round, world.coordinator)
    assert "cannot be closed early: results need at least 5 answers" in refused.value.message
    response = client.post(
        _api(world.team.pk, f"/rounds/{round.pk}/close"), content_type="application/json"
    )
    assert response.status_code == 409
    round.refresh_from_db()
    assert round.closed_at is None

    # by its date the round closes without results, and the three answer sets are gone
    closed = close_by_date(round)
    assert closed.closed_at is not None and not closed.has_results
    assert not RoundResponse.objects.filter(round=round).exists()
    results = client.get(_api(world.team.pk, f"/rounds/{round.pk}/results")).json()
    assert results["has_results"] is False and results["respondents"] == 0
    assert all(d["team"] is None and d["groups"] == {} for d in results["dimensions"])
    assert "fewer than 5 answers from invitees who count" in results["withheld_reason"]


def test_a_puppet_added_after_opening_is_not_invited(crew: Crew) -> None:
    round = open_round(crew.coordinator, crew.team)
    puppet = _puppet(crew.world)
    assert not Participation.objects.filter(round=round, user=puppet).exists()
    with pytest.raises(Forbidden), transaction.atomic():
        services.response_submit(actor=puppet, round=round, answers={"purpose_1": 5})


def test_turning_the_others_into_observers_leaves_too_few_to_open_a_round(
    world: World, client_for: ClientFor
) -> None:
    vouch(world.coordinator, world.member)
    others = join(world.team, OrganisationFactory(sector=Sector.SOCIAL_SERVICES), 4)
    with transaction.atomic():
        for person in others:
            membership = TeamMembership.objects.get(team=world.team, user=person, ended_at=None)
            teams.team_member_set_role(
                actor=world.coordinator, membership=membership, role=TeamRole.OBSERVER
            )
    with pytest.raises(Conflict) as refused:
        open_round(world.coordinator, world.team)
    assert refused.value.message.startswith(
        "Only 2 members of the team count towards this questionnaire's minimum of 5 answers"
    )
    assert not Round.objects.exists()


# --- who counts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "confirmer", "counted"),
    [
        (14, "someone else", True),
        (13, "someone else", False),
        (400, "the opener", False),
        (400, "themself", False),
        (400, "nobody on record", False),
    ],
)
def test_an_invitee_counts_only_if_someone_else_confirmed_them_14_days_before(
    crew: Crew, days: int, confirmer: str, counted: bool
) -> None:
    by = {
        "someone else": UserFactory(),
        "the opener": crew.coordinator,
        "themself": crew.teacher,
        "nobody on record": None,
    }[confirmer]
    OrganisationMembership.objects.filter(pk=_membership(crew.teacher).pk).update(
        confirmed_at=timezone.now() - datetime.timedelta(days=days), confirmed_by=by
    )
    join(crew.team, crew.social, 1)  # six others count, so the round opens either way
    round = open_round(crew.coordinator, crew.team)
    assert Participation.objects.get(round=round, user=crew.teacher).counted is counted


def test_the_opening_page_says_how_many_count_before_a_round_can_be_opened(
    crew: Crew, client_for: ClientFor
) -> None:
    vouch(crew.teacher, *crew.social_workers, days=3)  # recently confirmed: do not count yet
    client = client_for(crew.coordinator)
    url = reverse("diagnostics:round_open", args=(crew.team.pk,))
    page = text_of(client.get(url).content.decode())
    assert "Opening the round now invites 6 members" in page
    assert "3 of them count towards the minimum of answers" in page
    assert "a round cannot be opened yet" in page
    response = client.post(
        url,
        {
            "title": "Spring",
            # the form offers the newest published version
            "version": str(
                InstrumentVersion.objects.filter(instrument__key="msc-diagnostics")
                .order_by("-number")
                .values_list("pk", flat=True)
                .first()
            ),
            "closes_on": (services.today() + datetime.timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert "Only 3 members of the team count" in text_of(response.content.decode())
    assert not Round.objects.exists()
    api = client.get(_api(crew.team.pk, "/invitees")).json()
    assert (api["invited"], api["counted"]) == (6, 3)


def test_an_instrument_may_ask_for_more_than_five(crew: Crew) -> None:
    with transaction.atomic():
        version, _ = version_store(
            actor=None, definition=load_yaml(SEVEN, source="seven.yaml"), origin="imported"
        )
    assert isinstance(version, InstrumentVersion)
    with pytest.raises(Conflict) as refused:
        open_round(crew.coordinator, crew.team, version=version)
    assert "Only 6 members" in refused.value.message and "minimum of 7" in refused.value.message
    join(crew.team, crew.social, 1)
    round = open_round(crew.coordinator, crew.team, version=version)
    assert round.min_respondents == 7


# --- closing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("uncounted_answered", [0, 2])
def test_closing_early_is_judged_without_telling_whether_uncounted_invitees_answered(
    crew: Crew, uncounted_answered: int
) -> None:
    newcomers = join(crew.team, crew.social, 2, counted=False)
    round = open_round(crew.coordinator, crew.team)
    counted = crew.respondents[: 5 - uncounted_answered]
    submit(round, [*counted, *newcomers[:uncounted_answered]], 3)
    # five answers either way, two invitees who do not count: the same refusal for both
    with pytest.raises(Conflict):
        close(round, crew.coordinator)
    waiting = Participation.objects.filter(round=round, submitted=False).values_list("user_id")
    submit(round, User.objects.filter(pk__in=waiting), 3)  # eight answers, two may not count
    closed = close(round, crew.coordinator)
    assert closed.has_results


def test_closing_by_date_below_the_minimum_discards_answers_and_drafts(crew: Crew) -> None:
    round = open_round(crew.coordinator, crew.team)
    submit(round, crew.respondents[:4], 3)
    with transaction.atomic():
        services.response_save(actor=crew.teacher, round=round, answers={"purpose_1": 2})
    assert services.rounds_close_due(services.today() + datetime.timedelta(days=30)) == 1
    round.refresh_from_db()
    assert round.closed_at is not None and not round.has_results
    assert not RoundResponse.objects.exists() and not Draft.objects.exists()
    assert Participation.objects.filter(round=round, submitted=True).count() == 4
    report = reports.round_report(user=crew.coordinator, round=round, lang="en")
    assert report.withheld and not report.results.shown


# --- every number rests on five real answers per statement -------------------------------------


def test_a_dont_know_that_leaves_four_real_answers_hides_that_side_of_the_dimension(
    world: World, client_for: ClientFor
) -> None:
    vouch(world.coordinator, world.member)
    police = join(world.team, OrganisationFactory(sector=Sector.POLICE), 5)
    social = join(world.team, OrganisationFactory(sector=Sector.SOCIAL_SERVICES), 5)
    round = open_round(world.coordinator, world.team)
    definition = round.version.parsed
    trust = [i.key for i in definition.items() if i.domain == "trust"]
    for n, person in enumerate(police):
        answers = answers_at(definition, audience="security", level=4)
        if n == 0:
            answers[trust[0]] = "dont_know"  # still scored in trust, from its other statements
        with transaction.atomic():
            services.response_submit(actor=person, round=round, answers=answers)
    submit(round, social, 2)
    close(round, world.coordinator)
    body = client_for(world.member).get(_api(world.team.pk, f"/rounds/{round.pk}/results"))
    dims = {d["key"]: d for d in body.json()["dimensions"]}
    assert set(dims["purpose"]["groups"]) >= {"all", "security", "non_security"}
    assert dims["purpose"]["divergence"] == 50.0
    # trust: 5 security members scored, but only 4 gave its first statement a real answer
    assert set(dims["trust"]["groups"]) == {"all"} and dims["trust"]["divergence"] is None
    assert dims["trust"]["team"] == 50.0


# --- the team's history ------------------------------------------------------------------------


def test_the_team_history_never_shows_who_took_part_or_when(
    crew: Crew, client_for: ClientFor
) -> None:
    round = open_round(crew.coordinator, crew.team)
    submit(round, [crew.teacher, crew.probation_officer], 3)
    client = client_for(crew.coordinator)
    url = reverse("teams:history", args=(crew.team.pk,))
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        page = text_of(response.content.decode())
        assert "diagnostics.round.opened" in page  # the panel does list the round
        assert "diagnostics.round.participated" not in page
        assert crew.teacher.full_name not in page and crew.probation_officer.full_name not in page
    # the platform audit log (administrators, data-protection officer) still has the record
    audit = text_of(client_for(crew.world.admin).get(reverse("web:audit")).content.decode())
    # the audit log names events by their labels
    assert "Answered the questionnaire of a diagnostics round" in audit


def test_the_opening_page_says_at_once_that_a_round_is_already_open(
    crew: Crew, client_for: ClientFor
) -> None:
    round = open_round(crew.coordinator, crew.team, title="Autumn")
    client = client_for(crew.coordinator)
    url = reverse("diagnostics:round_open", args=(crew.team.pk,))
    body = client.get(url).content.decode()
    page = text_of(body)
    assert "The team already has an open round, “Autumn”" in page
    assert reverse("diagnostics:round", args=(crew.team.pk, round.pk)) in body
    assert 'name="title"' not in body  # no form to fill in before being told
