"""Writes of case conferences: convening, attendees, the agenda, and the minutes per case.

Each service checks access, runs in a transaction and records its audit event; events about a
case are sealed with the client's key and carry no words of the minutes. The part of the minutes
about a case is opened by one sharing decision per attending organisation that takes part in the
case (``cases.services.item_share``: the rule book decides, the decision is in the case's ledger
and can be ended; an organisation refused steps out, with the reason); the minutes move through
the one ``minutes`` state machine.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from icommit.access import Action, can, require
from icommit.accounts.models import User
from icommit.cases import services as cases
from icommit.cases.models import Case, Consent, ShareBasis
from icommit.conferences.models import (
    PART_CATEGORY,
    AgendaEntry,
    Conference,
    ConferenceAttendee,
    ConferencePart,
    Dissent,
    PartAction,
    PartAttendee,
    PartVersion,
    Scale,
)
from icommit.core import audit
from icommit.core.exceptions import Conflict, IcommitError, ValidationFailed
from icommit.core.text import LONG, SHORT, TITLE
from icommit.core.text import clean as clean_text
from icommit.interventions import services as interventions
from icommit.interventions.models import Intensity
from icommit.minutes import services as minutes
from icommit.minutes import workflow
from icommit.minutes.workflow import Step
from icommit.sharing.items import may_see
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team, TeamMembership

#: The purpose written on every audience row of a part (the kernel's own words, no client data).
#: How the plan's measures and scale decisions name where they come from.
SOURCE_KIND = "conference"


def _now() -> datetime.datetime:
    return timezone.now()


def _text(value: str, name: str, *, required: bool = True, max_length: int = TITLE) -> str:
    value = clean_text((value or "").strip(), field=name, max_length=max_length)
    if required and not value:
        raise ValidationFailed.field(name, _("This field is required."))
    return value


def _case_record(actor: User, action: str, case: Case, obj: Any, **changes: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=obj,
        team_id=case.team_id,
        changes={"case": str(case.pk), **changes},
        subject=case.client.subject_key_id,
    )


# --- the conference and its attendees ----------------------------------------------------------


def _attendee_rows(team: Team, user_ids: Iterable[Any]) -> list[TeamMembership]:
    try:
        wanted = {int(pk) for pk in user_ids}
    except (TypeError, ValueError):
        raise ValidationFailed.field("attendees", _("Choose attendees from the list.")) from None
    rows = list(
        TeamMembership.objects.effective()
        .filter(team=team, user_id__in=wanted)
        .select_related("organisation")
    )
    if {r.user_id for r in rows} != wanted:
        raise ValidationFailed.field(
            "attendees",
            _(
                "Attendees must be members of the team with a confirmed membership of their "
                "organisation."
            ),
        )
    return rows


def _set_attendees(conference: Conference, user_ids: Iterable[Any]) -> int:
    rows = _attendee_rows(conference.team, user_ids)
    conference.attendees.all().delete()
    ConferenceAttendee.objects.bulk_create(
        ConferenceAttendee(
            conference=conference, user_id=r.user_id, organisation_id=r.organisation_id, role=r.role
        )
        for r in rows
    )
    return len(rows)


def _clean_conference(held_on: datetime.date | None, title: str) -> tuple[datetime.date, str]:
    if held_on is None:
        raise ValidationFailed.field("held_on", _("Give the date of the conference."))
    return held_on, _text(title, "title")


@transaction.atomic
def conference_create(
    *,
    actor: User,
    team: Team,
    held_on: datetime.date | None,
    title: str,
    attendee_ids: Sequence[Any] = (),
) -> Conference:
    """Convene a case conference of the team, with the people who attend."""
    require(actor, Action.CONFERENCE_MANAGE, team)
    held_on, title = _clean_conference(held_on, title)
    conference = Conference.objects.create(
        team=team, held_on=held_on, title=title, convened_by=actor
    )
    count = _set_attendees(conference, attendee_ids)
    audit.record(
        actor=actor,
        action="conference.created",
        obj=conference,
        team_id=team.pk,
        changes={"held_on": held_on.isoformat(), "attendees": count},
    )
    return conference


@transaction.atomic
def conference_update(
    *,
    actor: User,
    conference: Conference,
    held_on: datetime.date | None,
    title: str,
    attendee_ids: Sequence[Any],
) -> Conference:
    """Change the date, title and attendees (parts already opened keep who was present)."""
    require(actor, Action.CONFERENCE_MANAGE, conference)
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    held_on, title = _clean_conference(held_on, title)
    conference.held_on, conference.title = held_on, title
    conference.save(update_fields=["held_on", "title"])
    count = _set_attendees(conference, attendee_ids)
    audit.record(
        actor=actor,
        action="conference.updated",
        obj=conference,
        team_id=conference.team_id,
        changes={"held_on": held_on.isoformat(), "attendees": count},
    )
    return conference


# --- the agenda ---------------------------------------------------------------------------------


def _lead_people(case: Case) -> set[int]:
    return set(
        TeamMembership.objects.effective()
        .filter(team_id=case.team_id, organisation_id=case.lead_organisation_id or 0)
        .values_list("user_id", flat=True)
    )


@transaction.atomic
def agenda_add(
    *, actor: User, conference: Conference, case: Case, presenter: User | None = None
) -> AgendaEntry:
    """Put a case of the team on the agenda, presented by a person of its lead organisation."""
    require(actor, Action.CONFERENCE_MANAGE, conference)
    require(actor, Action.CASE_VIEW, case)
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    if case.team_id != conference.team_id or case.lead_organisation_id is None:
        raise ValidationFailed.field("case", _("Choose an accepted case of this team."))
    if AgendaEntry.objects.filter(conference=conference, case=case).exists():
        raise Conflict(_("This case is already on the agenda."))
    presenter = presenter or case.case_manager
    if presenter is not None and presenter.pk not in _lead_people(case):
        raise ValidationFailed.field(
            "presenter", _("The case is presented by a person of its lead organisation.")
        )
    last = AgendaEntry.objects.filter(conference=conference).aggregate(n=Max("position"))["n"]
    entry = AgendaEntry.objects.create(
        conference=conference, case=case, position=(last or 0) + 1, presenter=presenter
    )
    _case_record(
        actor, "conference.agenda_added", case, conference, entry=entry.pk, position=entry.position
    )
    return entry


@transaction.atomic
def agenda_remove(*, actor: User, entry: AgendaEntry) -> None:
    """Take a case off the agenda while no minutes were opened for it."""
    require(actor, Action.CONFERENCE_MANAGE, entry.conference)
    part = ConferencePart.objects.filter(entry=entry).first()
    if part is not None:
        if may_see(actor, part):
            raise Conflict(_("The minutes of this case were opened; it stays on the agenda."))
        raise Conflict(_("This case stays on the agenda."))
    case = entry.case
    _case_record(actor, "conference.agenda_removed", case, entry.conference, entry=entry.pk)
    entry.delete()


@transaction.atomic
def agenda_move(*, actor: User, entry: AgendaEntry, direction: str) -> AgendaEntry:
    """Move a case one place up or down the agenda."""
    require(actor, Action.CONFERENCE_MANAGE, entry.conference)
    if direction not in ("up", "down"):
        raise ValidationFailed.field("direction", _("Move a case up or down."))
    Conference.objects.select_for_update().get(pk=entry.conference_id)
    entries = list(AgendaEntry.objects.filter(conference_id=entry.conference_id))
    index = next(i for i, e in enumerate(entries) if e.pk == entry.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(entries):
        return entry
    entries[index], entries[other] = entries[other], entries[index]
    for position, row in enumerate(entries, start=1):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])
    audit.record(
        actor=actor,
        action="conference.agenda_moved",
        obj=entry.conference,
        team_id=entry.conference.team_id,
        changes={"entry": entry.pk, "direction": direction},
    )
    return next(e for e in entries if e.pk == entry.pk)


# --- the minutes of a case ----------------------------------------------------------------------


@dataclass
class Presence:
    """Who a part was opened for: organisations present, and those that stepped out and why."""

    present: list[int] = field(default_factory=list)
    stepped_out: dict[int, str] = field(default_factory=dict)


def _consent_for(case: Case, organisation_id: int) -> Consent | None:
    for consent in Consent.objects.filter(
        case=case, organisation_id=case.lead_organisation_id or 0, withdrawn_at__isnull=True
    ):
        if cases.consent_covers(consent, category=PART_CATEGORY, organisation_id=organisation_id):
            return consent
    return None


def _open_audience(
    actor: User,
    part: ConferencePart,
    lead: Organisation,
    attending: set[int],
    *,
    client_informed: bool,
    not_informed_reason: str,
) -> Presence:
    """Share the part with each attending organisation that takes part in the case, one sharing
    decision each through the case's rule book (basis: the team's protocol, or the lead's
    consent where the protocol asks for one); an organisation the rule book refuses steps out
    for this case, with the reason."""
    case = part.case
    presence = Presence(present=[lead.pk])
    taking_part = cases.participant_ids(case)
    purpose = _("case conference of %(date)s") % {"date": part.entry.conference.held_on.isoformat()}
    for org_id in sorted(attending - {lead.pk}):
        organisation = _org(org_id)
        if org_id not in taking_part:
            presence.stepped_out[org_id] = str(_("takes no part in this case"))
            continue
        consent = _consent_for(case, org_id)
        tries: list[tuple[str, Consent | None]] = [(ShareBasis.PROTOCOL, None)]
        if consent is not None:
            tries.append((ShareBasis.CONSENT, consent))
        problem = ""
        for basis, with_consent in tries:
            try:
                with transaction.atomic():
                    cases.item_share(
                        actor=actor,
                        case=case,
                        item=part,
                        organisations=[organisation],
                        purpose=purpose,
                        basis=basis,
                        client_informed=client_informed,
                        not_informed_reason=not_informed_reason,
                        consent=with_consent,
                    )
            except IcommitError as exc:
                problem = problem or exc.message
                continue
            presence.present.append(org_id)
            problem = ""
            break
        if problem:
            presence.stepped_out[org_id] = problem.removeprefix(f"{organisation.name}: ")
    return presence


def _org(pk: int) -> Organisation:
    return Organisation.objects.get(pk=pk)


@transaction.atomic
def part_open(
    *,
    actor: User,
    entry: AgendaEntry,
    client_informed: bool = False,
    not_informed_reason: str = "",
) -> ConferencePart:
    """Open the minutes of one agenda case: a shared item of the case's lead organisation, shared
    at once with the attending organisations that take part in the case (as the protocol allows),
    with the attendees of those organisations recorded as present."""
    require(actor, Action.CONFERENCE_RECORD, entry)
    case = entry.case
    require(actor, Action.CASE_WORK, case)
    cases.ensure_not_restricted(case)
    not_informed_reason = _text(
        not_informed_reason, "not_informed_reason", required=False, max_length=SHORT
    )
    if not client_informed and not not_informed_reason:
        raise ValidationFailed.field(
            "not_informed_reason",
            _("Say whether the client is informed that the minutes are shared, or why not."),
        )
    AgendaEntry.objects.select_for_update().get(pk=entry.pk)
    if ConferencePart.objects.filter(entry=entry).exists():
        raise Conflict(_("The minutes of this case are already open."))
    conference = entry.conference
    lead = case.lead_organisation
    if lead is None:
        raise Conflict(_("This case has no lead organisation yet."))
    part = ConferencePart.objects.create(
        team_id=conference.team_id,
        origin_organisation=lead,
        category=PART_CATEGORY,
        entry=entry,
        case=case,
        created_by=actor,
        client_informed=client_informed,
        not_informed_reason="" if client_informed else not_informed_reason,
    )
    attending = set(conference.attendees.values_list("organisation_id", flat=True))
    presence = _open_audience(
        actor,
        part,
        lead,
        attending,
        client_informed=client_informed,
        not_informed_reason=part.not_informed_reason,
    )
    part.stepped_out = {str(k): v for k, v in presence.stepped_out.items()}
    version = PartVersion.objects.create(part=part, number=1, created_by=actor)
    PartAttendee.objects.bulk_create(
        PartAttendee(
            version=version, user_id=a.user_id, organisation_id=a.organisation_id, role=a.role
        )
        for a in conference.attendees.filter(organisation_id__in=presence.present)
    )
    part.current = version
    part.save(update_fields=["current", "stepped_out"])
    _case_record(
        actor,
        "conference.part_opened",
        case,
        part,
        conference=conference.pk,
        present=sorted(presence.present),
        stepped_out=sorted(presence.stepped_out),
    )
    return part


PART_EVENTS = minutes.Events(
    circulate="conference.part_circulated",
    confirm="conference.part_confirmed",
    freeze="conference.part_frozen",
    correct="conference.part_corrected",
)


def _trail(part: ConferencePart) -> minutes.Trail:
    return minutes.Trail(
        events=PART_EVENTS,
        obj=part,
        team_id=part.team_id,
        subject=part.case.client.subject_key_id,
    )


def _current(part: ConferencePart, step: Step) -> PartVersion:
    """The newest version, locked, if the workflow allows ``step`` on it."""
    ConferencePart.objects.select_for_update().get(pk=part.pk)
    version = PartVersion.objects.select_for_update().filter(part=part).latest("number")
    workflow.transition(version.status, step)
    version.part = part
    return version


@dataclass(frozen=True)
class DissentIn:
    organisation_id: int
    text: str


@dataclass(frozen=True)
class ActionIn:
    what: str
    organisation_id: int
    due_on: datetime.date | None = None


@dataclass(frozen=True)
class PartIn:
    discussion: str = ""
    decisions: str = ""
    scale: str = ""
    intensity: str = ""
    next_review: datetime.date | None = None
    dissents: Sequence[DissentIn] = ()
    actions: Sequence[ActionIn] = ()


def _clean_part(version: PartVersion, data: PartIn) -> PartIn:
    present = set(version.attendees.values_list("organisation_id", flat=True))
    taking_part = cases.participant_ids(version.part.case)
    if data.scale and data.scale not in Scale.values:
        raise ValidationFailed.field("scale", _("Choose scale up, scale down or unchanged."))
    intensity = data.intensity if data.scale in (Scale.UP, Scale.DOWN) else ""
    if data.scale in (Scale.UP, Scale.DOWN) and intensity not in Intensity.values:
        raise ValidationFailed.field("intensity", _("Choose the level of intensity scaled to."))
    if data.next_review is not None and data.next_review < version.part.entry.conference.held_on:
        raise ValidationFailed.field(
            "next_review", _("The next review cannot lie before the conference.")
        )
    dissents = []
    seen: set[int] = set()
    for d in data.dissents:
        if d.organisation_id not in present:
            raise ValidationFailed.field(
                "dissents", _("Only an organisation present for this case can record dissent.")
            )
        if d.organisation_id in seen:
            raise ValidationFailed.field("dissents", _("Record one dissent per organisation."))
        seen.add(d.organisation_id)
        text = _text(d.text, "dissents", required=False, max_length=SHORT)
        if not text:
            raise ValidationFailed.field("dissents", _("Say what the organisation disagrees with."))
        dissents.append(DissentIn(d.organisation_id, text))
    actions = []
    for a in data.actions:
        what = _text(a.what, "actions", required=False)
        if not what:
            raise ValidationFailed.field("actions", _("Say what is to be done."))
        if a.organisation_id not in taking_part:
            raise ValidationFailed.field(
                "actions", _("The responsible organisation must take part in the case.")
            )
        actions.append(ActionIn(what, a.organisation_id, a.due_on))
    return PartIn(
        discussion=_text(data.discussion, "discussion", required=False, max_length=LONG),
        decisions=_text(data.decisions, "decisions", required=False, max_length=LONG),
        scale=data.scale,
        intensity=intensity,
        next_review=data.next_review,
        dissents=dissents,
        actions=actions,
    )


def _write(version: PartVersion, data: PartIn) -> None:
    version.discussion, version.decisions = data.discussion, data.decisions
    version.scale, version.next_review = data.scale, data.next_review
    version.intensity = data.intensity
    version.save()
    version.dissents.all().delete()
    version.actions.all().delete()
    for d in data.dissents:
        row = Dissent(version=version, organisation_id=d.organisation_id)
        row.text = d.text
        row.save()
    for position, a in enumerate(data.actions, start=1):
        row_a = PartAction(
            version=version, position=position, organisation_id=a.organisation_id, due_on=a.due_on
        )
        row_a.what = a.what
        row_a.save()


@transaction.atomic
def part_update(*, actor: User, part: ConferencePart, data: PartIn) -> PartVersion:
    """Write the minutes of a case while they are not frozen; confirmations so far start over."""
    require(actor, Action.CONFERENCE_RECORD, part)
    cases.ensure_not_restricted(part.case)
    version = _current(part, Step.EDIT)
    data = _clean_part(version, data)
    _write(version, data)
    reset = version.attendees.filter(confirmed_at__isnull=False).update(confirmed_at=None)
    _case_record(
        actor,
        "conference.part_updated",
        part.case,
        part,
        version=version.number,
        scale=data.scale,
        next_review=data.next_review.isoformat() if data.next_review else None,
        dissents=sorted(d.organisation_id for d in data.dissents),
        actions=len(data.actions),
        confirmations_reset=reset,
    )
    return version


@transaction.atomic
def part_circulate(*, actor: User, part: ConferencePart) -> PartVersion:
    """Send the minutes of a case to those present for confirmation."""
    require(actor, Action.CONFERENCE_RECORD, part)
    version = _current(part, Step.CIRCULATE)

    def written() -> None:
        if not (version.discussion or "").strip() and not (version.decisions or "").strip():
            raise ValidationFailed.field(
                "discussion", _("Write the discussion or the decisions before sending them out.")
            )

    minutes.minutes_circulate(
        actor=actor,
        version=version,
        attendees=version.attendees.all(),
        trail=_trail(part),
        check=written,
    )
    if version.is_frozen:
        _apply_if_allowed(actor, part, version)
    return version


@transaction.atomic
def part_confirm(*, actor: User, part: ConferencePart) -> PartVersion:
    """Confirm the minutes of a case as one present for it; the last confirmation freezes them
    (and, if the one confirming manages the case, takes review date, scale and actions in)."""
    require(actor, Action.CONFERENCE_CONFIRM, part)
    version = _current(part, Step.CONFIRM)
    minutes.minutes_confirm(
        actor=actor, version=version, attendees=version.attendees.all(), trail=_trail(part)
    )
    if version.is_frozen:
        _apply_if_allowed(actor, part, version)
    return version


@transaction.atomic
def part_correct(*, actor: User, part: ConferencePart, reason: str) -> PartVersion:
    """Start a correction of frozen minutes: a new draft version that points back to them."""
    require(actor, Action.CONFERENCE_RECORD, part)
    ConferencePart.objects.select_for_update().get(pk=part.pk)
    previous = PartVersion.objects.filter(part=part).latest("number")
    previous.part = part

    def copy(**start: Any) -> PartVersion:
        version = PartVersion(
            part=part,
            scale=previous.scale,
            intensity=previous.intensity,
            next_review=previous.next_review,
            created_by=actor,
            **start,
        )
        version.discussion, version.decisions = previous.discussion, previous.decisions
        version.save()
        PartAttendee.objects.bulk_create(
            PartAttendee(
                version=version, user_id=a.user_id, organisation_id=a.organisation_id, role=a.role
            )
            for a in previous.attendees.all()
        )
        for d in previous.dissents.all():
            row = Dissent(version=version, organisation_id=d.organisation_id)
            row.text = d.text
            row.save()
        for a in previous.actions.all():
            row_a = PartAction(
                version=version,
                position=a.position,
                organisation_id=a.organisation_id,
                due_on=a.due_on,
                measure_id=a.measure_id,
            )
            row_a.what = a.what
            row_a.save()
        part.current = version
        part.save(update_fields=["current"])
        return version

    return minutes.minutes_correct(
        actor=actor, previous=previous, reason=reason, trail=_trail(part), create=copy
    )


def _apply_if_allowed(actor: User, part: ConferencePart, version: PartVersion) -> None:
    if can(actor, Action.CASE_MANAGE, part.case):
        _apply(actor, part, version)


def _apply(actor: User, part: ConferencePart, version: PartVersion) -> None:
    case = Case.objects.select_related("client").get(pk=part.case_id)
    changes: dict[str, Any] = {"version": version.number}
    if version.next_review is not None and case.next_review != version.next_review:
        cases.case_update(
            actor=actor,
            case=case,
            purpose=case.purpose,
            next_review=version.next_review,
            transition_kind=case.transition_kind,
            transition_date=case.transition_date,
        )
        changes["next_review"] = version.next_review.isoformat()
    changes |= _to_plan(actor, case, part, version)
    version.applied_at = _now()
    version.save(update_fields=["applied_at", "updated_at"])
    _case_record(actor, "conference.part_applied", case, part, **changes)


def _to_plan(actor: User, case: Case, part: ConferencePart, version: PartVersion) -> dict[str, Any]:
    """Hand the scale and the actions to the case's intervention plan (interventions app)."""
    held_on = part.entry.conference.held_on
    changes: dict[str, Any] = {}
    if version.scale in (Scale.UP, Scale.DOWN) and version.intensity:
        try:
            interventions.scale_set(
                actor=actor,
                case=case,
                intensity=version.intensity,
                on=held_on,
                reason=_("Decided at the case conference of %(date)s.")
                % {"date": held_on.isoformat()},
                source_kind=SOURCE_KIND,
                source_id=str(part.pk),
            )
            changes["scale"] = version.intensity
        except ValidationFailed:  # the plan is already at this level
            changes["scale"] = "unchanged"
    measures = []
    for action in version.actions.select_related("organisation"):
        if action.measure_id:
            continue
        measure = interventions.measure_create(
            actor=actor,
            case=case,
            what=action.what,
            responsible=action.organisation,
            due_date=action.due_on,
            source_kind=SOURCE_KIND,
            source_id=str(part.pk),
        )
        action.measure_id = str(measure.pk)
        action.save(update_fields=["measure_id"])
        measures.append(action.measure_id)
    if measures:
        changes["measures"] = measures
    return changes


@transaction.atomic
def part_apply(*, actor: User, part: ConferencePart) -> PartVersion:
    """Take the review date, scale and actions of frozen minutes into the case and its plan
    (the case's manager, when the one who froze them could not)."""
    require(actor, Action.CASE_MANAGE, part.case)
    version = _current(part, Step.CORRECT)  # only frozen minutes are taken in
    if version.applied_at is not None:
        raise Conflict(_("These minutes were already taken into the case."))
    _apply(actor, part, version)
    return version
