"""A person added by an organisation administrator sets their own password through a link.

The administrator never chooses a password: the account has none that works until the person
follows the emailed link, which expires and works once; the other administrators are told.
"""

from __future__ import annotations

import datetime
import re
from unittest import mock

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.test import Client
from django.urls import reverse

from icommit.accounts.models import User
from icommit.core.models import AuditEvent, OutboxMessage
from icommit.stakeholders.forms import MemberAddForm
from tests.conftest import World
from tests.factories import PASSWORD, UserFactory, member_of

NEW_PASSWORD = "a long and new passphrase 42"


def _add(world: World, client_for, email: str = "newcomer@example.net") -> User:  # type: ignore[no-untyped-def]
    admin = client_for(world.member)
    response = admin.post(
        reverse("stakeholders:member_add", args=[world.police.pk]),
        {"email": email, "full_name": "Nina Newcomer"},
    )
    assert response.status_code == 302
    return User.objects.get(email=email)


def _link(email: str) -> str:
    [mail] = OutboxMessage.objects.filter(to=email, subject="Your icommit account")
    found = re.search(r"https?://[^/\s]+(/accounts/set-password/[^\s]+/)", mail.body)
    assert found, mail.body
    return found.group(1)


def _set_password(link: str) -> Client:
    client = Client()
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"], "the link should be valid"
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    return client


def _logs_in(email: str, password: str) -> bool:
    response = Client().post(reverse("accounts:login"), {"username": email, "password": password})
    return response.status_code == 302


def test_the_administrator_cannot_choose_the_password() -> None:
    assert not any("password" in name for name in MemberAddForm.base_fields)


def test_the_new_account_has_no_usable_password_until_the_link_is_used(  # type: ignore[no-untyped-def]
    world: World, client_for
) -> None:
    person = _add(world, client_for)
    assert not person.has_usable_password()
    assert not _logs_in(person.email, "")
    _set_password(_link(person.email))
    person.refresh_from_db()
    assert person.has_usable_password()
    assert _logs_in(person.email, NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="account.password_set", object_id=str(person.pk))


def test_the_link_works_once(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    person = _add(world, client_for)
    link = _link(person.email)
    _set_password(link)
    again = Client().get(link, follow=True)
    assert not again.context["validlink"]
    assert "not valid any more" in again.content.decode()


def test_the_link_expires(world: World, client_for, settings) -> None:  # type: ignore[no-untyped-def]
    person = _add(world, client_for)
    link = _link(person.email)
    later = datetime.datetime.now() + datetime.timedelta(
        seconds=settings.PASSWORD_RESET_TIMEOUT + 60
    )
    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
        response = Client().get(link, follow=True)
    assert not response.context["validlink"]
    person.refresh_from_db()
    assert not person.has_usable_password()


def test_the_other_administrators_hear_who_was_added_and_by_whom(  # type: ignore[no-untyped-def]
    world: World, client_for
) -> None:
    colleague = UserFactory(email="colleague@test.org")
    member_of(colleague, world.police, admin=True)
    _add(world, client_for)
    [notice] = OutboxMessage.objects.filter(to=colleague.email)
    assert "Nina Newcomer <newcomer@example.net>" in notice.body
    assert "Max Member <member@test.org>" in notice.body
    assert not OutboxMessage.objects.filter(to=world.member.email).exists()


def test_changing_ones_password_is_audited(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.member)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action="account.password_change", object_id=str(world.member.pk)
    ).exists()
