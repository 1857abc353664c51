"""API: a team's cases, referrals, notes, sharing decisions and consents.

The same services and selectors as the pages: every read starts from the case policy or the
sharing kernel (``cases.selectors``), every write from ``cases.services``; nothing here decides
who may do what. Case content (notes, identity) comes only through the kernel's visibility
filter, so a list never holds an item the caller may not read; the identity is answered only
to the organisation that holds it or received it through a sharing decision (404 otherwise).
Opening a case, a note or the identity is written to the case's access log, as the pages do.

No ``from __future__ import annotations`` here: ninja must see ``Path[int]`` as an object for
the ``team_id`` that comes from the router's prefix, also behind ``@paginate``.
"""

import datetime
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from icommit.access import Action, require
from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.api.schemas import READ_ERRORS, WRITE_ERRORS, Line, LongText, ShortText
from icommit.cases import selectors, services
from icommit.cases.models import (
    AccessEntry,
    AgeBand,
    Case,
    CaseNote,
    Client,
    ClientIdentity,
    Consent,
    ConsentForm,
    ConsentGiver,
    ConsentKind,
    Gender,
    Phenomenon,
    Setting,
    ShareBasis,
    ShareDecision,
    TransitionKind,
)
from icommit.cases.process import Stage
from icommit.core.exceptions import NotFound, ValidationFailed
from icommit.core.http import AuthedRequest
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team
from icommit.teams.selectors import team_get

router = Router(tags=["cases"])

#: The services name the objects they take; the API names the ids it takes.
_FIELD_NAMES = {
    "organisation": "organisation_id",
    "organisations": "organisation_ids",
    "lead_organisation": "lead_organisation_id",
    "case_manager": "case_manager_id",
    "to_organisation": "to_organisation_id",
    "to_team": "to_team_id",
    "recipients": "recipient_ids",
    "consent": "consent_id",
    "item": "item_id",
    "transition_kind": "transition.kind",
    "transition_date": "transition.date",
    "capacity_note": "note",
}


@contextmanager
def _api_fields() -> Iterator[None]:
    """A service's refusal names the field as the API client sent it."""
    try:
        yield
    except ValidationFailed as exc:
        exc.details = {_FIELD_NAMES.get(k, k): v for k, v in (exc.details or {}).items()}
        raise


# --- schemas --------------------------------------------------------------------------------------


class CaseOrganisationOut(Schema):
    id: int
    name: str


class CasePersonOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: User) -> str:
        return str(obj)


class CaseTransitionOut(Schema):
    #: release (from prison), relocation (moving to another city) or adulthood (turning 18)
    kind: str
    date: datetime.date | None


class CaseTransitionIn(Schema):
    kind: TransitionKind
    date: datetime.date | None = None


def _transition(case: Case) -> dict[str, Any] | None:
    if not case.transition_kind:
        return None
    return {"kind": case.transition_kind, "date": case.transition_date}


class CaseOut(Schema):
    """A case as the case list shows it: never anything that identifies the client."""

    id: uuid.UUID
    number: str
    pseudonym: str
    stage: str
    lead_organisation: CaseOrganisationOut | None
    case_manager: CasePersonOut | None
    purpose: str
    family_only: bool
    next_review: datetime.date | None
    transition: CaseTransitionOut | None

    @staticmethod
    def resolve_pseudonym(obj: Case) -> str:
        return obj.client.pseudonym

    @staticmethod
    def resolve_transition(obj: Case) -> dict[str, Any] | None:
        return _transition(obj)


class CaseParticipantOut(Schema):
    organisation: CaseOrganisationOut
    reason: str
    added_at: datetime.datetime


class CaseStageChangeOut(Schema):
    from_stage: str
    to_stage: str
    code: str
    note: str
    at: datetime.datetime
    by: CasePersonOut


class CaseDetailOut(CaseOut):
    """The case page's header, participants and stage history (no identity, no notes)."""

    referred_at: datetime.datetime
    referring_organisation: CaseOrganisationOut
    stage_since: datetime.datetime
    closed_code: str
    gender: str
    age_band: str
    phenomenon: str
    setting: str
    is_minor: bool
    #: processing of the client's data is restricted (Art. 18 GDPR): only storage
    restricted: bool
    participants: list[CaseParticipantOut]
    stage_history: list[CaseStageChangeOut]
    #: the referral text: for the lead organisation only (and case managers while triaging)
    concern: str | None = None

    @staticmethod
    def resolve_gender(obj: Case) -> str:
        return obj.client.gender

    @staticmethod
    def resolve_age_band(obj: Case) -> str:
        return obj.client.age_band

    @staticmethod
    def resolve_phenomenon(obj: Case) -> str:
        return obj.client.phenomenon

    @staticmethod
    def resolve_setting(obj: Case) -> str:
        return obj.client.setting

    @staticmethod
    def resolve_is_minor(obj: Case) -> bool:
        return obj.client.is_minor

    @staticmethod
    def resolve_restricted(obj: Case) -> bool:
        return obj.client.is_restricted

    @staticmethod
    def resolve_concern(obj: Case, context: dict[str, Any]) -> str | None:
        user = context["request"].user
        return obj.referral_text if selectors.referral_readable(user=user, case=obj) else None

    @staticmethod
    def resolve_participants(obj: Case) -> list[Any]:
        return selectors.participants(obj)

    @staticmethod
    def resolve_stage_history(obj: Case) -> list[Any]:
        return selectors.stage_history(case=obj)


class CaseReferralSentOut(Schema):
    """What the referring organisation learns of its referral: its stage, nothing else."""

    id: uuid.UUID
    number: str
    stage: str
    referred_at: datetime.datetime


class CaseReferralOut(Schema):
    """A referral waiting for triage, as case managers read it."""

    id: uuid.UUID
    number: str
    stage: str
    referred_at: datetime.datetime
    referring_organisation: CaseOrganisationOut
    family_only: bool
    gender: str
    age_band: str
    phenomenon: str
    setting: str
    concern: str
    transition: CaseTransitionOut | None

    @staticmethod
    def resolve_gender(obj: Case) -> str:
        return obj.client.gender

    @staticmethod
    def resolve_age_band(obj: Case) -> str:
        return obj.client.age_band

    @staticmethod
    def resolve_phenomenon(obj: Case) -> str:
        return obj.client.phenomenon

    @staticmethod
    def resolve_setting(obj: Case) -> str:
        return obj.client.setting

    @staticmethod
    def resolve_concern(obj: Case) -> str:
        return obj.referral_text or ""

    @staticmethod
    def resolve_transition(obj: Case) -> dict[str, Any] | None:
        return _transition(obj)


class CaseReferralIn(Schema):
    """Only what the referrer knows. A family-only referral records no identity."""

    #: the organisation you refer for (needed only if you belong to several)
    organisation_id: int | None = None
    concern: ShortText
    gender: Gender
    age_band: AgeBand
    phenomenon: Phenomenon
    setting: Setting
    family_only: bool = False
    name: Line = ""
    birth_date: datetime.date | None = None
    contact: Line = ""
    transition: CaseTransitionIn | None = None


class CaseTriageIn(Schema):
    """Accept (naming lead organisation, case manager and purpose), reject or redirect (with
    an exit code of the case process)."""

    outcome: Literal["accepted", "rejected", "redirected"]
    code: Line = ""
    note: ShortText = ""
    lead_organisation_id: int | None = None
    case_manager_id: int | None = None
    purpose: Line = ""
    #: the triage questions' answers (keys of the case process content)
    answers: dict[str, Any] | None = None


class CaseMoveIn(Schema):
    stage: Stage
    #: the exit code, for a move to rejected, redirected or closed
    code: Line = ""
    note: ShortText = ""


class CaseUpdateIn(Schema):
    """Only the fields sent change; ``transition: null`` clears the transition ahead."""

    purpose: Line | None = None
    next_review: datetime.date | None = None
    transition: CaseTransitionIn | None = None


class CaseParticipantIn(Schema):
    organisation_id: int
    reason: Line


class CaseParticipantRemovedOut(Schema):
    #: shares to the organisation that ended with its leaving
    shares_ended: int


class CaseTransferIn(Schema):
    to_organisation_id: int
    reason: Line
    #: another team of yours, when the client moves away (relocation)
    to_team_id: int | None = None
    case_manager_id: int | None = None


class CaseTransferOut(Schema):
    id: int
    from_organisation: CaseOrganisationOut
    to_organisation: CaseOrganisationOut
    from_team_id: int
    to_team_id: int
    reason: str
    #: what went along: the case, the identity (now held by the new lead), who left
    carried: dict[str, Any]
    at: datetime.datetime


class CaseIdentityOut(Schema):
    id: uuid.UUID
    name: str
    birth_date: str | None
    address: str | None
    contact: str | None
    origin_organisation: CaseOrganisationOut
    recorded_at: datetime.datetime
    #: organisations that read it now through a sharing decision
    audience: list[CaseOrganisationOut]

    @staticmethod
    def resolve_audience(obj: ClientIdentity) -> list[Organisation]:
        return [row.organisation for row in getattr(obj, "live_audience", [])]


class CaseIdentityIn(Schema):
    name: Line
    birth_date: datetime.date | None = None
    address: ShortText = ""
    contact: Line = ""


class CaseNoteOut(Schema):
    id: uuid.UUID
    kind: str
    title: str
    text: str
    category: str
    #: the kind of secrecy its author was bound by when recording it
    secrecy: str
    origin_organisation: CaseOrganisationOut
    author: CasePersonOut
    created_at: datetime.datetime
    document_name: str
    #: organisations that read it now through a sharing decision
    audience: list[CaseOrganisationOut]

    @staticmethod
    def resolve_text(obj: CaseNote) -> str:
        return obj.text or ""

    @staticmethod
    def resolve_audience(obj: CaseNote) -> list[Organisation]:
        return [row.organisation for row in getattr(obj, "live_audience", [])]


class CaseNoteIn(Schema):
    #: the organisation you record for (needed only if several of yours take part)
    organisation_id: int | None = None
    kind: Literal["note", "contribution"] = "note"
    title: Line
    text: LongText
    #: a data category code (not identity)
    category: Line
    #: the kind of secrecy you are bound by as its author ("none" if none)
    secrecy: Line


class CaseShareIn(Schema):
    """One sharing decision by the organisation the item comes from."""

    #: "note", "identity", or a kind an app above cases registers (``cases.kinds``)
    item_kind: str = Field(..., max_length=30)
    item_id: uuid.UUID
    organisation_ids: list[int] = Field(..., min_length=1, max_length=50)
    purpose: Line
    basis: ShareBasis
    consent_id: uuid.UUID | None = None
    statute: Line = ""
    #: a provision of the team's country content (its code); only such a provision can be a
    #: statutory duty, and only one the sending organisation's sector may rely on
    statute_code: str = Field("", max_length=60)
    reason: ShortText = ""
    client_informed: bool
    not_informed_reason: ShortText = ""
    ends_at: datetime.datetime | None = None


class CaseDecisionOut(Schema):
    """A line of the sharing ledger: what went to whom, when, on which basis."""

    id: uuid.UUID
    item_kind: str
    item_id: uuid.UUID
    item_title: str
    category: str
    origin_organisation: CaseOrganisationOut
    organisations: list[CaseOrganisationOut]
    purpose: str
    basis: str
    consent_id: uuid.UUID | None
    statute: str
    reason: str
    client_informed: bool
    not_informed_reason: str
    decided_at: datetime.datetime
    decided_by: CasePersonOut
    ends_at: datetime.datetime | None
    confirmed_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None

    @staticmethod
    def resolve_organisations(obj: ShareDecision) -> list[Organisation]:
        return list(obj.organisations.all())

    @staticmethod
    def resolve_basis(obj: ShareDecision) -> str:
        return obj.basis_kind


class CaseSharesEndedOut(Schema):
    ended: int


class CaseConsentOut(Schema):
    id: uuid.UUID
    #: participation (agreement to take part), release (from confidentiality) or sharing
    kind: str
    organisation: CaseOrganisationOut
    professional: str
    recipients: list[CaseOrganisationOut]
    categories: list[str]
    purpose: str
    given_by: str
    form: str
    form_reason: str
    given_on: datetime.date
    valid_until: datetime.date | None
    active: bool
    recorded_at: datetime.datetime
    withdrawn_at: datetime.datetime | None

    @staticmethod
    def resolve_recipients(obj: Consent) -> list[Organisation]:
        return list(obj.recipients.all())


class CaseConsentIn(Schema):
    kind: ConsentKind
    #: the organisation it was given to (needed only if several of yours take part)
    organisation_id: int | None = None
    purpose: Line
    given_by: ConsentGiver
    form: ConsentForm
    given_on: datetime.date
    #: named organisations (never sectors); none for an agreement to take part
    recipient_ids: list[int] = Field([], max_length=50)
    categories: list[Line] = Field([], max_length=50)
    #: for a release: the professional (role or name) released from confidentiality
    professional: Line = ""
    form_reason: ShortText = ""
    valid_until: datetime.date | None = None


class CaseWithdrawIn(Schema):
    note: ShortText = ""


class CaseWithdrawnOut(Schema):
    consent: CaseConsentOut
    #: the sharing decisions made under it: what was shared, to whom (those shares ended now)
    shared_under_it: list[CaseDecisionOut]


class CaseRestrictionIn(Schema):
    reason: ShortText


class CaseRestrictionOut(Schema):
    id: uuid.UUID
    requested_at: datetime.datetime


class CaseAccessEntryOut(Schema):
    """A line of the case's access log: who opened what, when."""

    at: datetime.datetime
    user: str
    #: case, note, document or identity
    what: str
    item_id: uuid.UUID | None

    @staticmethod
    def resolve_user(obj: AccessEntry) -> str:
        return str(obj.user)


class CaseTimelineStageOut(Schema):
    from_stage: str
    to_stage: str


class CaseTimelineNoteOut(Schema):
    id: uuid.UUID
    title: str
    origin_organisation: CaseOrganisationOut


class CaseTimelineShareOut(Schema):
    id: uuid.UUID
    item_title: str
    basis: str


class CaseTimelineOut(Schema):
    """An event of the case: a stage change, a note or a sharing decision (only what the
    caller may see, and only a summary of it)."""

    at: datetime.datetime
    #: "stage", "note", "share", or the kind of an app above cases (e.g. "perspective")
    kind: str
    stage: CaseTimelineStageOut | None = None
    note: CaseTimelineNoteOut | None = None
    share: CaseTimelineShareOut | None = None
    #: for the other kinds: what happened, and the organisation it comes from
    summary: str = ""
    organisation: str = ""


def _timeline_entry(entry: selectors.TimelineEntry) -> dict[str, Any]:
    obj = entry.obj
    out: dict[str, Any] = {"at": entry.at, "kind": entry.kind}
    if entry.kind == "stage":
        out["stage"] = {"from_stage": obj.from_stage, "to_stage": obj.to_stage}
    elif entry.kind == "note":
        out["note"] = {
            "id": obj.pk,
            "title": obj.title,
            "origin_organisation": obj.origin_organisation,
        }
    elif entry.kind == "share":
        out["share"] = {"id": obj.pk, "item_title": obj.item_title, "basis": obj.basis_kind}
    else:
        out["summary"], out["organisation"] = entry.summary, entry.organisation
    return out


class CaseMatchNoticeOut(Schema):
    """A new referral may concern this case's client (its manager is told, nobody else)."""

    id: int
    created_at: datetime.datetime
    seen_at: datetime.datetime | None


class CaseShareRequestIn(Schema):
    to_organisation_id: int
    reason: ShortText


class CaseShareRequestOut(Schema):
    """A request that the organisation a note comes from share it further."""

    id: uuid.UUID
    note_id: uuid.UUID
    requesting_organisation: CaseOrganisationOut
    to_organisation: CaseOrganisationOut
    reason: str
    at: datetime.datetime


class CaseRelativeIn(Schema):
    relation: Line
    name: Line
    contact: Line = ""
    is_guardian: bool = False
    note: ShortText = ""


class CaseRelativeOut(Schema):
    id: uuid.UUID
    relation: str
    name: str
    contact: str | None
    is_guardian: bool
    note: str | None
    recorded_at: datetime.datetime


class CaseCapacityIn(Schema):
    #: whether the minor can themselves understand and decide (null: not assessed)
    capacity: bool | None
    note: ShortText


class CaseCapacityOut(Schema):
    capacity: bool | None
    note: str

    @staticmethod
    def resolve_capacity(obj: Client) -> bool | None:
        return obj.capacity_to_consent

    @staticmethod
    def resolve_note(obj: Client) -> str:
        return obj.capacity_note or ""


# --- lookups --------------------------------------------------------------------------------------


def _team(request: AuthedRequest, team_id: int, action: Action = Action.CASE_LIST) -> Team:
    return team_get(user=request.user, pk=team_id, action=action)


def _case(request: AuthedRequest, team_id: int, case_id: uuid.UUID, action: Action) -> Case:
    """The case if the caller may find it (404 otherwise) and do ``action`` (403 otherwise)."""
    case = selectors.case_get(user=request.user, pk=case_id, action=Action.CASE_FIND)
    if case.team_id != team_id:
        raise NotFound()
    require(request.user, action, case)
    return case


def _organisation(pk: int, field: str, message: str) -> Organisation:
    found = selectors.organisation_by_pk(pk)
    if found is None:
        raise ValidationFailed.field(field, message)
    return found


def _own_organisation(
    request: AuthedRequest, pk: int | None, among: set[int] | None = None
) -> Organisation:
    """The organisation named, or the caller's one organisation (among ``among``)."""
    message = _("Choose an organisation you belong to.")
    if pk is None:
        mine = set(facts_for(request.user).org_ids)
        if among is not None:
            mine &= among
        if len(mine) != 1:
            raise ValidationFailed.field("organisation_id", message)
        pk = next(iter(mine))
    return _organisation(pk, "organisation_id", message)


def _user(pk: int | None, field: str, message: str) -> User | None:
    if pk is None:
        return None
    found = selectors.user_by_pk(pk)
    if found is None:
        raise ValidationFailed.field(field, message)
    return found


def _detail(request: AuthedRequest, case: Case) -> Case:
    return selectors.case_get(user=request.user, pk=case.pk, action=Action.CASE_VIEW)


def _decision(request: AuthedRequest, case: Case, decision_id: uuid.UUID) -> ShareDecision:
    found = selectors.ledger(user=request.user, case=case).filter(pk=decision_id).first()
    if found is None:
        raise NotFound()
    return found


def _consent(case: Case, consent_id: uuid.UUID, field: str | None = None) -> Consent:
    for consent in selectors.consents_for(case=case):
        if consent.pk == consent_id:
            return consent
    if field is not None:
        raise ValidationFailed.field(field, _("Choose a consent recorded on this case."))
    raise NotFound()


# --- the team's cases, referrals and search -------------------------------------------------------


@router.get("", response={200: list[CaseOut], **READ_ERRORS})
@paginate
def list_cases(request: AuthedRequest, team_id: Path[int], stage: Stage | None = None):
    """The team's cases your organisation takes part in, newest first (optionally in one
    stage). Nothing that identifies a client."""
    team = _team(request, team_id)
    return selectors.cases_for(user=request.user, team=team, stage=stage.value if stage else "")


@router.get("/referrals", response={200: list[CaseReferralOut], **READ_ERRORS})
@paginate
def list_referrals_to_triage(request: AuthedRequest, team_id: Path[int]):
    """Referrals waiting for triage, oldest first (the team's case managers)."""
    team = _team(request, team_id, Action.CASE_TRIAGE)
    return selectors.referrals_to_triage(user=request.user, team=team)


@router.get("/referrals/sent", response={200: list[CaseReferralSentOut], **READ_ERRORS})
@paginate
def list_referrals_sent(request: AuthedRequest, team_id: Path[int]):
    """Your organisation's referrals to the team: number, stage and date, nothing else."""
    team = _team(request, team_id)
    return selectors.referrals_sent(user=request.user, team=team)


@router.post("/referrals", response={201: CaseReferralSentOut, **WRITE_ERRORS})
def create_referral(request: AuthedRequest, team_id: Path[int], payload: CaseReferralIn):
    """Refer a person (or, family-only, a family's concern) to the team's case intake. You
    learn the referral's stage and nothing else, also not whether the person is known."""
    team = _team(request, team_id, Action.CASE_REFER)
    organisation = _own_organisation(request, payload.organisation_id)
    transition = payload.transition
    with _api_fields():
        case = services.referral_create(
            actor=request.user,
            team=team,
            organisation=organisation,
            concern=payload.concern,
            gender=payload.gender.value,
            age_band=payload.age_band.value,
            phenomenon=payload.phenomenon.value,
            setting=payload.setting.value,
            family_only=payload.family_only,
            name=payload.name,
            birth_date=payload.birth_date.isoformat() if payload.birth_date else "",
            contact=payload.contact,
            transition_kind=transition.kind.value if transition else "",
            transition_date=transition.date if transition else None,
        )
    return Status(201, case)


class CaseSearchIn(Schema):
    name: Line
    birth_date: datetime.date | None = None


@router.post("/search", response={200: list[CaseOut], **WRITE_ERRORS})
def search_cases(request: AuthedRequest, team_id: Path[int], payload: CaseSearchIn):
    """Cases whose client your organisation holds as lead, by name (and date of birth). Only
    identities your own organisation holds are looked at. A POST, so that a name and a date of
    birth never stand in a URL (server logs, browser history, Referer headers)."""
    team = _team(request, team_id, Action.CASE_IDENTITY_SEARCH)
    with _api_fields():
        return services.identity_search(
            actor=request.user,
            team=team,
            name=payload.name,
            birth_date=payload.birth_date.isoformat() if payload.birth_date else "",
        )


# --- one case -------------------------------------------------------------------------------------


@router.post("/{case_id}/triage", response={200: CaseOut, **WRITE_ERRORS})
def triage_case(
    request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID, payload: CaseTriageIn
):
    """Decide a referral (case managers): accept it, naming the lead organisation, its case
    manager and the purpose; or reject or redirect it with an exit code."""
    case = _case(request, team_id, case_id, Action.CASE_FIND)
    lead = (
        _organisation(
            payload.lead_organisation_id,
            "lead_organisation_id",
            _("Choose an organisation of the team to lead the case."),
        )
        if payload.lead_organisation_id is not None
        else None
    )
    manager = _user(
        payload.case_manager_id,
        "case_manager_id",
        _("Choose a member of the team who works for the lead organisation."),
    )
    with _api_fields():
        return services.triage_decide(
            actor=request.user,
            case=case,
            outcome=payload.outcome,
            code=payload.code,
            note=payload.note,
            lead_organisation=lead,
            case_manager=manager,
            purpose=payload.purpose,
            answers=payload.answers,
        )


@router.get("/{case_id}", response={200: CaseDetailOut, **READ_ERRORS})
def get_case(request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID):
    """The case: header, participating organisations and stage history (organisations taking
    part; the identity and notes have endpoints of their own)."""
    case = _case(request, team_id, case_id, Action.CASE_VIEW)
    services.opened(user=request.user, case=case, what="case")
    return case


@router.patch("/{case_id}", response={200: CaseDetailOut, **WRITE_ERRORS})
def update_case(
    request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID, payload: CaseUpdateIn
):
    """Change the purpose, the next review or the transition ahead (the case's manager)."""
    case = _case(request, team_id, case_id, Action.CASE_FIND)
    sent = payload.model_fields_set
    transition: dict[str, Any] | None = _transition(case)
    if "transition" in sent:
        transition = (
            {"kind": payload.transition.kind.value, "date": payload.transition.date}
            if payload.transition is not None
            else None
        )
    with _api_fields():
        services.case_update(
            actor=request.user,
            case=case,
            purpose=payload.purpose if "purpose" in sent else case.purpose,  # type: ignore[arg-type]
            next_review=payload.next_review if "next_review" in sent else case.next_review,
            transition_kind=transition["kind"] if transition else "",
            transition_date=transition["date"] if transition else None,
        )
    return _detail(request, case)


@router.post("/{case_id}/move", response={200: CaseDetailOut, **WRITE_ERRORS})
def move_case(request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID, payload: CaseMoveIn):
    """Move the case to another stage along the case process (the case's manager); closing
    needs an exit code. A move the process does not allow is a 409."""
    case = _case(request, team_id, case_id, Action.CASE_FIND)
    with _api_fields():
        services.case_move(
            actor=request.user,
            case=case,
            target=payload.stage.value,
            code=payload.code,
            note=payload.note,
        )
    return _detail(request, case)


@router.post("/{case_id}/participants", response={201: CaseParticipantOut, **WRITE_ERRORS})
def add_participant(
    request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID, payload: CaseParticipantIn
):
    """Add an organisation of the team to the case, with the reason it is needed. It receives
    nothing shared before it joined."""
    case = _case(request, team_id, case_id, Action.CASE_FIND)
    organisation = _organisation(
        payload.organisation_id,
        "organisation_id",
        _("This organisation does not take part in the team."),
    )
    with _api_fields():
        row = services.participant_add(
            actor=request.user, case=case, organisation=organisation, reason=payload.reason
        )
    return Status(201, row)


@router.delete(
    "/{case_id}/participants/{organisation_id}",
    response={200: CaseParticipantRemovedOut, **WRITE_ERRORS},
)
def remove_participant(
    request: AuthedRequest,
    team_id: Path[int],
    case_id: uuid.UUID,
    organisation_id: int,
    reason: Query[Line],
):
    """An organisation leaves the case (with a reason): it keeps its own items, and every
    share to it ends."""
    case = _case(request, team_id, case_id, Action.CASE_FIND)
    organisation = selectors.organisation_by_pk(organisation_id)
    if organisation is None:
        raise NotFound()
    with _api_fields():
        ended = services.participant_remove(
            actor=request.user, case=case, organisation=organisation, reason=reason
        )
    return {"shares_ended": ended}


@router.post("/{case_id}/transfer", response={201: CaseTransferOut, **WRITE_ERRORS})
def transfer_case(
    request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID, payload: CaseTransferIn
):
    """Hand the case to another lead organisation, in this team or another of yours; what
    went along is recorded."""
    case = _case(request, team_id, case_id, Action.CASE_FIND)
    to_organisation = _organisation(
        payload.to_organisation_id,
        "to_organisation_id",
        _("This organisation does not take part in that team."),
    )
    to_team = None
    if payload.to_team_id is not None:
        to_team = selectors.team_by_pk(payload.to_team_id)
        if to_team is None:
            raise ValidationFailed.field(
                "to_team_id", _("You can move a case only to a team you take part in.")
            )
    manager = _user(
        payload.case_manager_id,
        "case_manager_id",
        _("Choose a member of the team who works for the new lead."),
    )
    with _api_fields():
        transfer = services.case_transfer(
            actor=request.user,
            case=case,
            to_organisation=to_organisation,
            reason=payload.reason,
            to_team=to_team,
            case_manager=manager,
        )
    return Status(201, transfer)


@router.get("/{case_id}/access-log", response={200: list[CaseAccessEntryOut], **READ_ERRORS})
@paginate
def list_access_log(request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID):
    """Who opened the case, its notes, documents and the identity, newest first."""
    case = _case(request, team_id, case_id, Action.CASE_ACCESS_LOG)
    return selectors.access_log(case=case)


@router.get("/{case_id}/timeline", response={200: list[CaseTimelineOut], **READ_ERRORS})
def get_timeline(request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID):
    """The case's events you may see, oldest first: stage changes, notes and sharing decisions
    (a summary each; the notes and the ledger have endpoints of their own)."""
    case = _case(request, team_id, case_id, Action.CASE_VIEW)
    return [_timeline_entry(e) for e in selectors.timeline(user=request.user, case=case)]


@router.get("/{case_id}/match-notices", response={200: list[CaseMatchNoticeOut], **READ_ERRORS})
def list_match_notices(request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID):
    """New referrals that may concern this case's client, not yet seen (the case's manager)."""
    case = _case(request, team_id, case_id, Action.CASE_MANAGE)
    return selectors.match_notices(case=case)


@router.post(
    "/{case_id}/match-notices/{notice_id}/seen",
    response={200: CaseMatchNoticeOut, **WRITE_ERRORS},
)
def see_match_notice(
    request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID, notice_id: int
):
    """Mark a match notice as seen (the case's manager)."""
    case = _case(request, team_id, case_id, Action.CASE_MANAGE)
    notice = selectors.match_notice_get(case=case, pk=notice_id)
    return services.match_notice_seen(actor=request.user, notice=notice)


# --- identity -------------------------------------------------------------------------------------


@router.get("/{case_id}/identity", response={200: CaseIdentityOut, **READ_ERRORS})
def get_identity(request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID):
    """Who the client is: only for the organisation that holds it (the lead) and those it was
    shared with; 404 for everyone else, and when none is recorded."""
    case = _case(request, team_id, case_id, Action.CASE_VIEW)
    identity = selectors.identity_for(user=request.user, case=case)
    if identity is None:
        raise NotFound()
    services.opened(user=request.user, case=case, what="identity", item_id=identity.pk)
    return identity


@router.put("/{case_id}/identity", response={200: CaseIdentityOut, **WRITE_ERRORS})
def set_identity(
    request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID, payload: CaseIdentityIn
):
    """Record or correct who the client is (the lead organisation only)."""
    case = _case(request, team_id, case_id, Action.CASE_FIND)
    with _api_fields():
        services.identity_set(
            actor=request.user,
            case=case,
            name=payload.name,
            birth_date=payload.birth_date.isoformat() if payload.birth_date else "",
            address=payload.address,
            contact=payload.contact,
        )
    identity = selectors.identity_for(user=request.user, case=case)
    assert identity is not None  # the lead holds it
    return identity


@router.post("/{case_id}/identity/relatives", response={201: CaseRelativeOut, **WRITE_ERRORS})
def add_relative(
    request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID, payload: CaseRelativeIn
):
    """Record a relative or other contact person of the client (the lead organisation only)."""
    case = _case(request, team_id, case_id, Action.CASE_WORK)
    with _api_fields():
        relative = services.relative_add(
            actor=request.user,
            case=case,
            relation=payload.relation,
            name=payload.name,
            contact=payload.contact,
            is_guardian=payload.is_guardian,
            note=payload.note,
        )
    return Status(201, relative)


@router.put("/{case_id}/capacity", response={200: CaseCapacityOut, **WRITE_ERRORS})
def set_capacity(
    request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID, payload: CaseCapacityIn
):
    """Record whether a minor client can themselves understand and decide, after talking with
    them (the lead organisation only; 409 for an adult)."""
    case = _case(request, team_id, case_id, Action.CASE_WORK)
    with _api_fields():
        return services.capacity_set(
            actor=request.user, case=case, capacity=payload.capacity, note=payload.note
        )


# --- notes ----------------------------------------------------------------------------------------


@router.get("/{case_id}/notes", response={200: list[CaseNoteOut], **READ_ERRORS})
@paginate
def list_notes(request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID):
    """The case's notes you may read (your organisation's, and those shared with it), oldest
    first."""
    case = _case(request, team_id, case_id, Action.CASE_VIEW)
    services.opened(user=request.user, case=case, what="case")
    return selectors.notes_for(user=request.user, case=case)


@router.post("/{case_id}/notes", response={201: CaseNoteOut, **WRITE_ERRORS})
def create_note(
    request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID, payload: CaseNoteIn
):
    """Record a note or contribution: only your organisation reads it until it shares it."""
    case = _case(request, team_id, case_id, Action.CASE_WORK)
    organisation = _own_organisation(
        request, payload.organisation_id, among=services.participant_ids(case)
    )
    with _api_fields():
        note = services.note_create(
            actor=request.user,
            case=case,
            organisation=organisation,
            title=payload.title,
            text=payload.text,
            category=payload.category,
            secrecy=payload.secrecy,
            kind=payload.kind,
        )
    return Status(201, selectors.note_get(user=request.user, case=case, pk=note.pk))


@router.get("/{case_id}/notes/{note_id}", response={200: CaseNoteOut, **READ_ERRORS})
def get_note(request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID, note_id: uuid.UUID):
    """One note you may read (404 for a note not shared with your organisation)."""
    case = _case(request, team_id, case_id, Action.CASE_VIEW)
    note = selectors.note_get(user=request.user, case=case, pk=note_id)
    services.opened(user=request.user, case=case, what="note", item_id=note.pk)
    return note


@router.get(
    "/{case_id}/notes/{note_id}/document",
    response={200: None, **READ_ERRORS},
)
def get_note_document(
    request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID, note_id: uuid.UUID
):
    """The document of a note you may read, as an attachment (404 if it has none)."""
    case = _case(request, team_id, case_id, Action.CASE_VIEW)
    note = selectors.note_get(user=request.user, case=case, pk=note_id)
    if not note.document:
        raise NotFound()
    services.opened(user=request.user, case=case, what="document", item_id=note.pk)
    response = HttpResponse(
        bytes.fromhex(note.document), content_type=note.document_type or "application/octet-stream"
    )
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=note.document_name or "document")
        or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@router.get("/{case_id}/share-requests", response={200: list[CaseShareRequestOut], **READ_ERRORS})
def list_share_requests(request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID):
    """Requests to share a note further that wait for your organisation (the one it comes
    from)."""
    case = _case(request, team_id, case_id, Action.CASE_VIEW)
    return selectors.share_requests_to(user=request.user, case=case)


@router.post(
    "/{case_id}/notes/{note_id}/share-requests",
    response={201: CaseShareRequestOut, **WRITE_ERRORS},
)
def request_share(
    request: AuthedRequest,
    team_id: Path[int],
    case_id: uuid.UUID,
    note_id: uuid.UUID,
    payload: CaseShareRequestIn,
):
    """Ask the organisation a note comes from to share it with another organisation of the
    case (you may not share what you received); it decides."""
    case = _case(request, team_id, case_id, Action.CASE_WORK)
    note = selectors.note_get(user=request.user, case=case, pk=note_id)
    to_organisation = _organisation(
        payload.to_organisation_id,
        "to_organisation_id",
        _("This organisation does not take part in the case."),
    )
    with _api_fields():
        found = services.share_request(
            actor=request.user, note=note, to_organisation=to_organisation, reason=payload.reason
        )
    return Status(201, found)


# --- sharing decisions and the ledger -------------------------------------------------------------


@router.post("/{case_id}/shares", response={201: CaseDecisionOut, **WRITE_ERRORS})
def share_item(
    request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID, payload: CaseShareIn
):
    """Share a note or the identity with named organisations (the organisation it comes from
    only), on a legal basis: the protocol, a consent or release on file, a statute, or
    imminent danger. Each recipient is checked against the rules; one refusal refuses all."""
    case = _case(request, team_id, case_id, Action.CASE_WORK)
    item = selectors.case_item_get(
        user=request.user, case=case, kind=payload.item_kind, pk=payload.item_id
    )
    message = _("This organisation does not take part in the case.")
    organisations = [
        _organisation(pk, "organisation_ids", message) for pk in payload.organisation_ids
    ]
    consent = (
        _consent(case, payload.consent_id, "consent_id") if payload.consent_id is not None else None
    )
    with _api_fields():
        decision = services.item_share(
            actor=request.user,
            case=case,
            item=item,
            organisations=organisations,
            purpose=payload.purpose,
            basis=payload.basis.value,
            client_informed=payload.client_informed,
            not_informed_reason=payload.not_informed_reason,
            consent=consent,
            statute=payload.statute,
            statute_code=payload.statute_code,
            reason=payload.reason,
            ends_at=payload.ends_at,
        )
    return Status(201, _decision(request, case, decision.pk))


@router.post(
    "/{case_id}/shares/{decision_id}/end", response={200: CaseSharesEndedOut, **WRITE_ERRORS}
)
def end_share(
    request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID, decision_id: uuid.UUID
):
    """End a sharing decision now (the organisation the item comes from)."""
    case = _case(request, team_id, case_id, Action.CASE_VIEW)
    decision = _decision(request, case, decision_id)
    return {"ended": services.decision_end(actor=request.user, decision=decision)}


@router.post(
    "/{case_id}/shares/{decision_id}/confirm", response={200: CaseDecisionOut, **WRITE_ERRORS}
)
def confirm_share(
    request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID, decision_id: uuid.UUID
):
    """Confirm a share because of imminent danger within 24 hours: a second person of the
    organisation that shared."""
    case = _case(request, team_id, case_id, Action.CASE_VIEW)
    decision = _decision(request, case, decision_id)
    services.danger_confirm(actor=request.user, decision=decision)
    return _decision(request, case, decision_id)


@router.get("/{case_id}/ledger", response={200: list[CaseDecisionOut], **READ_ERRORS})
@paginate
def list_ledger(request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID):
    """The sharing ledger, newest first: decisions your organisation took or received."""
    case = _case(request, team_id, case_id, Action.CASE_VIEW)
    return selectors.ledger(user=request.user, case=case)


# --- consent and restriction ----------------------------------------------------------------------


@router.get("/{case_id}/consents", response={200: list[CaseConsentOut], **READ_ERRORS})
def list_consents(request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID):
    """The case's agreements, releases and consents, and whether each is in effect."""
    case = _case(request, team_id, case_id, Action.CASE_VIEW)
    return selectors.consents_for(case=case)


@router.post("/{case_id}/consents", response={201: CaseConsentOut, **WRITE_ERRORS})
def record_consent(
    request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID, payload: CaseConsentIn
):
    """Record an agreement to take part, a release from confidentiality or a consent to share
    (named recipients, data categories, purpose; another form than writing only with a
    reason)."""
    case = _case(request, team_id, case_id, Action.CASE_WORK)
    organisation = _own_organisation(
        request, payload.organisation_id, among=services.participant_ids(case)
    )
    message = _("Choose other organisations of the team.")
    recipients = [_organisation(pk, "recipient_ids", message) for pk in payload.recipient_ids]
    with _api_fields():
        consent = services.consent_record(
            actor=request.user,
            case=case,
            kind=payload.kind.value,
            organisation=organisation,
            purpose=payload.purpose,
            given_by=payload.given_by.value,
            form=payload.form.value,
            given_on=payload.given_on,
            recipients=recipients,
            categories=payload.categories,
            professional=payload.professional,
            form_reason=payload.form_reason,
            valid_until=payload.valid_until,
        )
    return Status(201, _consent(case, consent.pk))


@router.post(
    "/{case_id}/consents/{consent_id}/withdraw",
    response={200: CaseWithdrawnOut, **WRITE_ERRORS},
)
def withdraw_consent(
    request: AuthedRequest,
    team_id: Path[int],
    case_id: uuid.UUID,
    consent_id: uuid.UUID,
    payload: CaseWithdrawIn,
):
    """Record that a consent or release was withdrawn: every share resting on it ends now.
    The answer lists what was shared under it and to whom."""
    case = _case(request, team_id, case_id, Action.CASE_VIEW)
    consent = _consent(case, consent_id)
    with _api_fields():
        decisions = services.consent_withdraw(
            actor=request.user, consent=consent, note=payload.note
        )
    return {"consent": _consent(case, consent_id), "shared_under_it": decisions}


@router.post("/{case_id}/restriction-requests", response={201: CaseRestrictionOut, **WRITE_ERRORS})
def request_restriction(
    request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID, payload: CaseRestrictionIn
):
    """Record that the client asked to restrict processing (Art. 18 GDPR); the
    data-protection officer decides."""
    case = _case(request, team_id, case_id, Action.CASE_FIND)
    with _api_fields():
        found = services.restriction_request(actor=request.user, case=case, reason=payload.reason)
    return Status(201, found)
