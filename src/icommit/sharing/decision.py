"""The sharing decision: which rule of a team's protocol applies to one flow of data.

Pure Python, no ORM: the transparency matrix and the case work both call ``decide`` with the
protocol rows and the two organisations. The most specific row wins (an organisation beats a
sector, on either side); of equally specific rows the strictest wins; no row means nothing is
agreed, so nothing flows. Invariant: a sender bound by professional secrecy never gets
``always`` towards a security actor — such a row counts as ``with consent``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

__all__ = [
    "Decision",
    "Matrix",
    "Member",
    "Party",
    "Row",
    "SharingRule",
    "UnmetNeed",
    "build_matrix",
    "decide",
]


class SharingRule(StrEnum):
    ALWAYS = "always"
    CONSENT = "consent"
    LEGAL_BASIS = "legal_basis"
    NEVER = "never"

    @property
    def label(self) -> str:
        return str(RULE_LABELS[self])

    @property
    def strictness(self) -> int:
        return _STRICTNESS[self]


RULE_LABELS = {
    SharingRule.ALWAYS: _("always"),
    SharingRule.CONSENT: _("with consent"),
    SharingRule.LEGAL_BASIS: _("with a recorded legal basis"),
    SharingRule.NEVER: _("never"),
}
#: Ties between equally specific rows go to the stricter rule.
_STRICTNESS = {
    SharingRule.ALWAYS: 0,
    SharingRule.CONSENT: 1,
    SharingRule.LEGAL_BASIS: 2,
    SharingRule.NEVER: 3,
}


@dataclass(frozen=True)
class Party:
    """An organisation as the decision sees it."""

    id: int
    sector: str
    is_security: bool
    secrecy_bound: bool


@dataclass(frozen=True)
class Row:
    """One row of a sharing protocol: from an organisation or a sector, to one, for a category."""

    id: int
    category: str
    rule: SharingRule
    from_org: int | None = None
    from_sector: str = ""
    to_org: int | None = None
    to_sector: str = ""
    legal_source: str = ""
    note: str = ""

    def covers(self, sender: Party, receiver: Party, category: str) -> bool:
        if self.category != category:
            return False
        if self.from_org is not None:
            if self.from_org != sender.id:
                return False
        elif self.from_sector != sender.sector:
            return False
        if self.to_org is not None:
            return self.to_org == receiver.id
        return self.to_sector == receiver.sector

    @property
    def specificity(self) -> int:
        """0 for sector to sector, 1 with one organisation named, 2 with both."""
        return int(self.from_org is not None) + int(self.to_org is not None)


@dataclass(frozen=True)
class Decision:
    """The effective rule for one flow, and why."""

    rule: SharingRule
    row: Row | None
    #: True when the protocol said "always" but the sender's secrecy made it "with consent".
    downgraded: bool = False
    #: Equally specific rows with a more open rule that the chosen (stricter) row overruled.
    overruled: tuple[Row, ...] = ()

    @property
    def agreed(self) -> bool:
        return self.row is not None

    @property
    def label(self) -> str:
        return self.rule.label if self.agreed else str(_("not agreed"))

    def reasons(self) -> list[str]:
        """Why this rule applies, in plain words (the row itself is described by the caller)."""
        if self.row is None:
            return [
                str(_("No protocol row covers this flow, so nothing flows until one is agreed."))
            ]
        reasons = [
            str(_("The most specific protocol row applies."))
            if self.row.specificity
            else str(_("A row between the two sectors applies; no row names either organisation."))
        ]
        if self.overruled:
            reasons.append(
                str(_("Another row is just as specific but more open; the stricter one applies."))
            )
        if self.downgraded:
            reasons.append(
                str(
                    _(
                        "The sending organisation is bound by professional secrecy and the "
                        "receiving one is a security actor: “always” becomes “with consent”."
                    )
                )
            )
        return reasons


def decide(rows: Iterable[Row], *, sender: Party, receiver: Party, category: str) -> Decision:
    """The rule that applies when ``sender`` shares data of ``category`` with ``receiver``."""
    covering = [r for r in rows if r.covers(sender, receiver, category)]
    if not covering:
        return Decision(SharingRule.NEVER, None)
    top = max(r.specificity for r in covering)
    best = sorted(
        (r for r in covering if r.specificity == top),
        key=lambda r: (-r.rule.strictness, r.id),
    )
    chosen = best[0]
    overruled = tuple(r for r in best[1:] if r.rule != chosen.rule)
    rule = chosen.rule
    downgraded = False
    if rule == SharingRule.ALWAYS and sender.secrecy_bound and receiver.is_security:
        rule, downgraded = SharingRule.CONSENT, True
    return Decision(rule, chosen, downgraded=downgraded, overruled=overruled)


# --- the transparency matrix ------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """A participating organisation with what its role profile says (or that it has none)."""

    party: Party
    name: str
    #: "current", "stale" or "missing".
    profile: str
    needs: frozenset[str] = frozenset()
    offers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class UnmetNeed:
    code: str
    needed_by: tuple[Member, ...]


@dataclass
class Matrix:
    members: list[Member]
    categories: list[str]
    #: (sender id, receiver id) -> category -> decision; no entry on the diagonal.
    cells: dict[tuple[int, int], dict[str, Decision]] = field(default_factory=dict)
    unmet: list[UnmetNeed] = field(default_factory=list)

    def cell(self, sender: Member, receiver: Member) -> dict[str, Decision]:
        return self.cells.get((sender.party.id, receiver.party.id), {})


def build_matrix(
    members: Sequence[Member], rows: Sequence[Row], categories: Sequence[str]
) -> Matrix:
    """Decide every flow between the members for every category, and find the unmet needs."""
    matrix = Matrix(members=list(members), categories=list(categories))
    for sender in members:
        for receiver in members:
            if sender.party.id == receiver.party.id:
                continue
            matrix.cells[(sender.party.id, receiver.party.id)] = {
                category: decide(
                    rows, sender=sender.party, receiver=receiver.party, category=category
                )
                for category in categories
            }
    unmet: dict[str, list[Member]] = {}
    for member in members:
        for code in sorted(member.needs):
            others = (m for m in members if m.party.id != member.party.id)
            if not any(code in other.offers for other in others):
                unmet.setdefault(code, []).append(member)
    matrix.unmet = [UnmetNeed(code, tuple(unmet[code])) for code in sorted(unmet)]
    return matrix
