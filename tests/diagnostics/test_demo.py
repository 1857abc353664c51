"""The demo team's diagnostics: two closed rounds whose results tell a story, and one open round."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from icommit.accounts.models import User
from icommit.core.models import AuditEvent
from icommit.diagnostics import reports, services
from icommit.diagnostics.models import Draft, Participation, Round
from icommit.teams.models import Team


@pytest.mark.django_db
def test_the_demo_team_has_two_closed_rounds_with_a_gap_a_divergence_and_a_change() -> None:
    call_command("demo", verbosity=0)
    team = Team.objects.get(name="Demo City MSC")
    rounds = list(Round.objects.filter(team=team).order_by("opened_at"))
    assert [r.title for r in rounds] == [
        "Baseline diagnostics",
        "Diagnostics after the first year",
        "Diagnostics before the evaluation",
    ]
    first, second, current = rounds
    today = services.today()
    assert [r.is_open(today) for r in rounds] == [False, False, True]
    assert first.closed_at is not None and second.closed_at is not None
    assert first.closed_at < second.opened_at < second.closed_at < current.opened_at
    assert first.responses.count() == 12 and second.responses.count() == 14
    # at least six on each side in the closed rounds, so that both sides can be shown
    for closed in (first, second):
        assert closed.has_results
        assert closed.responses.filter(is_security=True).count() >= 6
        assert closed.responses.filter(is_security=False).count() >= 6
        assert not closed.participations.filter(counted=False).exists()
    # in the open round a few have answered and the teacher has started
    assert current.responses.count() == 3 and Draft.objects.filter(round=current).count() == 1
    teacher = User.objects.get(email="teacher@example.org")
    assert services.draft_answers(actor=teacher, round=current)
    assert not Participation.objects.get(round=current, user=teacher).submitted

    coordinator = User.objects.get(email="coordinator@example.org")
    report = reports.round_report(user=coordinator, round=second, lang="en")
    results = report.results
    assert report.previous_round == first
    assert "resources" in results.gaps
    assert "sharing" in results.divergences
    sharing = results.row("sharing")
    assert sharing is not None and sharing.divergence is not None and sharing.divergence > 15
    assert {"all", "security", "non_security"} <= {s.group for s in sharing.scores if s.shown}
    # events and facts are answered too, and shown as counts per option
    counted = [i for d in report.domains for i in d.counted_items if i.kind == "counts"]
    assert counted
    assert any(
        sum(sum(row.counts) for row in item.parts[0].rows if not row.missing) > 0
        for item in counted
    )
    changes = {row.domain: row.change for row in results.rows if row.change is not None}
    assert changes["roles"] >= 15 and changes["purpose"] > 0
    # the rounds were run through the services, so the audit log tells the same story
    participated = AuditEvent.objects.filter(
        action="diagnostics.round.participated", team_id=team.pk
    )
    assert participated.count() == 12 + 14 + 3
