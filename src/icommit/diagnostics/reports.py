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

from icommit.access import Action, require
from icommit.accounts.models import User
from icommit.core import charts
from icommit.core.exceptions import NotFound
from icommit.diagnostics import selectors
from icommit.diagnostics.models import Round
from icommit.diagnostics.results import MIN_GROUP, SIDES, Cell, Results, build_results
from icommit.instruments.engine import recommendations_for, tr
from icommit.methodology.content import catalogue, default_model
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

    @property
    def comparison(self) -> str:
        """Why security and non-security can or cannot be compared here: "shown", "hidden"
        (a side has fewer than the minimum, or would reveal a smaller group), "none" (a side
        had nobody scored in this dimension, or nothing is shown)."""
        if self.row is None:
            return "none"
        if self.row.divergence is not None:
            return "shown"
        sides = [self.row.by_group.get(k) for k in SIDES]
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
        return [c for c in self.columns if c.key in SIDES and not c.shown and c.reason != "empty"]

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


def _results_of(round: Round, previous: Results | None = None) -> Results:
    definition = round.version.parsed
    scoring = definition.scoring
    domains = [d.key for d in definition.domains]
    bands = [(b.key, b.below) for b in scoring.bands]
    minimum = max(round.min_respondents, MIN_GROUP)
    if not round.has_results:
        # nothing to aggregate (the answer sets are gone), and nothing may be shown
        return build_results(
            domains=domains,
            bands=bands,
            divergence_threshold=scoring.divergence_threshold,
            cells=[],
            respondents={},
            min_group=minimum,
        )
    aggregates = selectors.round_aggregates(round)
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
    )


def _group_label(key: str) -> str:
    if key == "all":
        return _("Team")
    if key == "security":
        return _("Security members")
    if key == "non_security":
        return _("Non-security members")
    side, sector = key.split("/", 1)
    name = str(Sector(sector).label) if sector in Sector.values else sector
    return f"{name} ({_('security') if side == 'security' else _('non-security')})"


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


def recommendation_of(*, round: Round, domain: str, index: int, lang: str) -> Advice:
    """One recommendation of a closed round's results, looked up directly: one round of
    aggregates, no previous round, no charts. The caller fetched the round with the results
    right (``selectors.round_get``); NotFound for anything the results do not offer."""
    selectors.require_closed(round)
    definition = round.version.parsed
    found = next((d for d in definition.domains if d.key == domain), None)
    if found is None:
        raise NotFound()
    row = _results_of(round).row(domain)
    if row is None or row.band is None:
        raise NotFound()
    recs = list(recommendations_for(definition, domain, row.band))
    if not 0 <= index < len(recs):
        raise NotFound()
    band_labels = {b.key: tr(b.label, lang) for b in definition.scoring.bands}
    ref = recommendation_id(round, domain, row.band, index)
    planned = selectors.planned_from(round=round, ids=[ref])
    title = tr(found.title, lang)
    return _advice(round, domain, title, row.band, index, recs[index], lang, band_labels, planned)


def round_report(*, user: User, round: Round, lang: str) -> Report:
    """The results of a closed round with its predecessor's for change (constant queries).

    A read changes nothing: a round past its date that the schedule has not closed yet has
    no results to show until ``services.rounds_close_due`` closes it.
    """
    require(user, Action.DIAGNOSTICS_RESULTS, round)
    selectors.require_closed(round)
    definition = round.version.parsed
    scoring = definition.scoring
    previous_round = selectors.previous_round(round)
    previous = _results_of(previous_round) if previous_round is not None else None
    results = _results_of(round, previous)
    band_labels = {b.key: tr(b.label, lang) for b in scoring.bands}
    offered = []
    for domain in definition.domains:
        row = results.row(domain.key)
        band = row.band if row is not None and row.band is not None else ""
        recs = list(recommendations_for(definition, domain.key, band)) if band else []
        offered.append((domain, row, band, recs))
    planned = selectors.planned_from(
        round=round,
        ids=[
            recommendation_id(round, domain.key, band, index)
            for domain, _row, band, recs in offered
            for index in range(len(recs))
        ],
    )
    domains = []
    for domain, row, band, recs in offered:
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
            )
        )
    columns = [
        Column(g.key, _group_label(g.key), g.n, g.shown, g.suppressed) for g in results.groups
    ]
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
    )


def _named(domain: DomainView, columns: dict[str, Column]) -> list[tuple[Column, Any]]:
    if domain.row is None:
        return []
    return [
        (columns[s.group], s)
        for s in domain.row.scores
        if s.group in columns and (columns[s.group].shown or s.group in SIDES)
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
        "previous_round_id": report.previous_round.pk if report.previous_round else None,
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
            }
            for d in report.domains
        ],
        "gaps": list(results.gaps),
        "divergences": list(results.divergences),
    }
