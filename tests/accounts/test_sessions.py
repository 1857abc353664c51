"""Sessions: lockout, idle and absolute timeouts, log out everywhere, leaving ends access."""

from __future__ import annotations

import time

from django.test import Client
from django.urls import reverse

from icommit.accounts.middleware import AUTH_AT, SEEN_AT
from icommit.accounts.services import user_deactivate
from icommit.stakeholders.models import OrganisationMembership
from icommit.stakeholders.services import membership_end
from tests.conftest import World
from tests.factories import PASSWORD


def _age(client: Client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = time.time() - seconds
    session.save()


def test_repeated_failures_lock_the_account_without_revealing_it_exists(world: World) -> None:
    for email in ["member@test.org", "ghost@test.org"]:
        client = Client()
        for _ in range(5):
            client.post(
                reverse("accounts:login"), {"username": email, "password": "wrong password!"}
            )
        locked = client.post(reverse("accounts:login"), {"username": email, "password": PASSWORD})
        assert locked.status_code == 429
        assert "Too many failed attempts" in locked.content.decode()
    from icommit.core.models import AuditDetail

    locked = [d.data for d in AuditDetail.objects.filter(event__action="account.locked")]
    assert {d["email"] for d in locked} == {"member@test.org", "ghost@test.org"}


def test_an_idle_session_ends(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.member)
    assert client.get("/").status_code == 200
    _age(client, SEEN_AT, 31 * 60)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_polling_does_not_keep_a_session_alive(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.member)
    client.get("/")
    _age(client, SEEN_AT, 29 * 60)
    client.get("/", HTTP_HX_REQUEST="true")
    _age(client, SEEN_AT, 31 * 60)
    assert client.get("/").status_code == 302


def test_a_session_ends_after_twelve_hours_whatever_the_activity(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.member)
    client.get("/")
    _age(client, AUTH_AT, 12 * 3600 + 1)
    assert client.get("/").status_code == 302


def test_log_out_everywhere_ends_other_sessions(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    laptop, phone = client_for(world.member), client_for(world.member)
    assert phone.get("/").status_code == 200
    response = laptop.post(reverse("accounts:end_all_sessions"))
    assert response.status_code == 302
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 302


def test_deactivation_ends_sessions_and_keeps_past_work(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.member)
    assert client.get("/").status_code == 200
    user_deactivate(actor=world.admin, user=world.member)
    assert client.get("/").status_code == 302
    assert OrganisationMembership.objects.filter(user=world.member).exists()


def test_leaving_an_organisation_ends_sessions_and_team_access(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.observer)
    team_url = reverse("teams:detail", args=[world.team.pk])
    assert client.get(team_url).status_code == 200
    membership = OrganisationMembership.objects.get(user=world.observer)
    membership_end(actor=world.member, membership=membership)
    assert client.get(team_url).status_code == 302
    from icommit.accounts.models import User

    assert client_for(User.objects.get(pk=world.observer.pk)).get(team_url).status_code == 404


def test_changing_the_password_needs_the_old_one(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.member)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "wrong",
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )
    assert response.status_code == 200
    world.member.refresh_from_db()
    assert world.member.check_password(PASSWORD)


def test_leaving_a_team_ends_sessions_and_tokens(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from icommit.accounts.tokens import token_create
    from icommit.teams.models import TeamMembership
    from icommit.teams.services import team_member_remove

    client = client_for(world.observer)
    token, _clear = token_create(actor=world.observer, name="script")
    team_member_remove(
        actor=world.coordinator, membership=TeamMembership.objects.get(user=world.observer)
    )
    assert client.get("/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_recovery_codes_are_renewed_after_a_fresh_check(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from icommit.accounts.middleware import (
        REAUTH_AT,
        mark_reauth,  # noqa: F401 (the session key it sets)
    )

    client = client_for(world.member)
    assert client.get(reverse("accounts:recovery_codes"))["Location"].startswith(
        reverse("accounts:reauth")
    )
    session = client.session
    session[REAUTH_AT] = time.time()
    session.save()
    assert (
        "replace all your current"
        in client.get(reverse("accounts:recovery_codes")).content.decode()
    )
    response = client.post(reverse("accounts:recovery_codes"))
    assert len(response.context["codes"]) == 10


def test_leaving_organisation_archive_ends_team_rights(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from icommit.stakeholders.services import organisation_archive

    client = client_for(world.member)
    team_url = reverse("teams:detail", args=[world.team.pk])
    assert client.get(team_url).status_code == 200
    organisation_archive(actor=world.admin, organisation=world.police)
    assert client.get(team_url).status_code == 404
