"""Reads on a team's sharing protocol and its transparency matrix.

They take a team the caller already fetched through ``teams.selectors.team_get`` with the right
action; the matrix reads the role profiles of the team's organisations from ``stakeholders``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from icommit.core.exceptions import NotFound
from icommit.sharing.decision import (
    Decision,
    Matrix,
    Member,
    Party,
    Row,
    SharingRule,
    build_matrix,
    decide,
)
from icommit.sharing.models import ProtocolRow, SharingProtocol
from icommit.stakeholders.content import content
from icommit.stakeholders.models import (
    Organisation,
    RoleProfile,
    RoleProfileVersion,
)
from icommit.stakeholders.sectors import Sector
from icommit.stakeholders.selectors import kind_label, profile_max_age_days, profile_status
from icommit.teams.models import Team

# --- the sharing protocol ---------------------------------------------------------------------


def protocol_rows(*, team: Team) -> QuerySet[ProtocolRow]:
    """The rows of the team's sharing protocol, in the order they were added."""
    return (
        ProtocolRow.objects.filter(team=team)
        .select_related("from_organisation", "to_organisation", "updated_by")
        .order_by("pk")
    )


def protocol_row_get(*, team: Team, pk: Any) -> ProtocolRow:
    """One row of the team's protocol, or NotFound."""
    try:
        return protocol_rows(team=team).select_related("team").get(pk=pk)
    except (ProtocolRow.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def sharing_protocol(*, team: Team) -> SharingProtocol | None:
    """The team's protocol head (version, last change), or None before the first row."""
    return SharingProtocol.objects.select_related("changed_by").filter(team=team).first()


def category_label(code: str) -> str:
    found = content().data_categories.get(code)
    return found.label_in(get_language()) if found else code


def side_label(organisation: Organisation | None, sector: str) -> str:
    """An organisation's name, or a sector as "Police (sector)"."""
    if organisation is not None:
        return organisation.name
    return _("%(sector)s (sector)") % {"sector": Sector(sector).label}


def row_labels(row: ProtocolRow) -> dict[str, str]:
    """A protocol row as display strings: from, to, category, rule, legal_source, note."""
    return {
        "from": side_label(row.from_organisation, row.from_sector),
        "to": side_label(row.to_organisation, row.to_sector),
        "category": category_label(row.category),
        "rule": SharingRule(row.rule).label,
        "legal_source": row.legal_source,
        "note": row.note,
    }


def sharing_protocol_rows(*, team: Team) -> list[dict[str, str]]:
    """The team's protocol as display strings (from, to, category, rule, legal_source, note)."""
    return [row_labels(row) for row in protocol_rows(team=team)]


# --- the transparency matrix ------------------------------------------------------------------


def as_rule(row: ProtocolRow) -> Row:
    """A stored protocol row as the decision function reads it."""
    return Row(
        id=row.pk,
        category=row.category,
        rule=SharingRule(row.rule),
        from_org=row.from_organisation_id,
        from_sector=row.from_sector,
        to_org=row.to_organisation_id,
        to_sector=row.to_sector,
        legal_source=row.legal_source,
        note=row.note,
    )


def as_party(organisation: Organisation, profile: RoleProfile | None) -> Party:
    """An organisation as the decision sees it; without a profile, secrecy is assumed."""
    version = profile.current if profile is not None else None
    return Party(
        id=organisation.pk,
        sector=organisation.sector,
        is_security=organisation.is_security,
        secrecy_bound=version.is_bound if version is not None else True,
    )


def sharing_decision(
    *, team: Team, sender: Organisation, receiver: Organisation, category: str
) -> Decision:
    """The rule of the team's protocol for one flow: what the case work enforces."""
    profiles = {
        p.organisation_id: p
        for p in RoleProfile.objects.select_related("current").filter(
            organisation__in=[sender.pk, receiver.pk]
        )
    }
    rows = [as_rule(r) for r in ProtocolRow.objects.filter(team=team, category=category)]
    return decide(
        rows,
        sender=as_party(sender, profiles.get(sender.pk)),
        receiver=as_party(receiver, profiles.get(receiver.pk)),
        category=category,
    )


@dataclass
class Participant:
    organisation: Organisation
    profile: RoleProfile | None
    status: str
    member: Member
    #: A short code for the compact grid (set by ``exports.matrix_context``).
    code: str = ""

    @property
    def sector_label(self) -> str:
        return str(Sector(self.organisation.sector).label)

    @property
    def version(self) -> RoleProfileVersion | None:
        return self.profile.current if self.profile is not None else None


@dataclass
class Supply:
    """Who needs and who offers one kind of help; unmet when no other participant offers it."""

    code: str
    label: str
    needed_by: list[Organisation]
    offered_by: list[Organisation]
    unmet_for: list[Organisation]


@dataclass
class Transparency:
    team: Team
    participants: list[Participant]
    matrix: Matrix
    rows: dict[int, ProtocolRow]
    protocol: SharingProtocol | None
    max_age_days: int

    @property
    def flagged(self) -> list[Participant]:
        return [p for p in self.participants if p.status != "current"]

    @property
    def supplies(self) -> list[Supply]:
        unmet = {u.code: {m.party.id for m in u.needed_by} for u in self.matrix.unmet}
        codes = sorted(
            {c for p in self.participants for c in p.member.needs | p.member.offers},
            key=kind_label,
        )
        return [
            Supply(
                code=code,
                label=kind_label(code),
                needed_by=[p.organisation for p in self.participants if code in p.member.needs],
                offered_by=[p.organisation for p in self.participants if code in p.member.offers],
                unmet_for=[
                    p.organisation
                    for p in self.participants
                    if p.organisation.pk in unmet.get(code, set())
                ],
            )
            for code in codes
        ]

    def describe(self, decision: Decision) -> str:
        """The protocol row behind a decision, as "From → To: rule"."""
        if decision.row is None:
            return ""
        row = self.rows[decision.row.id]
        origin = side_label(row.from_organisation, row.from_sector)
        target = side_label(row.to_organisation, row.to_sector)
        return f"{origin} → {target}: {SharingRule(row.rule).label}"


def transparency_matrix(
    *, team: Team, categories: list[str] | None = None, now: datetime.datetime | None = None
) -> Transparency:
    """What may flow between the team's organisations, unmet needs and flagged profiles."""
    organisations = list(
        Organisation.objects.filter(
            participations__team=team, participations__ended_at__isnull=True
        )
        .select_related("role_profile", "role_profile__current", "role_profile__confirmed_by")
        .order_by("name")
    )
    participants = []
    for org in organisations:
        profile = getattr(org, "role_profile", None)
        version = profile.current if profile is not None else None
        participants.append(
            Participant(
                organisation=org,
                profile=profile,
                status=profile_status(profile, now=now),
                member=Member(
                    party=as_party(org, profile),
                    name=org.name,
                    profile=profile_status(profile, now=now),
                    needs=version.need_codes if version else frozenset(),
                    offers=version.offer_codes if version else frozenset(),
                ),
            )
        )
    stored = list(protocol_rows(team=team))
    chosen = categories if categories is not None else list(content().data_categories)
    matrix = build_matrix([p.member for p in participants], [as_rule(r) for r in stored], chosen)
    return Transparency(
        team=team,
        participants=participants,
        matrix=matrix,
        rows={r.pk: r for r in stored},
        protocol=sharing_protocol(team=team),
        max_age_days=profile_max_age_days(),
    )


def matrix_table(result: Transparency) -> tuple[list[str], list[list[str]]]:
    """The matrix as one line per flow and category: the header and the rows (for CSV)."""
    header = [
        _("From"),
        _("To"),
        _("Data category"),
        _("Rule"),
        _("Protocol row"),
        _("Legal source"),
        _("Why"),
    ]
    rows: list[list[str]] = []
    for sender in result.participants:
        for receiver in result.participants:
            for code, decision in result.matrix.cell(sender.member, receiver.member).items():
                rows.append(
                    [
                        sender.organisation.name,
                        receiver.organisation.name,
                        category_label(code),
                        decision.label,
                        result.describe(decision),
                        decision.row.legal_source if decision.row else "",
                        " ".join(decision.reasons()),
                    ]
                )
    return header, rows


def matrix_data(result: Transparency) -> dict[str, Any]:
    """The matrix as plain data, with codes rather than labels (for the API)."""
    return {
        "team_id": result.team.pk,
        "protocol_version": result.protocol.version if result.protocol else 0,
        "max_age_days": result.max_age_days,
        "categories": result.matrix.categories,
        "organisations": [
            {
                "id": p.organisation.pk,
                "name": p.organisation.name,
                "sector": p.organisation.sector,
                "is_security": p.organisation.is_security,
                "secrecy_bound": p.member.party.secrecy_bound,
                "profile": p.status,
                "profile_version": p.version.number if p.version else None,
                "confirmed_at": p.profile.confirmed_at if p.profile else None,
                "needs": sorted(p.member.needs),
                "offers": sorted(p.member.offers),
            }
            for p in result.participants
        ],
        "flows": [
            {
                "from_id": sender.organisation.pk,
                "to_id": receiver.organisation.pk,
                "category": code,
                "rule": decision.rule.value,
                "agreed": decision.agreed,
                "row_id": decision.row.id if decision.row else None,
                "downgraded": decision.downgraded,
            }
            for sender in result.participants
            for receiver in result.participants
            for code, decision in result.matrix.cell(sender.member, receiver.member).items()
        ],
        "unmet_needs": [
            {"code": u.code, "needed_by": [m.party.id for m in u.needed_by]}
            for u in result.matrix.unmet
        ],
    }
