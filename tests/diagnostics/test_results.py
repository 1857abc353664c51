"""Results of a diagnostics round: suppression of small groups, bands, gaps, divergence, change."""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icommit.diagnostics.results import (
    CSV_HEADER,
    Cell,
    Group,
    Results,
    Row,
    band_for,
    build_results,
)

BANDS = [("low", 50.0), ("middle", 75.0), ("high", None)]
DOMAINS = ["purpose", "trust"]


def results_for(
    respondents: Mapping[str, int],
    *,
    means: Mapping[str, float] | None = None,
    scored: Mapping[tuple[str, str], int] | None = None,
    domains: list[str] = DOMAINS,
    previous: Results | None = None,
    threshold: float | None = 15,
) -> Results:
    """Every respondent scored every domain unless ``scored`` says otherwise."""
    means = means or {}
    scored = scored or {}
    cells = [
        Cell(group, domain, scored.get((group, domain), n), means.get(f"{group}:{domain}", 60.0))
        for group, n in respondents.items()
        for domain in domains
    ]
    return build_results(
        domains=domains,
        bands=BANDS,
        divergence_threshold=threshold,
        cells=cells,
        respondents=respondents,
        previous=previous,
    )


def group_of(results: Results, key: str) -> Group:
    group = results.group(key)
    assert group is not None
    return group


def row_of(results: Results, domain: str) -> Row:
    row = results.row(domain)
    assert row is not None
    return row


def shown_groups(results: Results) -> set[str]:
    return {g.key for g in results.groups if g.shown}


def shown_in(results: Results, domain: str) -> set[str]:
    return {s.group for s in row_of(results, domain).scores if s.shown}


# --- group-level suppression -----------------------------------------------------------------


def test_two_security_in_a_team_of_seven_hides_both_sides():
    results = results_for({"all": 7, "security": 2, "non_security": 5})
    assert shown_groups(results) == {"all"}
    assert group_of(results, "security").suppressed == "small"
    assert group_of(results, "non_security").suppressed == "subtraction"
    assert group_of(results, "security").n is None
    assert group_of(results, "non_security").n is None
    assert group_of(results, "all").n == 7


def test_three_and_three_shows_both_sides():
    results = results_for({"all": 6, "security": 3, "non_security": 3})
    assert shown_groups(results) == {"all", "security", "non_security"}
    assert results.shown


def test_no_security_respondents_shows_non_security_which_equals_the_team():
    # Showing non_security reveals nothing the team total does not: the hidden side has
    # n = 0, and a remainder of 0 identifies nobody.
    results = results_for({"all": 5, "security": 0, "non_security": 5})
    assert shown_groups(results) == {"all", "non_security"}
    assert group_of(results, "security").suppressed == "empty"
    assert group_of(results, "security").n == 0


def test_a_team_below_the_minimum_shows_only_its_count():
    results = results_for({"all": 2, "security": 1, "non_security": 1})
    assert not results.shown
    assert shown_groups(results) == set()
    assert results.respondents == 2
    assert group_of(results, "all").n == 2
    assert results.as_rows() == []
    assert all(row.team is None and not row.gap for row in results.rows)


def test_small_sector_hides_its_sibling_when_the_remainder_is_small():
    results = results_for(
        {
            "all": 10,
            "security": 5,
            "security/police": 3,
            "security/prison": 2,
            "non_security": 5,
        }
    )
    assert group_of(results, "security/prison").suppressed == "small"
    assert group_of(results, "security/police").suppressed == "subtraction"
    assert shown_groups(results) == {"all", "security", "non_security"}


def test_sector_stays_when_the_rest_of_its_side_is_large_enough():
    results = results_for(
        {
            "all": 12,
            "security": 6,
            "security/police": 3,
            "security/prison": 3,
            "non_security": 6,
            "non_security/social_services": 4,
            "non_security/schools": 2,
        }
    )
    # schools (2) is hidden; social services would leave a remainder of 2, so it goes too.
    assert shown_groups(results) == {
        "all",
        "security",
        "non_security",
        "security/police",
        "security/prison",
    }


def test_hidden_side_is_checked_through_its_sectors_against_the_team():
    # non_security (2) is hidden; security (6) would reveal it as 8 − 6, so it is hidden,
    # and then police + prison would reveal it again, so one sector goes as well.
    results = results_for(
        {
            "all": 8,
            "security": 6,
            "security/police": 3,
            "security/prison": 3,
            "non_security": 2,
        }
    )
    assert group_of(results, "security").suppressed == "subtraction"
    assert group_of(results, "security/police").suppressed == "subtraction"  # tie → by key
    assert shown_groups(results) == {"all", "security/prison"}


def test_respondents_without_a_sector_count_in_the_remainder_of_their_side():
    results = results_for(
        {"all": 10, "security": 5, "security/police": 4, "non_security": 5},
    )
    # police 4 of 5 security would reveal the one security respondent without a sector.
    assert group_of(results, "security/police").suppressed == "subtraction"


def test_columns_are_ordered_team_sides_then_sectors_by_side():
    results = results_for(
        {
            "non_security/social_services": 3,
            "security/police": 3,
            "non_security": 3,
            "security": 3,
            "all": 6,
        }
    )
    assert [g.key for g in results.groups] == [
        "all",
        "security",
        "non_security",
        "security/police",
        "non_security/social_services",
    ]
    assert [g.kind for g in results.groups] == ["all", "side", "side", "sector", "sector"]
    assert results.groups[3].sector == "police"
    assert results.groups[3].parent == "security"


# --- per-domain suppression on the scored n --------------------------------------------------


def test_domain_with_two_scored_security_respondents_hides_both_sides_there_only():
    results = results_for(
        {"all": 8, "security": 4, "non_security": 4},
        scored={("security", "trust"): 2, ("all", "trust"): 6},
    )
    assert shown_in(results, "purpose") == {"all", "security", "non_security"}
    assert shown_in(results, "trust") == {"all"}
    trust = row_of(results, "trust").by_group
    assert trust["security"].suppressed == "small"
    assert trust["non_security"].suppressed == "subtraction"
    assert trust["security"].n is None


def test_domain_nobody_scored_shows_nothing_for_it():
    results = results_for(
        {"all": 6, "security": 3, "non_security": 3},
        scored={("all", "trust"): 0, ("security", "trust"): 0, ("non_security", "trust"): 0},
    )
    row = row_of(results, "trust")
    assert row.team is None
    assert {s.suppressed for s in row.scores} == {"empty"}


def test_hidden_column_stays_hidden_in_every_domain():
    results = results_for({"all": 7, "security": 2, "non_security": 5})
    for domain in DOMAINS:
        assert shown_in(results, domain) == {"all"}


def test_inconsistent_aggregates_are_refused():
    with pytest.raises(ValueError, match="add up"):
        results_for({"all": 4, "security": 3, "non_security": 3})
    with pytest.raises(ValueError, match="unknown group"):
        results_for({"all": 4, "police": 3})
    with pytest.raises(ValueError, match="n outside"):
        results_for({"all": 4, "security": 3}, scored={("security", "trust"): 4})


# --- bands, gaps, divergence, change ---------------------------------------------------------


def test_band_is_the_first_whose_bound_is_above_the_score():
    assert band_for(BANDS, 0) == "low"
    assert band_for(BANDS, 49.9) == "low"
    assert band_for(BANDS, 50) == "middle"
    assert band_for(BANDS, 75) == "high"
    assert band_for(BANDS, 100) == "high"


def test_bands_must_be_ascending_and_end_open():
    with pytest.raises(ValueError, match="without an upper bound"):
        build_results(
            domains=[], bands=[("low", 50)], divergence_threshold=None, cells=[], respondents={}
        )
    with pytest.raises(ValueError, match="ascending"):
        build_results(
            domains=[],
            bands=[("a", 50), ("b", 40), ("c", None)],
            divergence_threshold=None,
            cells=[],
            respondents={},
        )


def test_team_score_in_the_lowest_band_is_a_gap():
    results = results_for(
        {"all": 6, "security": 3, "non_security": 3},
        means={"all:purpose": 42.04, "all:trust": 80},
    )
    purpose = row_of(results, "purpose")
    assert purpose.team == 42.0
    assert purpose.band == "low"
    assert purpose.gap
    assert results.gaps == ("purpose",)


def test_band_follows_the_rounded_value_shown():
    results = results_for({"all": 6}, means={"all:purpose": 49.96})
    assert row_of(results, "purpose").team == 50.0
    assert row_of(results, "purpose").band == "middle"


def test_divergence_beyond_the_threshold_is_flagged():
    results = results_for(
        {"all": 6, "security": 3, "non_security": 3},
        means={
            "security:purpose": 80,
            "non_security:purpose": 60,
            "security:trust": 70,
            "non_security:trust": 55,
        },
    )
    assert row_of(results, "purpose").divergence == 20.0
    assert row_of(results, "purpose").divergent
    assert row_of(results, "trust").divergence == 15.0
    assert not row_of(results, "trust").divergent  # strictly greater than the threshold
    assert results.divergences == ("purpose",)


def test_no_divergence_unless_both_sides_are_shown():
    results = results_for({"all": 7, "security": 2, "non_security": 5})
    assert row_of(results, "purpose").divergence is None
    assert not row_of(results, "purpose").divergent


def test_no_threshold_means_nothing_is_divergent():
    results = results_for(
        {"all": 6, "security": 3, "non_security": 3},
        means={"security:purpose": 90, "non_security:purpose": 10},
        threshold=None,
    )
    assert row_of(results, "purpose").divergence == 80.0
    assert results.divergences == ()


def test_change_against_the_previous_round_where_both_are_shown():
    before = results_for(
        {"all": 7, "security": 2, "non_security": 5},
        means={"all:purpose": 50.0},
        domains=["purpose"],
    )
    now = results_for(
        {"all": 6, "security": 3, "non_security": 3},
        means={"all:purpose": 62.5, "security:trust": 70},
        previous=before,
    )
    purpose = row_of(now, "purpose")
    assert purpose.previous == 50.0
    assert purpose.change == 12.5
    # security was hidden last round: no change to report for it.
    assert purpose.by_group["security"].previous is None
    assert purpose.by_group["security"].change is None
    # trust was not in the previous round at all.
    assert row_of(now, "trust").previous is None
    assert row_of(now, "trust").change is None


def test_change_per_group_when_the_group_was_shown_before():
    before = results_for({"all": 6, "security": 3, "non_security": 3}, means={"security:trust": 40})
    now = results_for(
        {"all": 6, "security": 3, "non_security": 3},
        means={"security:trust": 55.5},
        previous=before,
    )
    assert row_of(now, "trust").by_group["security"].change == 15.5


def test_csv_rows_hold_only_shown_values():
    results = results_for({"all": 7, "security": 2, "non_security": 5}, means={"all:trust": 70})
    assert results.as_rows() == [
        ("purpose", "all", 7, 60.0, "middle", None, None),
        ("trust", "all", 7, 70.0, "middle", None, None),
    ]
    assert len(CSV_HEADER) == len(results.as_rows()[0])


# --- property: nothing small can be derived --------------------------------------------------

MIN = 3


def derivable(published: Mapping[frozenset[str], int]) -> dict[frozenset[str], int]:
    """Every set (of leaves) whose count follows from the published ones.

    Nested differences and disjoint unions, repeated to a fixed point: the brute-force
    version of what someone holding the table could work out.
    """
    known = dict(published)
    while True:
        added = {}
        for (a, na), (b, nb) in itertools.product(known.items(), repeat=2):
            if b < a and a - b not in known:
                added[a - b] = na - nb
            elif not a & b and a | b not in known:
                added[a | b] = na + nb
        if not added:
            return known
        known.update(added)


@st.composite
def teams(draw: st.DrawFn) -> tuple[dict[str, int], dict[str, int]]:
    """Leaf counts (sectors and side members without a sector) and scored n per leaf."""
    leaves: dict[str, int] = {}
    for side in ("security", "non_security"):
        leaves[f"{side}/-"] = draw(st.integers(0, 3))  # no sector: never a column
        for sector in draw(st.sets(st.sampled_from(["a", "b", "c"]), max_size=3)):
            leaves[f"{side}/{sector}"] = draw(st.integers(0, 6))
    scored = {leaf: draw(st.integers(0, n)) for leaf, n in leaves.items()}
    return leaves, scored


def group_leaves(leaves: Mapping[str, int]) -> dict[str, frozenset[str]]:
    groups = {"all": frozenset(leaves)}
    for side in ("security", "non_security"):
        groups[side] = frozenset(k for k in leaves if k.startswith(side + "/"))
    for leaf in leaves:
        if not leaf.endswith("/-"):
            groups[leaf] = frozenset({leaf})
    return groups


def totals(groups: Mapping[str, frozenset[str]], leaves: Mapping[str, int]) -> dict[str, int]:
    return {g: sum(leaves[leaf] for leaf in members) for g, members in groups.items()}


def assert_nothing_small(published: Mapping[frozenset[str], int]) -> None:
    for members, n in derivable(published).items():
        assert n == 0 or n >= MIN, f"{sorted(members)} has {n} respondents"


@settings(max_examples=300, deadline=None)
@given(teams())
def test_no_small_group_can_be_derived_from_what_is_shown(team):
    leaves, scored_leaves = team
    groups = group_leaves(leaves)
    respondents = totals(groups, leaves)
    scored = totals(groups, scored_leaves)
    results = build_results(
        domains=["d"],
        bands=BANDS,
        divergence_threshold=15,
        cells=[Cell(g, "d", n, 50.0) for g, n in scored.items()],
        respondents=respondents,
        min_group=MIN,
    )

    if respondents["all"] < MIN:
        assert not results.shown
        assert all(g.n in (None, 0) for g in results.groups if g.key != "all")
        return
    # Every count published beside a column, and every shown group, is a known set.
    published = {groups[g.key]: g.n for g in results.groups if g.n is not None}
    assert all(g.n is not None and g.n >= MIN for g in results.groups if g.shown)
    assert_nothing_small(published)

    row = row_of(results, "d")
    shown = {groups[s.group]: s.n for s in row.scores if s.n is not None}
    assert all(n >= MIN for n in shown.values())
    assert {s.group for s in row.scores if s.shown} <= {g.key for g in results.groups if g.shown}
    assert_nothing_small(shown)


@settings(max_examples=100, deadline=None)
@given(teams())
def test_groups_of_at_least_the_minimum_everywhere_are_all_shown(team):
    leaves, _ = team
    leaves = {k: v + MIN for k, v in leaves.items() if not k.endswith("/-")}
    groups = group_leaves(leaves)
    respondents = totals(groups, leaves)
    results = results_for(respondents, domains=["d"])
    assert shown_groups(results) == {g for g, n in respondents.items() if n > 0}
