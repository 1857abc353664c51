"""The results page leads with a summary and keeps the details per dimension (issue 11): one
chart per dimension, distinct words for "none above the threshold" and "hidden", modules by
title; and the rounds list is newest first."""

from __future__ import annotations

import re

from django.urls import reverse

from icommit.diagnostics import reports
from icommit.diagnostics.models import Round
from tests.conftest import World
from tests.diagnostics.conftest import ClientFor, answered_round, open_round, text_of

NONE_ABOVE = "None above the threshold"
HIDDEN = "Hidden: the two sides cannot be compared"


def _page(client_for: ClientFor, world: World, round: Round) -> str:
    url = reverse("diagnostics:results", args=(round.team_id, round.pk))
    response = client_for(world.member).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_divergence_shown_leads_the_summary_and_each_dimension_has_its_own_chart(
    world: World, client_for: ClientFor
) -> None:
    answered = answered_round(world, security=[5, 5, 5, 4, 4], non_security=[2, 2, 2, 3, 3])
    html = _page(client_for, world, answered.round)
    page = text_of(html)
    summary = page[page.index("Summary") : page.index("All dimensions")]
    # no dimension in the lowest band here: the lowest scores stand where the gaps would
    assert "Lowest scores" in summary and "No dimension is in the lowest band." in summary
    for heading in ("Security and non-security members", "Change since", "What to do next"):
        assert heading in summary
    assert "+55.0" in summary  # purpose: security 90.0 minus non-security 35.0
    assert NONE_ABOVE not in page and HIDDEN not in page
    report = reports.round_report(user=world.member, round=answered.round, lang="en")
    assert html.count('<details class="diag-dimension"') == len(report.domains)
    for d in report.domains:
        assert f'id="diagnostics-chart-{d.key}-title"' in html or d.row.team is None
    # no chart of every dimension at once any more
    assert "diagnostics-bar-chart" not in html and "diagnostics-heat-map" not in html


def test_no_divergence_above_the_threshold_is_said_as_such(
    world: World, client_for: ClientFor
) -> None:
    answered = answered_round(world, security=[3] * 5, non_security=[3] * 5)
    page = text_of(_page(client_for, world, answered.round))
    assert NONE_ABOVE in page and HIDDEN not in page


def test_a_hidden_comparison_is_not_called_none(world: World, client_for: ClientFor) -> None:
    # two security members: neither side may be shown beside the team total
    answered = answered_round(world, security=[5, 4], non_security=[2, 2, 2, 3, 3])
    page = text_of(_page(client_for, world, answered.round))
    assert HIDDEN in page and NONE_ABOVE not in page
    assert "87.5" not in page and "35.0" not in page  # still nothing below the minimum


def test_recommendations_name_training_modules_by_title(
    world: World, client_for: ClientFor
) -> None:
    answered = answered_round(world, security=[1] * 5, non_security=[1] * 5)
    html = _page(client_for, world, answered.round)
    report = reports.round_report(user=world.member, round=answered.round, lang="en")
    modules = {m for d in report.domains for a in d.advice for m in a.modules}
    assert modules, "the low band recommends training modules"
    page = text_of(html)
    for module_id, title in modules:
        assert f"training module “{title}”" in page
        assert not re.search(rf"\({re.escape(module_id)}\)", page)


def test_the_rounds_list_is_newest_first(world: World, client_for: ClientFor) -> None:
    answered_round(world, security=[3] * 5, non_security=[3] * 5, title="Older round")
    open_round(world.coordinator, world.team, title="Newer round")
    url = reverse("diagnostics:rounds", args=(world.team.pk,))
    page = text_of(client_for(world.member).get(url).content.decode())
    assert "Rounds, newest first" in page
    assert page.index("Newer round") < page.index("Older round")
