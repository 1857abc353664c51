"""Home, navigation, security headers, language, health; the demo refuses a database that is not
a demo (the tests that read the demo itself are in tests/demo/test_demo.py)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from icommit.accounts.models import User
from icommit.core.models import AuditEvent
from icommit.stakeholders.services import membership_request
from tests.conftest import World
from tests.factories import PASSWORD, UserFactory


def test_anonymous_visitors_are_sent_to_the_login_page(db: None, client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_login_does_not_reveal_whether_an_account_exists(world: World, client: Client) -> None:
    unknown = client.post(
        reverse("accounts:login"), {"username": "nobody@test.org", "password": "x" * 12}
    )
    wrong = client.post(
        reverse("accounts:login"), {"username": "member@test.org", "password": "x" * 12}
    )
    assert unknown.status_code == wrong.status_code == 200
    assert unknown.context["form"].errors == wrong.context["form"].errors


def test_home_shows_teams_and_what_needs_attention(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    membership_request(
        actor=UserFactory(full_name="Nadia Newcomer"), organisation=world.municipality
    )
    page = client_for(world.coordinator).get("/").content.decode()
    assert "Alpha MSC" in page
    assert "Nadia Newcomer asks to belong to Municipality." in page


def test_navigation_shows_only_what_the_roles_may_use(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    assert "Audit log" in client_for(world.admin).get("/").content.decode()
    member_page = client_for(world.member).get("/").content.decode()
    assert "Audit log" not in member_page
    assert client_for(world.member).get(reverse("web:audit")).status_code == 403


def test_the_audit_log_filters_by_action(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from icommit.teams.services import team_update

    team_update(
        actor=world.coordinator,
        team=world.team,
        name="Renamed",
        city="C",
        country="DE",
        scope="both",
    )
    page = client_for(world.admin).get(reverse("web:audit"), {"action": "team.update"})
    assert page.status_code == 200
    events = list(page.context["page_obj"])
    assert [e.action for e in events] == ["team.update"]


def test_authenticated_pages_carry_the_security_headers(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.member).get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_logout_is_a_post_and_clears_site_data(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.member)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "cookies" in response["Clear-Site-Data"]
    assert client.get("/").status_code == 302


def test_the_language_choice_is_remembered_for_the_user(
    world: World, client_for, client: Client
) -> None:  # type: ignore[no-untyped-def]
    member = client_for(world.member)
    response = member.post(reverse("web:language"), {"language": "de", "next": "/"})
    assert response.status_code == 302
    assert User.objects.get(pk=world.member.pk).language == "de"
    assert '<html lang="de">' in member.get("/").content.decode()
    client.post(reverse("accounts:login"), {"username": "member@test.org", "password": PASSWORD})
    assert client.cookies["icommit_language"].value == "de"
    assert (
        member.post(reverse("web:language"), {"language": "xx", "next": "https://evil.example/"})[
            "Location"
        ]
        == "/"
    )


def test_health_reports_database_and_migrations(db: None, client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": True, "migrations": True, "status": "ok"}


def test_error_pages_use_the_layout(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.member).get("/no-such-page/")
    assert response.status_code == 404
    assert "skip-link" in response.content.decode()


def test_the_demo_refuses_a_database_that_is_not_a_demo(world: World) -> None:
    with pytest.raises(CommandError):
        call_command("demo", verbosity=0)


def test_reading_the_audit_log_is_itself_audited(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client_for(world.admin).get(reverse("web:audit"), {"action": "team."})
    event = AuditEvent.objects.filter(action="audit.read").get()
    assert event.actor == world.admin
    assert event.detail.data == {"action": "team."}
