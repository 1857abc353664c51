"""Rights are never cached between requests: each kind of right taken away counts from the very
next request of a session (and of an API token) that was in use a moment before.

Every test first uses the right once in the same session, so anything a request could have
kept (on the process, a cache, the session) would be warm; then the right is taken away through
the service (or, for platform roles, which have no revoking service, by deleting the grant as an
administrator's shell would), and the next request is refused or narrowed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from icommit.access.roles import PlatformRole, TeamRole
from icommit.accounts import mfa
from icommit.accounts.models import PlatformRoleGrant, User
from icommit.accounts.services import user_deactivate, user_end_sessions
from icommit.accounts.tokens import token_create
from icommit.stakeholders.models import OrganisationMembership
from icommit.stakeholders.services import membership_end
from icommit.teams.models import TeamMembership
from icommit.teams.services import team_member_remove, team_member_set_role
from tests.conftest import World
from tests.factories import PASSWORD

ClientFor = Callable[[User], Client]


def _bearer(clear: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {clear}"}


def _to_login(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


def _team(world: World) -> str:
    return reverse("teams:detail", args=[world.team.pk])


def test_deactivating_a_user_refuses_their_next_request_and_token(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.member)
    _token, clear = token_create(actor=world.member, name="script")
    assert client.get(_team(world)).status_code == 200
    assert Client().get("/api/v1/me", **_bearer(clear)).status_code == 200
    user_deactivate(actor=world.admin, user=world.member)
    assert _to_login(client.get(_team(world)))
    assert Client().get("/api/v1/me", **_bearer(clear)).status_code == 401


def test_ending_an_organisation_membership_refuses_the_next_request_and_narrows_a_new_one(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.observer)
    assert client.get(_team(world)).status_code == 200
    membership_end(
        actor=world.member, membership=OrganisationMembership.objects.get(user=world.observer)
    )
    assert _to_login(client.get(_team(world)))
    # logged in again, the team sat through that organisation is out of reach
    again = client_for(User.objects.get(pk=world.observer.pk))
    assert again.get(reverse("web:home")).status_code == 200
    assert again.get(_team(world)).status_code == 404


def test_ending_a_team_membership_refuses_the_next_request(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.member)
    assert client.get(_team(world)).status_code == 200
    team_member_remove(
        actor=world.coordinator, membership=TeamMembership.objects.get(user=world.member)
    )
    assert _to_login(client.get(_team(world)))
    again = client_for(User.objects.get(pk=world.member.pk))
    assert again.get(_team(world)).status_code == 404


def test_a_lower_team_role_narrows_the_very_next_request_of_the_same_session(
    world: World, client_for: ClientFor
) -> None:
    edit = reverse("teams:edit", args=[world.team.pk])
    client = client_for(world.coordinator)
    _token, clear = token_create(actor=world.coordinator, name="script", scope="write")
    api = f"/api/v1/teams/{world.team.pk}"
    payload = {"name": "Alpha MSC", "city": "Bonn", "country": "DE", "scope": "both"}
    assert client.get(edit).status_code == 200
    assert (
        Client()
        .put(api, data=payload, content_type="application/json", **_bearer(clear))
        .status_code
        == 200
    )
    # the team keeps a coordinator: the member takes over, then the coordinator steps down
    team_member_set_role(
        actor=world.coordinator,
        membership=TeamMembership.objects.get(user=world.member, team=world.team),
        role=TeamRole.COORDINATOR,
    )
    team_member_set_role(
        actor=User.objects.get(pk=world.member.pk),
        membership=TeamMembership.objects.get(user=world.coordinator, team=world.team),
        role=TeamRole.MEMBER,
    )
    assert client.get(edit).status_code == 403
    assert client.get(_team(world)).status_code == 200  # narrowed, not logged out
    refused = Client().put(api, data=payload, content_type="application/json", **_bearer(clear))
    assert refused.status_code == 403


def test_removing_a_platform_role_refuses_the_very_next_request_of_the_same_session(
    world: World, client_for: ClientFor
) -> None:
    users = reverse("accounts:users")
    audit = reverse("web:audit")
    client = client_for(world.admin)
    assert client.get(users).status_code == 200
    assert client.get(audit).status_code == 200
    assert f'href="{users}"' in client.get(reverse("web:home")).content.decode()
    PlatformRoleGrant.objects.filter(user=world.admin, role=PlatformRole.ADMINISTRATOR).delete()
    assert client.get(users).status_code == 403
    assert client.get(audit).status_code == 403
    # and the navigation no longer offers it
    home = client.get(reverse("web:home"))
    assert home.status_code == 200
    assert f'href="{users}"' not in home.content.decode()


def test_logging_out_everywhere_refuses_the_other_sessions_next_request(
    world: World, client_for: ClientFor
) -> None:
    laptop, phone = client_for(world.member), client_for(world.member)
    _token, clear = token_create(actor=world.member, name="script")
    assert phone.get(_team(world)).status_code == 200
    assert laptop.post(reverse("accounts:end_all_sessions")).status_code == 302
    assert _to_login(phone.get(_team(world)))
    assert Client().get("/api/v1/me", **_bearer(clear)).status_code == 401


def test_ending_sessions_from_a_service_refuses_the_next_request(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.member)
    assert client.get(_team(world)).status_code == 200
    user_end_sessions(actor=world.admin, user=world.member, reason="test")
    assert _to_login(client.get(_team(world)))


def test_changing_the_password_refuses_the_other_sessions_next_request(
    world: World, client_for: ClientFor
) -> None:
    here, elsewhere = client_for(world.member), client_for(world.member)
    assert elsewhere.get(_team(world)).status_code == 200
    changed = here.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase 42",
            "new_password2": "another long passphrase 42",
        },
    )
    assert changed.status_code == 302
    assert _to_login(elsewhere.get(_team(world)))
    assert here.get(_team(world)).status_code == 200  # the session that changed it stays


def test_resetting_the_second_factor_refuses_the_next_request(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.member)
    assert client.get(_team(world)).status_code == 200
    mfa.mfa_reset(actor=world.admin, user=world.member)
    assert _to_login(client.get(_team(world)))


def test_a_removed_device_ends_the_verified_state_of_a_live_session(
    world: World, client_for: ClientFor, settings
) -> None:  # type: ignore[no-untyped-def]
    """Even without the service's session end, a session whose device is gone is no longer
    verified on its next request."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.MFA_REQUIRED = True
    client = client_for(world.member)
    assert client.get(_team(world)).status_code == 200
    TOTPDevice.objects.filter(user=world.member).delete()
    response = client.get(_team(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa"))
