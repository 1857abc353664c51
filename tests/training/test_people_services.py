# ruff: noqa: F811  (the fixture pw imported from people_world is a test parameter)
"""External learners through the services: registration (bad input named, nothing created; an
existing address gets the same answer and nothing new), the per-address limit, approval with the
activation mail, decline, and activation by the link (once, not after it expired, never for a
declined or deactivated account)."""

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
from icommit.accounts.services import user_deactivate
from icommit.core.exceptions import Conflict, Forbidden, ValidationFailed
from icommit.core.models import AuditEvent
from icommit.training import services_people
from icommit.training.models import LearnerAccount
from tests.training.people_world import (
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
    assert user.check_password(registration()["password"])
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
        ({"password": "short", "password_again": "short"}, "password"),
        ({"password_again": "something else entirely"}, "password_again"),
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


def test_the_link_activates_once(pw: PeopleWorld) -> None:
    account = register()
    with transaction.atomic():
        services_people.learner_approve(actor=pw.trainer, account=account)
    token = token_of(services_people.activation_link(account.user))
    with transaction.atomic():
        assert services_people.learner_activate(token=token) == "activated"
    user = User.objects.get(pk=account.user_id)
    assert user.is_active
    facts = facts_for(user)
    assert facts.learner_only
    assert can(user, Action.TRAINING_VIEW)
    assert not can(user, Action.ORGANISATION_VIEW)
    assert AuditEvent.objects.filter(action="training.learner.activated").count() == 1
    with transaction.atomic():
        assert services_people.learner_activate(token=token) == "invalid"


def test_a_link_before_approval_or_a_forged_one_opens_nothing(pw: PeopleWorld) -> None:
    account = register()
    token = token_of(services_people.activation_link(account.user))
    with transaction.atomic():
        assert services_people.learner_activate(token=token) == "invalid"  # not approved yet
    forged = TimestampSigner(salt="something else").sign("x")
    with transaction.atomic():
        assert services_people.learner_activate(token=forged) == "invalid"
        assert services_people.learner_activate(token=token[:-2] + "xx") == "invalid"
    assert not User.objects.get(pk=account.user_id).is_active


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
    with transaction.atomic():
        assert services_people.learner_activate(token=token) == "resent"
    assert not User.objects.get(pk=account.user_id).is_active
    assert len(mails_to("lea@example.org")) == 2


def test_a_deactivated_learner_is_not_reopened_by_the_link(pw: PeopleWorld) -> None:
    account = register()
    with transaction.atomic():
        services_people.learner_approve(actor=pw.trainer, account=account)
    token = token_of(services_people.activation_link(account.user))
    with transaction.atomic():
        services_people.learner_activate(token=token)
    user = User.objects.get(pk=account.user_id)
    with transaction.atomic():
        user_deactivate(actor=pw.admin, user=user)
    with transaction.atomic():
        assert services_people.learner_activate(token=token) == "invalid"
    assert not User.objects.get(pk=account.user_id).is_active
