"""Writes on a team's sharing protocol: each checks access, bumps the protocol's version and
writes its audit event in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from icommit.access import Action, require
from icommit.accounts.models import User
from icommit.core import audit
from icommit.core.exceptions import ValidationFailed
from icommit.core.services import snapshot
from icommit.core.text import SHORT
from icommit.core.text import clean as clean_text
from icommit.sharing.decision import SharingRule
from icommit.sharing.models import ProtocolRow, SharingProtocol
from icommit.stakeholders.content import content
from icommit.stakeholders.sectors import Sector
from icommit.teams.models import Team, TeamOrganisation

# --- the sharing protocol of a team -----------------------------------------------------------

ROW_FIELDS = [
    "from_organisation_id",
    "from_sector",
    "to_organisation_id",
    "to_sector",
    "category",
    "rule",
    "legal_source",
    "note",
]
#: Rules that widen an audience and so must name where the permission comes from.
_NEEDS_SOURCE = {SharingRule.ALWAYS, SharingRule.LEGAL_BASIS}


def _side(
    team: Team, side: str, organisation_id: int | None, sector: str
) -> tuple[int | None, str]:
    sector = (sector or "").strip()
    if (organisation_id is None) == (not sector):
        raise ValidationFailed.field(side, _("Choose either an organisation or a sector."))
    if organisation_id is not None:
        participates = TeamOrganisation.objects.filter(
            team=team, organisation_id=organisation_id, ended_at__isnull=True
        ).exists()
        if not participates:
            raise ValidationFailed.field(
                side, _("This organisation does not take part in the team.")
            )
        return organisation_id, ""
    if sector not in Sector.values:
        raise ValidationFailed.field(side, _("Choose a sector from the list."))
    return None, sector


def _row_values(team: Team, values: Mapping[str, Any]) -> dict[str, Any]:
    from_org, from_sector = _side(
        team, "from", values.get("from_organisation_id"), values.get("from_sector", "")
    )
    to_org, to_sector = _side(
        team, "to", values.get("to_organisation_id"), values.get("to_sector", "")
    )
    if from_org is not None and from_org == to_org:
        raise ValidationFailed.field("to", _("Information does not flow to its own organisation."))
    category = values.get("category")
    if category not in content().data_categories:
        raise ValidationFailed.field("category", _("Choose a data category from the list."))
    try:
        rule = SharingRule(str(values.get("rule")))
    except ValueError:
        raise ValidationFailed.field("rule", _("Choose a rule from the list.")) from None
    source = clean_text(
        str(values.get("legal_source") or "").strip(), field="legal_source", max_length=300
    )
    if rule in _NEEDS_SOURCE and not source:
        raise ValidationFailed.field(
            "legal_source", _("Name the legal source that allows this flow.")
        )
    return {
        "from_organisation_id": from_org,
        "from_sector": from_sector,
        "to_organisation_id": to_org,
        "to_sector": to_sector,
        "category": category,
        "rule": rule.value,
        "legal_source": source,
        "note": clean_text(str(values.get("note") or "").strip(), field="note", max_length=SHORT),
    }


def _protocol_changed(actor: User, team: Team) -> SharingProtocol:
    """Lock the team's protocol and count one more change."""
    head, _created = SharingProtocol.objects.select_for_update().get_or_create(team=team)
    head.version += 1
    head.changed_at, head.changed_by = timezone.now(), actor
    head.save(update_fields=["version", "changed_at", "changed_by"])
    return head


def _no_duplicate(team: Team, cleaned: Mapping[str, Any], exclude: int | None = None) -> None:
    same = ProtocolRow.objects.filter(
        team=team,
        from_organisation_id=cleaned["from_organisation_id"],
        from_sector=cleaned["from_sector"],
        to_organisation_id=cleaned["to_organisation_id"],
        to_sector=cleaned["to_sector"],
        category=cleaned["category"],
    )
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise ValidationFailed.field(
            "category",
            _("The protocol already has a row for this flow and category; change that row."),
        )


@transaction.atomic
def protocol_row_create(*, actor: User, team: Team, values: Mapping[str, Any]) -> ProtocolRow:
    """Add a row to the team's sharing protocol (``values`` holds ``ROW_FIELDS``)."""
    require(actor, Action.TEAM_PROTOCOL_EDIT, team)
    cleaned = _row_values(team, values)
    head = _protocol_changed(actor, team)
    _no_duplicate(team, cleaned)
    row = ProtocolRow.objects.create(team=team, created_by=actor, updated_by=actor, **cleaned)
    audit.record(
        actor=actor,
        action="protocol.row_create",
        obj=row,
        team_id=team.pk,
        changes={**cleaned, "protocol_version": head.version},
    )
    return row


@transaction.atomic
def protocol_row_update(*, actor: User, row: ProtocolRow, values: Mapping[str, Any]) -> ProtocolRow:
    """Change a row of the team's sharing protocol."""
    team = row.team
    require(actor, Action.TEAM_PROTOCOL_EDIT, team)
    cleaned = _row_values(team, values)
    changes = audit.diff(snapshot(row, ROW_FIELDS), cleaned)
    if not changes:
        return row
    head = _protocol_changed(actor, team)
    _no_duplicate(team, cleaned, exclude=row.pk)
    for name, value in cleaned.items():
        setattr(row, name, value)
    row.updated_by = actor
    row.save()
    audit.record(
        actor=actor,
        action="protocol.row_update",
        obj=row,
        team_id=team.pk,
        changes={**changes, "protocol_version": head.version},
    )
    return row


@transaction.atomic
def protocol_row_delete(*, actor: User, row: ProtocolRow) -> None:
    """Remove a row from the team's sharing protocol; the audit log keeps what it said."""
    team = row.team
    require(actor, Action.TEAM_PROTOCOL_EDIT, team)
    head = _protocol_changed(actor, team)
    audit.record(
        actor=actor,
        action="protocol.row_delete",
        obj=row,
        team_id=team.pk,
        changes={**snapshot(row, ROW_FIELDS), "protocol_version": head.version},
    )
    row.delete()
