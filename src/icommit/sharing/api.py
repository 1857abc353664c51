"""API: a team's sharing protocol (rows read by the team, changed by coordinators) and its
transparency matrix. Same services and selectors as the pages."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Path, Router, Schema, Status

from icommit.access import Action
from icommit.api.schemas import READ_ERRORS, WRITE_ERRORS, Line, ShortText
from icommit.core.exceptions import ValidationFailed
from icommit.core.http import AuthedRequest
from icommit.sharing import selectors, services
from icommit.sharing.decision import SharingRule
from icommit.stakeholders.content import content
from icommit.teams.selectors import team_get

# --- a team's sharing protocol and transparency matrix ----------------------------------------

router = Router(tags=["transparency"])


class ProtocolRowIn(Schema):
    """Name an organisation of the team or a sector on each side, not both."""

    from_organisation_id: int | None = None
    from_sector: Line = ""
    to_organisation_id: int | None = None
    to_sector: Line = ""
    category: Line
    rule: SharingRule
    legal_source: ShortText = ""
    note: ShortText = ""


class ProtocolRowOut(Schema):
    id: int
    from_organisation_id: int | None
    from_sector: str
    to_organisation_id: int | None
    to_sector: str
    category: str
    rule: str
    legal_source: str
    note: str
    updated_at: datetime.datetime
    from_label: str
    to_label: str

    @staticmethod
    def resolve_from_label(obj) -> str:
        return selectors.side_label(obj.from_organisation, obj.from_sector)

    @staticmethod
    def resolve_to_label(obj) -> str:
        return selectors.side_label(obj.to_organisation, obj.to_sector)


class MatrixOrganisationOut(Schema):
    id: int
    name: str
    sector: str
    is_security: bool
    secrecy_bound: bool
    profile: str
    profile_version: int | None
    confirmed_at: datetime.datetime | None
    needs: list[str]
    offers: list[str]


class FlowOut(Schema):
    from_id: int
    to_id: int
    category: str
    rule: str
    agreed: bool
    row_id: int | None
    downgraded: bool


class UnmetNeedOut(Schema):
    code: str
    needed_by: list[int]


class MatrixOut(Schema):
    team_id: Path[int]
    protocol_version: int
    max_age_days: int
    categories: list[str]
    organisations: list[MatrixOrganisationOut]
    flows: list[FlowOut]
    unmet_needs: list[UnmetNeedOut]


def _row_values(payload: ProtocolRowIn) -> dict[str, Any]:
    return {**payload.dict(), "rule": payload.rule.value}


@router.get("/protocol", response={200: list[ProtocolRowOut], **READ_ERRORS})
def list_protocol_rows(request: AuthedRequest, team_id: Path[int]):
    """The rows of the team's sharing protocol."""
    team = team_get(user=request.user, pk=team_id, action=Action.TEAM_TRANSPARENCY_VIEW)
    return selectors.protocol_rows(team=team)


@router.post("/protocol", response={201: ProtocolRowOut, **WRITE_ERRORS})
def create_protocol_row(request: AuthedRequest, team_id: Path[int], payload: ProtocolRowIn):
    """Add a row to the team's sharing protocol (coordinators)."""
    team = team_get(user=request.user, pk=team_id, action=Action.TEAM_PROTOCOL_EDIT)
    row = services.protocol_row_create(actor=request.user, team=team, values=_row_values(payload))
    return Status(201, selectors.protocol_row_get(team=team, pk=row.pk))


@router.put("/protocol/{row_id}", response={200: ProtocolRowOut, **WRITE_ERRORS})
def update_protocol_row(
    request: AuthedRequest, team_id: Path[int], row_id: int, payload: ProtocolRowIn
):
    """Change a row of the team's sharing protocol (coordinators)."""
    team = team_get(user=request.user, pk=team_id, action=Action.TEAM_PROTOCOL_EDIT)
    row = selectors.protocol_row_get(team=team, pk=row_id)
    services.protocol_row_update(actor=request.user, row=row, values=_row_values(payload))
    return selectors.protocol_row_get(team=team, pk=row.pk)


@router.delete("/protocol/{row_id}", response={204: None, **WRITE_ERRORS})
def delete_protocol_row(request: AuthedRequest, team_id: Path[int], row_id: int):
    """Remove a row from the team's sharing protocol (coordinators)."""
    team = team_get(user=request.user, pk=team_id, action=Action.TEAM_PROTOCOL_EDIT)
    row = selectors.protocol_row_get(team=team, pk=row_id)
    services.protocol_row_delete(actor=request.user, row=row)
    return Status(204, None)


@router.get("/matrix", response={200: MatrixOut, **READ_ERRORS})
def get_transparency_matrix(request: AuthedRequest, team_id: Path[int], category: str = ""):
    """What may flow between the team's organisations, per data category, and unmet needs."""
    team = team_get(user=request.user, pk=team_id, action=Action.TEAM_TRANSPARENCY_VIEW)
    if category and category not in content().data_categories:
        raise ValidationFailed.field("category", _("Unknown data category."))
    result = selectors.transparency_matrix(team=team, categories=[category] if category else None)
    return selectors.matrix_data(result)
