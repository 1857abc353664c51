"""API: a team's diagnostics rounds, one's own answers, and results (aggregates only)."""

import datetime
from typing import Any, Literal

from ninja import Path, Router, Schema, Status

from icommit.access import Action, can
from icommit.api.schemas import READ_ERRORS, WRITE_ERRORS, Error, Line
from icommit.core.exceptions import ValidationFailed
from icommit.core.http import AuthedRequest
from icommit.diagnostics import reports, selectors, services
from icommit.instruments.models import Kind
from icommit.instruments.selectors import latest_versions, version_get

router = Router(tags=["diagnostics"])


class RateOut(Schema):
    organisation: str
    is_security: bool
    invited: int
    answered: int


class RoundOut(Schema):
    id: int
    title: str
    instrument: str
    version: int
    opened_at: datetime.datetime
    closes_on: datetime.date
    closed_at: datetime.datetime | None
    is_open: bool
    #: invitations are fixed when the round opens
    invited: int
    #: invitees who count towards the minimum (membership confirmed early, by someone else)
    counted: int
    answered: int
    #: answers from counted invitees the round needs for results
    min_respondents: int
    #: false while open, and for a round that closed with too few answers
    has_results: bool
    #: which groups the results compare: security, justice_social or state
    grouping: str


class RoundDetailOut(RoundOut):
    #: per organisation, for coordinators only and only once the round is closed
    rates: list[RateOut]
    invited_me: bool
    answered_me: bool


class RoundIn(Schema):
    title: Line
    instrument: Line = "msc-diagnostics"
    version: int | None = None
    closes_on: datetime.date
    #: which groups the results compare: security (default), justice_social or state
    grouping: Literal["security", "justice_social", "state"] = "security"


class InviteesOut(Schema):
    #: members a round opened now would invite (observers are not invited)
    invited: int
    #: of them, those who count towards a round's minimum
    counted: int
    #: a member counts when someone other than the opener confirmed their organisation
    #: membership at least this many days before
    vouched_days: int
    #: the minimum of counted answers of the newest version of each team instrument, by key
    minimums: dict[str, int]


class AnswersIn(Schema):
    answers: dict[str, Any]


class AnswersOut(Schema):
    answers: dict[str, Any]
    submitted: bool
    audience: str


def _round(r: Any, counts: dict[str, int] | None = None) -> dict[str, Any]:
    counts = counts or {k: getattr(r, k) for k in ("invited", "counted", "answered")}
    return {
        "id": r.pk,
        "title": r.title,
        "instrument": r.version.instrument.key,
        "version": r.version.number,
        "opened_at": r.opened_at,
        "closes_on": r.closes_on,
        "closed_at": r.closed_at,
        "is_open": r.is_open(services.today()),
        **counts,
        "min_respondents": r.min_respondents,
        "has_results": r.has_results,
        "grouping": r.grouping,
    }


def _detail(request: AuthedRequest, r: Any) -> dict[str, Any]:
    # by organisation only once closed (empty while open): the totals are all anyone sees then
    rates = (
        selectors.response_rates(user=request.user, round=r)
        if can(request.user, Action.DIAGNOSTICS_MANAGE, r)
        else []
    )
    mine = selectors.participation_of(user=request.user, round=r)
    return {
        **_round(r, selectors.round_counts(user=request.user, round=r)),
        "rates": [vars(x) for x in rates],
        "invited_me": mine is not None,
        "answered_me": bool(mine and mine.submitted),
    }


def _get(request: AuthedRequest, team_id: int, round_id: int, action: Action) -> Any:
    team = selectors.diagnostics_team_get(user=request.user, pk=team_id)
    return selectors.round_get(user=request.user, team=team, pk=round_id, action=action)


@router.get("/rounds", response={200: list[RoundOut], **READ_ERRORS})
def list_rounds(request: AuthedRequest, team_id: Path[int]):
    """The team's rounds, newest first, with how many were invited and have answered."""
    team = selectors.diagnostics_team_get(user=request.user, pk=team_id)
    return [_round(r) for r in selectors.round_list(user=request.user, team=team)]


@router.post("/rounds", response={201: RoundDetailOut, **WRITE_ERRORS})
def open_round(request: AuthedRequest, team_id: Path[int], payload: RoundIn):
    """Open a round (coordinators) with an instrument version and a closing date."""
    team = selectors.diagnostics_team_get(
        user=request.user, pk=team_id, action=Action.DIAGNOSTICS_MANAGE
    )
    if payload.version is None:
        newest = [
            v for v in latest_versions(user=request.user) if v.instrument.key == payload.instrument
        ]
        if not newest:
            raise ValidationFailed.field("instrument", "No instrument is published with this key.")
        version = newest[0]
    else:
        version = version_get(user=request.user, key=payload.instrument, number=payload.version)
    opened = services.round_open(
        actor=request.user,
        team=team,
        version=version,
        title=payload.title,
        closes_on=payload.closes_on,
        grouping=payload.grouping,
    )
    return Status(201, _detail(request, opened))


@router.get("/invitees", response={200: InviteesOut, **READ_ERRORS})
def round_invitees(request: AuthedRequest, team_id: Path[int]):
    """Before opening a round (coordinators): how many it would invite, and how many of them
    count towards the minimum; a round is refused when fewer count than its minimum."""
    team = selectors.diagnostics_team_get(
        user=request.user, pk=team_id, action=Action.DIAGNOSTICS_MANAGE
    )
    versions = list(latest_versions(user=request.user, kind=Kind.DIAGNOSTICS))
    preview = selectors.invitation_preview(user=request.user, team=team, versions=versions)
    return {
        "invited": preview.invited,
        "counted": preview.counted,
        "vouched_days": preview.vouched_days,
        "minimums": {v.instrument.key: preview.minimums[v.pk] for v in versions},
    }


@router.get("/rounds/{round_id}", response={200: RoundDetailOut, **READ_ERRORS})
def get_round(request: AuthedRequest, team_id: Path[int], round_id: int):
    """One round's status with the totals invited, counted and answered; coordinators also get
    the response rate by organisation once the round is closed."""
    return _detail(request, _get(request, team_id, round_id, Action.DIAGNOSTICS_VIEW))


@router.post("/rounds/{round_id}/close", response={200: RoundDetailOut, **WRITE_ERRORS})
def close_round(request: AuthedRequest, team_id: Path[int], round_id: int):
    """Close the round by hand (coordinators), which needs enough answers for results;
    unfinished drafts are discarded."""
    r = _get(request, team_id, round_id, Action.DIAGNOSTICS_MANAGE)
    services.round_close(actor=request.user, round=r)
    return _detail(request, r)


@router.get("/rounds/{round_id}/response", response={200: AnswersOut, 403: Error, **READ_ERRORS})
def get_my_response(request: AuthedRequest, team_id: Path[int], round_id: int):
    """Your own saved answers in the round (none once submitted: nothing links them to you)."""
    r = _get(request, team_id, round_id, Action.DIAGNOSTICS_RESPOND)
    mine = selectors.participation_of(user=request.user, round=r)
    assert mine is not None  # respond is allowed only to invitees
    answers = {} if mine.submitted else services.draft_answers(actor=request.user, round=r)
    return {"answers": answers, "submitted": mine.submitted, "audience": services.audience_of(mine)}


@router.put("/rounds/{round_id}/response", response={200: AnswersOut, **WRITE_ERRORS})
def save_my_response(request: AuthedRequest, team_id: Path[int], round_id: int, payload: AnswersIn):
    """Save answers so far (merged into your draft); values are checked, gaps are allowed."""
    r = _get(request, team_id, round_id, Action.DIAGNOSTICS_RESPOND)
    answers = services.response_save(actor=request.user, round=r, answers=payload.answers)
    mine = selectors.participation_of(user=request.user, round=r)
    assert mine is not None
    return {"answers": answers, "submitted": False, "audience": services.audience_of(mine)}


@router.post("/rounds/{round_id}/response/submit", response={201: AnswersOut, **WRITE_ERRORS})
def submit_my_response(
    request: AuthedRequest, team_id: Path[int], round_id: int, payload: AnswersIn
):
    """Submit your answers (with any last ones in the payload); they cannot be changed later."""
    r = _get(request, team_id, round_id, Action.DIAGNOSTICS_RESPOND)
    services.response_submit(actor=request.user, round=r, answers=payload.answers)
    mine = selectors.participation_of(user=request.user, round=r)
    assert mine is not None
    return Status(201, {"answers": {}, "submitted": True, "audience": services.audience_of(mine)})


@router.get("/rounds/{round_id}/results", response={200: dict[str, Any], 409: Error, **READ_ERRORS})
def get_round_results(request: AuthedRequest, team_id: Path[int], round_id: int):
    """Results of a closed round: aggregates per group, never resting on fewer respondents than
    the minimum (``has_results`` false and ``withheld_reason`` when the round has none)."""
    r = _get(request, team_id, round_id, Action.DIAGNOSTICS_RESULTS)
    report = reports.round_report(user=request.user, round=r, lang="en")
    return reports.as_api(report)
