"""Every email address a service takes passes Django's validator, so pages, API and commands agree.

The attack: an invitation to ``"a\\r\\nBcc: x@example.net"`` was accepted and its mail failed five
times in the outbox. Now it is refused where it comes in, naming the field.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from icommit.accounts.models import User
from icommit.accounts.services import user_get_or_create
from icommit.core.exceptions import ValidationFailed
from icommit.core.models import OutboxMessage
from icommit.core.outbox import mail_enqueue
from icommit.teams.models import Invitation
from icommit.teams.services import team_invite
from tests.conftest import World

BAD = [
    "a\r\nBcc: x@example.net",
    "a@example.net\nBcc: x@example.net",
    "Name <a@example.net>",
    "a@b@example.net",
    "no-at-sign.example.net",
    "a@example.net\x00",
    "a" * 250 + "@example.net",
    "",
]


@pytest.mark.parametrize("address", BAD)
def test_an_invitation_to_a_bad_address_is_refused_naming_the_field(
    world: World, address: str
) -> None:
    with pytest.raises(ValidationFailed) as err:
        team_invite(
            actor=world.coordinator,
            team=world.team,
            email=address,
            organisation=world.police,
            role="member",
        )
    assert list(err.value.details) == ["email"]
    assert not Invitation.objects.exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize("address", BAD)
def test_an_account_for_a_bad_address_is_not_created(world: World, address: str) -> None:
    before = User.objects.count()
    with pytest.raises(ValidationFailed) as err:
        user_get_or_create(actor=world.member, email=address, full_name="Eve Header")
    assert list(err.value.details) == ["email"]
    assert User.objects.count() == before
    assert not OutboxMessage.objects.exists()


def test_a_good_address_is_stripped_and_lower_cased(world: World) -> None:
    person, created = user_get_or_create(
        actor=world.member, email="  Nina.New@Example.NET \n", full_name="Nina New"
    )
    assert created and person.email == "nina.new@example.net"


def test_the_admin_command_refuses_a_bad_address(db: None) -> None:
    with pytest.raises(CommandError, match="email address is not valid"):
        call_command("admin", "create", "--email", "root\r\nBcc: x@example.net", "--name", "R")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_outbox_refuses_a_recipient_that_would_smuggle_a_header() -> None:
    with pytest.raises(ValidationFailed), transaction.atomic():
        mail_enqueue(to="a@example.net\r\nBcc: x@example.net", subject="S", body="B")
    assert not OutboxMessage.objects.exists()


def _post(client, url: str, body: dict[str, object]):  # type: ignore[no-untyped-def]
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("address", BAD[:4])
def test_the_api_answers_422_in_its_error_format(  # type: ignore[no-untyped-def]
    world: World, client_for, address: str
) -> None:
    invite = _post(
        client_for(world.coordinator),
        f"/api/v1/teams/{world.team.pk}/invitations",
        {"email": address, "organisation_id": world.police.pk, "role": "member"},
    )
    add = _post(
        client_for(world.member),
        f"/api/v1/organisations/{world.police.pk}/members",
        {"email": address, "full_name": "Eve Header"},
    )
    for response in (invite, add):
        assert response.status_code == 422, response.content
        body = response.json()
        assert set(body) == {"code", "message", "details"}
        assert body["code"] == "invalid"
        assert "email" in json.dumps(body["details"])
    assert not Invitation.objects.exists()
    assert not OutboxMessage.objects.exists()
