# ruff: noqa: F811  (the fixture pw imported from people_world is a test parameter)
"""The people pages: registration (no password asked; the same answer for a known address, the
per-address limit, bad input named), activation where the owner of the address chooses the
password (a bad one answered 422, naming what is wrong, nothing changed), an organisation
administrator adding the address of a registration nobody activated, the trainers' list of
external learners with approval and decline, a team's coverage (flat query counts) and its
certification gate (a security sector refused by name)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from icommit.accounts.models import User
from icommit.training import selectors, services, services_people
from icommit.training.models import GateSector, LearnerAccount
from tests.conftest import verified_client
from tests.factories import UserFactory, member_of
from tests.training.people_world import (
    STRONG,
    PeopleWorld,
    mails_to,
    pw,  # noqa: F401
    register,
    token_of,
)

pytestmark = pytest.mark.django_db


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "full_name": "Lea Learner",
        "email": "lea@example.org",
        "organisation": "Counselling practice Weber",
        "sector": "civil_society",
        "note": "",
        "consent": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def fresh_limits() -> None:
    cache.clear()


def test_the_registration_page_offers_no_security_sector(client: Client) -> None:
    page = client.get(reverse("training:register"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="civil_society"' in html
    assert 'value="police"' not in html and 'value="probation"' not in html
    assert "How your training data are used" in html


def test_the_registration_page_asks_for_no_password(client: Client) -> None:
    html = client.get(reverse("training:register")).content.decode()
    assert 'type="password"' not in html
    # a password sent along anyway is not taken
    client.post(reverse("training:register"), {**_form(), "password": STRONG})
    user = User.objects.get(email="lea@example.org")
    assert not user.is_active and not user.has_usable_password()


def test_registering_answers_the_same_for_a_new_and_a_known_address(
    client: Client, pw: PeopleWorld
) -> None:
    new = client.post(reverse("training:register"), _form())
    assert new.status_code == 302 and new["Location"] == reverse("training:registered")
    assert LearnerAccount.objects.filter(user__email="lea@example.org").exists()
    users = User.objects.count()
    known = client.post(
        reverse("training:register"), _form(email=pw.coordinator.email, full_name="Mallory")
    )
    assert known.status_code == 302 and known["Location"] == new["Location"]
    assert User.objects.count() == users
    assert mails_to(pw.coordinator.email) == []
    done = client.get(new["Location"])
    assert done.status_code == 200
    assert "we will be in touch" in done.content.decode()


def test_bad_input_is_shown_by_the_field_and_nothing_is_created(client: Client) -> None:
    page = client.post(
        reverse("training:register"),
        _form(consent=""),
    )
    assert page.status_code == 422
    form = page.context["form"]
    assert "consent" in form.errors
    assert not User.objects.exists()


def test_an_empty_registration_names_each_missing_field(client: Client) -> None:
    page = client.post(reverse("training:register"), {})
    assert page.status_code == 422
    errors = page.context["form"].errors
    assert errors["full_name"] == ["Give your full name."]
    assert errors["email"] == ["Give your e-mail address."]
    assert errors["organisation"] == ["Give the organisation you work for."]
    assert errors["sector"] == ["Choose your organisation's sector."]
    assert not User.objects.exists()


def test_a_crafted_security_sector_is_refused(client: Client) -> None:
    page = client.post(reverse("training:register"), _form(sector="police"))
    assert page.status_code == 422
    assert "sector" in page.context["form"].errors
    assert not User.objects.exists()


def test_registration_is_limited_per_address(client: Client) -> None:
    for n in range(services_people.REGISTER_LIMIT):
        client.post(reverse("training:register"), _form(email=f"p{n}@example.org"))
    page = client.post(reverse("training:register"), _form(email="one-more@example.org"))
    assert page.status_code == 429
    assert "Too many registrations" in page.content.decode()
    assert not User.objects.filter(email="one-more@example.org").exists()


def test_a_signed_in_person_is_sent_to_the_training(pw: PeopleWorld) -> None:
    page = verified_client(pw.youth_worker).get(reverse("training:register"))
    assert page.status_code == 302 and page["Location"] == reverse("training:home")


def _activation_path(pw: PeopleWorld) -> tuple[LearnerAccount, str]:
    account = register()
    with transaction.atomic():
        services_people.learner_approve(actor=pw.trainer, account=account)
    (mail,) = mails_to("lea@example.org")
    url = re.search(r"https?://\S+/training/activate/\S+", mail.body)
    assert url is not None
    return account, "/training/activate/" + token_of(url.group(0)) + "/"


def test_the_activation_page_asks_for_the_password_before_it_activates(
    client: Client, pw: PeopleWorld
) -> None:
    account, path = _activation_path(pw)
    page = client.get(path)
    assert page.status_code == 200
    assert page.content.decode().count('type="password"') == 2
    assert not User.objects.get(pk=account.user_id).is_active  # a look activates nothing
    answer = client.post(path, {"password": STRONG, "password_again": STRONG})
    assert answer.status_code == 302 and answer["Location"] == reverse("accounts:login")
    user = User.objects.get(pk=account.user_id)
    assert user.is_active and user.check_password(STRONG)
    again = client.post(path, {"password": "mine now, a long phrase", "password_again": "x"})
    assert again.status_code == 200
    assert "not valid any more" in again.content.decode()
    assert User.objects.get(pk=account.user_id).check_password(STRONG)
    signed_in = client.post(
        reverse("accounts:login"), {"username": "lea@example.org", "password": STRONG}
    )
    assert signed_in.status_code == 302


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({}, "password", "Choose a password"),
        ({"password": "short", "password_again": "short"}, "password", "too short"),
        ({"password": STRONG, "password_again": STRONG + "?"}, "password_again", "differ"),
    ],
)
def test_a_bad_password_answers_422_naming_it_and_changes_nothing(
    client: Client, pw: PeopleWorld, data: dict[str, str], field: str, words: str
) -> None:
    account, path = _activation_path(pw)
    page = client.post(path, data)
    assert page.status_code == 422
    form = page.context["form"]
    assert words in " ".join(form.errors[field])
    assert words in page.content.decode()
    user = User.objects.get(pk=account.user_id)
    assert not user.is_active and not user.has_usable_password()
    good = client.post(path, {"password": STRONG, "password_again": STRONG})
    assert good.status_code == 302  # the link still works


def test_an_expired_link_offers_a_new_one_and_sends_it_only_when_asked(
    client: Client, pw: PeopleWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = register()
    with transaction.atomic():
        services_people.learner_approve(actor=pw.trainer, account=account)
    with monkeypatch.context() as patched:
        patched.setattr("django.core.signing.time.time", lambda: 1_000_000_000.0)
        path = reverse(
            "training:activate",
            args=[token_of(services_people.activation_link(account.user))],
        )
    page = client.get(path)
    assert page.status_code == 200 and "This link has expired" in page.content.decode()
    assert len(mails_to("lea@example.org")) == 1  # a look sends nothing
    sent = client.post(path)
    assert "We have sent a new one" in sent.content.decode()
    assert len(mails_to("lea@example.org")) == 2
    assert not User.objects.get(pk=account.user_id).is_active


def test_an_organisation_adding_the_address_gets_a_fresh_account_not_the_registration(
    pw: PeopleWorld,
) -> None:
    """A stranger registered the address; adding it to an organisation hands none of it on."""
    account = register(email="victim@police.example", full_name="Mallory")
    boss = UserFactory()
    member_of(boss, pw.police, admin=True)
    answer = verified_client(boss).post(
        reverse("stakeholders:member_add", args=[pw.police.pk]),
        {"email": "victim@police.example", "full_name": "Vera Victim"},
    )
    assert answer.status_code in (200, 302)
    user = User.objects.get(pk=account.user_id)
    assert user.is_active and not user.has_usable_password() and user.full_name == "Vera Victim"
    assert not LearnerAccount.objects.filter(pk=account.pk).exists()
    assert "/accounts/set-password/" in mails_to("victim@police.example")[-1].body


def test_a_trainer_approves_and_declines_from_the_list(pw: PeopleWorld) -> None:
    first = register()
    second = register(email="max@example.org", full_name="Max Mustermann")
    trainer = verified_client(pw.trainer)
    page = trainer.get(reverse("training:learners"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Lea Learner" in html and "Max Mustermann" in html
    assert trainer.post(reverse("training:learner_approve", args=[first.pk])).status_code == 302
    assert trainer.post(reverse("training:learner_decline", args=[second.pk])).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.approved_by == pw.trainer and second.declined_at is not None
    assert "No registration waits" in trainer.get(reverse("training:learners")).content.decode()
    approved = trainer.get(reverse("training:learners") + "?state=approved").content.decode()
    assert "Lea Learner" in approved and "activation link not used yet" in approved
    # deciding twice says why, changes nothing
    again = trainer.post(reverse("training:learner_approve", args=[second.pk]), follow=True)
    assert "already decided" in again.content.decode()
    second.refresh_from_db()
    assert second.approved_at is None


@pytest.mark.parametrize("who", ["coordinator", "youth_worker", "outsider"])
def test_only_trainers_see_the_list(pw: PeopleWorld, who: str) -> None:
    account = register()
    client = verified_client(getattr(pw, who))
    assert client.get(reverse("training:learners")).status_code == 403
    approve = client.post(reverse("training:learner_approve", args=[account.pk]))
    assert approve.status_code == 403
    account.refresh_from_db()
    assert account.approved_at is None


def test_the_list_of_learners_is_paginated_in_flat_queries(pw: PeopleWorld) -> None:
    trainer = verified_client(pw.trainer)
    trainer.get(reverse("training:learners"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert trainer.get(reverse("training:learners")).status_code == 200
        return len(queries)

    for n in range(3):
        register(email=f"a{n}@example.org", full_name=f"A {n}")
    few = count()
    for n in range(27):
        register(email=f"b{n}@example.org", full_name=f"B {n}")
    assert count() == few
    second = trainer.get(reverse("training:learners") + "?page=2")
    assert second.context["page_obj"].number == 2


def test_the_coordinator_sees_each_members_certified_until(pw: PeopleWorld) -> None:
    certificate = pw.certify(pw.youth_worker)
    page = verified_client(pw.coordinator).get(reverse("training:coverage", args=[pw.team.pk]))
    assert page.status_code == 200
    lines = {line.row.name: line.row for line in page.context["lines"]}
    assert lines["Yara Youth"].certified
    assert lines["Yara Youth"].certified_until == certificate.valid_until
    assert not lines["Sami Social"].certified and lines["Sami Social"].certified_until is None
    assert lines["Yara Youth"].runs == 1
    html = page.content.decode()
    assert "Youth office Kiel" in html and "Youth welfare" in html


@pytest.mark.parametrize(("who", "status"), [("youth_worker", 403), ("outsider", 404)])
def test_members_and_outsiders_see_no_coverage(pw: PeopleWorld, who: str, status: int) -> None:
    client = verified_client(getattr(pw, who))
    assert client.get(reverse("training:coverage", args=[pw.team.pk])).status_code == status
    assert client.get(reverse("training:gate", args=[pw.team.pk])).status_code == status


def test_the_coverage_page_runs_the_same_queries_for_3_and_12_members(pw: PeopleWorld) -> None:
    coordinator = verified_client(pw.coordinator)
    url = reverse("training:coverage", args=[pw.team.pk])
    coordinator.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert coordinator.get(url).status_code == 200
        return len(queries)

    pw.certify(pw.youth_worker)
    few = count()  # the coordinator and three members
    for n in range(8):
        member = pw.member(pw.social if n % 2 else pw.youth, name=f"Member {n}")
        if n % 3 == 0:
            pw.certify(member)
    assert count() == few


def test_the_team_page_links_the_training_for_its_coordinators(pw: PeopleWorld) -> None:
    url = reverse("training:coverage", args=[pw.team.pk])
    team_page = reverse("teams:detail", args=[pw.team.pk])
    assert url in verified_client(pw.coordinator).get(team_page).content.decode()
    assert url not in verified_client(pw.youth_worker).get(team_page).content.decode()


def test_the_coordinator_sets_the_gate(pw: PeopleWorld) -> None:
    coordinator = verified_client(pw.coordinator)
    url = reverse("training:gate", args=[pw.team.pk])
    page = coordinator.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="youth_welfare"' in html and 'value="police"' not in html
    saved = coordinator.post(url, {"sectors": ["youth_welfare", "social_services"]})
    assert saved.status_code == 302
    assert sorted(selectors.gate_sectors(pw.team)) == ["social_services", "youth_welfare"]
    coverage = coordinator.get(saved["Location"]).content.decode()
    assert "Youth welfare" in coverage and "gate applies" in coverage
    cleared = coordinator.post(url, {})
    assert cleared.status_code == 302 and selectors.gate_sectors(pw.team) == []


def test_a_crafted_security_sector_is_refused_by_name_and_nothing_changes(
    pw: PeopleWorld,
) -> None:
    with transaction.atomic():
        services.gate_set(actor=pw.coordinator, team=pw.team, sectors=["youth_welfare"])
    coordinator = verified_client(pw.coordinator)
    url = reverse("training:gate", args=[pw.team.pk])
    page = coordinator.post(url, {"sectors": ["social_services", "police"]})
    assert page.status_code == 422
    errors = " ".join(page.context["form"].errors["sectors"])
    assert "Police" in errors
    assert selectors.gate_sectors(pw.team) == ["youth_welfare"]
    unknown = coordinator.post(url, {"sectors": ["no-such-sector"]})
    assert unknown.status_code == 422 and "no-such-sector" in unknown.content.decode()
    assert list(GateSector.objects.values_list("sector", flat=True)) == ["youth_welfare"]


def test_the_trainers_home_says_when_external_learners_wait(pw: PeopleWorld) -> None:
    register()
    home = verified_client(pw.trainer).get(reverse("web:home")).content.decode()
    assert "1 external learner waits for your decision." in home
    assert reverse("training:learners") in home
    other = verified_client(pw.coordinator).get(reverse("web:home")).content.decode()
    assert "external learner" not in other


def test_the_trainers_training_page_leads_to_the_registrations_waiting(pw: PeopleWorld) -> None:
    account = register()
    page = verified_client(pw.trainer).get(reverse("training:home")).content.decode()
    assert "External learners waiting for approval" in page
    assert account.user.full_name in page and reverse("training:learners") in page
    # a trainer who learns in no run is not greeted by an empty "My courses" first
    assert "You take part in no training run yet." not in page
    assert page.index("Teaching") < page.index("My runs")
    learner_page = verified_client(pw.social_worker).get(reverse("training:home")).content.decode()
    assert "External learners waiting for approval" not in learner_page
    assert "My courses" in learner_page
