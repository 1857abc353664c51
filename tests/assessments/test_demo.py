"""The demo's assessments: designated assessors, phases and both tracks (one case where behaviour
moved on and attitudes did not), a reference shared with the lead, one not, one overdue."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from icommit.accounts.models import User
from icommit.assessments import selectors
from icommit.assessments.models import PhaseEntry, RiskAssessor, RiskReference
from icommit.cases.models import Case
from icommit.teams.models import Team

pytestmark = pytest.mark.django_db


def test_the_demo_has_phases_tracks_and_references_each_seen_as_shared() -> None:
    call_command("demo", verbosity=0)
    call_command("demo", verbosity=0)  # loading twice changes nothing
    team = Team.objects.get(name="Demo City MSC")
    assert RiskAssessor.objects.filter(ended_at__isnull=True).count() == 3
    assert PhaseEntry.objects.filter(case__team=team).count() == 7
    one = Case.objects.get(team=team, number__endswith="-001")
    manager = User.objects.get(email="casemanager@example.org")
    tracks = {t.code: t for t in selectors.tracks_for(user=manager, case=one)}
    assert [e.stage for _o, e in tracks["disengagement"].current] == ["left"]
    assert [e.stage for _o, e in tracks["deradicalisation"].current] == ["committed"]
    assert [r.level for r in selectors.risk_references(user=manager, case=one)] == ["moderate"]
    nine = Case.objects.get(team=team, number__endswith="-009")
    assert list(selectors.risk_references(user=manager, case=nine)) == []
    parole = User.objects.get(email="parole@example.org")
    assert [r.level for r in selectors.risk_references(user=parole, case=nine)] == ["high"]
    eleven = Case.objects.get(team=team, number__endswith="-011")
    detective = User.objects.get(email="detective@example.org")
    assert len(selectors.overdue_reviews(user=detective, case=eleven)) == 1
    assert RiskReference.objects.filter(case__team=team).count() == 3
