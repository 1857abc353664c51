"""Results of a diagnostics round, built from per-group aggregates (pure, no ORM).

Invariant: no value or count resting on fewer than ``min_group`` (but more than 0) respondents
is shown or can be worked out from shown ones: in the tree of shown groups, every group minus
its nearest shown subgroups holds 0 or at least ``min_group`` respondents who count (answer
sets of invitees who do not count, ``uncounted``, are taken as known to whoever reads the
results). The same holds per dimension for the respondents scored in it, and per statement for
those who gave it a real answer ("don't know" is none).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from icommit.instruments.engine.definition import MIN_RESPONDENTS

ALL = "all"
SECURITY = "security"
NON_SECURITY = "non_security"
SIDES = (SECURITY, NON_SECURITY)
JUSTICE_SOCIAL = "justice_social"
STATE = "state"
NON_STATE = "non_state"
#: The groups a round compares, by the grouping chosen when it opened: each answer set is in
#: exactly one of them (and, below it, in its sector).
GROUPINGS: dict[str, tuple[str, ...]] = {
    "security": SIDES,
    "justice_social": (SECURITY, JUSTICE_SOCIAL, NON_SECURITY),
    "state": (STATE, NON_STATE),
}
#: Sectors whose members form the justice social services group (probation and prison social
#: services) in the ``justice_social`` grouping, whatever their security flag.
JUSTICE_SOCIAL_SECTORS = ("probation", "prison")
#: The smallest group any value may rest on; an instrument may ask for more, never for less.
MIN_GROUP = MIN_RESPONDENTS

GroupKind = Literal["all", "side", "sector"]
# "empty": nobody to show (n = 0); "small": fewer than min_group; "subtraction": hidden so
# that a small group cannot be worked out from the groups that are shown.
Reason = Literal["empty", "small", "subtraction"]
Bands = Sequence[tuple[str, float | None]]

CsvRow = tuple[str, str, int, float, str | None, float | None, float | None]
CSV_HEADER = ("domain", "group", "n", "score", "band", "previous", "change")


@dataclass(frozen=True)
class Cell:
    """One aggregate computed in SQL: ``n`` respondents of ``group`` scored ``domain``."""

    group: str
    domain: str
    n: int
    mean: float


@dataclass(frozen=True)
class Group:
    """A column of the results; ``n`` is None where the count itself is withheld."""

    key: str
    kind: GroupKind
    n: int | None
    shown: bool
    suppressed: Reason | None

    @property
    def parent(self) -> str | None:
        return _parent(self.key)

    @property
    def sector(self) -> str | None:
        return self.key.split("/", 1)[1] if self.kind == "sector" else None


@dataclass(frozen=True)
class GroupScore:
    """One group's score for one domain; ``value`` and ``n`` are None unless shown."""

    group: str
    value: float | None
    n: int | None
    band: str | None
    suppressed: Reason | None
    previous: float | None = None
    change: float | None = None

    @property
    def shown(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Row:
    """One domain across all groups, with the team-level signals derived from it."""

    domain: str
    scores: tuple[GroupScore, ...]
    team: float | None
    band: str | None
    gap: bool
    divergence: float | None
    divergent: bool
    previous: float | None
    change: float | None

    @property
    def by_group(self) -> dict[str, GroupScore]:
        return {s.group: s for s in self.scores}


@dataclass(frozen=True)
class Results:
    """Everything a page, PDF, CSV export or API response may show about one round."""

    respondents: int
    min_group: int
    bands: tuple[tuple[str, float | None], ...]
    divergence_threshold: float | None
    groups: tuple[Group, ...]
    rows: tuple[Row, ...]
    #: The compared groups (two or three), by the round's grouping.
    sides: tuple[str, ...] = SIDES

    @property
    def shown(self) -> bool:
        return any(s.shown for row in self.rows for s in row.scores)

    @property
    def gaps(self) -> tuple[str, ...]:
        return tuple(row.domain for row in self.rows if row.gap)

    @property
    def divergences(self) -> tuple[str, ...]:
        return tuple(row.domain for row in self.rows if row.divergent)

    def group(self, key: str) -> Group | None:
        return next((g for g in self.groups if g.key == key), None)

    def row(self, domain: str) -> Row | None:
        return next((r for r in self.rows if r.domain == domain), None)

    def as_rows(self) -> list[CsvRow]:
        """Rows for a CSV export in ``CSV_HEADER`` order: shown values only."""
        out: list[CsvRow] = []
        for row in self.rows:
            for s in row.scores:
                if s.value is not None and s.n is not None:
                    out.append((row.domain, s.group, s.n, s.value, s.band, s.previous, s.change))
        return out


def side_of(grouping: str, *, is_security: bool, sector: str, is_state: bool) -> str:
    """The compared group an answer set of this kind counts in under the grouping."""
    if grouping == "state":
        return STATE if is_state else NON_STATE
    if grouping == "justice_social" and sector in JUSTICE_SOCIAL_SECTORS:
        return JUSTICE_SOCIAL
    return SECURITY if is_security else NON_SECURITY


def build_results(
    *,
    domains: Sequence[str],
    bands: Bands,
    divergence_threshold: float | None,
    cells: Iterable[Cell],
    respondents: Mapping[str, int],
    previous: Results | None = None,
    min_group: int = MIN_GROUP,
    uncounted: Mapping[str, int] | None = None,
    statements: Mapping[str, Sequence[Mapping[str, int]]] | None = None,
    sides: Sequence[str] = SIDES,
) -> Results:
    """Build the results of one round, suppressing every value that could identify a few.

    ``uncounted``: per group, the answer sets of invitees who do not count towards the minimum.
    ``statements``: per domain, for each of its statements the answer sets per group that gave
    it a real answer and were scored in the domain.
    """
    if min_group < 1:
        raise ValueError("min_group must be at least 1")
    bands = _checked_bands(bands)
    cells = list(cells)
    uncounted = uncounted or {}
    statements = statements or {}
    sides = tuple(sides)
    keys = _group_keys([*respondents, *(c.group for c in cells), *uncounted], sides)
    counts = {k: respondents.get(k, 0) for k in keys}
    _check_counts(counts, "respondents")
    known = {k: uncounted.get(k, 0) for k in keys}
    _check_counts(known, "uncounted respondents")
    for k in keys:
        if known[k] > counts[k]:
            raise ValueError(f"{k!r}: more uncounted respondents than respondents")
    group_hidden = _suppress(counts, {}, min_group, known)

    scored: dict[str, dict[str, Cell]] = {d: {} for d in domains}
    for cell in cells:
        if cell.domain not in scored:
            raise ValueError(f"cell for unknown domain {cell.domain!r}")
        if cell.group in scored[cell.domain]:
            raise ValueError(f"two cells for {cell.group!r} / {cell.domain!r}")
        if not 0 <= cell.n <= counts[cell.group]:
            raise ValueError(f"{cell.group!r} / {cell.domain!r}: n outside 0..respondents")
        scored[cell.domain][cell.group] = cell

    groups = tuple(
        Group(
            key=k,
            kind=_kind(k),
            # The team's own size is known to its members anyway; other counts are
            # withheld with their values (0 reveals nothing, so "empty" keeps it).
            n=counts[k] if k == ALL or group_hidden.get(k) in (None, "empty") else None,
            shown=k not in group_hidden,
            suppressed=group_hidden.get(k),
        )
        for k in keys
    )
    rows = tuple(
        _row(
            domain,
            keys,
            scored[domain],
            group_hidden,
            bands=bands,
            threshold=divergence_threshold,
            previous=previous.row(domain) if previous else None,
            min_group=min_group,
            known=known,
            statements=statements.get(domain, ()),
            sides=sides,
        )
        for domain in domains
    )
    return Results(
        respondents=counts[ALL],
        min_group=min_group,
        bands=bands,
        divergence_threshold=divergence_threshold,
        groups=groups,
        rows=rows,
        sides=sides,
    )


def band_for(bands: Bands, value: float) -> str:
    """Return the key of the first band with ``value < below`` (the last band has no bound)."""
    for key, below in bands:
        if below is None or value < below:
            return key
    raise ValueError("the last band must have no upper bound")


def _row(
    domain: str,
    keys: Sequence[str],
    cells: Mapping[str, Cell],
    group_hidden: Mapping[str, Reason],
    *,
    bands: Bands,
    threshold: float | None,
    previous: Row | None,
    min_group: int,
    known: Mapping[str, int],
    statements: Sequence[Mapping[str, int]],
    sides: Sequence[str] = SIDES,
) -> Row:
    counts = {k: cells[k].n if k in cells else 0 for k in keys}
    _check_counts(counts, f"domain {domain!r}")
    answered = []
    for i, statement in enumerate(statements):
        vector = {k: statement.get(k, 0) for k in keys}
        _check_counts(vector, f"domain {domain!r}, statement {i}")
        answered.append(vector)
    hidden = _suppress(counts, group_hidden, min_group, known, answered)
    before = previous.by_group if previous else {}
    scores = []
    for k in keys:
        if k in hidden:
            scores.append(GroupScore(k, None, None, None, hidden[k]))
            continue
        # Everything derived is computed from the displayed, rounded values, so the page
        # never contradicts itself (a 49.96 shown as 50.0 is not "low").
        value = round(cells[k].mean, 1)
        old = before[k].value if k in before else None
        scores.append(
            GroupScore(
                k,
                value,
                counts[k],
                band_for(bands, value),
                None,
                previous=old,
                change=None if old is None else round(value - old, 1),
            )
        )
    by_group = {s.group: s for s in scores}
    team = by_group[ALL]
    # two groups: the first minus the second (security minus non-security, as always); three:
    # the widest gap between two shown groups
    values = [by_group[k].value for k in sides]
    shown = [v for v in values if v is not None]
    if len(sides) == 2:
        a, b = values
        divergence = None if a is None or b is None else round(a - b, 1)
    else:
        divergence = round(max(shown) - min(shown), 1) if len(shown) >= 2 else None
    return Row(
        domain=domain,
        scores=tuple(scores),
        team=team.value,
        band=team.band,
        gap=len(bands) > 1 and team.band == bands[0][0],
        divergence=divergence,
        divergent=divergence is not None and threshold is not None and abs(divergence) > threshold,
        previous=team.previous,
        change=team.change,
    )


def _suppress(
    counts: Mapping[str, int],
    hidden: Mapping[str, Reason],
    min_group: int,
    known: Mapping[str, int],
    more: Sequence[Mapping[str, int]] = (),
) -> dict[str, Reason]:
    """Return why each hidden group is hidden; groups absent from the result are shown.

    Shown groups form a tree; knowing their counts (or sums) reveals exactly the
    remainders "group minus its nearest shown subgroups" and unions of them. So every
    remainder must hold 0, or at least min_group beyond the ``known`` (uncounted) answer
    sets it may hold; while one does not, the smallest nearest shown subgroup is hidden too,
    which merges its own remainder into the parent's. ``more`` are further counts over the
    same groups (answers per statement) that must keep the same rule; a group with none of
    them is not held back by them.
    """
    reasons = dict(hidden)
    for key, n in counts.items():
        if key in reasons:
            continue
        if n == 0:
            reasons[key] = "empty"
            continue
        if any(0 < a < known[key] + min_group for a in (n, *(v[key] for v in more))):
            reasons[key] = "small"
    vectors = (counts, *more)
    while True:
        shown = [k for k in counts if k not in reasons]
        for parent in shown:
            below = [k for k in shown if _nearest_shown_ancestor(k, reasons) == parent]
            known_in_rest = known[parent] - sum(known[k] for k in below)
            rests = [v[parent] - sum(v[k] for k in below) for v in vectors]
            if any(0 < rest < known_in_rest + min_group for rest in rests):
                reasons[min(below, key=lambda k: (counts[k], k))] = "subtraction"
                break
        else:
            return reasons


def _nearest_shown_ancestor(key: str, reasons: Mapping[str, Reason]) -> str | None:
    parent = _parent(key)
    while parent is not None and parent in reasons:
        parent = _parent(parent)
    return parent


def _check_counts(counts: Mapping[str, int], what: str) -> None:
    # Subgroups larger than their parent mean the aggregates are wrong; suppression
    # arithmetic on them would be meaningless, so refuse rather than risk a leak.
    for key, n in counts.items():
        if n < 0:
            raise ValueError(f"{what}: negative count for {key!r}")
        children = [k for k in counts if _parent(k) == key]
        if sum(counts[k] for k in children) > n:
            raise ValueError(f"{what}: subgroups of {key!r} add up to more than {n}")


def _group_keys(seen: Iterable[str], sides: Sequence[str] = SIDES) -> list[str]:
    sectors = set()
    for key in seen:
        if key in (ALL, *sides):
            continue
        side, _, sector = key.partition("/")
        if side not in sides or not sector or "/" in sector:
            raise ValueError(f"unknown group {key!r}")
        sectors.add(key)
    # Sectors by their group's order (security first), then by code: a stable column order.
    ordered = sorted(sectors, key=lambda k: (list(sides).index(_parent(k) or ""), k))
    return [ALL, *sides, *ordered]


def _parent(key: str) -> str | None:
    if key == ALL:
        return None
    if "/" not in key:
        return ALL
    return key.partition("/")[0]


def _kind(key: str) -> GroupKind:
    if key == ALL:
        return "all"
    return "sector" if "/" in key else "side"


def _checked_bands(bands: Bands) -> tuple[tuple[str, float | None], ...]:
    checked = tuple((key, below) for key, below in bands)
    if not checked or checked[-1][1] is not None:
        raise ValueError("bands must end with one band without an upper bound")
    last: float | None = None
    for _, below in checked[:-1]:
        if below is None or (last is not None and below <= last):
            raise ValueError("band bounds must be ascending and only the last may be open")
        last = below
    return checked
