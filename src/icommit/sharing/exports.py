"""The transparency matrix as people read it: a compact grid, per-organisation lists, the PDF.

The grid gives every organisation a short code (from its sector) and every cell one small
symbol per rule with a text alternative; the per-organisation view lists what one organisation
may share with whom and what the others may share with it. The PDF uses the per-organisation
layout, one section per sending organisation, so that it never loses a column however many
organisations the team has. The PDF is prepared by a background job (``core.jobs``): the job
re-checks, when it runs, that its owner may still read the matrix (the same selector as the
page) and validates the one category it shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from icommit.access import Action
from icommit.core.exceptions import ValidationFailed
from icommit.core.jobs import Report
from icommit.core.models import Job
from icommit.core.pdf import render_pdf
from icommit.sharing import selectors
from icommit.sharing.decision import Decision, SharingRule
from icommit.sharing.forms import MatrixFilterForm
from icommit.stakeholders.sectors import Sector
from icommit.stakeholders.selectors import DutyRow, SecrecyRow, duty_rows, secrecy_rows
from icommit.teams.selectors import team_get

PDF_KIND = "transparency.matrix.pdf"

#: The rules in the order a cell lists them; "none" is a flow no protocol row covers.
RULE_KEYS = ("always", "consent", "legal_basis", "never", "none")
#: One symbol per rule: shape and colour both differ, and a text always goes with them.
SYMBOLS = {"always": "●", "consent": "◐", "legal_basis": "§", "never": "✕", "none": "·"}
#: Which rules each value of the "show" filter keeps.
SHOWN = {
    "": set(RULE_KEYS),
    "agreed": {"always", "consent", "legal_basis", "never"},
    "conditional": {"consent", "legal_basis"},
    "unmet": set(RULE_KEYS),
}


def sector_code(sector: str) -> str:
    """A short code for a sector, for the columns of the grid."""
    codes = {
        Sector.POLICE: pgettext("sector code", "POL"),
        Sector.INTELLIGENCE: pgettext("sector code", "INT"),
        Sector.PROSECUTION: pgettext("sector code", "PROS"),
        Sector.PRISON: pgettext("sector code", "PRIS"),
        Sector.PROBATION: pgettext("sector code", "PROB"),
        Sector.MUNICIPALITY: pgettext("sector code", "MUN"),
        Sector.SOCIAL_SERVICES: pgettext("sector code", "SOC"),
        Sector.YOUTH_WELFARE: pgettext("sector code", "YOU"),
        Sector.EXIT_COUNSELLING: pgettext("sector code", "EXIT"),
        Sector.SCHOOL: pgettext("sector code", "SCH"),
        Sector.HIGHER_EDUCATION: pgettext("sector code", "EDU"),
        Sector.HEALTH: pgettext("sector code", "HLTH"),
        Sector.EMPLOYMENT: pgettext("sector code", "EMP"),
        Sector.HOUSING: pgettext("sector code", "HOUS"),
        Sector.FAMILY_COUNSELLING: pgettext("sector code", "FAM"),
        Sector.MIGRATION: pgettext("sector code", "MIG"),
        Sector.VICTIM_SUPPORT: pgettext("sector code", "VICT"),
        Sector.RELIGIOUS_COMMUNITY: pgettext("sector code", "REL"),
        Sector.CIVIL_SOCIETY: pgettext("sector code", "CIV"),
        Sector.RESEARCH: pgettext("sector code", "RES"),
    }
    return codes.get(sector, sector[:4].upper())  # type: ignore[call-overload]


def organisation_codes(participants: Iterable[Any]) -> dict[int, str]:
    """A short code per organisation: its sector's, numbered where a sector comes twice."""
    people = list(participants)
    counts: dict[str, int] = {}
    for p in people:
        counts[p.organisation.sector] = counts.get(p.organisation.sector, 0) + 1
    seen: dict[str, int] = {}
    codes = {}
    for p in people:
        sector = p.organisation.sector
        code = sector_code(sector)
        if counts[sector] > 1:
            seen[sector] = seen.get(sector, 0) + 1
            code = f"{code}{seen[sector]}"
        codes[p.organisation.pk] = code
    return codes


def rule_label(key: str) -> str:
    return SharingRule(key).label if key != "none" else _("not agreed")


@dataclass
class Mark:
    """The categories of one cell that share one rule."""

    key: str
    label: str
    symbol: str
    categories: list[str]
    downgraded: bool = False

    @property
    def count(self) -> int:
        return len(self.categories)


@dataclass
class Cell:
    """What may flow from one organisation to another: its marks, kept by the filter."""

    sender: Any
    receiver: Any
    marks: list[Mark] = field(default_factory=list)
    #: The marks the filter left out (a cell always knows all of its categories).
    hidden: list[Mark] = field(default_factory=list)

    @property
    def shown(self) -> list[Mark]:
        """The marks drawn in a grid cell: the agreed ones, or "not agreed" when alone."""
        agreed = [m for m in self.marks if m.key != "none"]
        return agreed or self.marks

    @property
    def agreed(self) -> list[Mark]:
        return [m for m in self.marks if m.key != "none"]

    @property
    def text(self) -> str:
        """The cell in words: every rule with its categories, e.g. for screen readers."""
        if not self.marks:
            return _("nothing of the kind chosen")
        parts = []
        for mark in self.marks:
            parts.append(f"{mark.label}: {', '.join(mark.categories)}")
        return "; ".join(parts)


def _marks(decisions: dict[str, Decision]) -> list[Mark]:
    by_key: dict[str, Mark] = {}
    for code, decision in decisions.items():
        key = decision.rule.value if decision.agreed else "none"
        mark = by_key.setdefault(key, Mark(key, rule_label(key), SYMBOLS[key], []))
        mark.categories.append(selectors.category_label(code))
        mark.downgraded = mark.downgraded or decision.downgraded
    return [by_key[k] for k in RULE_KEYS if k in by_key]


def _cell(result: Any, sender: Any, receiver: Any, show: str) -> Cell:
    marks = _marks(result.matrix.cell(sender.member, receiver.member))
    kept = SHOWN.get(show, SHOWN[""])
    return Cell(
        sender,
        receiver,
        [m for m in marks if m.key in kept],
        [m for m in marks if m.key not in kept],
    )


def grid(result: Any, show: str = "") -> list[tuple[Any, list[Cell | None]]]:
    """Rows of the grid: the sender, then one cell per receiver (None for itself)."""
    return [
        (
            sender,
            [
                None if receiver is sender else _cell(result, sender, receiver, show)
                for receiver in result.participants
            ],
        )
        for sender in result.participants
    ]


@dataclass
class OrganisationView:
    """One organisation's flows: to each other one, from each other one, and its unmet needs."""

    participant: Any
    outgoing: list[Cell]
    incoming: list[Cell]
    unmet: list[str]
    #: Its legal duties, each separately with whom it informs (version-2 profiles; issue 12).
    duties: list[DutyRow] = field(default_factory=list)
    secrecy: list[SecrecyRow] = field(default_factory=list)

    @staticmethod
    def _split(cells: list[Cell], *, outgoing: bool) -> tuple[list[tuple[Any, Cell]], list[Any]]:
        """(other organisation, cell) for the cells with something to list, and the rest."""
        pairs = [(c.receiver if outgoing else c.sender, c) for c in cells]
        return [(o, c) for o, c in pairs if c.agreed], [o for o, c in pairs if not c.agreed]

    @property
    def outgoing_split(self) -> tuple[list[tuple[Any, Cell]], list[Any]]:
        return self._split(self.outgoing, outgoing=True)

    @property
    def incoming_split(self) -> tuple[list[tuple[Any, Cell]], list[Any]]:
        return self._split(self.incoming, outgoing=False)


def organisation_view(result: Any, organisation_pk: int, show: str = "") -> OrganisationView | None:
    """The flows of one participant of the matrix, or None when it is not in the team."""
    by_pk = {p.organisation.pk: p for p in result.participants}
    focus = by_pk.get(organisation_pk)
    if focus is None:
        return None
    others = [p for p in result.participants if p is not focus]
    return OrganisationView(
        participant=focus,
        outgoing=[_cell(result, focus, other, show) for other in others],
        incoming=[_cell(result, other, focus, show) for other in others],
        unmet=[s.label for s in result.supplies if focus.organisation in s.unmet_for],
        duties=duty_rows(focus.version),
        secrecy=secrecy_rows(focus.version),
    )


@dataclass
class Obligations:
    """One organisation's legal duties and secrecy as its role profile states them."""

    participant: Any
    duties: list[DutyRow]
    secrecy: list[SecrecyRow]

    @property
    def shape(self) -> int:
        """1 for a version-1 profile (three flags), 2 for distinct duties, 0 for none."""
        version = self.participant.version
        return version.content_version if version is not None else 0


def obligations(result: Any) -> list[Obligations]:
    """Per participant, its duties each with whom it informs: never one "duty to report" flag
    that could be read as "informs the police"."""
    return [
        Obligations(p, duty_rows(p.version), secrecy_rows(p.version)) for p in result.participants
    ]


def legend() -> list[tuple[str, str, str]]:
    """(key, symbol, label) of every rule, in the order the cells use."""
    return [(key, SYMBOLS[key], rule_label(key)) for key in RULE_KEYS]


def matrix_context(team: Any, result: Any, category: str, show: str = "") -> dict[str, Any]:
    """What the matrix page and its PDF show of a computed matrix."""
    codes = organisation_codes(result.participants)
    for p in result.participants:
        p.code = codes[p.organisation.pk]
    supplies = result.supplies
    return {
        "team": team,
        "t": result,
        "grid": grid(result, show),
        "supplies": [s for s in supplies if s.unmet_for] if show == "unmet" else supplies,
        "single": selectors.category_label(category) if category else "",
        "show": show,
        "legend": legend(),
        "rule_keys": RULE_KEYS,
    }


def matrix_category(data: Any) -> str:
    """The one data category asked for ("" for all); ValidationFailed for an unknown one."""
    form = MatrixFilterForm(data)
    if not form.is_valid():
        raise ValidationFailed(
            _("Choose a data category from the list."),
            details={k: [str(m) for m in v] for k, v in form.errors.items()},
        )
    category: str = form.cleaned_data.get("category") or ""
    return category


PdfLine = tuple[Any, list[tuple[str, list[str], bool]]]


def pdf_sections(result: Any) -> list[tuple[Any, list[PdfLine], list[Any]]]:
    """Per sending organisation: per receiver with something agreed, per rule, the categories
    and whether one was downgraded for secrecy; then the receivers with nothing agreed. Every
    cell of the matrix is in it, whatever the team's size."""
    sections = []
    for sender in result.participants:
        lines: list[PdfLine] = []
        rest = []
        for receiver in result.participants:
            if receiver is sender:
                continue
            marks = {m.key: m for m in _marks(result.matrix.cell(sender.member, receiver.member))}
            if set(marks) <= {"none"}:
                rest.append(receiver)
                continue
            rules = [
                (key, marks[key].categories, marks[key].downgraded)
                if key in marks
                else (key, [], False)
                for key in RULE_KEYS
            ]
            lines.append((receiver, rules))
        sections.append((sender, lines, rest))
    return sections


def matrix_pdf(job: Job, report: Report) -> tuple[str, str, bytes]:
    """The matrix (all categories or one) with the sharing protocol, as PDF."""
    team = team_get(user=job.owner, pk=job.params["team"], action=Action.TEAM_TRANSPARENCY_VIEW)
    category = matrix_category({"category": job.params.get("category") or ""})
    result = selectors.transparency_matrix(team=team, categories=[category] if category else None)
    report(10, "")
    data = render_pdf(
        "sharing/matrix_pdf.html",
        {
            **matrix_context(team, result, category),
            "sections": pdf_sections(result),
            "obligations": obligations(result),
            "rows": selectors.sharing_protocol_rows(team=team),
        },
    )
    return f"transparency-{team.pk}.pdf", "application/pdf", data
