"""The perspectives grid as a pure function: cells, divergence, flags and change for a known set
of perspectives."""

from __future__ import annotations

from typing import Any

import pytest

from icommit.analysis.grid import (
    NOT_APPLICABLE,
    NOT_RATED,
    UNKNOWN,
    Cell,
    Flags,
    PerspectiveInput,
    build_grid,
    divergent_scales,
    flags_for,
    formulation_change,
    mark,
    rating,
)

DOMAINS = ["family", "peers", "ideology"]


def p(
    pid: str,
    org: int,
    ratings: dict[str, tuple[Any, Any]],
    *,
    security: bool = False,
    viewpoint: str = "organisation",
    gender: str = "not_considered",
) -> PerspectiveInput:
    answers: dict[str, Any] = {"gender_considered": gender}
    for d, (c, r) in ratings.items():
        answers[d] = {"concern": c, "resource": r, "rationale": f"{pid} on {d}"}
    return PerspectiveInput(pid, org, f"Org {org}", security, viewpoint, answers)


EXIT = p("exit", 1, {"family": (1, 3), "peers": (3, 0), "ideology": ("unknown", 1)})
YOUTH = p("youth", 2, {"family": (3, 2), "peers": (2, 1), "ideology": (0, "unknown")})
POLICE = p(
    "police", 3, {"family": ("unknown", 0), "peers": (3, 0), "ideology": (2, 1)}, security=True
)


def test_cells_show_ratings_unknown_and_rationale_in_column_order() -> None:
    grid = build_grid(DOMAINS, [EXIT, YOUTH, POLICE])
    assert [c.id for c in grid.columns] == ["exit", "youth", "police"]
    assert [c.is_security for c in grid.columns] == [False, False, True]
    family = grid.rows[0]
    assert family.domain == "family"
    assert family.cells == (
        Cell(1, 3, "exit on family"),
        Cell(3, 2, "youth on family"),
        Cell(None, 0, "police on family", concern_mark=UNKNOWN),
    )


@pytest.mark.parametrize(
    ("domain", "divergent"),
    [
        ("family", ("concern",)),  # 1 vs 3 (unknown left out); resource 3, 2, 0 → 3 apart
        ("peers", ()),  # 3, 2, 3 and 0, 1, 0: within 1
        ("ideology", ("concern",)),  # unknown, 0, 2; resource 1, unknown, 1
    ],
)
def test_divergence_is_a_spread_of_two_or_more_among_known_ratings(
    domain: str, divergent: tuple[str, ...]
) -> None:
    grid = build_grid(DOMAINS, [EXIT, YOUTH, POLICE])
    row = next(r for r in grid.rows if r.domain == domain)
    expected = divergent + (("resource",) if domain == "family" else ())
    assert row.divergent == expected


def test_unknown_is_not_a_number_so_it_never_makes_a_divergence() -> None:
    cells = [Cell(None, None, ""), Cell(3, 3, ""), Cell(None, 0, "")]
    assert divergent_scales(cells)[0] == ("resource",)
    assert divergent_scales([Cell(None, None, ""), Cell(0, None, "")])[0] == ()


def test_one_perspective_never_diverges() -> None:
    grid = build_grid(DOMAINS, [EXIT])
    assert all(not row.divergence for row in grid.rows)


def test_flags_for_a_known_set() -> None:
    assert flags_for([EXIT, YOUTH, POLICE]) == Flags(
        no_non_security_view=False, no_client_view=True, gender_not_considered=True
    )
    client = p("client", 2, {}, viewpoint="client", gender="considered")
    assert flags_for([POLICE, client]) == Flags(
        no_non_security_view=True, no_client_view=False, gender_not_considered=False
    )
    assert flags_for([]) == Flags(True, True, True)
    assert flags_for([]).as_list() == [
        "no_non_security_view",
        "no_client_view",
        "gender_not_considered",
    ]


def test_a_client_view_from_a_non_security_organisation_is_no_non_security_view() -> None:
    client = p("client", 2, {}, viewpoint="client")
    assert flags_for([POLICE, client]).no_non_security_view


def test_change_compares_only_the_same_organisation_and_viewpoint() -> None:
    before = [
        p("exit-1", 1, {"family": (3, 1), "peers": ("unknown", 0)}),
        p("youth-client-1", 2, {"family": (0, 0)}, viewpoint="client"),
    ]
    grid = build_grid(DOMAINS, [EXIT, YOUTH], before)
    family = grid.rows[0]
    assert family.cells[0].change == (-2, 2)  # exit: 3 → 1, 1 → 3
    assert family.cells[1].change is None  # youth's own view had no earlier one (client ≠ org)
    assert grid.rows[1].cells[0].change == (None, 0)  # unknown before: no number
    assert grid.compared


def test_no_previous_analysis_means_no_change() -> None:
    grid = build_grid(DOMAINS, [EXIT])
    assert not grid.compared
    assert all(cell.change is None for row in grid.rows for cell in row.cells)


def test_ratings_outside_the_scale_and_booleans_are_unknown() -> None:
    assert [rating(v) for v in (0, 3, 4, -1, True, "2", None, "unknown")] == [
        0, 3, None, None, None, None, None, None,
    ]  # fmt: skip


def test_formulation_change_per_domain() -> None:
    now = {"domains": {"family": {"concern": 1, "resource": 2}, "peers": {"concern": "unknown"}}}
    before = {"domains": {"family": {"concern": 3, "resource": 2}, "peers": {"concern": 1}}}
    assert formulation_change(["family", "peers"], now, before) == {
        "family": (-2, 0),
        "peers": (None, None),
    }
    assert formulation_change(["family"], now, None) == {}


def test_each_value_without_a_number_says_why() -> None:
    assert [mark(v) for v in (0, 3, "unknown", "not_applicable", None, 7, "2", True)] == [
        "", "", UNKNOWN, NOT_APPLICABLE, NOT_RATED, NOT_RATED, NOT_RATED, NOT_RATED,
    ]  # fmt: skip


def test_a_resource_that_does_not_apply_is_n_a_not_unknown_and_counts_nowhere() -> None:
    """Religion's resource "not_applicable" (faith plays no part) is shown as such, never as
    unknown, and makes neither a divergence nor a change."""
    before = [p("exit-1", 1, {"religion": (0, 3)})]
    now = [
        p("exit", 1, {"religion": (0, "not_applicable")}),
        p("youth", 2, {"religion": (0, 0)}),
        p("police", 3, {"religion": (0, 3)}, security=True),
    ]
    row = build_grid(["religion"], now, before).rows[0]
    exit_cell = row.cells[0]
    assert (exit_cell.resource, exit_cell.resource_mark) == (None, NOT_APPLICABLE)
    assert exit_cell.concern_mark == ""
    assert exit_cell.change == (0, None)  # 3 before, n/a now: no number to compare
    # 0 and 3 diverge; the n/a is not counted as a 0 (or anything else)
    assert row.divergent == ("resource",) and row.spread["resource"] == (0, 3)
    assert build_grid(["religion"], now[:2]).rows[0].divergent == ()


def test_a_domain_a_perspective_did_not_rate_is_not_rated_not_unknown() -> None:
    grid = build_grid(["family", "peers"], [p("exit", 1, {"family": ("unknown", 2)})])
    family, peers = (row.cells[0] for row in grid.rows)
    assert (family.concern_mark, family.resource_mark) == (UNKNOWN, "")
    assert (peers.concern, peers.resource) == (None, None)
    assert (peers.concern_mark, peers.resource_mark) == (NOT_RATED, NOT_RATED)
    answers = {"family": {"concern": 1, "rationale": "Only the concern."}}
    half = PerspectiveInput("youth", 2, "Org 2", False, "organisation", answers)
    cell = build_grid(["family"], [half]).rows[0].cells[0]
    assert (cell.concern, cell.resource_mark) == (1, NOT_RATED)


def test_formulation_change_leaves_out_n_a_and_not_agreed() -> None:
    now = {"domains": {"religion": {"concern": 0, "resource": "not_applicable"}}}
    before = {"domains": {"religion": {"concern": None, "resource": 2}}}
    assert formulation_change(["religion"], now, before) == {"religion": (None, None)}
