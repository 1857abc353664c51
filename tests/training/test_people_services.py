# ruff: noqa: F811  (the fixture pw imported from people_world is a test parameter)
"""External learners through the services: registration (no password taken; bad input named,
nothing created; an existing address gets the same answer and nothing new), the per-address
limit, approval with the activation mail, decline, and activation by the link, where the owner of
the address chooses the password (once, not after it expired, never for a declined or deactivated
account); and an address added to an organisation later takes nothing over from a registration
nobody activated."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.core.signing import TimestampSigner
from django.db import transaction
from django.utils import translation

from icommit.access import can
from icommit.access.actions import Action
from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.accounts.services import user_deactivate, user_get_or_create
from icommit.core.exceptions import Conflict, Forbidden, ValidationFailed
from icommit.core.models import AuditEvent
from icommit.training import services_people
from icommit.training.models import LearnerAccount
from tests.training.people_world import (
    STRONG,
    PeopleWorld,
    mails_to,
    pw,  # noqa: F401
    register,
    registration,
    token_of,
)

pytestmark = pytest.mark.django_db


def test_registering_creates_an_inactive_learner_only_account() -> None:
    account = register(language="de")
    user = account.user
    assert not user.is_active
    assert not user.has_usable_password()  # whoever sent it chose no password
    assert user.language == "de"
    assert (account.organisation, account.sector) == ("Counselling practice Weber", "civil_society")
    assert account.approved_at is None and account.declined_at is None
    assert AuditEvent.objects.filter(action="training.learner.registered").count() == 1
    assert mails_to("lea@example.org") == []  # nothing before a trainer decided


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"full_name": "  "}, "full_name"),
        ({"email": "not-an-address"}, "email"),
        ({"organisation": ""}, "organisation"),
        ({"sector": "police"}, "sector"),
        ({"sector": "no-such-sector"}, "sector"),
        ({"consent": False}, "consent"),
        ({"note": "x" * 3000}, "note"),
    ],
)
def test_bad_input_names_the_field_and_creates_nothing(
    overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as caught, transaction.atomic():
        services_people.learner_register(**registration(**overrides))
    assert field in caught.value.details
    assert not User.objects.exists()
    assert not LearnerAccount.objects.exists()


def test_security_sectors_are_not_offered() -> None:
    offered = dict(services_people.learner_sectors())
    assert "police" not in offered and "probation" not in offered
    assert "youth_welfare" in offered and "civil_society" in offered


def test_an_existing_address_gets_the_same_answer_and_nothing_new(pw: PeopleWorld) -> None:
    before = (User.objects.count(), LearnerAccount.objects.count(), AuditEvent.objects.count())
    with transaction.atomic():
        found = services_people.learner_register(
            **registration(email=pw.coordinator.email.upper(), full_name="Someone Else")
        )
    assert found is None
    after = (User.objects.count(), LearnerAccount.objects.count(), AuditEvent.objects.count())
    assert after == before
    assert mails_to(pw.coordinator.email) == []
    pw.coordinator.refresh_from_db()
    assert pw.coordinator.full_name == "Cleo Coordinator"


def test_registrations_are_limited_per_address() -> None:
    cache.clear()
    now = 1_800_000_000.0
    for _ in range(services_people.REGISTER_LIMIT):
        services_people.registration_count("203.0.113.9", now=now)
    with pytest.raises(services_people.TooManyRegistrations) as caught:
        services_people.registration_count("203.0.113.9", now=now)
    assert caught.value.status == 429
    services_people.registration_count("203.0.113.10", now=now)  # another address goes on
    later = now + services_people.REGISTER_WINDOW_SECONDS
    services_people.registration_count("203.0.113.9", now=later)  # the next window starts afresh


def test_a_trainer_approves_and_the_mail_carries_the_activation_link(
    pw: PeopleWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = register(language="de")
    languages: list[str | None] = []
    send = services_people._mail
    monkeypatch.setattr(
        services_people,
        "_mail",
        lambda *a, **k: (languages.append(translation.get_language()), send(*a, **k)),
    )
    with transaction.atomic():
        services_people.learner_approve(actor=pw.trainer, account=account)
    account.refresh_from_db()
    assert account.approved_by == pw.trainer and account.approved_at is not None
    account.user.refresh_from_db()
    assert not account.user.is_active  # until the owner of the address follows the link
    (mail,) = mails_to("lea@example.org")
    assert "/training/activate/" in mail.body
    assert languages == ["de"]  # written in the learner's language
    assert AuditEvent.objects.filter(action="training.learner.approved").count() == 1
    with pytest.raises(Conflict), transaction.atomic():
        services_people.learner_approve(actor=pw.trainer, account=account)


@pytest.mark.parametrize("who", ["outsider", "coordinator"])
def test_only_trainers_and_administrators_decide(pw: PeopleWorld, who: str) -> None:
    account = register()
    with pytest.raises(Forbidden), transaction.atomic():
        services_people.learner_approve(actor=getattr(pw, who), account=account)
    with pytest.raises(Forbidden), transaction.atomic():
        services_people.learner_decline(actor=getattr(pw, who), account=account)
    account.refresh_from_db()
    assert account.approved_at is None and account.declined_at is None
    with transaction.atomic():
        services_people.learner_approve(actor=pw.admin, account=account)


def test_declining_keeps_the_account_shut_and_says_so(pw: PeopleWorld) -> None:
    account = register()
    with transaction.atomic():
        services_people.learner_decline(actor=pw.trainer, account=account)
    account.refresh_from_db()
    assert account.declined_at is not None and not account.user.is_active
    (mail,) = mails_to("lea@example.org")
    assert "declined" in mail.body
    with pytest.raises(Conflict), transaction.atomic():
        services_people.learner_approve(actor=pw.trainer, account=account)
    # a link made for this account (as if leaked) opens nothing
    link = services_people.activation_link(account.user)
    with transaction.atomic():
        assert services_people.learner_activate(token=token_of(link)) == "invalid"


def test_registration_takes_no_password() -> None:
    with pytest.raises(TypeError):
        services_people.learner_register(**registration(password=STRONG, password_again=STRONG))


def activate(token: str, password: str = STRONG, again: str | None = None) -> str:
    with transaction.atomic():
        return services_people.learner_activate(
            token=token, password=password, password_again=password if again is None else again
        )


def test_the_link_activates_once_with_the_password_its_owner_chooses(pw: PeopleWorld) -> None:
    account = register()
    with transaction.atomic():
        services_people.learner_approve(actor=pw.trainer, account=account)
    token = token_of(services_people.activation_link(account.user))
    assert services_people.learner_activation_check(token=token) == "ready"
    assert activate(token) == "activated"
    user = User.objects.get(pk=account.user_id)
    assert user.is_active
    assert user.check_password(STRONG)
    assert AuditEvent.objects.filter(action="account.password_set").count() == 1
    facts = facts_for(user)
    assert facts.learner_only
    assert can(user, Action.TRAINING_VIEW)
    assert not can(user, Action.ORGANISATION_VIEW)
    assert AuditEvent.objects.filter(action="training.learner.activated").count() == 1
    assert services_people.learner_activation_check(token=token) == "invalid"
    assert activate(token, "another long phrase nobody guesses") == "invalid"
    assert User.objects.get(pk=account.user_id).check_password(STRONG)  # the link is spent


@pytest.mark.parametrize(
    ("password", "again", "field", "words"),
    [
        ("", "", "password", "Choose a password"),
        ("short", "short", "password", "too short"),
        ("password123456", "password123456", "password", "too common"),
        ("lea@example.org1", "lea@example.org1", "password", "too similar"),
        (STRONG, STRONG + "!", "password_again", "differ"),
    ],
)
def test_a_refused_password_is_named_and_changes_nothing(
    pw: PeopleWorld, password: str, again: str, field: str, words: str
) -> None:
    account = register()
    with transaction.atomic():
        services_people.learner_approve(actor=pw.trainer, account=account)
    token = token_of(services_people.activation_link(account.user))
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        activate(token, password, again)
    assert words in " ".join(caught.value.details[field])
    user = User.objects.get(pk=account.user_id)
    assert not user.is_active and not user.has_usable_password()
    assert AuditEvent.objects.count() == events
    assert activate(token) == "activated"  # the link still works for a good password


def test_a_link_before_approval_or_a_forged_one_opens_nothing(pw: PeopleWorld) -> None:
    account = register()
    token = token_of(services_people.activation_link(account.user))
    with transaction.atomic():
        assert services_people.learner_activate(token=token) == "invalid"  # not approved yet
    forged = TimestampSigner(salt="something else").sign("x")
    with transaction.atomic():
        assert services_people.learner_activate(token=forged) == "invalid"
        assert services_people.learner_activate(token=token[:-2] + "xx") == "invalid"
    user = User.objects.get(pk=account.user_id)
    assert not user.is_active and not user.has_usable_password()


def test_an_expired_link_sends_a_new_one_to_the_address(
    pw: PeopleWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = register()
    with transaction.atomic():
        services_people.learner_approve(actor=pw.trainer, account=account)
    days = services_people.ACTIVATION_DAYS + 1
    earlier = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=days)
    with monkeypatch.context() as patched:  # the link was made eight days ago
        patched.setattr("django.core.signing.time.time", lambda: earlier.timestamp())
        token = token_of(services_people.activation_link(account.user))
    assert services_people.learner_activation_check(token=token) == "expired"
    assert len(mails_to("lea@example.org")) == 1  # a look sends nothing
    assert activate(token) == "resent"
    user = User.objects.get(pk=account.user_id)
    assert not user.is_active and not user.has_usable_password()  # the password is not taken
    assert len(mails_to("lea@example.org")) == 2


def test_a_deactivated_learner_is_not_reopened_by_the_link(pw: PeopleWorld) -> None:
    account = register()
    with transaction.atomic():
        services_people.learner_approve(actor=pw.trainer, account=account)
    token = token_of(services_people.activation_link(account.user))
    assert activate(token) == "activated"
    user = User.objects.get(pk=account.user_id)
    with transaction.atomic():
        user_deactivate(actor=pw.admin, user=user)
    assert activate(token) == "invalid"
    assert not User.objects.get(pk=account.user_id).is_active


# --- an address added later takes nothing over from a registration nobody activated -----------


def _add(pw: PeopleWorld, email: str = "lea@example.org") -> tuple[User, bool]:
    with transaction.atomic():
        return user_get_or_create(actor=pw.admin, email=email, full_name="Lea Owner")


@pytest.mark.parametrize("state", ["pending", "approved", "declined"])
def test_adding_the_address_of_a_registration_nobody_activated_starts_the_account_afresh(
    pw: PeopleWorld, state: str
) -> None:
    account = register(full_name="Mallory Squatter", language="de")
    user = account.user
    # as registrations before the fix: a password chosen by whoever sent the registration
    user.set_password("the attacker's long phrase 1")
    user.save(update_fields=["password"])
    if state != "pending":
        decide = getattr(services_people, f"learner_{state[:-1]}")
        with transaction.atomic():
            decide(actor=pw.trainer, account=account)
    old_link = services_people.activation_link(User.objects.get(pk=user.pk))
    person, created = _add(pw)
    assert created and person.pk == user.pk
    person.refresh_from_db()
    assert person.is_active and not person.has_usable_password()
    assert not person.check_password("the attacker's long phrase 1")
    assert (person.full_name, person.language) == ("Lea Owner", "en")
    assert not LearnerAccount.objects.filter(pk=account.pk).exists()
    assert not facts_for(person).learner_only
    assert services_people.learner_activation_check(token=token_of(old_link)) == "invalid"
    mail = mails_to("lea@example.org")[-1]
    assert "/accounts/set-password/" in mail.body  # the owner of the address sets the password
    for action in ("training.learner.withdrawn", "user.restart"):
        (event,) = AuditEvent.objects.filter(action=action)
        assert event.actor == pw.admin


def test_adding_the_address_of_an_activated_learner_changes_nothing(pw: PeopleWorld) -> None:
    learner = pw.approved()
    person, created = _add(pw)
    assert (person, created) == (learner, False)
    person.refresh_from_db()
    assert person.check_password(STRONG) and person.full_name == "Lea Learner"
    assert LearnerAccount.objects.filter(user=learner).exists()


def test_a_learner_deactivated_after_activation_stays_deactivated(pw: PeopleWorld) -> None:
    learner = pw.approved()
    with transaction.atomic():
        user_deactivate(actor=pw.admin, user=learner)
    events = AuditEvent.objects.count()
    person, created = _add(pw)
    assert (person, created) == (learner, False)
    person.refresh_from_db()
    assert not person.is_active and person.check_password(STRONG)
    assert LearnerAccount.objects.filter(user=learner).exists()
    assert AuditEvent.objects.count() == events


def test_a_missing_name_leaves_the_registration_as_it_was(pw: PeopleWorld) -> None:
    account = register()
    with pytest.raises(ValidationFailed), transaction.atomic():
        user_get_or_create(actor=pw.admin, email="lea@example.org", full_name=" ")
    assert LearnerAccount.objects.filter(pk=account.pk).exists()
    assert not User.objects.get(pk=account.user_id).is_active
    assert not AuditEvent.objects.filter(action="training.learner.withdrawn").exists()
