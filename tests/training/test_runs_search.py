# ruff: noqa: F811  (the fixture rw imported from runs_world is a parameter of the tests)
"""Whom a run's trainer finds to enrol: by name only the people already linked to the run
(members of its team, people who asked to join it), anyone else only by their exact e-mail
address; e-mail addresses are shown only for that exact search. A coordinator still picks from
the team's members."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from icommit.accounts.models import User
from icommit.training import services
from icommit.training.models import Enrolment, EnrolmentStatus, Run
from icommit.training.selectors_runs import people_to_enrol
from tests.factories import OrganisationFactory, UserFactory, team_member
from tests.training.runs_world import MSC, RunsWorld, rw  # noqa: F401  (the fixture, used by name)

pytestmark = pytest.mark.django_db


def _found(actor: User, run: Run, query: str) -> set[User]:
    return set(people_to_enrol(actor=actor, run=run, query=query).people)


def _asks_to_join(rw: RunsWorld, person: User) -> Enrolment:
    rw.run.open_for_requests = True
    rw.run.save()
    with transaction.atomic():
        return services.join_request(actor=person, run=rw.run, note="")


def test_a_trainer_finds_nobody_by_a_part_of_an_address(rw: RunsWorld) -> None:
    # the finding: "example.org" listed every account of that domain with its address
    for query in ("example.org", "@example.org", "otto@", "xample", "otto@example"):
        offer = people_to_enrol(actor=rw.trainer, run=rw.run, query=query)
        assert offer.people == [], query


def test_a_trainer_finds_by_name_only_people_linked_to_the_run(rw: RunsWorld) -> None:
    assert _found(rw.trainer, rw.run, "otto") == set()  # no link to R
    assert _found(rw.trainer, rw.run, "mara") == {rw.member}  # a member of R's team
    assert _found(rw.trainer, rw.run, "member") == {rw.member}
    offer = people_to_enrol(actor=rw.trainer, run=rw.run, query="mara")
    assert not offer.emails
    stranger = UserFactory(full_name="Mara Stranger")
    assert stranger not in _found(rw.trainer, rw.run, "mara")


def test_a_trainer_finds_by_name_the_people_who_asked_to_join(rw: RunsWorld) -> None:
    asked = _asks_to_join(rw, rw.outsider)
    assert _found(rw.trainer, rw.run, "otto") == {rw.outsider}
    # a declined request still links the person to R (the run page lists them)
    with transaction.atomic():
        services.join_decide(actor=rw.trainer, enrolment=asked, accept=False)
    assert _found(rw.trainer, rw.run, "otto") == {rw.outsider}


def test_a_trainer_finds_anyone_active_by_their_exact_address_and_sees_it(
    rw: RunsWorld,
) -> None:
    for query in ("otto@example.org", "OTTO@Example.ORG", "  otto@example.org "):
        offer = people_to_enrol(actor=rw.trainer, run=rw.run, query=query)
        assert offer.people == [rw.outsider] and offer.emails, query
    # the enrolled learner is not offered again, and a deactivated account not at all
    assert _found(rw.trainer, rw.run, "lena@example.org") == set()
    gone = UserFactory(email="gone@example.org", is_active=False)
    assert gone not in _found(rw.trainer, rw.run, "gone@example.org")


def test_a_run_without_a_team_links_only_those_who_asked_to_join(rw: RunsWorld) -> None:
    today = timezone.localdate()
    with transaction.atomic():
        run = services.run_create(
            actor=rw.trainer,
            course=MSC,
            title="Open course",
            city="Kiel",
            language="en",
            starts_on=today,
            ends_on=today + datetime.timedelta(days=30),
            open_for_requests=True,
        )
    assert _found(rw.trainer, run, "mara") == set()  # R's team is not this run's
    with transaction.atomic():
        services.join_request(actor=rw.member, run=run, note="")
    assert _found(rw.trainer, run, "mara") == {rw.member}
    assert _found(rw.trainer, run, "otto@example.org") == {rw.outsider}


def test_an_administrator_finds_people_by_the_same_rules(rw: RunsWorld) -> None:
    assert _found(rw.admin, rw.run, "otto") == set()
    assert _found(rw.admin, rw.run, "example.org") == set()
    assert _found(rw.admin, rw.run, "otto@example.org") == {rw.outsider}
    assert _found(rw.admin, rw.run, "mara") == {rw.member}


def test_a_name_search_shows_twenty_of_the_linked_people_at_most(rw: RunsWorld) -> None:
    org = OrganisationFactory(name="School")
    for n in range(25):
        team_member(rw.team, UserFactory(full_name=f"Sam Searchable {n}"), org)
    offer = people_to_enrol(actor=rw.trainer, run=rw.run, query="searchable")
    assert len(offer.people) == 20 and not offer.emails
    assert people_to_enrol(actor=rw.trainer, run=rw.run, query="Sa").too_short


def test_a_coordinator_still_picks_from_the_teams_members_without_addresses(
    rw: RunsWorld,
) -> None:
    offer = people_to_enrol(actor=rw.coordinator, run=rw.run, query="otto@example.org")
    assert offer.mode == "team" and not offer.emails
    assert set(offer.people) == {rw.coordinator, rw.member}
    with transaction.atomic():
        (done,) = services.enrol(actor=rw.coordinator, run=rw.run, learner_ids=[rw.member.pk])
    assert done.status == EnrolmentStatus.ENROLLED
