"""API: the team charter (versions, draft, publish, confirm) and team meetings with minutes.

No ``from __future__ import annotations`` here: ninja must see ``Path[int]`` as an object for
the ``team_id`` that comes from the router's prefix, also behind ``@paginate``.
"""

import datetime
from typing import Any

from ninja import Path, Router, Schema, Status
from ninja.pagination import paginate

from icommit.access import Action, require
from icommit.api.schemas import READ_ERRORS, WRITE_ERRORS, Line, LongText, ShortText
from icommit.charters import selectors, services
from icommit.charters.models import Meeting
from icommit.core.exceptions import NotFound
from icommit.core.http import AuthedRequest
from icommit.plans.selectors import goal_get
from icommit.stakeholders.selectors import organisation_get

router = Router(tags=["charters"])


# --- charter -----------------------------------------------------------------------------------


class CharterVersionListOut(Schema):
    number: int
    published_at: datetime.datetime
    published_by_id: int | None
    change_note: str
    confirmation_count: int


class SnapshotMemberOut(Schema):
    user_id: int
    name: str
    organisation_id: int
    organisation: str
    role: str


class CharterSections(Schema):
    purpose_scope: LongText = ""
    roles_note: LongText = ""
    meeting_rhythm: LongText = ""
    referral_criteria: LongText = ""
    escalation_dissent: LongText = ""
    confidentiality: LongText = ""


class CharterVersionOut(CharterSections):
    number: int
    status: str
    change_note: str
    published_at: datetime.datetime
    published_by_id: int | None
    members: list[SnapshotMemberOut]
    #: Rows with the keys from, to, category, rule, legal_source, note.
    sharing_protocol: list[dict[str, str]]


class CharterConfirmationOut(Schema):
    user_id: int
    name: str
    organisation_id: int
    role: str
    confirmed_at: datetime.datetime | None


class CharterStatusOut(Schema):
    number: int
    confirmed: int
    expected: int
    members: list[CharterConfirmationOut]


class CharterDraftOut(CharterSections):
    based_on: int | None
    change_note: str
    updated_at: datetime.datetime

    @staticmethod
    def resolve_based_on(obj: Any) -> int | None:
        return obj.based_on.number if obj.based_on else None


class CharterDraftIn(CharterSections):
    change_note: Line = ""


class DraftStartIn(Schema):
    language: Line = "en"


@router.get("/versions", response={200: list[CharterVersionListOut], **READ_ERRORS})
@paginate
def list_charter_versions(request: AuthedRequest, team_id: Path[int]):
    """Published versions of the team's charter, newest first."""
    team = selectors.charter_team_get(user=request.user, pk=team_id)
    return selectors.charter_versions(user=request.user, team=team)


@router.get("/versions/{number}", response={200: CharterVersionOut, **READ_ERRORS})
def get_charter_version(request: AuthedRequest, team_id: Path[int], number: int):
    """One published version with the members and sharing protocol recorded with it."""
    team = selectors.charter_team_get(user=request.user, pk=team_id)
    return selectors.charter_version_get(user=request.user, team=team, number=number)


@router.get("/versions/{number}/confirmations", response={200: CharterStatusOut, **READ_ERRORS})
def get_charter_confirmations(request: AuthedRequest, team_id: Path[int], number: int):
    """Who of today's members has confirmed the version (observers are not expected to)."""
    team = selectors.charter_team_get(user=request.user, pk=team_id)
    version = selectors.charter_version_get(user=request.user, team=team, number=number)
    status = selectors.charter_confirmation_status(version=version)
    return {
        "number": version.number,
        "confirmed": status.confirmed_count,
        "expected": len(status.expected),
        "members": [
            {
                "user_id": m.user_id,
                "name": m.name,
                "organisation_id": m.organisation_id,
                "role": m.role,
                "confirmed_at": m.confirmed_at,
            }
            for m in status.members
        ],
    }


@router.post("/versions/{number}/confirm", response={201: CharterConfirmationOut, **WRITE_ERRORS})
def confirm_charter_version(request: AuthedRequest, team_id: Path[int], number: int):
    """Confirm the current version for the organisation you sit for (not observers)."""
    team = selectors.charter_team_get(user=request.user, pk=team_id)
    version = selectors.charter_version_get(user=request.user, team=team, number=number)
    confirmation = services.charter_confirm(actor=request.user, version=version)
    return Status(
        201,
        {
            "user_id": confirmation.user_id,
            "name": request.user.full_name,
            "organisation_id": confirmation.organisation_id,
            "role": confirmation.role,
            "confirmed_at": confirmation.confirmed_at,
        },
    )


def _draft_or_404(request: AuthedRequest, team_id: Path[int]) -> Any:
    team = selectors.charter_team_get(user=request.user, pk=team_id, action=Action.CHARTER_EDIT)
    draft = selectors.charter_draft(user=request.user, team=team)
    if draft is None:
        raise NotFound("This team has no charter draft.")
    return draft


@router.get("/draft", response={200: CharterDraftOut, **WRITE_ERRORS})
def get_charter_draft(request: AuthedRequest, team_id: Path[int]):
    """The charter draft (coordinators)."""
    return _draft_or_404(request, team_id)


@router.post("/draft", response={201: CharterDraftOut, **WRITE_ERRORS})
def start_charter_draft(request: AuthedRequest, team_id: Path[int], payload: DraftStartIn):
    """Start a draft: a copy of the current version, or the starting text (coordinators)."""
    team = selectors.charter_team_get(user=request.user, pk=team_id)
    language = payload.language if payload.language in ("en", "de") else "en"
    draft = services.charter_draft_start(actor=request.user, team=team, language=language)
    return Status(201, draft)


@router.put("/draft", response={200: CharterDraftOut, **WRITE_ERRORS})
def update_charter_draft(request: AuthedRequest, team_id: Path[int], payload: CharterDraftIn):
    """Replace the text of the draft (coordinators)."""
    draft = _draft_or_404(request, team_id)
    return services.charter_draft_update(actor=request.user, draft=draft, **payload.dict())


@router.post("/draft/publish", response={200: CharterVersionOut, **WRITE_ERRORS})
def publish_charter_draft(request: AuthedRequest, team_id: Path[int]):
    """Publish the draft as the next version (coordinators)."""
    draft = _draft_or_404(request, team_id)
    return services.charter_publish(actor=request.user, draft=draft)


@router.delete("/draft", response={204: None, **WRITE_ERRORS})
def discard_charter_draft(request: AuthedRequest, team_id: Path[int]):
    """Throw the draft away (coordinators)."""
    draft = _draft_or_404(request, team_id)
    services.charter_draft_discard(actor=request.user, draft=draft)
    return Status(204, None)


# --- meetings ----------------------------------------------------------------------------------


class DissentSchema(Schema):
    organisation_id: int
    reason: ShortText


class DecisionInSchema(Schema):
    text: LongText
    dissents: list[DissentSchema] = []
    #: Id of a decision of the current version this one keeps (links to the plan follow it).
    id: int | None = None


class MeetingIn(Schema):
    held_on: datetime.date
    title: Line
    agenda: LongText = ""
    minutes: LongText = ""
    attendee_ids: list[int] = []
    decisions: list[DecisionInSchema] = []


class CorrectionIn(Schema):
    reason: ShortText


class MeetingListOut(Schema):
    id: int
    held_on: datetime.date
    title: str
    status: str
    version: int
    attendee_count: int
    decision_count: int

    @staticmethod
    def resolve_held_on(obj: Meeting) -> datetime.date:
        return obj.current.held_on  # type: ignore[union-attr]  # every meeting has minutes

    @staticmethod
    def resolve_title(obj: Meeting) -> str:
        return obj.current.title  # type: ignore[union-attr]

    @staticmethod
    def resolve_status(obj: Meeting) -> str:
        return obj.current.status  # type: ignore[union-attr]

    @staticmethod
    def resolve_version(obj: Meeting) -> int:
        return obj.current.number  # type: ignore[union-attr]


class AttendeeOut(Schema):
    user_id: int
    name: str
    organisation_id: int
    organisation: str
    role: str
    must_confirm: bool
    confirmed_at: datetime.datetime | None


class DissentOut(Schema):
    organisation_id: int
    organisation: str
    reason: str


class PlanLinkOut(Schema):
    kind: str
    goal_id: int
    action_id: int | None
    title: str


class DecisionOut(Schema):
    id: int
    text: str
    dissents: list[DissentOut]
    plan_links: list[PlanLinkOut]


class MeetingOut(Schema):
    id: int
    version: int
    versions: list[int]
    corrects: int | None
    correction_reason: str
    status: str
    held_on: datetime.date
    title: str
    agenda: str
    minutes: str
    frozen_at: datetime.datetime | None
    attendees: list[AttendeeOut]
    decisions: list[DecisionOut]


def _minutes_in(payload: MeetingIn) -> services.MinutesIn:
    return services.MinutesIn(
        held_on=payload.held_on,
        title=payload.title,
        agenda=payload.agenda,
        minutes=payload.minutes,
        attendee_ids=tuple(payload.attendee_ids),
        decisions=tuple(
            services.DecisionIn(
                text=d.text,
                dissents=tuple(services.DissentIn(s.organisation_id, s.reason) for s in d.dissents),
                ref=d.id,
            )
            for d in payload.decisions
        ),
    )


def _meeting_out(meeting: Meeting, number: int | None = None) -> dict[str, Any]:
    view = selectors.minutes_detail(meeting=meeting, number=number)
    v = view.version
    return {
        "id": meeting.pk,
        "version": v.number,
        "versions": [other.number for other in view.versions],
        "corrects": v.previous.number if v.previous else None,
        "correction_reason": v.correction_reason,
        "status": v.status,
        "held_on": v.held_on,
        "title": v.title,
        "agenda": v.agenda,
        "minutes": v.minutes,
        "frozen_at": v.frozen_at,
        "attendees": [
            {
                "user_id": a.user_id,
                "name": a.user.full_name,
                "organisation_id": a.organisation_id,
                "organisation": a.organisation.name,
                "role": a.role,
                "must_confirm": a.must_confirm,
                "confirmed_at": a.confirmed_at,
            }
            for _org, group in view.attendees_by_organisation
            for a in group
        ],
        "decisions": [
            {
                "id": item.decision.pk,
                "text": item.decision.text,
                "dissents": [
                    {
                        "organisation_id": d.organisation_id,
                        "organisation": d.organisation.name,
                        "reason": d.reason,
                    }
                    for d in item.decision.dissents.all()
                ],
                "plan_links": [
                    {
                        "kind": link.kind,
                        "goal_id": link.goal_id,
                        "action_id": link.action_id,
                        "title": link.title,
                    }
                    for link in item.links
                ],
            }
            for item in view.decisions
        ],
    }


def _meeting(request: AuthedRequest, team_id: Path[int], meeting_id: int) -> Meeting:
    team = selectors.charter_team_get(user=request.user, pk=team_id, action=Action.MEETING_VIEW)
    return selectors.meeting_get(user=request.user, team=team, pk=meeting_id)


@router.get("/meetings", response={200: list[MeetingListOut], **READ_ERRORS})
@paginate
def list_meetings(request: AuthedRequest, team_id: Path[int]):
    """The team's meetings, newest first."""
    team = selectors.charter_team_get(user=request.user, pk=team_id, action=Action.MEETING_VIEW)
    return selectors.meeting_list(user=request.user, team=team)


@router.post("/meetings", response={201: MeetingOut, **WRITE_ERRORS})
def create_meeting(request: AuthedRequest, team_id: Path[int], payload: MeetingIn):
    """Record a team meeting (coordinators)."""
    team = selectors.charter_team_get(user=request.user, pk=team_id, action=Action.MEETING_VIEW)
    meeting = services.meeting_create(actor=request.user, team=team, data=_minutes_in(payload))
    return Status(201, _meeting_out(meeting))


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, **READ_ERRORS})
def get_meeting(
    request: AuthedRequest, team_id: Path[int], meeting_id: int, version: int | None = None
):
    """One meeting: the current version of its minutes, or an earlier one (``?version=``)."""
    return _meeting_out(_meeting(request, team_id, meeting_id), version)


@router.put("/meetings/{meeting_id}", response={200: MeetingOut, **WRITE_ERRORS})
def update_meeting(request: AuthedRequest, team_id: Path[int], meeting_id: int, payload: MeetingIn):
    """Replace the minutes that are not frozen yet; confirmations start over (coordinators)."""
    meeting = _meeting(request, team_id, meeting_id)
    services.meeting_update(actor=request.user, meeting=meeting, data=_minutes_in(payload))
    return _meeting_out(meeting)


@router.post("/meetings/{meeting_id}/circulate", response={200: MeetingOut, **WRITE_ERRORS})
def circulate_minutes(request: AuthedRequest, team_id: Path[int], meeting_id: int):
    """Send the minutes to the attendees for confirmation (coordinators)."""
    meeting = _meeting(request, team_id, meeting_id)
    services.meeting_circulate(actor=request.user, meeting=meeting)
    return _meeting_out(meeting)


@router.post("/meetings/{meeting_id}/confirm", response={200: MeetingOut, **WRITE_ERRORS})
def confirm_minutes(request: AuthedRequest, team_id: Path[int], meeting_id: int):
    """Confirm the minutes as an attendee; the last confirmation freezes them."""
    meeting = _meeting(request, team_id, meeting_id)
    services.meeting_confirm(actor=request.user, meeting=meeting)
    return _meeting_out(meeting)


@router.post("/meetings/{meeting_id}/freeze", response={200: MeetingOut, **WRITE_ERRORS})
def freeze_minutes(request: AuthedRequest, team_id: Path[int], meeting_id: int):
    """Freeze minutes every attendee still in the team has confirmed (coordinators)."""
    meeting = _meeting(request, team_id, meeting_id)
    services.meeting_freeze(actor=request.user, meeting=meeting)
    return _meeting_out(meeting)


@router.post("/meetings/{meeting_id}/correct", response={201: MeetingOut, **WRITE_ERRORS})
def correct_minutes(
    request: AuthedRequest, team_id: Path[int], meeting_id: int, payload: CorrectionIn
):
    """Start a correction of frozen minutes as a new version (coordinators)."""
    meeting = _meeting(request, team_id, meeting_id)
    services.meeting_correct(actor=request.user, meeting=meeting, reason=payload.reason)
    return Status(201, _meeting_out(meeting))


# --- decisions into the plan -------------------------------------------------------------------


class GoalFromDecisionIn(Schema):
    title: Line
    description: LongText = ""
    why: ShortText = ""
    target_date: datetime.date | None = None


class ActionFromDecisionIn(Schema):
    goal_id: int
    title: Line
    owner_organisation_id: int | None = None
    due_date: datetime.date | None = None


def _decision(request: AuthedRequest, team_id: int, meeting_id: int, decision_id: int) -> Any:
    meeting = _meeting(request, team_id, meeting_id)
    return selectors.decision_get(meeting=meeting, pk=decision_id)


@router.post(
    "/meetings/{meeting_id}/decisions/{decision_id}/goal",
    response={201: PlanLinkOut, **WRITE_ERRORS},
)
def create_goal_from_decision(
    request: AuthedRequest,
    team_id: Path[int],
    meeting_id: int,
    decision_id: int,
    payload: GoalFromDecisionIn,
):
    """Turn a decision of frozen minutes into a team goal (coordinators)."""
    decision = _decision(request, team_id, meeting_id, decision_id)
    link = services.decision_goal_create(actor=request.user, decision=decision, **payload.dict())
    return Status(201, link)


@router.post(
    "/meetings/{meeting_id}/decisions/{decision_id}/action",
    response={201: PlanLinkOut, **WRITE_ERRORS},
)
def create_action_from_decision(
    request: AuthedRequest,
    team_id: Path[int],
    meeting_id: int,
    decision_id: int,
    payload: ActionFromDecisionIn,
):
    """Add an action for a decision of frozen minutes under one of the team's goals."""
    decision = _decision(request, team_id, meeting_id, decision_id)
    require(request.user, Action.MEETING_EDIT, decision.version.meeting)
    goal = goal_get(user=request.user, team=decision.version.meeting.team, pk=payload.goal_id)
    organisation = (
        organisation_get(user=request.user, pk=payload.owner_organisation_id)
        if payload.owner_organisation_id
        else None
    )
    link = services.decision_action_create(
        actor=request.user,
        decision=decision,
        goal=goal,
        title=payload.title,
        owner_organisation=organisation,
        due_date=payload.due_date,
    )
    return Status(201, link)
