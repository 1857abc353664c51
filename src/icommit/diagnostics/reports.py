"""A round's report: the suppressed results with labels, charts and recommendations.

Invariant: everything here is built from ``selectors.round_aggregates`` through
``results.build_results``; the page, the PDF, the CSV and the API all show this one object, so
a group hidden on one is hidden on all.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from icommit.access import Action, require
from icommit.accounts.models import User
from icommit.core import charts
from icommit.core.exceptions import NotFound
from icommit.diagnostics import selectors
from icommit.diagnostics.models import Round
from icommit.diagnostics.results import (
    GROUPINGS,
    MIN_GROUP,
    SIDES,
    Cell,
    Results,
    build_results,
)
from icommit.instruments.engine import item_score, recommendations_for, tr
from icommit.methodology.content import catalogue, default_model
from icommit.phases import selectors as phase_selectors
from icommit.plans import sources as plan_sources
from icommit.stakeholders.sectors import Sector


@dataclass(frozen=True)
class Advice:
    """One recommendation for the band a dimension is in, with where to learn more."""

    domain: str
    domain_title: str
    band: str
    band_label: str
    index: int
    text: str
    phase_tasks: list[tuple[str, str, str]]  # (anchor on the phase page, phase title, task title)
    modules: list[tuple[str, str]]  # (module id, title)
    source_ref: str
    source_label: str
    planned: list[Any] = field(default_factory=list)
    task_ids: list[str] = field(default_factory=list)

    @property
    def goal_title(self) -> str:
        return _("Improve: %(dimension)s") % {"dimension": self.domain_title}

    @property
    def action_title(self) -> str:
        return self.text.split(". ")[0][:200]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    n: int | None
    shown: bool
    reason: str | None


@dataclass(frozen=True)
class DomainView:
    key: str
    title: str
    row: Any
    band_label: str
    advice: list[Advice] = field(default_factory=list)
    #: (column, score) for every group the report may name: shown groups, and the two sides
    #: even when hidden (sectors that are hidden are never named)
    groups: list[tuple[Column, Any]] = field(default_factory=list)
    #: this dimension's own chart: one bar per shown group, this round and the previous one
    chart: str = ""
    #: the same for the PDF, this round only (the previous values are in the table beside it;
    #: WeasyPrint lays out every label of sixteen charts, and half the labels halve that time)
    pdf_chart: str = ""
    #: the groups the round compares (``results.GROUPINGS``)
    sides: tuple[str, ...] = SIDES
    #: this dimension's statements with their answers per option and group (``ItemView``)
    items: list[Any] = field(default_factory=list)

    @property
    def scored_items(self) -> list[Any]:
        return [i for i in self.items if i.kind == "scored"]

    @property
    def counted_items(self) -> list[Any]:
        return [i for i in self.items if i.kind != "scored"]

    @property
    def option_labels(self) -> list[str]:
        """The answer options of the scored statements (the columns of their table)."""
        first = self.scored_items[0].parts[0] if self.scored_items else None
        return [r.label for r in first.rows] if first else []

    @property
    def comparison(self) -> str:
        """Why security and non-security can or cannot be compared here: "shown", "hidden"
        (a side has fewer than the minimum, or would reveal a smaller group), "none" (a side
        had nobody scored in this dimension, or nothing is shown)."""
        if self.row is None:
            return "none"
        if self.row.divergence is not None:
            return "shown"
        sides = [self.row.by_group.get(k) for k in self.sides]
        if any(s is not None and not s.shown and s.suppressed != "empty" for s in sides):
            return "hidden"
        return "none"


@dataclass(frozen=True)
class Report:
    round: Round
    title: str
    results: Results
    previous_round: Round | None
    columns: list[Column]
    domains: list[DomainView]
    band_labels: dict[str, str]
    planned: dict[str, list[Any]]
    #: The round closed with fewer answers from counted invitees than its minimum: it has no
    #: results at all (its answer sets were deleted at closing).
    withheld: bool = False
    #: statements placed under no dimension (events and facts, paired and group items ...)
    other_items: list[Any] = field(default_factory=list)
    #: shown groups, the columns of every answer-count table
    item_columns: list[Column] = field(default_factory=list)
    #: dimensions left out of the comparison with a round on another version: (title, reason)
    left_out: list[tuple[str, str]] = field(default_factory=list)
    #: recommendations on statements placed under no dimension
    other_advice: list[Advice] = field(default_factory=list)

    @property
    def grouping(self) -> str:
        return self.round.grouping

    @property
    def side_columns(self) -> list[Column]:
        """The compared groups' columns, in order (hidden ones too: they are named)."""
        by_key = {c.key: c for c in self.columns}
        return [by_key[k] for k in self.results.sides if k in by_key]

    @property
    def comparison_title(self) -> str:
        return " / ".join(c.label for c in self.side_columns)

    @property
    def withheld_reason(self) -> str:
        if not self.withheld:
            return ""
        return _(
            "This round closed with fewer than %(minimum)s answers from invitees who count, "
            "so it has no results: its answers were deleted without being evaluated, because "
            "results from so few could reveal what individual members answered."
        ) % {"minimum": self.round.min_respondents}

    @property
    def shown_columns(self) -> list[Column]:
        return [c for c in self.columns if c.shown]

    @property
    def hidden_sides(self) -> list[Column]:
        """Hidden security / non-security columns (sectors are never named when hidden)."""
        sides = self.results.sides
        return [c for c in self.columns if c.key in sides and not c.shown and c.reason != "empty"]

    @property
    def sectors_hidden(self) -> bool:
        return any("/" in c.key and not c.shown for c in self.columns)

    @property
    def gaps(self) -> list[DomainView]:
        return [d for d in self.domains if d.row.gap]

    @property
    def divergences(self) -> list[DomainView]:
        return [d for d in self.domains if d.row.divergent]

    @property
    def meeting_query(self) -> str:
        """Title and agenda for a team meeting on these results (a query string)."""
        from urllib.parse import urlencode

        lines = [_("Results of %(title)s") % {"title": self.round.title}]
        if self.gaps:
            lines.append(_("Gaps: %(list)s") % {"list": ", ".join(d.title for d in self.gaps)})
        if self.divergences:
            lines.append(
                _("Divergence: %(list)s") % {"list": ", ".join(d.title for d in self.divergences)}
            )
        lines.append(_("Which recommendations do we take into the plan?"))
        return urlencode(
            {
                "title": _("Discussing the diagnostics: %(title)s") % {"title": self.round.title},
                "agenda": "\n".join(f"- {line}" for line in lines),
            }
        )

    @property
    def with_advice(self) -> list[DomainView]:
        return [d for d in self.domains if d.advice and d.row.team is not None]

    # --- the one-screen summary: orderings of what the rows already hold, nothing new ------

    @property
    def scored(self) -> list[DomainView]:
        """Dimensions with a shown team score, lowest first."""
        shown = [d for d in self.domains if d.row is not None and d.row.team is not None]
        return sorted(shown, key=lambda d: (d.row.team, d.title))

    @property
    def top_gaps(self) -> list[DomainView]:
        """The gaps, lowest score first; without gaps, the three lowest scores."""
        gaps = [d for d in self.scored if d.row.gap]
        return gaps[:5] if gaps else self.scored[:3]

    @property
    def top_divergences(self) -> list[DomainView]:
        return sorted(self.divergences, key=lambda d: -abs(d.row.divergence))[:5]

    @property
    def comparison(self) -> str:
        """The team-wide comparison: "shown" (some divergence above the threshold), "none"
        (compared, none above it), "unavailable" (no side to compare),
        "hidden" (no dimension could be compared)."""
        states = {d.comparison for d in self.domains}
        if self.divergences:
            return "shown"
        if "shown" in states:
            return "none"
        return "hidden" if "hidden" in states else "unavailable"

    @property
    def comparison_hidden(self) -> int:
        """How many dimensions cannot be compared because a side is hidden."""
        return sum(1 for d in self.domains if d.comparison == "hidden")

    @property
    def improved(self) -> list[DomainView]:
        up = [d for d in self.domains if d.row is not None and (d.row.change or 0) > 0]
        return sorted(up, key=lambda d: -d.row.change)[:3]

    @property
    def declined(self) -> list[DomainView]:
        down = [d for d in self.domains if d.row is not None and (d.row.change or 0) < 0]
        return sorted(down, key=lambda d: d.row.change)[:3]

    @property
    def compared(self) -> bool:
        return any(d.row is not None and d.row.change is not None for d in self.domains)

    @property
    def next_steps(self) -> list[Advice]:
        """The first recommendation of each of the three lowest-scoring dimensions."""
        return [d.advice[0] for d in self.scored if d.advice][:3]


def _results_of(round: Round, previous: Results | None = None, aggregates: Any = None) -> Results:
    definition = round.version.parsed
    scoring = definition.scoring
    domains = [d.key for d in definition.domains]
    bands = [(b.key, b.below) for b in scoring.bands]
    minimum = max(round.min_respondents, MIN_GROUP)
    sides = GROUPINGS.get(round.grouping, SIDES)
    if not round.has_results:
        # nothing to aggregate (the answer sets are gone), and nothing may be shown
        return build_results(
            domains=domains,
            bands=bands,
            divergence_threshold=scoring.divergence_threshold,
            cells=[],
            respondents={},
            min_group=minimum,
            sides=sides,
        )
    aggregates = aggregates or selectors.round_aggregates(round)
    cells = [
        Cell(group=group, domain=domain, n=n, mean=total / n)
        for (group, domain), (n, total) in aggregates.scored.items()
        if n
    ]
    statements: dict[str, list[dict[str, int]]] = {d: [] for d in domains}
    for item in definition.items():
        if item.scored and item.domain in statements:
            statements[item.domain].append(aggregates.answered.get(item.key, {}))
    return build_results(
        domains=domains,
        bands=bands,
        divergence_threshold=scoring.divergence_threshold,
        cells=cells,
        respondents=aggregates.respondents,
        previous=previous,
        min_group=minimum,
        uncounted=aggregates.uncounted,
        statements=statements,
        sides=sides,
    )


def _group_label(key: str, grouping: str = "security") -> str:
    if key == "all":
        return _("Team")
    if key == "security":
        return _("Security members")
    if key == "non_security":
        return _("Other members") if grouping == "justice_social" else _("Non-security members")
    if key == "justice_social":
        return _("Justice social services")
    if key == "state":
        return _("State members")
    if key == "non_state":
        return _("Non-state members")
    side, sector = key.split("/", 1)
    name = str(Sector(sector).label) if sector in Sector.values else sector
    short = {
        "security": _("security"),
        "non_security": _("other") if grouping == "justice_social" else _("non-security"),
        "justice_social": _("justice social services"),
        "state": _("state"),
        "non_state": _("non-state"),
    }
    return f"{name} ({short.get(side, side)})"


def _tasks() -> dict[str, tuple[Any, Any]]:
    return {t.id: (p.title, t.title) for p in default_model().phases for t in p.tasks}


def _modules() -> dict[str, Any]:
    return dict(catalogue().training_modules)


def recommendation_id(round: Round, domain: str, band: str, index: int) -> str:
    """The plan source id of one recommendation of a round (what its plan link is found by)."""
    return f"{round.pk}:{domain}:{band}:{index}"[: plan_sources.ID_MAX]


def _advice(
    round: Round,
    domain: str,
    title: str,
    band: str,
    index: int,
    rec: Any,
    lang: str,
    band_labels: dict[str, str],
    planned: dict[str, list[Any]],
) -> Advice:
    tasks, modules = _tasks(), _modules()
    text = tr(rec.text, lang)
    ref = recommendation_id(round, domain, band, index)
    return Advice(
        domain=domain,
        domain_title=title,
        band=band,
        band_label=band_labels.get(band, band),
        index=index,
        text=text,
        phase_tasks=[
            ("task-" + t.replace(".", "-"), tr(tasks[t][0], lang), tr(tasks[t][1], lang))
            for t in rec.phase_tasks
            if t in tasks
        ],
        modules=[(m, modules[m].title_in(lang)) for m in rec.modules if m in modules],
        source_ref=ref,
        source_label=f"{round.title} — {title}: {text}"[: plan_sources.LABEL_MAX],
        planned=planned.get(ref, []),
        task_ids=[t for t in rec.phase_tasks if t in tasks],
    )


# --- statements: answers per option and group --------------------------------------------------


@dataclass(frozen=True)
class OptionRow:
    label: str
    counts: list[int]  # one per shown group (``Report.item_columns``)
    missing: bool = False  # "don't know", "prefer not to say", no answer


@dataclass(frozen=True)
class ItemPart:
    """One table: a statement, or one rating of a paired statement, or a group's entries."""

    key: str
    label: str
    rows: list[OptionRow]
    #: per shown group the mean on 0-100 of the real answers (score scales), None where fewer
    #: than the minimum gave one
    means: list[float | None] | None = None


@dataclass(frozen=True)
class ItemView:
    key: str
    text: str
    kind: str  # "counts" | "scored" | "paired" | "group" | "choice"
    domain: str | None
    parts: list[ItemPart]


def _value_of(scale: Any, option: str) -> Any:
    return next((c.value for c in scale.options if str(c.value) == option), option)


def _part(
    definition: Any,
    item: Any,
    scale: Any,
    key: str,
    label: str,
    counts: dict[str, dict[str, int]],
    columns: list[Column],
    lang: str,
    minimum: int,
    scored: bool,
) -> ItemPart:
    rows = [
        OptionRow(
            tr(c.label, lang),
            [counts.get(str(c.value), {}).get(col.key, 0) for col in columns],
            missing=scale.is_missing(c.value),
        )
        for c in scale.options
    ]
    rows.append(
        OptionRow(_("No answer"), [counts.get("", {}).get(col.key, 0) for col in columns], True)
    )
    means: list[float | None] | None = None
    if scored:
        means = []
        for col in columns:
            total = n = 0.0
            for option, by_group in counts.items():
                got = item_score(definition, item, _value_of(scale, option)) if option else None
                if got is None:
                    continue
                value, lo, hi = got
                k = by_group.get(col.key, 0)
                n += k
                total += k * (100.0 * (value - lo) / (hi - lo) if hi > lo else 100.0)
            means.append(round(total / n, 1) if n >= minimum else None)
    return ItemPart(key, label, rows, means)


def _item_views(
    definition: Any,
    options: dict[str, dict[str, dict[str, int]]],
    columns: list[Column],
    lang: str,
    minimum: int,
) -> list[ItemView]:
    """Every statement the option tallies cover, with its answers per shown group."""
    out: list[ItemView] = []
    for item in definition.items():
        text = tr(item.text, lang)
        if item.type in ("likert", "choice"):
            scale = definition.scale_of(item)
            kind = "counts" if item.counts else ("scored" if item.scored else "choice")
            part = _part(
                definition,
                item,
                scale,
                item.key,
                text,
                options.get(item.key, {}),
                columns,
                lang,
                minimum,
                scored=item.scored,
            )
            out.append(ItemView(item.key, text, kind, item.domain, [part]))
        elif item.type == "paired":
            parts = [
                _part(
                    definition,
                    item,
                    definition.scales[pair.scale],
                    f"{item.key}.{pair.key}",
                    tr(pair.label, lang),
                    options.get(f"{item.key}.{pair.key}", {}),
                    columns,
                    lang,
                    minimum,
                    scored=False,
                )
                for pair in item.pairs
            ]
            out.append(ItemView(item.key, text, "paired", None, parts))
        elif item.type == "group":
            found = options.get(f"{item.key}#entries", {})
            numbers = sorted({int(k) for k in found if k.isdigit()})
            rows = [
                OptionRow(
                    ngettext("%(n)s entry", "%(n)s entries", n) % {"n": n},
                    [found.get(str(n), {}).get(col.key, 0) for col in columns],
                    missing=n == 0,
                )
                for n in numbers
            ]
            part = ItemPart(f"{item.key}#entries", _("Number of entries"), rows)
            out.append(ItemView(item.key, text, "group", None, [part]))
    return out


# --- recommendations: by band, on single statements, for the team's phase ----------------------


def _current_phase(round: Round) -> str | None:
    """The team's current phase key (recommendations may be for some phases only)."""
    return phase_selectors.team_phase(team=round.team, history=False).phase.key


def _item_fires(rec: Any, definition: Any, item_views: dict[str, ItemView]) -> bool:
    """Whether an item-level recommendation applies to the team's answers (the team column)."""
    view = item_views.get(rec.item or "")
    if view is None or not view.parts:
        return False
    part = view.parts[0]
    if rec.below is not None:
        team = part.means[0] if part.means else None
        return team is not None and team < rec.below
    # the rows follow the scale's options; the first column is the team
    scale = definition.scale_of(definition.item(rec.item))
    wanted = {str(v) for v in rec.answers}
    chosen = sum(
        row.counts[0]
        for row, c in zip(part.rows, scale.options, strict=False)
        if str(c.value) in wanted
    )
    return rec.at_least is not None and chosen >= rec.at_least


def _offered(
    definition: Any,
    results: Results,
    item_views: dict[str, ItemView],
    phase: str | None,
) -> dict[str, tuple[str, list[Any]]]:
    """Per dimension (and "" for statements under none): the band and the recommendations
    offered, band advice first, then advice on its statements; only those for the phase."""

    def for_phase(rec: Any) -> bool:
        return not rec.phases or phase in rec.phases

    offered: dict[str, tuple[str, list[Any]]] = {}
    for domain in definition.domains:
        row = results.row(domain.key)
        band = row.band if row is not None and row.band is not None else ""
        recs = list(recommendations_for(definition, domain.key, band)) if band else []
        offered[domain.key] = (band, [r for r in recs if for_phase(r)])
    offered[""] = ("", [])
    if results.shown:
        for rec in definition.recommendations:
            if (
                rec.item is None
                or not for_phase(rec)
                or not _item_fires(rec, definition, item_views)
            ):
                continue
            home = definition.item(rec.item).domain or ""
            if home not in offered:
                home = ""
            offered[home][1].append(rec)
    return offered


def recommendation_of(*, round: Round, domain: str, index: int, lang: str) -> Advice:
    """One recommendation of a closed round's results, looked up directly: one round of
    aggregates, no previous round, no charts. The caller fetched the round with the results
    right (``selectors.round_get``); NotFound for anything the results do not offer."""
    selectors.require_closed(round)
    definition = round.version.parsed
    found = next((d for d in definition.domains if d.key == domain), None)
    if found is None or not round.has_results:
        raise NotFound()
    aggregates = selectors.round_aggregates(round)
    results = _results_of(round, aggregates=aggregates)
    views = _views_of(round, results, aggregates.options, lang)
    band, recs = _offered(definition, results, views, _current_phase(round)).get(domain, ("", []))
    row = results.row(domain)
    if row is None or row.team is None or not 0 <= index < len(recs):
        raise NotFound()
    band_labels = {b.key: tr(b.label, lang) for b in definition.scoring.bands}
    ref = recommendation_id(round, domain, band, index)
    planned = selectors.planned_from(round=round, ids=[ref])
    title = tr(found.title, lang)
    return _advice(round, domain, title, band, index, recs[index], lang, band_labels, planned)


def _columns(round: Round, results: Results) -> list[Column]:
    return [
        Column(g.key, _group_label(g.key, round.grouping), g.n, g.shown, g.suppressed)
        for g in results.groups
    ]


def _views_of(
    round: Round, results: Results, options: dict[str, Any], lang: str
) -> dict[str, ItemView]:
    shown = [c for c in _columns(round, results) if c.shown]
    if not shown or shown[0].key != "all":
        return {}
    views = _item_views(round.version.parsed, options, shown, lang, results.min_group)
    return {v.key: v for v in views}


def _statements(definition: Any, domain: str) -> list[tuple[str, dict[str, str]]]:
    return [
        (it.key, dict(it.text))
        for it in definition.items()
        if it.domain == domain and it.type != "note"
    ]


def comparable_domains(current: Any, previous: Any) -> tuple[set[str], dict[str, str]]:
    """Dimensions whose statements (item keys and texts) are the same in both versions, and
    for the others why they are left out of a comparison ("changed", "new")."""
    if current is previous or current == previous:
        return {d.key for d in current.domains}, {}
    before = {d.key for d in previous.domains}
    same: set[str] = set()
    left: dict[str, str] = {}
    for d in current.domains:
        if d.key not in before:
            left[d.key] = "new"
        elif _statements(current, d.key) != _statements(previous, d.key):
            left[d.key] = "changed"
        else:
            same.add(d.key)
    return same, left


def round_report(*, user: User, round: Round, lang: str) -> Report:
    """The results of a closed round with its predecessor's for change (constant queries).

    A read changes nothing: a round past its date that the schedule has not closed yet has
    no results to show until ``services.rounds_close_due`` closes it. A predecessor on another
    version of the instrument is compared only on dimensions whose statements did not change.
    """
    require(user, Action.DIAGNOSTICS_RESULTS, round)
    selectors.require_closed(round)
    definition = round.version.parsed
    scoring = definition.scoring
    previous_round = selectors.previous_round(round)
    previous = _results_of(previous_round) if previous_round is not None else None
    left_out: list[tuple[str, str]] = []
    if previous is not None and previous_round is not None:
        same, left = comparable_domains(definition, previous_round.version.parsed)
        previous = dataclasses.replace(
            previous, rows=tuple(r for r in previous.rows if r.domain in same)
        )
        reasons = {
            "new": _("new in this version"),
            "changed": _("its statements changed between the versions"),
        }
        left_out = [
            (tr(d.title, lang), str(reasons[left[d.key]]))
            for d in definition.domains
            if d.key in left
        ]
    aggregates = selectors.round_aggregates(round) if round.has_results else None
    results = _results_of(round, previous, aggregates=aggregates)
    band_labels = {b.key: tr(b.label, lang) for b in scoring.bands}
    views = _views_of(round, results, aggregates.options if aggregates else {}, lang)
    offered = _offered(definition, results, views, _current_phase(round) if views else None)
    planned = selectors.planned_from(
        round=round,
        ids=[
            recommendation_id(round, key, band, index)
            for key, (band, recs) in offered.items()
            if key
            for index in range(len(recs))
        ],
    )
    domains = []
    for domain in definition.domains:
        row = results.row(domain.key)
        band, recs = offered[domain.key]
        title = tr(domain.title, lang)
        advice = [
            _advice(round, domain.key, title, band, index, rec, lang, band_labels, planned)
            for index, rec in enumerate(recs)
        ]
        domains.append(
            DomainView(
                key=domain.key,
                title=title,
                row=row,
                band_label=band_labels.get(row.band, "") if row and row.band else "",
                advice=advice,
                sides=results.sides,
                items=[v for v in views.values() if v.domain == domain.key],
            )
        )
    columns = _columns(round, results)
    by_key = {c.key: c for c in columns}
    domains = [
        dataclasses.replace(
            d,
            groups=_named(d, by_key),
            chart=_domain_chart(d, by_key, previous is not None, scoring),
            pdf_chart=_domain_chart(d, by_key, False, scoring, suffix="-pdf"),
        )
        for d in domains
    ]
    other_title = _("Other statements")
    return Report(
        round=round,
        title=tr(definition.title, lang),
        results=results,
        previous_round=previous_round,
        columns=columns,
        domains=domains,
        band_labels=band_labels,
        planned=planned,
        withheld=not round.has_results,
        other_items=[v for v in views.values() if v.domain is None],
        item_columns=[c for c in columns if c.shown],
        left_out=left_out,
        other_advice=[
            _advice(round, "", str(other_title), "", i, rec, lang, band_labels, {})
            for i, rec in enumerate(offered[""][1])
        ],
    )


def _named(domain: DomainView, columns: dict[str, Column]) -> list[tuple[Column, Any]]:
    if domain.row is None:
        return []
    return [
        (columns[s.group], s)
        for s in domain.row.scores
        if s.group in columns and (columns[s.group].shown or s.group in domain.sides)
    ]


def _domain_chart(
    domain: DomainView,
    columns: dict[str, Column],
    with_previous: bool,
    scoring: Any,
    suffix: str = "",
) -> str:
    """One dimension's bars: every group shown in it, this round beside the previous one."""
    if domain.row is None:
        return ""
    shown = [s for s in domain.row.scores if s.shown and s.group in columns]
    if not shown:
        return ""
    series = [charts.Series(_("This round"), [s.value for s in shown])]
    if with_previous:
        series.append(charts.Series(_("Previous round"), [s.previous for s in shown]))
    return charts.bar_chart(
        title=_("%(dimension)s: score per group") % {"dimension": domain.title},
        categories=[columns[s.group].label for s in shown],
        series=series,
        threshold_lines=[b.below for b in scoring.bands if b.below is not None],
        chart_id=f"diagnostics-chart-{domain.key}{suffix}",
    )


def as_api(report: Report) -> dict[str, Any]:
    """The report for the API: shown groups and values only, under the same rules."""
    results = report.results
    return {
        "round_id": report.round.pk,
        "title": report.round.title,
        "instrument": report.round.version.instrument.key,
        "version": report.round.version.number,
        "respondents": results.respondents,
        "min_group": results.min_group,
        "has_results": not report.withheld,
        "withheld_reason": report.withheld_reason or None,
        "divergence_threshold": results.divergence_threshold,
        "grouping": report.round.grouping,
        # the compared groups; with three, a dimension's divergence is the widest gap
        "compared_groups": list(results.sides),
        "previous_round_id": report.previous_round.pk if report.previous_round else None,
        # dimensions left out of the comparison with a round on another version
        "left_out_of_comparison": [
            {"dimension": title, "reason": reason} for title, reason in report.left_out
        ],
        # a hidden sector is left out, not listed as hidden: its name alone says that one or
        # two people of that sector answered
        "groups": [
            {"key": c.key, "label": c.label, "n": c.n if c.shown else None, "shown": c.shown}
            for c in report.columns
            if c.shown or "/" not in c.key
        ],
        "dimensions": [
            {
                "key": d.key,
                "title": d.title,
                "team": d.row.team if d.row else None,
                "band": d.row.band if d.row else None,
                "gap": bool(d.row and d.row.gap),
                "divergence": d.row.divergence if d.row else None,
                "divergent": bool(d.row and d.row.divergent),
                "previous": d.row.previous if d.row else None,
                "change": d.row.change if d.row else None,
                "groups": {
                    s.group: {"score": s.value, "n": s.n, "band": s.band, "change": s.change}
                    for s in (d.row.scores if d.row else ())
                    if s.shown
                },
                "recommendations": [
                    {
                        "index": a.index,
                        "text": a.text,
                        "phase_tasks": a.task_ids,
                        "modules": [m for m, _t in a.modules],
                    }
                    for a in d.advice
                ],
                "statements": [_item_api(i, report) for i in d.items],
            }
            for d in report.domains
        ],
        "other_statements": [_item_api(i, report) for i in report.other_items],
        "other_recommendations": [
            {"index": a.index, "text": a.text, "phase_tasks": a.task_ids}
            for a in report.other_advice
        ],
        "gaps": list(results.gaps),
        "divergences": list(results.divergences),
    }


def _item_api(item: ItemView, report: Report) -> dict[str, Any]:
    """A statement's answers per option for every shown group (with the group sizes)."""
    keys = [c.key for c in report.item_columns]
    return {
        "key": item.key,
        "text": item.text,
        "kind": item.kind,
        "group_sizes": {c.key: c.n for c in report.item_columns},
        "parts": [
            {
                "key": part.key,
                "label": part.label,
                "counts": [
                    {
                        "answer": row.label,
                        "missing": row.missing,
                        "groups": dict(zip(keys, row.counts, strict=True)),
                    }
                    for row in part.rows
                ],
                "means": dict(zip(keys, part.means, strict=True)) if part.means else None,
            }
            for part in item.parts
        ],
    }
