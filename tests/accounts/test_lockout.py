"""Lockout: a stranger cannot lock a known person out; guessing from anywhere still stops."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from icommit.core.models import AuditDetail
from tests.conftest import World
from tests.factories import PASSWORD

VICTIM = "member@test.org"
WRONG = "wrong password!"


def _from(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def _fail(client: Client, email: str = VICTIM, times: int = 1) -> None:
    for _ in range(times):
        client.post(reverse("accounts:login"), {"username": email, "password": WRONG})


def _login(client: Client, email: str = VICTIM) -> int:
    response = client.post(reverse("accounts:login"), {"username": email, "password": PASSWORD})
    return response.status_code


def test_failures_from_another_address_do_not_lock_the_person_out(world: World) -> None:
    _fail(_from("203.0.113.9"), times=5)
    assert _login(_from("198.51.100.7")) == 302


def test_five_failures_lock_the_account_from_that_address(world: World) -> None:
    attacker = _from("203.0.113.9")
    _fail(attacker, times=5)
    assert _login(attacker) == 429
    # Another spelling of the same address does not start a fresh count.
    assert _login(attacker, VICTIM.upper()) == 429


def test_changing_the_case_of_the_email_does_not_give_more_guesses(world: World) -> None:
    attacker = _from("203.0.113.9")
    for email in ("member@test.org", "MEMBER@test.org", "Member@Test.org", " member@test.org"):
        _fail(attacker, email)
    _fail(attacker, "member@TEST.ORG")
    assert _login(attacker) == 429


def test_many_failures_from_many_addresses_lock_the_account_everywhere(world: World) -> None:
    for n in range(5):
        _fail(_from(f"203.0.113.{n + 1}"), times=4)
    assert _login(_from("198.51.100.7")) == 429
    scopes = {d.data["scope"] for d in AuditDetail.objects.filter(event__action="account.locked")}
    assert scopes == {"account"}


def test_a_locked_address_that_keeps_trying_does_not_lock_the_account_elsewhere(
    world: World,
) -> None:
    _fail(_from("203.0.113.9"), times=30)
    assert _login(_from("198.51.100.7")) == 302


def test_an_address_trying_many_accounts_is_stopped(world: World) -> None:
    sprayer = _from("203.0.113.9")
    for n in range(20):
        _fail(sprayer, f"person{n}@test.org")
    assert _login(sprayer) == 429
    assert _login(_from("198.51.100.7")) == 302


def test_the_lockout_page_names_no_account(world: World) -> None:
    attacker = _from("203.0.113.9")
    _fail(attacker, times=5)
    for headers in ({}, {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}, {"HTTP_HX_REQUEST": "true"}):
        response = attacker.post(
            reverse("accounts:login"), {"username": VICTIM, "password": PASSWORD}, **headers
        )
        assert response.status_code == 429
        body = response.content.decode().lower()
        assert "too many failed attempts" in body
        assert "member" not in body
        assert "test.org" not in body
