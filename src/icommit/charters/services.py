"""Writes on team charters and team meetings.

Each checks access first, validates, saves and writes its audit event in one transaction.
A published charter version and frozen minutes are never changed: a change is a new version
that points back to the one before, and the earlier one stays readable.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from icommit.access import Action, require
from icommit.accounts.models import User
from icommit.charters.models import (
    PLAN_SOURCE_KIND,
    SECTIONS,
    Attendee,
    CharterConfirmation,
    CharterStatus,
    CharterVersion,
    Decision,
    Dissent,
    Meeting,
    MinutesStatus,
    MinutesVersion,
)
from icommit.charters.starting import starting_text
from icommit.core import audit
from icommit.core.exceptions import Conflict, Forbidden, ValidationFailed
from icommit.minutes import services as minutes
from icommit.minutes import workflow
from icommit.minutes.workflow import Step
from icommit.plans import services as plan_services
from icommit.plans.models import Goal, PlanAction, PlanLink
from icommit.plans.sources import SourceRef
from icommit.sharing.selectors import sharing_protocol_rows
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team, TeamMembership
from icommit.teams.selectors import team_members

#: Keys of a sharing-protocol row, as ``sharing.selectors.sharing_protocol_rows`` gives them.
PROTOCOL_KEYS = ("from", "to", "category", "rule", "legal_source", "note")

#: Sections a charter needs before it can be published.
REQUIRED_SECTIONS = (
    "purpose_scope",
    "meeting_rhythm",
    "referral_criteria",
    "escalation_dissent",
    "confidentiality",
)


def _now() -> datetime.datetime:
    return timezone.now()


def _lock_team(team: Team) -> None:
    """Serialise numbering and state changes within one team."""
    Team.objects.select_for_update().filter(pk=team.pk).first()


def _membership(team: Team, user: User) -> TeamMembership | None:
    return (
        TeamMembership.objects.effective()
        .filter(team=team, user=user)
        .select_related("organisation")
        .first()
    )


# --- charter -----------------------------------------------------------------------------------


def _member_rows(team: Team) -> list[dict[str, Any]]:
    # only members whose organisation has confirmed them: the others have no rights yet
    return [
        {
            "user_id": m.user_id,
            "name": m.user.full_name,
            "organisation_id": m.organisation_id,
            "organisation": m.organisation.name,
            "role": m.role,
        }
        for m in team_members(team=team)
        if m.confirmed  # type: ignore[attr-defined]  # annotated by team_members
    ]


def _protocol_rows(team: Team) -> list[dict[str, str]]:
    return [
        {key: str(row.get(key, "") or "") for key in PROTOCOL_KEYS}
        for row in sharing_protocol_rows(team=team)
    ]


@transaction.atomic
def charter_draft_start(*, actor: User, team: Team, language: str = "en") -> CharterVersion:
    """Start a draft from the current version, or from the starting text for a first charter."""
    require(actor, Action.CHARTER_EDIT, team)
    _lock_team(team)
    if CharterVersion.objects.filter(team=team, status=CharterStatus.DRAFT).exists():
        raise Conflict(_("This team already has a charter draft."))
    current = (
        CharterVersion.objects.filter(team=team, status=CharterStatus.PUBLISHED)
        .order_by("-number")
        .first()
    )
    if current is not None:
        sections = {name: getattr(current, name) for name in SECTIONS}
    else:
        sections = starting_text(team=team, language=language)
    draft = CharterVersion.objects.create(team=team, based_on=current, created_by=actor, **sections)
    audit.record(
        actor=actor,
        action="charter.draft",
        obj=draft,
        team_id=team.pk,
        changes={"based_on": current.number if current else None, "language": language},
    )
    return draft


def _editable_draft(draft: CharterVersion) -> None:
    if draft.status != CharterStatus.DRAFT:
        raise Conflict(_("A published charter version cannot change. Start a new draft instead."))


@transaction.atomic
def charter_draft_update(
    *, actor: User, draft: CharterVersion, change_note: str = "", **sections: str
) -> CharterVersion:
    """Change the text of the team's charter draft."""
    require(actor, Action.CHARTER_EDIT, draft)
    _editable_draft(draft)
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise ValidationFailed.field(sorted(unknown)[0], _("This is not a charter section."))
    changed = []
    for name, value in sections.items():
        value = (value or "").strip()
        if getattr(draft, name) != value:
            setattr(draft, name, value)
            changed.append(name)
    change_note = (change_note or "").strip()
    if len(change_note) > 300:
        raise ValidationFailed.field("change_note", _("Keep this under 300 characters."))
    if draft.change_note != change_note:
        draft.change_note = change_note
        changed.append("change_note")
    if changed:
        draft.save()
        audit.record(
            actor=actor,
            action="charter.update",
            obj=draft,
            team_id=draft.team_id,
            changes={"sections": changed},
        )
    return draft


@transaction.atomic
def charter_publish(*, actor: User, draft: CharterVersion) -> CharterVersion:
    """Publish the draft as the next version, with the members and sharing protocol of today."""
    require(actor, Action.CHARTER_EDIT, draft)
    _lock_team(draft.team)
    draft.refresh_from_db()
    _editable_draft(draft)
    missing = {
        name: [_("Write this section before publishing.")]
        for name in REQUIRED_SECTIONS
        if not getattr(draft, name).strip()
    }
    if missing:
        raise ValidationFailed(_("Some sections are still empty."), details=missing)
    last = CharterVersion.objects.filter(team_id=draft.team_id).aggregate(n=Max("number"))["n"]
    if last is not None and not draft.change_note.strip():
        raise ValidationFailed.field(
            "change_note", _("Say briefly what changed since version %(n)s.") % {"n": last}
        )
    draft.number = (last or 0) + 1
    draft.status = CharterStatus.PUBLISHED
    draft.members = _member_rows(draft.team)
    draft.sharing_protocol = _protocol_rows(draft.team)
    draft.published_at, draft.published_by = _now(), actor
    draft.save()
    audit.record(
        actor=actor,
        action="charter.publish",
        obj=draft,
        team_id=draft.team_id,
        changes={
            "number": draft.number,
            "members": len(draft.members),
            "protocol_rows": len(draft.sharing_protocol),
        },
    )
    return draft


@transaction.atomic
def charter_draft_discard(*, actor: User, draft: CharterVersion) -> None:
    """Throw the draft away; published versions stay as they are."""
    require(actor, Action.CHARTER_EDIT, draft)
    _editable_draft(draft)
    audit.record(actor=actor, action="charter.discard", obj=draft, team_id=draft.team_id)
    draft.delete()


@transaction.atomic
def charter_confirm(*, actor: User, version: CharterVersion) -> CharterConfirmation:
    """Confirm the team's current charter version, for the organisation the actor sits for."""
    require(actor, Action.CHARTER_CONFIRM, version)
    _lock_team(version.team)
    if version.status != CharterStatus.PUBLISHED:
        raise Conflict(_("Only a published charter version can be confirmed."))
    newest = CharterVersion.objects.filter(
        team_id=version.team_id, status=CharterStatus.PUBLISHED
    ).aggregate(n=Max("number"))["n"]
    if version.number != newest:
        raise Conflict(_("A newer version of the charter exists; confirm that one."))
    if CharterConfirmation.objects.filter(version=version, user=actor).exists():
        raise Conflict(_("You have already confirmed this version."))
    membership = _membership(version.team, actor)
    if membership is None:  # the policy lets only members through; this guards a race
        raise Forbidden()
    confirmation = CharterConfirmation.objects.create(
        version=version,
        user=actor,
        organisation=membership.organisation,
        role=membership.role,
        confirmed_at=_now(),
    )
    audit.record(
        actor=actor,
        action="charter.confirm",
        obj=version,
        team_id=version.team_id,
        changes={"number": version.number, "organisation": membership.organisation_id},
    )
    return confirmation


# --- meetings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DissentIn:
    organisation_id: int
    reason: str


@dataclass(frozen=True)
class DecisionIn:
    text: str
    dissents: Sequence[DissentIn] = field(default_factory=tuple)
    #: The id of a decision of the same version that this one keeps (its lineage stays).
    ref: int | None = None


@dataclass(frozen=True)
class MinutesIn:
    held_on: datetime.date
    title: str
    agenda: str = ""
    minutes: str = ""
    attendee_ids: Sequence[int] = ()
    decisions: Sequence[DecisionIn] = ()


def _clean_minutes(data: MinutesIn) -> MinutesIn:
    title = (data.title or "").strip()
    if not title:
        raise ValidationFailed.field("title", _("Give the meeting a title."))
    if len(title) > 200:
        raise ValidationFailed.field("title", _("Keep the title under 200 characters."))
    if data.held_on is None:
        raise ValidationFailed.field("held_on", _("Enter the date of the meeting."))
    decisions = []
    for index, decision in enumerate(data.decisions, start=1):
        text = (decision.text or "").strip()
        if not text:
            raise ValidationFailed.field(
                "decisions", _("Decision %(n)s has no text.") % {"n": index}
            )
        seen: set[int] = set()
        dissents = []
        for dissent in decision.dissents:
            if not (dissent.reason or "").strip():
                raise ValidationFailed.field(
                    "dissents",
                    _("Say why the organisation disagreed with decision %(n)s.") % {"n": index},
                )
            if dissent.organisation_id in seen:
                raise ValidationFailed.field(
                    "dissents",
                    _("An organisation's dissent on decision %(n)s is recorded once.")
                    % {"n": index},
                )
            seen.add(dissent.organisation_id)
            dissents.append(DissentIn(dissent.organisation_id, dissent.reason.strip()))
        decisions.append(DecisionIn(text, tuple(dissents), decision.ref))
    return MinutesIn(
        held_on=data.held_on,
        title=title,
        agenda=(data.agenda or "").strip(),
        minutes=(data.minutes or "").strip(),
        attendee_ids=tuple(dict.fromkeys(data.attendee_ids)),
        decisions=tuple(decisions),
    )


def _set_attendees(version: MinutesVersion, team: Team, user_ids: Iterable[int]) -> None:
    wanted = list(user_ids)
    # an attendee who has left the team since stays on the record as they attended
    known: dict[int, tuple[int, str]] = {
        a.user_id: (a.organisation_id, a.role) for a in version.attendees.all()
    }
    for m in TeamMembership.objects.effective().filter(team=team, user_id__in=wanted):
        known[m.user_id] = (m.organisation_id, m.role)
    if any(u not in known for u in wanted):
        raise ValidationFailed.field("attendees", _("Attendees must be members of the team."))
    version.attendees.all().delete()
    Attendee.objects.bulk_create(
        Attendee(version=version, user_id=u, organisation_id=known[u][0], role=known[u][1])
        for u in wanted
    )


def _set_decisions(version: MinutesVersion, decisions: Sequence[DecisionIn]) -> None:
    attending = set(version.attendees.values_list("organisation_id", flat=True))
    for index, decision in enumerate(decisions, start=1):
        for dissent in decision.dissents:
            if dissent.organisation_id not in attending:
                raise ValidationFailed.field(
                    "dissents",
                    _(
                        "Dissent on decision %(n)s: only an organisation that attended the "
                        "meeting can record dissent."
                    )
                    % {"n": index},
                )
    existing = {d.pk: d for d in version.decisions.all()}
    kept_lineage = {}
    for decision in decisions:
        if decision.ref is not None and decision.ref in existing:
            kept_lineage[decision.ref] = existing[decision.ref].lineage
    Dissent.objects.filter(decision__version=version).delete()
    version.decisions.all().delete()
    for position, decision in enumerate(decisions, start=1):
        row = Decision(version=version, position=position, text=decision.text)
        if decision.ref in kept_lineage:
            row.lineage = kept_lineage[decision.ref]
        row.save()
        Dissent.objects.bulk_create(
            Dissent(decision=row, organisation_id=d.organisation_id, reason=d.reason)
            for d in decision.dissents
        )


def _summary(version: MinutesVersion, data: MinutesIn) -> dict[str, Any]:
    return {
        "version": version.number,
        "held_on": data.held_on.isoformat(),
        "title": data.title,
        "attendees": len(data.attendee_ids),
        "decisions": len(data.decisions),
        "dissents": sum(len(d.dissents) for d in data.decisions),
    }


@transaction.atomic
def meeting_create(*, actor: User, team: Team, data: MinutesIn) -> Meeting:
    """Record a team meeting: its date and title, and whatever is known yet of the rest."""
    require(actor, Action.MEETING_EDIT, team)
    data = _clean_minutes(data)
    meeting = Meeting.objects.create(team=team, created_by=actor)
    version = MinutesVersion.objects.create(
        meeting=meeting,
        number=1,
        held_on=data.held_on,
        title=data.title,
        agenda=data.agenda,
        minutes=data.minutes,
        created_by=actor,
    )
    _set_attendees(version, team, data.attendee_ids)
    _set_decisions(version, data.decisions)
    meeting.current = version
    meeting.save(update_fields=["current"])
    audit.record(
        actor=actor,
        action="meeting.create",
        obj=meeting,
        team_id=team.pk,
        changes=_summary(version, data),
    )
    return meeting


#: The audit events of the minutes workflow on a team meeting.
MEETING_EVENTS = minutes.Events(
    circulate="meeting.circulate",
    confirm="meeting.confirm",
    freeze="meeting.freeze",
    correct="meeting.correct",
)


def _trail(meeting: Meeting) -> minutes.Trail:
    return minutes.Trail(events=MEETING_EVENTS, obj=meeting, team_id=meeting.team_id)


def _current_for_change(meeting: Meeting, step: Step) -> MinutesVersion:
    """The newest version, locked, if the workflow allows ``step`` on it."""
    _lock_team(meeting.team)
    version = MinutesVersion.objects.select_for_update().filter(meeting=meeting).latest("number")
    workflow.transition(version.status, step)
    return version


@transaction.atomic
def meeting_update(*, actor: User, meeting: Meeting, data: MinutesIn) -> MinutesVersion:
    """Change the minutes that are not frozen yet; confirmations given so far start over."""
    require(actor, Action.MEETING_EDIT, meeting)
    version = _current_for_change(meeting, Step.EDIT)
    data = _clean_minutes(data)
    version.held_on, version.title = data.held_on, data.title
    version.agenda, version.minutes = data.agenda, data.minutes
    version.save()
    reset = version.attendees.filter(confirmed_at__isnull=False).count()
    _set_attendees(version, meeting.team, data.attendee_ids)
    _set_decisions(version, data.decisions)
    audit.record(
        actor=actor,
        action="meeting.update",
        obj=meeting,
        team_id=meeting.team_id,
        changes={**_summary(version, data), "confirmations_reset": reset},
    )
    return version


@transaction.atomic
def meeting_circulate(*, actor: User, meeting: Meeting) -> MinutesVersion:
    """Send the minutes to the attendees for confirmation."""
    require(actor, Action.MEETING_EDIT, meeting)
    version = _current_for_change(meeting, Step.CIRCULATE)

    def written() -> None:
        if not version.minutes.strip():
            raise ValidationFailed.field("minutes", _("Write the minutes before sending them out."))

    minutes.minutes_circulate(
        actor=actor,
        version=version,
        attendees=version.attendees.all(),
        trail=_trail(meeting),
        check=written,
    )
    return version


@transaction.atomic
def meeting_confirm(*, actor: User, meeting: Meeting) -> MinutesVersion:
    """Confirm the minutes as an attendee; the last confirmation freezes them."""
    require(actor, Action.MEETING_CONFIRM, meeting)
    version = _current_for_change(meeting, Step.CONFIRM)
    minutes.minutes_confirm(
        actor=actor, version=version, attendees=version.attendees.all(), trail=_trail(meeting)
    )
    return version


@transaction.atomic
def meeting_freeze(*, actor: User, meeting: Meeting) -> MinutesVersion:
    """Freeze the minutes when every attendee still in the team has confirmed them."""
    require(actor, Action.MEETING_EDIT, meeting)
    version = _current_for_change(meeting, Step.FREEZE)

    def in_team(user_ids: Sequence[int]) -> set[int]:
        return set(
            TeamMembership.objects.effective()
            .filter(team_id=meeting.team_id, user_id__in=user_ids)
            .values_list("user_id", flat=True)
        )

    minutes.minutes_freeze(
        actor=actor,
        version=version,
        attendees=version.attendees.all(),
        trail=_trail(meeting),
        present=in_team,
    )
    return version


@transaction.atomic
def meeting_correct(*, actor: User, meeting: Meeting, reason: str) -> MinutesVersion:
    """Start a correction of frozen minutes: a new version, linked to the one it corrects."""
    require(actor, Action.MEETING_EDIT, meeting)
    _lock_team(meeting.team)
    previous = MinutesVersion.objects.filter(meeting=meeting).latest("number")

    def copy(**start: Any) -> MinutesVersion:
        version = MinutesVersion.objects.create(
            meeting=meeting,
            held_on=previous.held_on,
            title=previous.title,
            agenda=previous.agenda,
            minutes=previous.minutes,
            created_by=actor,
            **start,
        )
        Attendee.objects.bulk_create(
            Attendee(
                version=version, user_id=a.user_id, organisation_id=a.organisation_id, role=a.role
            )
            for a in previous.attendees.all()
        )
        for old in previous.decisions.prefetch_related("dissents"):
            new = Decision.objects.create(
                version=version, position=old.position, text=old.text, lineage=old.lineage
            )
            Dissent.objects.bulk_create(
                Dissent(decision=new, organisation_id=d.organisation_id, reason=d.reason)
                for d in old.dissents.all()
            )
        meeting.current = version
        meeting.save(update_fields=["current"])
        return version

    return minutes.minutes_correct(
        actor=actor, previous=previous, reason=reason, trail=_trail(meeting), create=copy
    )


def decision_label(decision: Decision) -> str:
    """The decision's text, shortened for a plan's "created from" line."""
    return Truncator(" ".join(decision.text.split())).chars(120)


def _frozen_decision(decision: Decision) -> Meeting:
    if decision.version.status != MinutesStatus.FROZEN:
        raise Conflict(_("Goals and actions come from decisions of confirmed, frozen minutes."))
    return decision.version.meeting


def decision_source(decision: Decision) -> SourceRef:
    """The decision as a plan source: the link follows its corrections through the lineage."""
    return SourceRef(kind=PLAN_SOURCE_KIND, id=str(decision.pk), label=decision_label(decision))


def _planned(
    actor: User, meeting: Meeting, decision: Decision, goal: Goal, action: PlanAction | None
) -> PlanLink:
    audit.record(
        actor=actor,
        action="meeting.decision_to_plan",
        obj=meeting,
        team_id=meeting.team_id,
        changes={
            "decision": decision.pk,
            "goal": goal.pk,
            "action": action.pk if action else None,
        },
    )
    if action is not None:
        return PlanLink.objects.select_related("goal", "action").get(action=action)
    return PlanLink.objects.select_related("goal").get(goal=goal, action__isnull=True)


@transaction.atomic
def decision_goal_create(
    *,
    actor: User,
    decision: Decision,
    title: str,
    description: str = "",
    why: str = "",
    target_date: datetime.date | None = None,
) -> PlanLink:
    """Turn a decision of frozen minutes into a team goal; the decision shows the link."""
    meeting = decision.version.meeting
    require(actor, Action.MEETING_EDIT, meeting)
    _frozen_decision(decision)
    goal = plan_services.goal_create(
        actor=actor,
        team=meeting.team,
        title=title,
        description=description,
        why=why,
        target_date=target_date,
        source=decision_source(decision),
    )
    return _planned(actor, meeting, decision, goal, None)


@transaction.atomic
def decision_action_create(
    *,
    actor: User,
    decision: Decision,
    goal: Goal,
    title: str,
    owner_organisation: Organisation | None = None,
    due_date: datetime.date | None = None,
) -> PlanLink:
    """Add an action for a decision of frozen minutes under one of the team's goals."""
    meeting = decision.version.meeting
    require(actor, Action.MEETING_EDIT, meeting)
    _frozen_decision(decision)
    if goal.team_id != meeting.team_id:
        raise ValidationFailed.field("goal", _("Choose a goal of this team."))
    action = plan_services.action_create(
        actor=actor,
        goal=goal,
        title=title,
        owner_organisation=owner_organisation,
        due_date=due_date,
        source=decision_source(decision),
    )
    return _planned(actor, meeting, decision, goal, action)
