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
    uncounted: Mapping[str, int] | None = None,
    statements: Mapping[str, list[Mapping[str, int]]] | None = None,
) -> Results:
    """Every respondent scored every domain unless ``scored`` says otherwise; per statement
    nothing is checked unless ``statements`` gives counts."""
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
        uncounted=uncounted,
        statements=statements,
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


def test_four_security_in_a_team_of_eleven_hides_both_sides():
    results = results_for({"all": 11, "security": 4, "non_security": 7})
    assert shown_groups(results) == {"all"}
    assert group_of(results, "security").suppressed == "small"
    assert group_of(results, "non_security").suppressed == "subtraction"
    assert group_of(results, "security").n is None
    assert group_of(results, "non_security").n is None
    assert group_of(results, "all").n == 11


def test_five_and_five_shows_both_sides():
    results = results_for({"all": 10, "security": 5, "non_security": 5})
    assert shown_groups(results) == {"all", "security", "non_security"}
    assert results.shown


def test_three_and_three_no_longer_shows_anything_beside_the_team():
    # the threshold was three before issue 9; six respondents now show the team total only
    results = results_for({"all": 6, "security": 3, "non_security": 3})
    assert shown_groups(results) == {"all"}
    assert results.min_group == 5


def test_no_security_respondents_shows_non_security_which_equals_the_team():
    # Showing non_security reveals nothing the team total does not: the hidden side has
    # n = 0, and a remainder of 0 identifies nobody.
    results = results_for({"all": 5, "security": 0, "non_security": 5})
    assert shown_groups(results) == {"all", "non_security"}
    assert group_of(results, "security").suppressed == "empty"
    assert group_of(results, "security").n == 0


def test_a_team_below_the_minimum_shows_only_its_count():
    results = results_for({"all": 4, "security": 2, "non_security": 2})
    assert not results.shown
    assert shown_groups(results) == set()
    assert results.respondents == 4
    assert group_of(results, "all").n == 4
    assert results.as_rows() == []
    assert all(row.team is None and not row.gap for row in results.rows)


def test_small_sector_hides_its_sibling_when_the_remainder_is_small():
    results = results_for(
        {
            "all": 20,
            "security": 10,
            "security/police": 6,
            "security/prison": 4,
            "non_security": 10,
        }
    )
    assert group_of(results, "security/prison").suppressed == "small"
    assert group_of(results, "security/police").suppressed == "subtraction"
    assert shown_groups(results) == {"all", "security", "non_security"}


def test_sector_stays_when_the_rest_of_its_side_is_large_enough():
    results = results_for(
        {
            "all": 22,
            "security": 10,
            "security/police": 5,
            "security/prison": 5,
            "non_security": 12,
            "non_security/social_services": 8,
            "non_security/schools": 4,
        }
    )
    # schools (4) is hidden; social services would leave a remainder of 4, so it goes too.
    assert shown_groups(results) == {
        "all",
        "security",
        "non_security",
        "security/police",
        "security/prison",
    }


def test_hidden_side_is_checked_through_its_sectors_against_the_team():
    # non_security (4) is hidden; security (10) would reveal it as 14 − 10, so it is hidden,
    # and then police + prison would reveal it again, so one sector goes as well.
    results = results_for(
        {
            "all": 14,
            "security": 10,
            "security/police": 5,
            "security/prison": 5,
            "non_security": 4,
        }
    )
    assert group_of(results, "security").suppressed == "subtraction"
    assert group_of(results, "security/police").suppressed == "subtraction"  # tie → by key
    assert shown_groups(results) == {"all", "security/prison"}


def test_respondents_without_a_sector_count_in_the_remainder_of_their_side():
    results = results_for(
        {"all": 20, "security": 10, "security/police": 7, "non_security": 10},
    )
    # police 7 of 10 security would reveal the three security respondents without a sector.
    assert group_of(results, "security/police").suppressed == "subtraction"


def test_columns_are_ordered_team_sides_then_sectors_by_side():
    results = results_for(
        {
            "non_security/social_services": 5,
            "security/police": 5,
            "non_security": 5,
            "security": 5,
            "all": 10,
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


# --- answer sets of invitees who do not count ------------------------------------------------


def test_answers_of_invitees_who_do_not_count_do_not_make_a_team_large_enough():
    # the attack of issue 9: the coordinator, a puppet and the target, plus three more puppets
    results = results_for({"all": 6, "non_security": 6}, uncounted={"all": 4, "non_security": 4})
    assert not results.shown
    assert group_of(results, "all").suppressed == "small"


def test_a_puppet_in_a_side_of_five_hides_that_side_and_what_would_reveal_it():
    results = results_for(
        {"all": 12, "security": 7, "non_security": 5},
        uncounted={"all": 1, "non_security": 1},
    )
    # non-security rests on 4 counted answer sets; the team minus security would give it too
    assert group_of(results, "non_security").suppressed == "small"
    assert group_of(results, "security").suppressed == "subtraction"
    assert shown_groups(results) == {"all"}


def test_uncounted_answer_sets_in_a_large_group_change_nothing():
    results = results_for(
        {"all": 14, "security": 7, "non_security": 7},
        uncounted={"all": 2, "security": 1, "non_security": 1},
    )
    assert shown_groups(results) == {"all", "security", "non_security"}


def test_more_uncounted_than_respondents_is_refused():
    with pytest.raises(ValueError, match="uncounted"):
        results_for({"all": 6}, uncounted={"all": 7})


# --- per statement: real answers only ---------------------------------------------------------


def test_a_statement_with_four_real_answers_on_one_side_hides_that_side_in_its_dimension():
    # one security member answered "don't know" to the second trust statement
    results = results_for(
        {"all": 10, "security": 5, "non_security": 5},
        statements={
            "trust": [
                {"all": 10, "security": 5, "non_security": 5},
                {"all": 9, "security": 4, "non_security": 5},
            ]
        },
    )
    assert shown_in(results, "purpose") == {"all", "security", "non_security"}
    assert shown_in(results, "trust") == {"all"}
    trust = row_of(results, "trust").by_group
    assert trust["security"].suppressed == "small"
    assert trust["non_security"].suppressed == "subtraction"
    assert row_of(results, "trust").divergence is None


def test_a_statement_with_four_real_answers_in_the_team_hides_the_whole_dimension():
    results = results_for({"all": 6}, statements={"trust": [{"all": 6}, {"all": 4}]})
    assert shown_in(results, "trust") == set()
    assert row_of(results, "trust").team is None
    assert shown_in(results, "purpose") == {"all"}


def test_a_statement_nobody_in_a_group_answered_does_not_hold_that_group_back():
    # security members never see the non-security part; an empty count identifies nobody
    results = results_for(
        {"all": 10, "security": 5, "non_security": 5},
        statements={"trust": [{"all": 5, "security": 0, "non_security": 5}]},
    )
    assert shown_in(results, "trust") == {"all", "security", "non_security"}


def test_per_statement_counts_keep_the_subtraction_rule():
    # security shows 5 real answers, the team 8: the remainder of 3 would be the other side's
    results = results_for(
        {"all": 11, "security": 5, "non_security": 6},
        statements={"trust": [{"all": 8, "security": 5, "non_security": 3}]},
    )
    assert shown_in(results, "trust") == {"all"}
    by_group = row_of(results, "trust").by_group
    assert by_group["non_security"].suppressed == "small"
    assert by_group["security"].suppressed == "subtraction"


# --- per-domain suppression on the scored n --------------------------------------------------


def test_domain_with_four_scored_security_respondents_hides_both_sides_there_only():
    results = results_for(
        {"all": 12, "security": 6, "non_security": 6},
        scored={("security", "trust"): 4, ("all", "trust"): 10},
    )
    assert shown_in(results, "purpose") == {"all", "security", "non_security"}
    assert shown_in(results, "trust") == {"all"}
    trust = row_of(results, "trust").by_group
    assert trust["security"].suppressed == "small"
    assert trust["non_security"].suppressed == "subtraction"
    assert trust["security"].n is None


def test_domain_nobody_scored_shows_nothing_for_it():
    results = results_for(
        {"all": 10, "security": 5, "non_security": 5},
        scored={("all", "trust"): 0, ("security", "trust"): 0, ("non_security", "trust"): 0},
    )
    row = row_of(results, "trust")
    assert row.team is None
    assert {s.suppressed for s in row.scores} == {"empty"}


def test_hidden_column_stays_hidden_in_every_domain():
    results = results_for({"all": 11, "security": 4, "non_security": 7})
    for domain in DOMAINS:
        assert shown_in(results, domain) == {"all"}


def test_inconsistent_aggregates_are_refused():
    with pytest.raises(ValueError, match="add up"):
        results_for({"all": 4, "security": 3, "non_security": 3})
    with pytest.raises(ValueError, match="unknown group"):
        results_for({"all": 4, "police": 3})
    with pytest.raises(ValueError, match="n outside"):
        results_for({"all": 4, "security": 3}, scored={("security", "trust"): 4})
    with pytest.raises(ValueError, match="add up"):
        results_for(
            {"all": 10, "security": 5, "non_security": 5},
            statements={"trust": [{"all": 6, "security": 5, "non_security": 5}]},
        )


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
        {"all": 10, "security": 5, "non_security": 5},
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
        {"all": 10, "security": 5, "non_security": 5},
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
    results = results_for({"all": 11, "security": 4, "non_security": 7})
    assert row_of(results, "purpose").divergence is None
    assert not row_of(results, "purpose").divergent


def test_no_threshold_means_nothing_is_divergent():
    results = results_for(
        {"all": 10, "security": 5, "non_security": 5},
        means={"security:purpose": 90, "non_security:purpose": 10},
        threshold=None,
    )
    assert row_of(results, "purpose").divergence == 80.0
    assert results.divergences == ()


def test_change_against_the_previous_round_where_both_are_shown():
    before = results_for(
        {"all": 11, "security": 4, "non_security": 7},
        means={"all:purpose": 50.0},
        domains=["purpose"],
    )
    now = results_for(
        {"all": 10, "security": 5, "non_security": 5},
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
    before = results_for(
        {"all": 10, "security": 5, "non_security": 5}, means={"security:trust": 40}
    )
    now = results_for(
        {"all": 10, "security": 5, "non_security": 5},
        means={"security:trust": 55.5},
        previous=before,
    )
    assert row_of(now, "trust").by_group["security"].change == 15.5


def test_csv_rows_hold_only_shown_values():
    results = results_for({"all": 11, "security": 4, "non_security": 7}, means={"all:trust": 70})
    assert results.as_rows() == [
        ("purpose", "all", 11, 60.0, "middle", None, None),
        ("trust", "all", 11, 70.0, "middle", None, None),
    ]
    assert len(CSV_HEADER) == len(results.as_rows()[0])


# --- property: nothing small can be derived --------------------------------------------------

MIN = 5


def derivable(published: set[frozenset[str]]) -> set[frozenset[str]]:
    """Every set (of leaves) whose aggregates follow from those of the published ones.

    Nested differences and disjoint unions, repeated to a fixed point: the brute-force
    version of what someone holding the table could work out.
    """
    known = set(published)
    while True:
        added = set()
        for a, b in itertools.product(known, repeat=2):
            if b < a and a - b not in known:
                added.add(a - b)
            elif not a & b and a | b not in known:
                added.add(a | b)
        if not added:
            return known
        known |= added


Leaves = dict[str, int]


@st.composite
def teams(draw: st.DrawFn) -> tuple[Leaves, Leaves, Leaves, Leaves]:
    """Per leaf (sectors, and side members without a sector): respondents, those of them who
    do not count, those scored in the domain, and those with a real answer to one statement."""
    leaves: Leaves = {}
    for side in ("security", "non_security"):
        leaves[f"{side}/-"] = draw(st.integers(0, 5))  # no sector: never a column
        for sector in draw(st.sets(st.sampled_from(["a", "b", "c"]), max_size=3)):
            leaves[f"{side}/{sector}"] = draw(st.integers(0, 10))
    uncounted = {leaf: draw(st.integers(0, min(n, 2))) for leaf, n in leaves.items()}
    scored = {leaf: draw(st.integers(0, n)) for leaf, n in leaves.items()}
    answered = {leaf: draw(st.integers(0, n)) for leaf, n in scored.items()}
    return leaves, uncounted, scored, answered


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


def assert_nothing_small(
    published: set[frozenset[str]], counts: Leaves, uncounted: Leaves, what: str
) -> None:
    """In every set that can be worked out, ``counts`` is 0 or holds the minimum of answer
    sets beyond those whose authors may not count (in a leaf, at most its uncounted)."""
    for members in derivable(published):
        n = sum(counts[leaf] for leaf in members)
        known = sum(min(counts[leaf], uncounted[leaf]) for leaf in members)
        assert n == 0 or n - known >= MIN, f"{what}: {sorted(members)} has {n} ({known} known)"


@settings(max_examples=300, deadline=None)
@given(teams())
def test_no_small_group_can_be_derived_from_what_is_shown(team):
    leaves, uncounted_leaves, scored_leaves, answered_leaves = team
    groups = group_leaves(leaves)
    respondents = totals(groups, leaves)
    uncounted = totals(groups, uncounted_leaves)
    scored = totals(groups, scored_leaves)
    answered = totals(groups, answered_leaves)
    results = build_results(
        domains=["d"],
        bands=BANDS,
        divergence_threshold=15,
        cells=[Cell(g, "d", n, 50.0) for g, n in scored.items()],
        respondents=respondents,
        min_group=MIN,
        uncounted=uncounted,
        statements={"d": [answered]},
    )

    if respondents["all"] - uncounted["all"] < MIN:
        assert not results.shown
        assert all(g.n in (None, 0) for g in results.groups if g.key != "all")
        return
    # Every count published beside a column, and every shown group, is a known set.
    published = {groups[g.key] for g in results.groups if g.n is not None}
    assert all(g.n is not None and g.n - uncounted[g.key] >= MIN for g in results.groups if g.shown)
    assert_nothing_small(published, leaves, uncounted_leaves, "respondents")

    row = row_of(results, "d")
    shown = {groups[s.group] for s in row.scores if s.n is not None}
    assert all(s.n - uncounted[s.group] >= MIN for s in row.scores if s.n is not None)
    assert {s.group for s in row.scores if s.shown} <= {g.key for g in results.groups if g.shown}
    assert_nothing_small(shown, scored_leaves, uncounted_leaves, "scored")
    assert_nothing_small(shown, answered_leaves, uncounted_leaves, "answered the statement")


@settings(max_examples=100, deadline=None)
@given(teams())
def test_groups_of_at_least_the_minimum_everywhere_are_all_shown(team):
    leaves = {k: v + MIN for k, v in team[0].items() if not k.endswith("/-")}
    groups = group_leaves(leaves)
    respondents = totals(groups, leaves)
    results = results_for(respondents, domains=["d"], statements={"d": [respondents]})
    assert shown_groups(results) == {g for g, n in respondents.items() if n > 0}
