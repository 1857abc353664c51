"""Writes on cases: referral, triage, stages, participants, transfer, identity, notes, consent,
sharing decisions, imminent danger, restriction, and the access log.

Every function checks access (``require``) and records its audit event in the same transaction;
audit details about a client are sealed with the client's key (``subject=``), so erasing the
client leaves the chain verifiable. Sharing goes through ``cases.rules.share_problem`` (the rule
book) and then the kernel's ``sharing.audience.share`` (which asks the team's protocol again and
writes the audience rows). Invariant: nothing here reads or writes a case item except through
the kernel's rows; a participant that leaves loses every share made to it.
"""

from __future__ import annotations

import datetime
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from icommit.access import Action, can, require
from icommit.access.facts import facts_for
from icommit.access.roles import TeamRole
from icommit.accounts.models import User
from icommit.cases import kinds, rules
from icommit.cases.content import GENERAL, LegalBasis, legal_basis
from icommit.cases.models import (
    MATCH_PURPOSE,
    AccessEntry,
    AgeBand,
    Case,
    CaseNote,
    CaseParticipant,
    Client,
    ClientIdentity,
    ClientKind,
    Consent,
    ConsentForm,
    ConsentGiver,
    ConsentKind,
    Gender,
    IdentityAudience,
    MatchNotice,
    NoteKind,
    Phenomenon,
    Relative,
    RestrictionRequest,
    Setting,
    ShareBasis,
    ShareDecision,
    ShareRequest,
    StageChange,
    Transfer,
    TransitionKind,
)
from icommit.cases.process import Stage, move_problem, process
from icommit.core import audit, crypto
from icommit.core.exceptions import Conflict, Forbidden, ValidationFailed
from icommit.core.text import SHORT, TITLE
from icommit.core.text import clean as clean_text
from icommit.sharing.audience import basis_record, basis_withdraw, share
from icommit.sharing.models import Basis, BasisKind, live_q
from icommit.sharing.selectors import category_label, sharing_decision
from icommit.stakeholders.content import content
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team, TeamMembership, TeamOrganisation

#: A second person must confirm an imminent-danger share within this time.
DANGER_CONFIRM_HOURS = 24
_PSEUDONYM_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
IDENTITY_CATEGORY = "identity"


# --- small helpers --------------------------------------------------------------------------


def _text(value: str, field: str, *, required: bool = True, max_length: int = TITLE) -> str:
    value = clean_text((value or "").strip(), field=field, max_length=max_length)
    if required and not value:
        raise ValidationFailed.field(field, _("This field is required."))
    return value


def _choice(value: str, choices: Iterable[str], field: str) -> str:
    if value not in set(choices):
        raise ValidationFailed.field(field, _("Choose one of the options offered."))
    return value


def _own_org(actor: User, organisation: Organisation | None, field: str = "organisation") -> None:
    if organisation is None or organisation.pk not in facts_for(actor).org_ids:
        raise ValidationFailed.field(field, _("Choose an organisation you belong to."))


def _in_team(team: Team, organisation: Organisation) -> bool:
    return TeamOrganisation.objects.filter(
        team=team, organisation=organisation, ended_at__isnull=True
    ).exists()


def participant_ids(case: Case) -> set[int]:
    return set(
        CaseParticipant.objects.filter(case=case, left_at__isnull=True).values_list(
            "organisation_id", flat=True
        )
    )


def ensure_not_restricted(case: Case) -> None:
    """Refuse all processing but storage while processing is restricted (Art. 18 GDPR)."""
    if case.client.restricted_at is not None:
        raise Conflict(
            _("Processing of this client's data is restricted: only storage is allowed.")
        )


def _record(actor: User | None, action: str, case: Case, **changes: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=case,
        team_id=case.team_id,
        changes=changes,
        subject=case.client.subject_key_id,
    )


def _normalise_name(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join(folded.split())


def _stage_title(stage: str) -> str:
    text = process().stages.get(Stage(stage))
    return text.title_in(translation.get_language() or "en") if text else stage


def new_pseudonym() -> str:
    """A random pseudonym, "K-" and six characters that cannot be mistaken for each other."""
    while True:
        value = "K-" + "".join(secrets.choice(_PSEUDONYM_ALPHABET) for _ in range(6))
        if not Client.objects.filter(pseudonym=value).exists():
            return value


def _next_number(team: Team) -> str:
    year = timezone.localdate().year
    taken = Case.objects.filter(team=team, number__startswith=f"{year}-").count()
    return f"{year}-{taken + 1:03d}"


# --- referral and triage ----------------------------------------------------------------------


@transaction.atomic
def referral_create(
    *,
    actor: User,
    team: Team,
    organisation: Organisation,
    concern: str,
    gender: str,
    age_band: str,
    phenomenon: str,
    setting: str,
    family_only: bool = False,
    name: str = "",
    birth_date: str = "",
    contact: str = "",
    transition_kind: str = "",
    transition_date: datetime.date | None = None,
) -> Case:
    """Refer a person (or, family-only, a family's concern) to the team's case intake.

    Records only what the referrer knows. A family-only referral records the person of concern
    as a pseudonymous third party: no identity, never matched. A referral with a name and a
    birth date is matched against the identities already held; the managers of matching cases
    get a notice and the referrer learns nothing.
    """
    require(actor, Action.CASE_REFER, team)
    _own_org(actor, organisation)
    if (
        not TeamMembership.objects.effective()
        .filter(team=team, user=actor, organisation=organisation)
        .exists()
    ):
        raise ValidationFailed.field(
            "organisation", _("You take part in this team for another organisation.")
        )
    concern = _text(concern, "concern", max_length=SHORT)
    gender = _choice(gender, Gender.values, "gender")
    age_band = _choice(age_band, AgeBand.values, "age_band")
    phenomenon = _choice(phenomenon, Phenomenon.values, "phenomenon")
    setting = _choice(setting, Setting.values, "setting")
    if transition_kind:
        _choice(transition_kind, TransitionKind.values, "transition_kind")
    name = _text(name, "name", required=False, max_length=200)
    birth_date = _text(birth_date, "birth_date", required=False, max_length=20)
    contact = _text(contact, "contact", required=False, max_length=300)
    if family_only and (name or birth_date or contact):
        raise ValidationFailed.field(
            "name",
            _(
                "A family-only referral records the person of concern without identity: "
                "leave name, date of birth and contact empty."
            ),
        )
    if birth_date:
        try:
            datetime.date.fromisoformat(birth_date)
        except ValueError:
            raise ValidationFailed.field(
                "birth_date", _("Enter the date of birth as YYYY-MM-DD.")
            ) from None
    client = Client.objects.create(
        team=team,
        pseudonym=new_pseudonym(),
        kind=ClientKind.THIRD_PARTY if family_only else ClientKind.PERSON,
        subject_key=crypto.subject_key_create(),
        gender=gender,
        age_band=age_band,
        phenomenon=phenomenon,
        setting=setting,
        referral_sector=organisation.sector,
    )
    case = _case_create(
        actor=actor,
        team=team,
        client=client,
        organisation=organisation,
        concern=concern,
        family_only=family_only,
        transition_kind=transition_kind,
        transition_date=transition_date,
    )
    if name and not family_only:
        identity = _identity_write(
            ClientIdentity(
                team=team,
                origin_organisation=organisation,
                category=IDENTITY_CATEGORY,
                client=client,
                recorded_by=actor,
            ),
            name=name,
            birth_date=birth_date,
            contact=contact,
        )
        _match(identity, case)
    _record(
        actor,
        "case.referred",
        case,
        organisation=organisation.pk,
        family_only=family_only,
        identity=bool(name and not family_only),
    )
    return case


def _case_create(
    *,
    actor: User,
    team: Team,
    client: Client,
    organisation: Organisation,
    concern: str,
    family_only: bool,
    transition_kind: str = "",
    transition_date: datetime.date | None = None,
    previous: Case | None = None,
) -> Case:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case = Case(
                    team=team,
                    client=client,
                    number=_next_number(team),
                    stage=Stage.REFERRED.value,
                    family_only=family_only,
                    referred_by=actor,
                    referring_organisation=organisation,
                    transition_kind=transition_kind,
                    transition_date=transition_date,
                    previous=previous,
                )
                case.referral_text = concern
                case.purpose = ""  # set when the referral is accepted
                case.save()
                break
        except IntegrityError:
            continue
    else:  # pragma: no cover - five concurrent referrals in the same instant
        raise Conflict(_("Another referral was saved at the same moment; send it again."))
    StageChange.objects.create(case=case, to_stage=Stage.REFERRED.value, by=actor)
    return case


def _identity_write(
    identity: ClientIdentity,
    *,
    name: str,
    birth_date: str = "",
    contact: str = "",
    address: str | None = None,
) -> ClientIdentity:
    identity.name = name
    identity.birth_date = birth_date or None
    identity.contact = contact or None
    if address is not None:
        identity.address = address or None
    normal = _normalise_name(name)
    identity.name_key = normal
    identity.match_key = f"{normal}|{birth_date}" if birth_date else None
    identity.save()
    return identity


def _match(identity: ClientIdentity, case: Case) -> int:
    """Tell the managers of other cases whose client may be this person; return how many."""
    if not identity.match_index:
        return 0
    others = (
        ClientIdentity.objects.filter(match_index=identity.match_index, team_id=identity.team_id)
        .exclude(pk=identity.pk)
        .exclude(client__kind=ClientKind.THIRD_PARTY)
        .values_list("client_id", flat=True)
    )
    found = 0
    for other in Case.objects.filter(client_id__in=list(others)).exclude(pk=case.pk):
        MatchNotice.objects.create(case=other)
        audit.record(
            actor=None,
            action="case.match_noticed",
            obj=other,
            team_id=other.team_id,
            changes={},
        )
        found += 1
    return found


@transaction.atomic
def triage_start(*, actor: User, case: Case) -> Case:
    require(actor, Action.CASE_TRIAGE, case)
    return _move(actor, case, Stage.TRIAGE.value)


@transaction.atomic
def triage_decide(
    *,
    actor: User,
    case: Case,
    outcome: str,
    code: str = "",
    note: str = "",
    lead_organisation: Organisation | None = None,
    case_manager: User | None = None,
    purpose: str = "",
    answers: dict[str, Any] | None = None,
) -> Case:
    """Accept (naming the lead organisation, case manager and purpose), reject or redirect."""
    require(actor, Action.CASE_TRIAGE, case)
    case = Case.objects.select_related("client", "team").get(pk=case.pk)  # as stored now
    ensure_not_restricted(case)
    outcome = _choice(
        outcome,
        [Stage.ACCEPTED.value, Stage.REJECTED.value, Stage.REDIRECTED.value],
        "outcome",
    )
    if case.stage == Stage.REFERRED.value:
        _move(actor, case, Stage.TRIAGE.value)
    if answers is not None:
        case.triage_answers = answers
        case.save(update_fields=["triage_answers"])
    if outcome != Stage.ACCEPTED.value:
        return _move(actor, case, outcome, code=code, note=note)
    if case.lead_organisation_id is not None and lead_organisation != case.lead_organisation:
        raise ValidationFailed.field(
            "lead_organisation",
            _("A re-referral stays with its lead organisation; transfer the case to change it."),
        )
    if lead_organisation is None or not _in_team(case.team, lead_organisation):
        raise ValidationFailed.field(
            "lead_organisation", _("Choose an organisation of the team to lead the case.")
        )
    if case_manager is None or not (
        TeamMembership.objects.effective()
        .filter(team=case.team, user=case_manager, organisation=lead_organisation)
        .exclude(role=TeamRole.OBSERVER)
        .exists()
    ):
        raise ValidationFailed.field(
            "case_manager",
            _("Choose a member of the team who works for the lead organisation."),
        )
    case.purpose = _text(purpose, "purpose")
    case.lead_organisation, case.case_manager = lead_organisation, case_manager
    case.save(update_fields=["purpose", "lead_organisation", "case_manager"])
    _participant_open(actor, case, lead_organisation, _("lead organisation"))
    identity = ClientIdentity.objects.filter(client_id=case.client_id).first()
    if identity is not None and identity.origin_organisation_id != lead_organisation.pk:
        _identity_hand_over(identity, lead_organisation)
    _record(
        actor,
        "case.accepted",
        case,
        lead_organisation=lead_organisation.pk,
        case_manager=case_manager.pk,
        purpose=case.purpose,
    )
    return _move(actor, case, Stage.ACCEPTED.value, note=note)


def _identity_hand_over(identity: ClientIdentity, organisation: Organisation) -> None:
    """The lead organisation holds the identity: its shares so far end, it is the origin now."""
    now = timezone.now()
    IdentityAudience.objects.filter(item=identity, ended_at__isnull=True).update(ended_at=now)
    identity.origin_organisation = organisation
    identity.save(update_fields=["origin_organisation"])


# --- stages -------------------------------------------------------------------------------------


def _move(actor: User, case: Case, target: str, *, code: str = "", note: str = "") -> Case:
    case = Case.objects.select_for_update().select_related("client").get(pk=case.pk)
    problem = move_problem(case.stage, target, code=code, codes=process().code_sets)
    if problem is not None:
        if target in {s.value for s in Stage} and not code and "needs a reason code" in problem:
            raise ValidationFailed.field("code", _("Choose the reason for this step."))
        if "is not a reason code" in problem:
            raise ValidationFailed.field("code", _("Choose one of the reasons offered."))
        if "takes no reason code" in problem:
            raise ValidationFailed.field("code", _("This step takes no reason code."))
        raise Conflict(
            _("A case cannot move from “%(from)s” to “%(to)s”.")
            % {"from": _stage_title(case.stage), "to": _stage_title(target)}
            if target in {s.value for s in Stage}
            else _("Unknown stage.")
        )
    note = _text(note, "note", required=False, max_length=SHORT)
    previous = case.stage
    case.stage, case.stage_since = target, timezone.now()
    case.closed_code = code if target == Stage.CLOSED.value else case.closed_code
    case.save(update_fields=["stage", "stage_since", "closed_code"])
    StageChange.objects.create(
        case=case, from_stage=previous, to_stage=target, code=code, note=note, by=actor
    )
    _record(actor, "case.moved", case, **{"from": previous, "to": target, "code": code})
    return case


@transaction.atomic
def case_move(*, actor: User, case: Case, target: str, code: str = "", note: str = "") -> Case:
    """Move an accepted case to its next stage (closing needs a reason code)."""
    require(actor, Action.CASE_MANAGE, case)
    ensure_not_restricted(case)
    if target in (Stage.TRIAGE.value, Stage.ACCEPTED.value):
        raise Conflict(_("Triage decides this step."))
    return _move(actor, case, target, code=code, note=note)


@transaction.atomic
def case_update(
    *,
    actor: User,
    case: Case,
    purpose: str,
    next_review: datetime.date | None = None,
    transition_kind: str = "",
    transition_date: datetime.date | None = None,
) -> Case:
    require(actor, Action.CASE_MANAGE, case)
    ensure_not_restricted(case)
    case.purpose = _text(purpose, "purpose")
    if transition_kind:
        _choice(transition_kind, TransitionKind.values, "transition_kind")
    case.transition_kind, case.transition_date = transition_kind, transition_date
    case.next_review = next_review
    case.save(update_fields=["purpose", "transition_kind", "transition_date", "next_review"])
    _record(
        actor,
        "case.updated",
        case,
        purpose=case.purpose,
        transition=transition_kind,
        transition_date=transition_date.isoformat() if transition_date else None,
        next_review=next_review.isoformat() if next_review else None,
    )
    return case


# --- participants and transfer -------------------------------------------------------------------


def _participant_open(
    actor: User, case: Case, organisation: Organisation, reason: str
) -> CaseParticipant:
    existing = CaseParticipant.objects.filter(
        case=case, organisation=organisation, left_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    return CaseParticipant.objects.create(
        case=case, organisation=organisation, reason=reason, added_by=actor
    )


@transaction.atomic
def participant_add(
    *, actor: User, case: Case, organisation: Organisation, reason: str
) -> CaseParticipant:
    """Add an organisation of the team to the case, with the reason it is needed."""
    require(actor, Action.CASE_MANAGE, case)
    ensure_not_restricted(case)
    reason = _text(reason, "reason")
    if not _in_team(case.team, organisation):
        raise ValidationFailed.field(
            "organisation", _("This organisation does not take part in the team.")
        )
    if organisation.pk in participant_ids(case):
        raise Conflict(_("This organisation already takes part in the case."))
    row = _participant_open(actor, case, organisation, reason)
    _record(actor, "case.participant_added", case, organisation=organisation.pk, reason=reason)
    return row


def _end_shares_to(case: Case, organisation_id: int, actor: User) -> int:
    now = timezone.now()
    ended = 0
    for kind in kinds.all_kinds():
        ended += kind.audience.objects.filter(
            item__in=kinds.items_of(kind, case).values("pk"),
            organisation_id=organisation_id,
            ended_at__isnull=True,
        ).update(ended_at=now, ended_by=actor)
    return ended


@transaction.atomic
def participant_remove(*, actor: User, case: Case, organisation: Organisation, reason: str) -> int:
    """An organisation leaves the case: it keeps its own items; every share to it ends."""
    require(actor, Action.CASE_MANAGE, case)
    reason = _text(reason, "reason")
    if organisation.pk == case.lead_organisation_id:
        raise Conflict(_("The lead organisation cannot leave; transfer the case first."))
    row = CaseParticipant.objects.filter(
        case=case, organisation=organisation, left_at__isnull=True
    ).first()
    if row is None:
        raise Conflict(_("This organisation does not take part in the case."))
    row.left_at, row.left_by, row.left_reason = timezone.now(), actor, reason
    row.save(update_fields=["left_at", "left_by", "left_reason"])
    ended = _end_shares_to(case, organisation.pk, actor)
    _record(
        actor,
        "case.participant_left",
        case,
        organisation=organisation.pk,
        reason=reason,
        shares_ended=ended,
    )
    return ended


@transaction.atomic
def case_transfer(
    *,
    actor: User,
    case: Case,
    to_organisation: Organisation,
    reason: str,
    to_team: Team | None = None,
    case_manager: User | None = None,
) -> Transfer:
    """Hand the case to another lead organisation, in this team or another (relocation).

    What goes along is recorded: the identity (held by the new lead from now on) and the case
    itself. Notes stay with the organisations that recorded them; within the team they keep
    their shares, and the former lead keeps its own. On relocation to another team every
    participant of the old team leaves (its shares end) and the case starts in the new team
    with its new lead only.
    """
    require(actor, Action.CASE_MANAGE, case)
    ensure_not_restricted(case)
    reason = _text(reason, "reason")
    target = to_team or case.team
    if (
        to_team is not None
        and to_team.pk != case.team_id
        and (to_team.archived_at is not None or not can(actor, Action.CASE_REFER, to_team))
    ):
        raise ValidationFailed.field(
            "to_team", _("You can move a case only to a team you take part in.")
        )
    if not _in_team(target, to_organisation):
        raise ValidationFailed.field(
            "to_organisation", _("This organisation does not take part in that team.")
        )
    if to_organisation.pk == case.lead_organisation_id and target.pk == case.team_id:
        raise ValidationFailed.field(
            "to_organisation", _("This organisation already leads the case.")
        )
    if case_manager is not None and not (
        TeamMembership.objects.effective()
        .filter(team=target, user=case_manager, organisation=to_organisation)
        .exists()
    ):
        raise ValidationFailed.field(
            "case_manager", _("Choose a member of the team who works for the new lead.")
        )
    old_lead = case.lead_organisation
    assert old_lead is not None
    carried: dict[str, Any] = {"case": True, "identity": False, "left": []}
    identity = ClientIdentity.objects.filter(client_id=case.client_id).first()
    if target.pk != case.team_id:
        for row in CaseParticipant.objects.filter(case=case, left_at__isnull=True):
            row.left_at, row.left_by = timezone.now(), actor
            row.left_reason = _("case moved to another team")
            row.save(update_fields=["left_at", "left_by", "left_reason"])
            _end_shares_to(case, row.organisation_id, actor)
            carried["left"].append(row.organisation_id)
        Client.objects.filter(pk=case.client_id).update(team=target)
        if identity is not None:
            identity.team = target
            identity.save(update_fields=["team"])
    if identity is not None:
        _identity_hand_over(identity, to_organisation)
        carried["identity"] = True
    transfer = Transfer.objects.create(
        case=case,
        from_organisation=old_lead,
        to_organisation=to_organisation,
        from_team=case.team,
        to_team=target,
        reason=reason,
        carried=carried,
        by=actor,
    )
    case.team, case.lead_organisation = target, to_organisation
    case.case_manager = case_manager
    case.save(update_fields=["team", "lead_organisation", "case_manager"])
    _participant_open(actor, case, to_organisation, _("lead organisation"))
    _record(
        actor,
        "case.transferred",
        case,
        to_organisation=to_organisation.pk,
        to_team=target.pk,
        reason=reason,
        carried=carried,
    )
    return transfer


# --- identity and relatives ---------------------------------------------------------------------


def _require_lead(actor: User, case: Case) -> None:
    require(actor, Action.CASE_WORK, case)
    if case.lead_organisation_id not in facts_for(actor).org_ids:
        raise Forbidden(_("Only the lead organisation records who the client is."))


@transaction.atomic
def identity_set(
    *,
    actor: User,
    case: Case,
    name: str,
    birth_date: str = "",
    address: str = "",
    contact: str = "",
) -> ClientIdentity:
    """Record or correct the client's identity (the lead organisation only)."""
    _require_lead(actor, case)
    ensure_not_restricted(case)
    if case.client.kind == ClientKind.THIRD_PARTY:
        raise Conflict(_("A family-only case records no identity of the person of concern."))
    name = _text(name, "name", max_length=200)
    birth_date = _text(birth_date, "birth_date", required=False, max_length=20)
    if birth_date:
        try:
            datetime.date.fromisoformat(birth_date)
        except ValueError:
            raise ValidationFailed.field(
                "birth_date", _("Enter the date of birth as YYYY-MM-DD.")
            ) from None
    address = _text(address, "address", required=False, max_length=300)
    contact = _text(contact, "contact", required=False, max_length=300)
    identity = ClientIdentity.objects.filter(client_id=case.client_id).first()
    created = identity is None
    if identity is None:
        assert case.lead_organisation is not None
        identity = ClientIdentity(
            team=case.team,
            origin_organisation=case.lead_organisation,
            category=IDENTITY_CATEGORY,
            client=case.client,
            recorded_by=actor,
        )
    _identity_write(identity, name=name, birth_date=birth_date, contact=contact, address=address)
    if created:
        _match(identity, case)
    _record(actor, "case.identity_recorded", case, created=created)
    return identity


@transaction.atomic
def relative_add(
    *,
    actor: User,
    case: Case,
    relation: str,
    name: str,
    contact: str = "",
    is_guardian: bool = False,
    note: str = "",
) -> Relative:
    _require_lead(actor, case)
    ensure_not_restricted(case)
    relative = Relative(
        client=case.client,
        relation=_text(relation, "relation", max_length=80),
        is_guardian=is_guardian,
        recorded_by=actor,
    )
    relative.name = _text(name, "name", max_length=200)
    relative.contact = _text(contact, "contact", required=False, max_length=300) or None
    relative.note = _text(note, "note", required=False, max_length=SHORT) or None
    relative.save()
    _record(actor, "case.relative_added", case, guardian=is_guardian)
    return relative


@transaction.atomic
def capacity_set(*, actor: User, case: Case, capacity: bool | None, note: str) -> Client:
    """Record whether a minor can themselves understand and decide (after talking with them)."""
    _require_lead(actor, case)
    ensure_not_restricted(case)
    client = case.client
    if not client.is_minor:
        raise Conflict(_("Capacity to consent is recorded for minors only."))
    client.capacity_to_consent = capacity
    client.capacity_note = _text(note, "capacity_note", max_length=SHORT)
    client.save(update_fields=["capacity_to_consent", "capacity_note"])
    _record(actor, "case.capacity_recorded", case, capacity=capacity)
    return client


def identity_search(*, actor: User, team: Team, name: str, birth_date: str = "") -> list[Case]:
    """Cases of clients whose identity the searcher's organisation holds as lead, by name.

    Nothing held by another organisation is looked at; the search terms are not audited, the
    fact of searching is.
    """
    require(actor, Action.CASE_IDENTITY_SEARCH, team)
    name = _text(name, "name", max_length=200)
    normal = _normalise_name(name)
    orgs = facts_for(actor).org_ids
    if birth_date:
        found = ClientIdentity.objects.filter(
            match_index__in=crypto.blind_indexes(f"{normal}|{birth_date}", MATCH_PURPOSE)
        )
    else:
        found = ClientIdentity.objects.filter(
            name_index__in=crypto.blind_indexes(normal, MATCH_PURPOSE + ".name")
        )
    found = found.filter(team=team, origin_organisation_id__in=orgs)
    cases = list(
        Case.objects.filter(
            client_id__in=found.values("client_id"), lead_organisation_id__in=orgs
        ).select_related("client", "lead_organisation")
    )
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="case.identity_searched",
            obj=team,
            team_id=team.pk,
            changes={"found": len(cases)},
        )
    return cases


# --- notes ----------------------------------------------------------------------------------------


def _categories() -> set[str]:
    return set(content().data_categories)


def _secrecy_kinds() -> set[str]:
    v2 = content().v2
    return set(v2.secrecy) if v2 is not None else {"none"}


@transaction.atomic
def note_create(
    *,
    actor: User,
    case: Case,
    organisation: Organisation,
    title: str,
    text: str,
    category: str,
    secrecy: str,
    kind: str = NoteKind.NOTE,
    document: bytes | None = None,
    document_name: str = "",
    document_type: str = "",
) -> CaseNote:
    """Record a note, contribution or document: its audience is its own organisation only."""
    require(actor, Action.CASE_WORK, case)
    ensure_not_restricted(case)
    _own_org(actor, organisation)
    if organisation.pk not in participant_ids(case):
        raise ValidationFailed.field(
            "organisation", _("This organisation does not take part in the case.")
        )
    kind = _choice(kind, [NoteKind.NOTE, NoteKind.CONTRIBUTION, NoteKind.DOCUMENT], "kind")
    category = _choice(category, _categories() - {IDENTITY_CATEGORY}, "category")
    secrecy = _choice(secrecy, _secrecy_kinds(), "secrecy")
    note = CaseNote(
        team=case.team,
        origin_organisation=organisation,
        category=category,
        case=case,
        kind=kind,
        title=_text(title, "title"),
        secrecy=secrecy,
        author=actor,
    )
    note.text = _text(text, "text", required=kind != NoteKind.DOCUMENT, max_length=SHORT * 4)
    if document is not None:
        note.document = document.hex()
        note.document_name = _text(document_name, "document", max_length=200)
        note.document_type = document_type[:100]
    elif kind == NoteKind.DOCUMENT:
        raise ValidationFailed.field("document", _("Choose the file to upload."))
    note.save()
    _record(
        actor,
        "case.note_recorded",
        case,
        note=str(note.pk),
        organisation=organisation.pk,
        category=category,
        secrecy=secrecy,
        kind=kind,
    )
    return note


# --- consent -------------------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    organisation: Organisation,
    purpose: str,
    given_by: str,
    form: str,
    given_on: datetime.date,
    recipients: Sequence[Organisation] = (),
    categories: Sequence[str] = (),
    professional: str = "",
    form_reason: str = "",
    valid_until: datetime.date | None = None,
    document: bytes | None = None,
    document_name: str = "",
) -> Consent:
    """Record an agreement to take part, a release from confidentiality or a consent to share.

    A release or consent to share names recipient organisations (never sectors), data
    categories and a purpose; it is given in writing or electronically, another form only with
    a recorded reason (§ 67b(2) SGB X for public social services in Germany).
    """
    require(actor, Action.CASE_WORK, case)
    ensure_not_restricted(case)
    _own_org(actor, organisation)
    if organisation.pk not in participant_ids(case):
        raise ValidationFailed.field(
            "organisation", _("This organisation does not take part in the case.")
        )
    kind = _choice(kind, ConsentKind.values, "kind")
    given_by = _choice(given_by, ConsentGiver.values, "given_by")
    form = _choice(form, ConsentForm.values, "form")
    purpose = _text(purpose, "purpose")
    form_reason = _text(form_reason, "form_reason", required=False, max_length=SHORT)
    if form == ConsentForm.OTHER and not form_reason:
        raise ValidationFailed.field(
            "form_reason", _("Say why the consent was not given in writing or electronically.")
        )
    if given_on > timezone.localdate():
        raise ValidationFailed.field("given_on", _("The date cannot lie in the future."))
    if valid_until is not None and valid_until < given_on:
        raise ValidationFailed.field("valid_until", _("The end lies before the date given."))
    client = case.client
    if (
        client.is_minor
        and given_by in (ConsentGiver.CLIENT, ConsentGiver.BOTH)
        and client.capacity_to_consent is not True
    ):
        raise ValidationFailed.field(
            "given_by",
            _(
                "Record first that the young person can understand and decide for "
                "themself; otherwise the guardian gives consent."
            ),
        )
    if not client.is_minor and given_by != ConsentGiver.CLIENT:
        raise ValidationFailed.field("given_by", _("An adult client gives consent themself."))
    recipients = list(recipients)
    categories = list(dict.fromkeys(categories))
    if kind == ConsentKind.PARTICIPATION:
        if recipients or categories:
            raise ValidationFailed.field(
                "recipients",
                _(
                    "An agreement to take part names no recipients or data categories: it is "
                    "not a consent to share."
                ),
            )
    else:
        if not recipients:
            raise ValidationFailed.field(
                "recipients", _("Name the organisations that may receive the information.")
            )
        for recipient in recipients:
            if recipient.pk == organisation.pk or not _in_team(case.team, recipient):
                raise ValidationFailed.field(
                    "recipients", _("Choose other organisations of the team.")
                )
        if not categories:
            raise ValidationFailed.field("categories", _("Name the data categories it covers."))
        for code in categories:
            _choice(code, _categories(), "categories")
        if kind == ConsentKind.RELEASE:
            professional = _text(professional, "professional")
    consent = Consent(
        case=case,
        kind=kind,
        organisation=organisation,
        professional=_text(professional, "professional", required=False),
        categories=categories,
        purpose=purpose,
        given_by=given_by,
        form=form,
        form_reason=form_reason,
        given_on=given_on,
        valid_until=valid_until,
        recorded_by=actor,
    )
    if document is not None:
        consent.document = document.hex()
        consent.document_name = _text(document_name, "document", max_length=200)
    if kind != ConsentKind.PARTICIPATION:
        consent.basis = basis_record(
            actor=actor,
            team=case.team,
            organisation=organisation,
            kind=BasisKind.CONSENT,
            description=f"{case.number}: {ConsentKind(kind).label}"[:TITLE],
            subject=client.subject_key_id,
        )
    consent.save()
    if recipients:
        consent.recipients.set(recipients)
    _record(
        actor,
        "case.consent_recorded",
        case,
        consent=str(consent.pk),
        kind=kind,
        organisation=organisation.pk,
        recipients=sorted(r.pk for r in recipients),
        categories=categories,
        form=form,
        given_by=given_by,
    )
    return consent


def consent_covers(consent: Consent, *, category: str, organisation_id: int) -> bool:
    """Whether a consent in effect covers this category for this recipient."""
    if consent.kind == ConsentKind.PARTICIPATION or not consent.active:
        return False
    if category not in consent.categories:
        return False
    return consent.recipients.filter(pk=organisation_id).exists()


@transaction.atomic
def consent_withdraw(*, actor: User, consent: Consent, note: str = "") -> list[ShareDecision]:
    """Withdraw: every share resting on it ends now. Returns the decisions made under it."""
    case = consent.case
    require(actor, Action.CASE_WORK, case)
    if consent.organisation_id not in facts_for(actor).org_ids:
        raise Forbidden(_("Only the organisation it was given to records its withdrawal."))
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise Conflict(_("This consent has already been withdrawn."))
    note = _text(note, "note", required=False, max_length=SHORT)
    consent.withdrawn_at, consent.withdrawn_by, consent.withdrawal_note = (
        timezone.now(),
        actor,
        note,
    )
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
    ended = 0
    if consent.basis_id is not None:
        assert consent.basis is not None
        # the note stays on the consent, encrypted with the client's key
        ended = basis_withdraw(actor=actor, basis=consent.basis, subject=case.client.subject_key_id)
    decisions = list(
        ShareDecision.objects.filter(consent=consent).prefetch_related("organisations")
    )
    _record(
        actor,
        "case.consent_withdrawn",
        case,
        consent=str(consent.pk),
        shares_ended=ended,
        decisions=[d.pk for d in decisions],
    )
    return decisions


# --- sharing decisions ---------------------------------------------------------------------------


def _legal_basis_for(case: Case, item: Any, code: str) -> LegalBasis:
    """The statutory provision chosen from the country content, if the sender may use it here.

    Only a provision chosen from the content can be a statutory duty (which passes the
    protocol); a provision typed in is always treated as a permission.
    """
    legal = legal_basis(code)
    country = (case.team.country or "").upper()
    if legal is None or legal.country.upper() not in (country, GENERAL.upper()):
        raise ValidationFailed.field(
            "statute", _("Choose a provision of the team's country from the list.")
        )
    if not legal.usable_by(item.origin_organisation.sector):
        raise ValidationFailed.field(
            "statute", _("This provision is not one your kind of organisation can rely on.")
        )
    if not all(legal.covers(category) for category in kinds.of(item).categories_of(item)):
        raise ValidationFailed.field(
            "statute", _("This provision does not cover this kind of information.")
        )
    return legal


def _rule_problem(
    case: Case,
    item: Any,
    organisation: Organisation,
    participants: set[int],
    *,
    basis: str,
    consent: Consent | None,
    statute: str,
    reason: str,
    duty: bool,
) -> str | None:
    """The rule book's answer for sending ``item`` to ``organisation`` on this basis: None, or
    why not. An item holding several kinds of data passes it for each of them."""
    categories = kinds.of(item).categories_of(item)
    for category in categories:
        flow = sharing_decision(
            team=case.team,
            sender=item.origin_organisation,
            receiver=organisation,
            category=category,
        )
        offer = rules.Offer(
            basis=basis,
            consent_kind=consent.kind if consent is not None else "",
            consent_covers=consent is not None
            and consent_covers(consent, category=category, organisation_id=organisation.pk),
            statute=statute,
            reason=reason,
            duty=duty,
        )
        problem = rules.share_problem(
            protocol=flow.rule if flow.row is not None else None,
            secrecy=getattr(item, "secrecy", "none"),
            offer=offer,
            recipient_participates=organisation.pk in participants,
            restricted=case.client.restricted_at is not None,
            origin_is_security=item.origin_organisation.is_security,
        )
        if problem is not None:
            return f"{category_label(category)}: {problem}" if len(categories) > 1 else problem
    return None


@transaction.atomic
def shares_recheck(*, actor: User, case: Case, item: Any) -> list[Organisation]:
    """After an item's content changed (new data categories, another secrecy), check every share
    of it still in effect against the rule book, on the basis its decision rested on, and end
    those that no longer pass. Returns the organisations whose share ended (audited)."""
    kind = kinds.of(item)
    rows = list(
        kind.audience.objects.filter(live_q(), item=item)
        .exclude(decision__isnull=True)
        .select_related("decision", "decision__consent", "organisation")
    )
    participants = participant_ids(case)
    ended: list[Organisation] = []
    for row in rows:
        decision = row.decision
        duty = False
        if decision.statute_code:
            legal = legal_basis(decision.statute_code)
            duty = (
                legal is not None
                and legal.kind == "duty"
                and all(legal.covers(c) for c in kind.categories_of(item))
            )
        problem = _rule_problem(
            case,
            item,
            row.organisation,
            participants,
            basis=decision.basis_kind,
            consent=decision.consent,
            statute=decision.statute,
            reason=decision.reason or "",
            duty=duty,
        )
        if decision.basis_kind == ShareBasis.DANGER:
            problem = None  # an imminent-danger share is reviewed, not re-judged by content
        if problem is not None:
            row.ended_at, row.ended_by = timezone.now(), actor
            row.save(update_fields=["ended_at", "ended_by"])
            ended.append(row.organisation)
    if ended:
        _record(
            actor,
            "case.share_ended",
            case,
            item=kind.key,
            ended=len(ended),
            organisations=sorted(o.pk for o in ended),
            reason="content changed",
        )
    return ended


@transaction.atomic
def item_share(
    *,
    actor: User,
    case: Case,
    item: Any,
    organisations: Sequence[Organisation],
    purpose: str,
    basis: str,
    client_informed: bool,
    not_informed_reason: str = "",
    consent: Consent | None = None,
    statute: str = "",
    statute_code: str = "",
    reason: str = "",
    ends_at: datetime.datetime | None = None,
) -> ShareDecision:
    """Take one sharing decision: the item goes to the named organisations, or to none.

    Only the organisation the item comes from decides (a recipient may ask it, never pass the
    item on). Each recipient is checked against the rule book (``cases.rules``); one refusal
    refuses the whole decision, naming the organisation.
    """
    require(actor, Action.CASE_WORK, case)
    require(actor, Action.SHARED_SHARE, item)
    try:
        kind = kinds.of(item)
    except LookupError:
        raise ValidationFailed.field("item", _("This kind of item is not shared here.")) from None
    item_kind = kind.key
    if not kinds.belongs(item, case):
        raise ValidationFailed.field("item", _("This item belongs to another case."))
    why_not = kind.unshareable(item) if kind.unshareable is not None else None
    if why_not:
        raise ValidationFailed.field("item", why_not)
    basis = _choice(basis, ShareBasis.values, "basis")
    purpose = _text(purpose, "purpose")
    reason = _text(reason, "reason", required=False, max_length=SHORT)
    statute = _text(statute, "statute", required=False, max_length=300)
    not_informed_reason = _text(
        not_informed_reason, "not_informed_reason", required=False, max_length=SHORT
    )
    if not client_informed and not not_informed_reason:
        raise ValidationFailed.field(
            "not_informed_reason", _("Say why the client is not informed of this share.")
        )
    organisations = list(dict.fromkeys(organisations))
    if not organisations:
        raise ValidationFailed.field("organisations", _("Name at least one organisation."))
    if consent is not None and consent.case_id != case.pk:
        raise ValidationFailed.field("consent", _("Choose a consent recorded on this case."))
    if basis == ShareBasis.CONSENT:
        if consent is None:
            raise ValidationFailed.field("consent", _("Choose the consent this share rests on."))
        if consent.organisation_id != item.origin_organisation_id:
            raise ValidationFailed.field(
                "consent", _("Choose a consent given to the organisation the item comes from.")
            )
    if ends_at is not None and ends_at <= timezone.now():
        raise ValidationFailed.field("ends_at", _("The end must lie in the future."))
    if basis == ShareBasis.CONSENT and consent is not None and consent.valid_until is not None:
        # a share on a consent ends when the consent does
        cap = timezone.make_aware(
            datetime.datetime.combine(
                consent.valid_until + datetime.timedelta(days=1), datetime.time.min
            )
        )
        ends_at = cap if ends_at is None else min(ends_at, cap)
    duty = False
    statute_code = statute_code.strip() if basis == ShareBasis.STATUTE else ""
    if statute_code:
        legal = _legal_basis_for(case, item, statute_code)
        statute, duty = legal.statute, legal.kind == "duty"
    participants = participant_ids(case)
    for organisation in organisations:
        if organisation.pk == item.origin_organisation_id:
            raise ValidationFailed.field(
                "organisations", _("The item already belongs to this organisation.")
            )
        problem = _rule_problem(
            case,
            item,
            organisation,
            participants,
            basis=basis,
            consent=consent,
            statute=statute,
            reason=reason,
            duty=duty,
        )
        if problem is not None:
            raise ValidationFailed.field("organisations", f"{organisation.name}: {problem}")
    decision = ShareDecision.objects.create(
        case=case,
        item_kind=item_kind,
        item_id=item.pk,
        item_title=kind.title(item)[:TITLE],
        category=item.category,
        origin_organisation_id=item.origin_organisation_id,
        purpose=purpose,
        basis_kind=basis,
        consent=consent,
        statute=statute,
        statute_code=statute_code,
        reason=reason,
        client_informed=client_informed,
        not_informed_reason=not_informed_reason,
        decided_by=actor,
        ends_at=ends_at,
    )
    decision.organisations.set(organisations)
    kernel_basis: Basis | None = consent.basis if basis == ShareBasis.CONSENT and consent else None
    if basis in (ShareBasis.STATUTE, ShareBasis.DANGER):
        kernel_basis = basis_record(
            actor=actor,
            team=case.team,
            organisation=item.origin_organisation,
            kind=BasisKind.LEGAL_BASIS,
            description=(
                _("Imminent danger") if basis == ShareBasis.DANGER else _("Statutory provision")
            )
            + f" ({case.number})",
            legal_source=statute or str(_("imminent danger")),
            subject=case.client.subject_key_id,
        )
    for organisation in organisations:
        share(
            actor=actor,
            item=item,
            organisation=organisation,
            # the purpose itself is on the decision, encrypted with the client's key
            purpose=f"case sharing decision {decision.pk}",
            basis=kernel_basis,
            ends_at=ends_at,
            exception=basis == ShareBasis.DANGER or duty,
            extra={"decision": decision},
            subject=case.client.subject_key_id,
        )
    if item_kind == "note":
        ShareRequest.objects.filter(
            note_id=item.pk, to_organisation__in=organisations, answered_at__isnull=True
        ).update(answered_at=timezone.now(), answer="shared")
    _record(
        actor,
        "case.shared",
        case,
        decision=decision.pk,
        item=item_kind,
        organisations=sorted(o.pk for o in organisations),
        basis=basis,
        statute=statute,
        client_informed=client_informed,
    )
    return decision


@transaction.atomic
def decision_end(*, actor: User, decision: ShareDecision) -> int:
    """End a sharing decision now (the organisation the item comes from)."""
    case = decision.case
    require(actor, Action.CASE_WORK, case)
    if decision.origin_organisation_id not in facts_for(actor).org_ids:
        raise Forbidden(_("Only the organisation the item comes from ends its shares."))
    model = kinds.get(decision.item_kind).audience
    ended = model.objects.filter(decision=decision, ended_at__isnull=True).update(
        ended_at=timezone.now(), ended_by=actor
    )
    if not ended:
        raise Conflict(_("These shares have already ended."))
    _record(actor, "case.share_ended", case, decision=decision.pk, ended=ended)
    return ended


@transaction.atomic
def danger_confirm(*, actor: User, decision: ShareDecision) -> ShareDecision:
    """A second person of the same organisation confirms an imminent-danger share in time."""
    case = decision.case
    require(actor, Action.CASE_WORK, case)
    decision = ShareDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.basis_kind != ShareBasis.DANGER:
        raise Conflict(_("Only a share because of imminent danger is confirmed."))
    if decision.confirmed_at is not None:
        raise Conflict(_("This share has already been confirmed."))
    if decision.decided_by_id == actor.pk:
        raise Forbidden(_("A second person confirms: not the one who shared."))
    if decision.origin_organisation_id not in facts_for(actor).org_ids:
        raise Forbidden(_("Someone of the organisation that shared confirms it."))
    deadline = decision.decided_at + datetime.timedelta(hours=DANGER_CONFIRM_HOURS)
    if timezone.now() > deadline:
        raise Conflict(
            _("The 24 hours have passed; the data-protection officer reviews this share.")
        )
    decision.confirmed_at, decision.confirmed_by = timezone.now(), actor
    decision.save(update_fields=["confirmed_at", "confirmed_by"])
    _record(actor, "case.danger_confirmed", case, decision=decision.pk)
    return decision


@transaction.atomic
def danger_review(
    *, actor: User, decision: ShareDecision, note: str, end: bool = False
) -> ShareDecision:
    """The data-protection officer reviews an unconfirmed imminent-danger share."""
    require(actor, Action.CASE_PRIVACY)
    decision = ShareDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.basis_kind != ShareBasis.DANGER or decision.reviewed_at is not None:
        raise Conflict(_("This share is not waiting for review."))
    decision.review_note = _text(note, "note", max_length=SHORT)
    decision.reviewed_at, decision.reviewed_by = timezone.now(), actor
    decision.save(update_fields=["review_note", "reviewed_at", "reviewed_by"])
    ended = 0
    if end:
        model = kinds.get(decision.item_kind).audience
        ended = model.objects.filter(decision=decision, ended_at__isnull=True).update(
            ended_at=timezone.now(), ended_by=actor
        )
    _record(actor, "case.danger_reviewed", decision.case, decision=decision.pk, ended=ended)
    return decision


@transaction.atomic
def share_request(
    *, actor: User, note: CaseNote, to_organisation: Organisation, reason: str
) -> ShareRequest:
    """A recipient asks the organisation a note comes from to share it further."""
    case = note.case
    require(actor, Action.CASE_WORK, case)
    require(actor, Action.SHARED_VIEW, note)
    ensure_not_restricted(case)
    orgs = facts_for(actor).org_ids
    if note.origin_organisation_id in orgs:
        raise Conflict(_("Your organisation recorded this; share it yourself."))
    mine = [o for o in participant_ids(case) if o in orgs]
    if not mine:
        raise Forbidden(_("Your organisation does not take part in the case."))
    if to_organisation.pk not in participant_ids(case):
        raise ValidationFailed.field(
            "to_organisation", _("This organisation does not take part in the case.")
        )
    request = ShareRequest.objects.create(
        note=note,
        requested_by=actor,
        requesting_organisation_id=mine[0],
        to_organisation=to_organisation,
        reason=_text(reason, "reason"),
    )
    _record(
        actor,
        "case.share_requested",
        case,
        note=str(note.pk),
        to_organisation=to_organisation.pk,
    )
    return request


# --- restriction and the access log ---------------------------------------------------------------


@transaction.atomic
def restriction_request(*, actor: User, case: Case, reason: str) -> RestrictionRequest:
    """Record that the client asked to restrict processing; the DPO decides."""
    require(actor, Action.CASE_WORK, case)
    request = RestrictionRequest.objects.create(
        client=case.client,
        case=case,
        reason=_text(reason, "reason", max_length=SHORT),
        requested_by=actor,
    )
    _record(actor, "case.restriction_requested", case, request=request.pk)
    return request


@transaction.atomic
def restriction_decide(
    *, actor: User, request: RestrictionRequest, grant: bool
) -> RestrictionRequest:
    require(actor, Action.CASE_PRIVACY)
    request = RestrictionRequest.objects.select_for_update().get(pk=request.pk)
    if request.decided_at is not None:
        raise Conflict(_("This request has already been decided."))
    request.decided_at, request.decided_by = timezone.now(), actor
    request.decision = "granted" if grant else "refused"
    request.save(update_fields=["decided_at", "decided_by", "decision"])
    if grant:
        client = Client.objects.select_for_update().get(pk=request.client_id)
        client.restricted_at, client.restricted_by = timezone.now(), actor
        client.restriction_reason = request.reason
        client.save(update_fields=["restricted_at", "restricted_by", "restriction_reason"])
    _record(actor, "case.restriction_decided", request.case, granted=grant)
    return request


@transaction.atomic
def restriction_lift(*, actor: User, case: Case, note: str) -> Client:
    require(actor, Action.CASE_PRIVACY)
    client = case.client
    if client.restricted_at is None:
        raise Conflict(_("Processing of this client's data is not restricted."))
    note = _text(note, "note", max_length=SHORT)
    Client.objects.filter(pk=client.pk).update(restricted_at=None, restricted_by=None)
    client.refresh_from_db()
    _record(actor, "case.restriction_lifted", case, note=note)
    return client


def opened(*, user: User, case: Case, what: str, item_id: Any = None) -> None:
    """Write the access log: who opened the case page, a note, a document or the identity."""
    AccessEntry.objects.create(case=case, user=user, what=what, item_id=item_id)


@transaction.atomic
def match_notice_seen(*, actor: User, notice: MatchNotice) -> MatchNotice:
    require(actor, Action.CASE_MANAGE, notice.case)
    if notice.seen_at is None:
        notice.seen_at, notice.seen_by = timezone.now(), actor
        notice.save(update_fields=["seen_at", "seen_by"])
        _record(actor, "case.match_seen", notice.case, notice=notice.pk)
    return notice


def dpo_queue_q(now: datetime.datetime | None = None) -> Q:
    """Imminent-danger shares not confirmed within 24 hours and not yet reviewed."""
    now = now or timezone.now()
    return Q(
        basis_kind=ShareBasis.DANGER,
        confirmed_at__isnull=True,
        reviewed_at__isnull=True,
        decided_at__lte=now - datetime.timedelta(hours=DANGER_CONFIRM_HOURS),
    )
