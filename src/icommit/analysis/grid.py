"""The perspectives grid: per domain a row, per perspective a column, computed by pure functions.

The caller passes only the perspectives the viewer's organisation may see (``sharing`` decides,
the case manager included); everything here — cells, divergence, missing-perspective flags and
the change since the previous analysis — is derived from those alone, so that no flag or mark
reveals that an unshared rating exists. No database, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

UNKNOWN = "unknown"
#: a resource that does not apply (religion, where faith plays no part): no number, no deficit
NOT_APPLICABLE = "not_applicable"
#: the perspective did not rate the domain (or the scale) at all
NOT_RATED = "not_rated"
SCALES = ("concern", "resource")
#: Known ratings of a domain's perspectives that differ by this much or more diverge.
DIVERGENCE = 2
ORGANISATION = "organisation"
CLIENT = "client"


@dataclass(frozen=True)
class PerspectiveInput:
    """One submitted perspective the viewer may see, with its answers decrypted."""

    id: str
    organisation_id: int
    organisation: str
    is_security: bool
    viewpoint: str  # "organisation" | "client"
    answers: Mapping[str, Any]


@dataclass(frozen=True)
class Column:
    id: str
    organisation_id: int
    organisation: str
    is_security: bool
    viewpoint: str


@dataclass(frozen=True)
class Cell:
    concern: int | None  # None: no number (the mark says why)
    resource: int | None
    rationale: str
    #: change since the same organisation's same viewpoint in the previous analysis, when both
    #: are visible and both ratings are known: (concern delta, resource delta), None each else
    change: tuple[int | None, int | None] | None = None
    #: why a scale has no number: ``UNKNOWN``, ``NOT_APPLICABLE`` or ``NOT_RATED``; "" if rated
    concern_mark: str = ""
    resource_mark: str = ""


@dataclass(frozen=True)
class Row:
    domain: str
    cells: tuple[Cell, ...]
    #: scales ("concern", "resource") on which the known ratings differ by 2 or more
    divergent: tuple[str, ...]
    spread: dict[str, tuple[int, int] | None] = field(default_factory=dict)

    @property
    def divergence(self) -> bool:
        return bool(self.divergent)


@dataclass(frozen=True)
class Flags:
    no_non_security_view: bool
    no_client_view: bool
    gender_not_considered: bool

    def as_list(self) -> list[str]:
        return [
            name
            for name, on in (
                ("no_non_security_view", self.no_non_security_view),
                ("no_client_view", self.no_client_view),
                ("gender_not_considered", self.gender_not_considered),
            )
            if on
        ]


@dataclass(frozen=True)
class Grid:
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    flags: Flags
    #: whether any column could be compared with the previous analysis
    compared: bool = False


def rating(value: Any) -> int | None:
    """A rating 0–3, or None for "unknown", "not_applicable", missing or anything else (none of
    them is a number, so none counts for divergence or change)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= 3 else None


def mark(value: Any) -> str:
    """Why a value is no rating: "" for 0–3, ``UNKNOWN``, ``NOT_APPLICABLE``, or ``NOT_RATED``
    for a missing value (or anything else)."""
    if rating(value) is not None:
        return ""
    if value in (UNKNOWN, NOT_APPLICABLE):
        return str(value)
    return NOT_RATED


def _cell(answers: Mapping[str, Any], domain: str) -> Cell:
    raw = answers.get(domain)
    if not isinstance(raw, Mapping):
        return Cell(None, None, "", concern_mark=NOT_RATED, resource_mark=NOT_RATED)
    rationale = raw.get("rationale")
    return Cell(
        rating(raw.get("concern")),
        rating(raw.get("resource")),
        rationale if isinstance(rationale, str) else "",
        concern_mark=mark(raw.get("concern")),
        resource_mark=mark(raw.get("resource")),
    )


def _delta(now: int | None, before: int | None) -> int | None:
    return None if now is None or before is None else now - before


def flags_for(perspectives: Sequence[PerspectiveInput]) -> Flags:
    """The missing-perspective flags, from the given (visible) perspectives only."""
    return Flags(
        no_non_security_view=not any(
            p.viewpoint == ORGANISATION and not p.is_security for p in perspectives
        ),
        no_client_view=not any(p.viewpoint == CLIENT for p in perspectives),
        gender_not_considered=not any(
            p.answers.get("gender_considered") == "considered" for p in perspectives
        ),
    )


def divergent_scales(cells: Sequence[Cell]) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The scales whose known ratings differ by ``DIVERGENCE`` or more, and each scale's range."""
    divergent: list[str] = []
    spread: dict[str, tuple[int, int] | None] = {}
    for scale in SCALES:
        known = [v for v in (getattr(c, scale) for c in cells) if v is not None]
        spread[scale] = (min(known), max(known)) if known else None
        if known and max(known) - min(known) >= DIVERGENCE:
            divergent.append(scale)
    return tuple(divergent), spread


def build_grid(
    domains: Sequence[str],
    perspectives: Sequence[PerspectiveInput],
    previous: Sequence[PerspectiveInput] = (),
) -> Grid:
    """Compute the grid from the perspectives the viewer may see (and, for the change per domain,
    the visible perspectives of the previous analysis)."""
    before = {(p.organisation_id, p.viewpoint): p for p in previous}
    columns = tuple(
        Column(p.id, p.organisation_id, p.organisation, p.is_security, p.viewpoint)
        for p in perspectives
    )
    compared = any((p.organisation_id, p.viewpoint) in before for p in perspectives)
    rows = []
    for domain in domains:
        cells = []
        for p in perspectives:
            cell = _cell(p.answers, domain)
            earlier = before.get((p.organisation_id, p.viewpoint))
            if earlier is not None:
                old = _cell(earlier.answers, domain)
                cell = replace(
                    cell,
                    change=(_delta(cell.concern, old.concern), _delta(cell.resource, old.resource)),
                )
            cells.append(cell)
        divergent, spread = divergent_scales(cells)
        rows.append(Row(domain, tuple(cells), divergent, spread))
    return Grid(columns, tuple(rows), flags_for(perspectives), compared)


def formulation_change(
    domains: Sequence[str], now: Mapping[str, Any], before: Mapping[str, Any] | None
) -> dict[str, tuple[int | None, int | None]]:
    """Per domain, the change of the agreed concern and resource since an earlier formulation
    (None where either is no number: unknown, not applicable or not agreed); empty without an
    earlier formulation."""
    if before is None:
        return {}
    now_domains = now.get("domains") or {}
    old_domains = before.get("domains") or {}
    out = {}
    for domain in domains:
        a = now_domains.get(domain) or {}
        b = old_domains.get(domain) or {}
        out[domain] = (
            _delta(rating(a.get("concern")), rating(b.get("concern"))),
            _delta(rating(a.get("resource")), rating(b.get("resource"))),
        )
    return out
