"""The floor's query budget: what every signed-in page pays before its own content.

The floor is the cheapest signed-in page (the password form, no queries of its own). With the
second factor verified it costs four queries: the session, the user, the verified device, and
one query for every app's access facts (the navigation needs them). ``make bench`` measures the
time; this keeps the count from growing silently.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from icommit.accounts.models import User
from tests.conftest import World

FLOOR_QUERIES = 4


def _count(client: Client, path: str) -> tuple[int, list[str]]:
    client.get(path)  # warm: content types, templates
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def test_the_floor_costs_at_most_four_queries_for_every_kind_of_user(
    world: World, client_for: Callable[[User], Client], settings
) -> None:  # type: ignore[no-untyped-def]
    settings.MFA_REQUIRED = True
    floor = reverse("accounts:password_change")
    for user in [world.coordinator, world.member, world.observer, world.outsider, world.admin]:
        count, sql = _count(client_for(user), floor)
        assert count <= FLOOR_QUERIES, (user.email, sql)
