"""API: case conferences, their agenda and the minutes of each case.

No ``from __future__ import annotations`` here: ninja must see ``Path[int]`` as an object for
the ``team_id`` that comes from the router's prefix, also behind ``@paginate``.
"""

import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Path, Router, Schema, Status
from ninja.pagination import paginate

from icommit.access import Action, can
from icommit.api.schemas import READ_ERRORS, WRITE_ERRORS, Line, LongText, ShortText
from icommit.cases.selectors import case_get
from icommit.conferences import selectors, services
from icommit.conferences.models import AgendaEntry, Conference
from icommit.core.exceptions import Forbidden, NotFound, ValidationFailed
from icommit.core.http import AuthedRequest
from icommit.teams.selectors import team_members

router = Router(tags=["conferences"])


class ConferenceListOut(Schema):
    id: int
    held_on: datetime.date
    title: str
    convened_by_id: int
    attendee_count: int
    case_count: int


class ConferenceIn(Schema):
    held_on: datetime.date
    title: Line
    attendee_ids: list[int] = []


class AgendaIn(Schema):
    case_id: str
    presenter_id: int | None = None


class AgendaMoveIn(Schema):
    direction: str


class ConferenceDissentSchema(Schema):
    organisation_id: int
    text: ShortText


class ActionSchema(Schema):
    what: Line
    organisation_id: int
    due_on: datetime.date | None = None


class PartIn(Schema):
    discussion: LongText = ""
    decisions: LongText = ""
    scale: str = ""
    intensity: str = ""
    next_review: datetime.date | None = None
    dissents: list[ConferenceDissentSchema] = []
    actions: list[ActionSchema] = []


class OpenIn(Schema):
    #: whether the client is informed that the minutes go to the organisations present
    client_informed: bool
    #: why not, when the client is not informed
    not_informed_reason: ShortText = ""


class ConferenceCorrectionIn(Schema):
    reason: ShortText


def _conference(request: AuthedRequest, team_id: int, conference_id: int) -> Conference:
    team = selectors.conference_team_get(user=request.user, pk=team_id)
    return selectors.conference_get(user=request.user, team=team, pk=conference_id)


def _entry(request: AuthedRequest, team_id: int, conference_id: int, entry_id: int) -> AgendaEntry:
    return selectors.entry_get(conference=_conference(request, team_id, conference_id), pk=entry_id)


def _part_out(e: Any) -> dict[str, Any] | None:
    if e.part is None:
        return None
    v = e.part.version
    return {
        "id": str(e.part.part.pk),
        "version": v.number,
        "status": v.status,
        "correction_reason": v.correction_reason,
        "frozen_at": v.frozen_at,
        "discussion": v.discussion or "",
        "decisions": v.decisions or "",
        "scale": v.scale,
        "intensity": v.intensity,
        "next_review": v.next_review,
        "applied": v.applied_at is not None,
        "client_informed": e.part.part.client_informed,
        "not_informed_reason": e.part.part.not_informed_reason,
        "stepped_out": [
            {"organisation": name, "reason": reason} for name, reason in e.part.stepped_out
        ],
        "present": [
            {
                "user_id": a.user_id,
                "name": a.user.full_name,
                "organisation_id": a.organisation_id,
                "organisation": a.organisation.name,
                "confirmed_at": a.confirmed_at,
            }
            for a in e.part.attendees
        ],
        "dissents": [
            {
                "organisation_id": d.organisation_id,
                "organisation": d.organisation.name,
                "text": d.text,
            }
            for d in e.part.dissents
        ],
        "actions": [
            {
                "what": a.what,
                "organisation_id": a.organisation_id,
                "organisation": a.organisation.name,
                "due_on": a.due_on,
                "in_plan": bool(a.measure_id),
            }
            for a in e.part.actions
        ],
    }


def _entry_out(e: Any) -> dict[str, Any]:
    return {
        "id": e.entry.pk,
        "position": e.entry.position,
        "case_id": str(e.case.pk),
        "case_number": e.case.number,
        "pseudonym": e.case.client.pseudonym,
        "name": e.name or None,
        "presenter_id": e.entry.presenter_id,
        "takes_part": e.takes_part,
        "client_view_url": e.client_view_url or None,
        "speaking_order": [
            {
                "organisation_id": s.organisation.pk,
                "organisation": s.organisation.name,
                "is_security": s.organisation.is_security,
                "is_lead": s.is_lead,
            }
            for s in e.speakers
        ],
        "items": [
            {"kind": i.label, "title": i.title, "organisation": i.organisation, "url": i.url}
            for i in e.items
        ],
        "minutes_opened": e.part_opened,
        "minutes": _part_out(e),
    }


def _out(request: AuthedRequest, conference: Conference) -> dict[str, Any]:
    view = selectors.conference_view(user=request.user, conference=conference)
    return {
        "id": conference.pk,
        "held_on": conference.held_on,
        "title": conference.title,
        "convened_by_id": conference.convened_by_id,
        "attendees": [
            {
                "user_id": a.user_id,
                "name": a.user.full_name,
                "organisation_id": a.organisation_id,
                "organisation": a.organisation.name,
                "role": a.role,
            }
            for a in view.attendees
        ],
        "agenda": [_entry_out(e) for e in view.entries],
    }


def _entry_view(request: AuthedRequest, entry: AgendaEntry) -> dict[str, Any]:
    view = selectors.conference_view(user=request.user, conference=entry.conference)
    return next(_entry_out(e) for e in view.entries if e.entry.pk == entry.pk)


@router.get("", response={200: list[ConferenceListOut], **READ_ERRORS})
@paginate
def list_conferences(request: AuthedRequest, team_id: Path[int]):
    """The team's case conferences, newest first."""
    team = selectors.conference_team_get(user=request.user, pk=team_id)
    return selectors.conferences_for(user=request.user, team=team)


@router.post("", response={201: dict[str, Any], **WRITE_ERRORS})
def create_conference(request: AuthedRequest, team_id: Path[int], payload: ConferenceIn):
    """Convene a case conference with its attendees (coordinators and case managers)."""
    team = selectors.conference_team_get(user=request.user, pk=team_id)
    conference = services.conference_create(
        actor=request.user,
        team=team,
        held_on=payload.held_on,
        title=payload.title,
        attendee_ids=payload.attendee_ids,
    )
    return Status(201, _out(request, conference))


@router.get("/{conference_id}", response={200: dict[str, Any], **READ_ERRORS})
def get_conference(request: AuthedRequest, team_id: Path[int], conference_id: int):
    """A conference: attendees, and per agenda case only what the caller's organisation may
    see (pseudonym unless the identity reached every attending organisation)."""
    return _out(request, _conference(request, team_id, conference_id))


@router.put("/{conference_id}", response={200: dict[str, Any], **WRITE_ERRORS})
def update_conference(
    request: AuthedRequest, team_id: Path[int], conference_id: int, payload: ConferenceIn
):
    """Change date, title and attendees."""
    conference = _conference(request, team_id, conference_id)
    services.conference_update(
        actor=request.user,
        conference=conference,
        held_on=payload.held_on,
        title=payload.title,
        attendee_ids=payload.attendee_ids,
    )
    return _out(request, conference)


@router.post("/{conference_id}/agenda", response={201: dict[str, Any], **WRITE_ERRORS})
def add_agenda_case(
    request: AuthedRequest, team_id: Path[int], conference_id: int, payload: AgendaIn
):
    """Put a case the caller's organisation takes part in on the agenda."""
    conference = _conference(request, team_id, conference_id)
    if not can(request.user, Action.CONFERENCE_MANAGE, conference):
        raise Forbidden()
    try:
        case = case_get(user=request.user, pk=payload.case_id)
    except NotFound:
        raise ValidationFailed.field(
            "case_id", _("Choose a case your organisation takes part in.")
        ) from None
    presenter = None
    if payload.presenter_id is not None:
        row = team_members(team=conference.team).filter(user_id=payload.presenter_id).first()
        if row is None:
            raise NotFound()
        presenter = row.user
    services.agenda_add(actor=request.user, conference=conference, case=case, presenter=presenter)
    return Status(201, _out(request, conference))


@router.post(
    "/{conference_id}/agenda/{entry_id}/move", response={200: dict[str, Any], **WRITE_ERRORS}
)
def move_agenda_case(
    request: AuthedRequest,
    team_id: Path[int],
    conference_id: int,
    entry_id: int,
    payload: AgendaMoveIn,
):
    """Move a case one place up or down the agenda."""
    entry = _entry(request, team_id, conference_id, entry_id)
    services.agenda_move(actor=request.user, entry=entry, direction=payload.direction)
    return _out(request, entry.conference)


@router.delete("/{conference_id}/agenda/{entry_id}", response={204: None, **WRITE_ERRORS})
def remove_agenda_case(
    request: AuthedRequest, team_id: Path[int], conference_id: int, entry_id: int
):
    """Take a case off the agenda while its minutes are not opened."""
    entry = _entry(request, team_id, conference_id, entry_id)
    services.agenda_remove(actor=request.user, entry=entry)
    return Status(204, None)


@router.post(
    "/{conference_id}/agenda/{entry_id}/minutes", response={201: dict[str, Any], **WRITE_ERRORS}
)
def open_conference_minutes(
    request: AuthedRequest, team_id: Path[int], conference_id: int, entry_id: int, data: OpenIn
):
    """Open the minutes of a case (an attendee of its lead organisation): shared at once with
    the attending organisations that take part in the case, as the protocol allows."""
    entry = _entry(request, team_id, conference_id, entry_id)
    services.part_open(
        actor=request.user,
        entry=entry,
        client_informed=data.client_informed,
        not_informed_reason=data.not_informed_reason,
    )
    return Status(201, _entry_view(request, entry))


@router.put(
    "/{conference_id}/agenda/{entry_id}/minutes", response={200: dict[str, Any], **WRITE_ERRORS}
)
def update_conference_minutes(
    request: AuthedRequest,
    team_id: Path[int],
    conference_id: int,
    entry_id: int,
    payload: PartIn,
):
    """Write the minutes of a case while they are not frozen."""
    entry = _entry(request, team_id, conference_id, entry_id)
    part = selectors.part_for_entry(entry=entry)
    services.part_update(
        actor=request.user,
        part=part,
        data=services.PartIn(
            discussion=payload.discussion,
            decisions=payload.decisions,
            scale=payload.scale,
            intensity=payload.intensity,
            next_review=payload.next_review,
            dissents=[services.DissentIn(d.organisation_id, d.text) for d in payload.dissents],
            actions=[
                services.ActionIn(a.what, a.organisation_id, a.due_on) for a in payload.actions
            ],
        ),
    )
    return _entry_view(request, entry)


def _step(request: AuthedRequest, team_id: int, conference_id: int, entry_id: int, step: Any):
    entry = _entry(request, team_id, conference_id, entry_id)
    step(actor=request.user, part=selectors.part_for_entry(entry=entry))
    return _entry_view(request, entry)


@router.post(
    "/{conference_id}/agenda/{entry_id}/minutes/circulate",
    response={200: dict[str, Any], **WRITE_ERRORS},
)
def circulate_conference_minutes(
    request: AuthedRequest, team_id: Path[int], conference_id: int, entry_id: int
):
    """Send the minutes of a case to those present for confirmation."""
    return _step(request, team_id, conference_id, entry_id, services.part_circulate)


@router.post(
    "/{conference_id}/agenda/{entry_id}/minutes/confirm",
    response={200: dict[str, Any], **WRITE_ERRORS},
)
def confirm_conference_minutes(
    request: AuthedRequest, team_id: Path[int], conference_id: int, entry_id: int
):
    """Confirm the minutes of a case as one present for it; the last confirmation freezes them."""
    return _step(request, team_id, conference_id, entry_id, services.part_confirm)


@router.post(
    "/{conference_id}/agenda/{entry_id}/minutes/apply",
    response={200: dict[str, Any], **WRITE_ERRORS},
)
def apply_conference_minutes(
    request: AuthedRequest, team_id: Path[int], conference_id: int, entry_id: int
):
    """Take review date, scale and actions of frozen minutes into the case (its case manager)."""
    entry = _entry(request, team_id, conference_id, entry_id)
    if not can(request.user, Action.CASE_MANAGE, entry.case):
        raise Forbidden()
    services.part_apply(actor=request.user, part=selectors.part_for_entry(entry=entry))
    return _entry_view(request, entry)


@router.post(
    "/{conference_id}/agenda/{entry_id}/minutes/correct",
    response={201: dict[str, Any], **WRITE_ERRORS},
)
def correct_conference_minutes(
    request: AuthedRequest,
    team_id: Path[int],
    conference_id: int,
    entry_id: int,
    payload: ConferenceCorrectionIn,
):
    """Start a correction of frozen minutes as a new version."""
    entry = _entry(request, team_id, conference_id, entry_id)
    services.part_correct(
        actor=request.user, part=selectors.part_for_entry(entry=entry), reason=payload.reason
    )
    return Status(201, _entry_view(request, entry))
