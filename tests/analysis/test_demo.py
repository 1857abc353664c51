"""The demo's Social Diagnostics: the case manager and the police see different grids of the
same case; a case without a non-security view, one without a client view; a formulation in two
versions; a second analysis after a review."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from icommit.accounts.models import User
from icommit.analysis import selectors
from icommit.analysis.models import Analysis, Formulation
from icommit.cases.models import Case
from icommit.teams.models import Team


def _user(email: str) -> User:
    return User.objects.get(email=email)


@pytest.mark.django_db
def test_the_demo_shows_different_grids_to_the_case_manager_and_the_police() -> None:
    call_command("demo", verbosity=0)
    team = Team.objects.get(name="Demo City MSC")
    cases = list(Case.objects.filter(team=team).order_by("number"))
    first = Analysis.objects.get(case=cases[0])
    manager = selectors.grid_for(user=_user("casemanager@example.org"), analysis=first).grid
    police = selectors.grid_for(user=_user("police@example.org"), analysis=first).grid
    assert len(manager.columns) == 4
    assert manager.flags.as_list() == []
    assert any(row.divergence for row in manager.rows)
    assert len(police.columns) == 1
    assert police.flags.as_list() == [
        "no_non_security_view",
        "no_client_view",
        "gender_not_considered",
    ]
    assert Formulation.objects.filter(analysis=first).count() == 2
    conference = Analysis.objects.get(case=cases[8])
    flags = selectors.grid_for(user=_user("casemanager@example.org"), analysis=conference).grid
    assert flags.flags.no_non_security_view and flags.flags.no_client_view
    review = Analysis.objects.filter(case=cases[10]).order_by("number")
    assert [a.number for a in review] == [1, 2]
    second = selectors.grid_for(user=_user("casemanager@example.org"), analysis=review[1]).grid
    assert second.compared
    # loading the demo again changes nothing
    call_command("demo", verbosity=0)
    assert Analysis.objects.filter(case__team=team).count() == 5
