"""Personal API tokens: shown once, hashed, scoped, expiring, revocable, within user rights."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from icommit.accounts.models import ApiToken
from icommit.accounts.services import user_deactivate
from icommit.accounts.tokens import token_create, token_revoke
from icommit.core.exceptions import ValidationFailed
from tests.conftest import World


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_token_is_stored_hashed_and_acts_as_its_user(world: World, client: Client) -> None:
    token, clear = token_create(actor=world.member, name="script", days=10, scope="read")
    assert clear not in token.token_hash and token.prefix in clear
    me = client.get("/api/v1/me", **bearer(clear))
    assert me.status_code == 200 and me.json()["email"] == "member@test.org"
    assert client.get(f"/api/v1/teams/{world.other_team.pk}", **bearer(clear)).status_code == 404


def test_a_read_token_cannot_write(world: World, client: Client) -> None:
    _token, clear = token_create(actor=world.coordinator, name="script", scope="read")
    response = client.put(
        f"/api/v1/teams/{world.team.pk}",
        data={"name": "X", "city": "C", "country": "DE", "scope": "both"},
        content_type="application/json",
        **bearer(clear),
    )
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "token_read_only"


def test_a_write_token_gets_at_most_the_users_rights(world: World, client: Client) -> None:
    _token, clear = token_create(actor=world.member, name="script", scope="write")
    response = client.put(
        f"/api/v1/teams/{world.team.pk}",
        data={"name": "X", "city": "C", "country": "DE", "scope": "both"},
        content_type="application/json",
        **bearer(clear),
    )
    assert response.status_code == 403


@pytest.mark.parametrize("days", [0, 91])
def test_tokens_expire_within_ninety_days(world: World, days: int) -> None:
    with pytest.raises(ValidationFailed):
        token_create(actor=world.member, name="x", days=days)


def test_expired_revoked_and_deactivated_tokens_stop_working(world: World, client: Client) -> None:
    token, clear = token_create(actor=world.member, name="a")
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get("/api/v1/me", **bearer(clear)).status_code == 401
    token, clear = token_create(actor=world.member, name="b")
    token_revoke(actor=world.member, token=token)
    assert client.get("/api/v1/me", **bearer(clear)).status_code == 401
    _token, clear = token_create(actor=world.member, name="c")
    user_deactivate(actor=world.admin, user=world.member)
    assert client.get("/api/v1/me", **bearer(clear)).status_code == 401


def test_the_token_page_needs_a_fresh_password_and_code(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.accounts.test_mfa import code_for
    from tests.factories import PASSWORD

    client = client_for(world.member)
    response = client.get(reverse("accounts:tokens"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:reauth")
    )
    device = TOTPDevice.objects.get(user=world.member)
    bad = client.post(
        reverse("accounts:reauth"),
        {"password": PASSWORD, "code": "", "next": reverse("accounts:tokens")},
    )
    assert "not correct" in bad.content.decode()
    ok = client.post(
        reverse("accounts:reauth"),
        {"password": PASSWORD, "code": code_for(device), "next": reverse("accounts:tokens")},
    )
    assert ok["Location"] == reverse("accounts:tokens")
    created = client.post(
        reverse("accounts:tokens"), {"name": "reporting", "days": 30, "scope": "read"}, follow=True
    )
    clear = created.context["created"]
    assert clear.startswith("icm_")
    assert clear not in client.get(reverse("accounts:tokens")).content.decode()


def test_the_command_line_prints_a_token(world: World, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("token", "create", "--user", "member@test.org", "--days", "7", "--scope", "write")
    clear = capsys.readouterr().out.strip()
    assert clear.startswith("icm_")
    token = ApiToken.objects.get(user=world.member)
    assert token.scope == "write"
    assert (token.expires_at - timezone.now()).days in {6, 7}


def test_the_first_administrator_is_created_on_the_command_line(db: None, capsys) -> None:  # type: ignore[no-untyped-def]
    from icommit.access import Action, can
    from icommit.accounts.models import User

    call_command("admin", "create", "--email", "Root@Example.org", "--name", "Rita Root")
    out = capsys.readouterr().out
    assert "set-password" in out
    user = User.objects.get(email="root@example.org")
    assert can(user, Action.USER_MANAGE)
    assert not user.has_usable_password()
