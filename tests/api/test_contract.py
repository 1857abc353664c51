"""The published API description holds: schemathesis sends generated requests to every operation.

Bounded (a few examples per operation and generation mode) so it fits in ``make test``; every
built-in check runs. 422 counts as an answer to schema-valid data because services refuse what a
schema cannot express (a date in the past, a person from another team) with the error format.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode

from icommit.accounts.tokens import token_create
from tests.conftest import World

EXAMPLES = 4

pytestmark = pytest.mark.django_db


@pytest.fixture
def keep_the_test_connection() -> Iterator[None]:
    """Requests go through the real WSGI application; like Django's test client, keep the
    test's database connection (and its transaction) open across them."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _schema() -> Any:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    acceptance = schema.config.checks.positive_data_acceptance
    acceptance.expected_statuses = [*acceptance.expected_statuses, "422"]
    return schema


def _path_parameters(operation: Any, world: World) -> dict[str, Any]:
    names = {p.name for p in operation.path_parameters}
    known = {"team_id": world.team.pk, "org_id": world.municipality.pk}
    return {name: value for name, value in known.items() if name in names}


def _run(operation: Any, mode: GenerationMode, headers: dict[str, str], world: World) -> None:
    strategy = operation.as_strategy(
        generation_mode=mode, path_parameters=_path_parameters(operation, world)
    )

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        case.call_and_validate(headers=headers)

    check()


def test_every_operation_keeps_its_published_contract(
    world: World, keep_the_test_connection: None
) -> None:
    _, clear = token_create(actor=world.coordinator, name="contract", scope="write")
    headers = {"Authorization": f"Bearer {clear}"}
    failures: list[str] = []
    count = 0
    for result in _schema().get_all_operations():
        operation = result.ok()
        count += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _run(operation, mode, headers, world)
            except (Exception, BaseExceptionGroup) as exc:  # collect all failures, report them all
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    assert count > 70
    assert not failures, "\n\n".join(failures)
