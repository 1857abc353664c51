"""Writes of assessments: the case-work phase, track entries, risk references, designating and
ending risk assessors, and erasing a client's entries.

Every function checks access (``require``) and records its audit event in the same transaction;
what is written about a client is encrypted with the client's key and audit details about a
case are sealed with it. Bad input raises ``ValidationFailed`` naming the field and changes
nothing. Track entries and risk references are shared items of the recording organisation: only
it reads them until it shares them through ``cases.services.item_share``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from icommit.access import Action, require
from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.assessments import content as assessments_content
from icommit.assessments.content import LEVELS, TRACKS
from icommit.assessments.models import (
    RISK_CATEGORY,
    TRACK_CATEGORY,
    PhaseEntry,
    RiskAssessor,
    RiskReference,
    TrackEntry,
)
from icommit.assessments.policies import assessor_org_ids
from icommit.cases.models import Case, CaseParticipant, Client
from icommit.cases.services import ensure_not_restricted, opened
from icommit.core import audit
from icommit.core.exceptions import Conflict, ValidationFailed
from icommit.core.text import SHORT, TITLE
from icommit.core.text import clean as clean_text
from icommit.stakeholders.models import Organisation, OrganisationMembership

#: How far ahead a date may lie (a typo like 2062 for 2026 is refused).
MAX_FUTURE_DAYS = 3 * 366


def _now() -> datetime.datetime:
    return timezone.now()


def _text(value: str, field: str, *, required: bool = True, max_length: int = TITLE) -> str:
    value = clean_text((value or "").strip(), field=field, max_length=max_length)
    if required and not value:
        raise ValidationFailed.field(field, _("This field is required."))
    return value


def _past_date(value: datetime.date | None, field: str) -> datetime.date:
    if value is None:
        raise ValidationFailed.field(field, _("Enter a date."))
    if value > timezone.localdate():
        raise ValidationFailed.field(field, _("This date lies in the future."))
    return value


def _record(actor: User | None, action: str, case: Case, **changes: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=case,
        team_id=case.team_id,
        changes=changes,
        subject=case.client.subject_key_id,
    )


def _participating(case: Case, organisation: Organisation | None, mine: set[int]) -> Organisation:
    """The organisation, if the actor may record for it and it takes part in the case."""
    if organisation is None or organisation.pk not in mine:
        raise ValidationFailed.field("organisation", _("Choose an organisation you belong to."))
    if not CaseParticipant.objects.filter(
        case=case, organisation=organisation, left_at__isnull=True
    ).exists():
        raise ValidationFailed.field(
            "organisation", _("This organisation does not take part in the case.")
        )
    return organisation


# --- the case-work phase ------------------------------------------------------------------------


@transaction.atomic
def phase_record(
    *, actor: User, case: Case, phase: str, since: datetime.date | None, note: str = ""
) -> PhaseEntry:
    """Record the case-work phase the case is in now (the case's manager in the lead); the entry
    and its note are the lead organisation's."""
    require(actor, Action.ASSESSMENT_PHASE, case)
    ensure_not_restricted(case)
    if case.lead_organisation_id is None:
        raise Conflict(_("The case has no lead organisation yet."))
    if assessments_content.content().phase(phase) is None:
        raise ValidationFailed.field("phase", _("Choose one of the options offered."))
    entry = PhaseEntry(
        case=case,
        origin_organisation_id=case.lead_organisation_id,
        phase=phase,
        since=_past_date(since, "since"),
        recorded_by=actor,
    )
    entry.note = _text(note, "note", required=False, max_length=SHORT)
    entry.save()
    _record(
        actor,
        "assessments.phase_recorded",
        case,
        entry=str(entry.pk),
        phase=phase,
        organisation=case.lead_organisation_id,
    )
    return entry


# --- the two tracks ---


@transaction.atomic
def track_record(
    *,
    actor: User,
    case: Case,
    organisation: Organisation | None,
    track: str,
    stage: str,
    on: datetime.date | None,
    rationale: str,
) -> TrackEntry:
    """Record your organisation's reading of one track at a date: only it reads the entry until
    it shares it."""
    require(actor, Action.ASSESSMENT_RECORD_TRACK, case)
    ensure_not_restricted(case)
    organisation = _participating(case, organisation, set(facts_for(actor).org_ids))
    if track not in TRACKS:
        raise ValidationFailed.field("track", _("Choose one of the options offered."))
    if assessments_content.content().tracks[track].stage(stage) is None:
        raise ValidationFailed.field("stage", _("Choose a stage of this track."))
    entry = TrackEntry(
        team=case.team,
        origin_organisation=organisation,
        category=TRACK_CATEGORY[track],
        case=case,
        track=track,
        stage=stage,
        on=_past_date(on, "on"),
        recorded_by=actor,
    )
    entry.rationale = _text(rationale, "rationale", max_length=SHORT)
    entry.save()
    _record(
        actor,
        "assessments.track_recorded",
        case,
        entry=str(entry.pk),
        organisation=organisation.pk,
        track=track,
        stage=stage,
    )
    return entry


# --- risk-assessment references -------------------------------------------------------------------


@transaction.atomic
def risk_record(
    *,
    actor: User,
    case: Case,
    organisation: Organisation | None,
    instrument: str,
    assessed_on: datetime.date | None,
    level: str,
    summary: str,
    next_review: datetime.date | None,
) -> RiskReference:
    """Record a reference to an assessment your organisation made (designated assessors only)."""
    require(actor, Action.ASSESSMENT_RECORD_RISK, case)
    ensure_not_restricted(case)
    if organisation is None or organisation.pk not in assessor_org_ids(facts_for(actor)):
        raise ValidationFailed.field(
            "organisation", _("Choose an organisation that designated you as a risk assessor.")
        )
    organisation = _participating(case, organisation, {organisation.pk})
    instrument = _text(instrument, "instrument")
    if level not in LEVELS:
        raise ValidationFailed.field("level", _("Choose one of the options offered."))
    assessed_on = _past_date(assessed_on, "assessed_on")
    if next_review is None:
        raise ValidationFailed.field("next_review", _("Enter a date."))
    if next_review <= assessed_on:
        raise ValidationFailed.field(
            "next_review", _("The next review must come after the assessment.")
        )
    if next_review > timezone.localdate() + datetime.timedelta(days=MAX_FUTURE_DAYS):
        raise ValidationFailed.field("next_review", _("This date lies too far ahead."))
    reference = RiskReference(
        team=case.team,
        origin_organisation=organisation,
        category=RISK_CATEGORY,
        case=case,
        assessed_on=assessed_on,
        next_review=next_review,
        recorded_by=actor,
    )
    reference.instrument = instrument
    reference.level = level
    reference.summary = _text(summary, "summary", max_length=SHORT)
    reference.save()
    _record(
        actor,
        "assessments.risk_recorded",
        case,
        reference=str(reference.pk),
        organisation=organisation.pk,
        instrument=instrument,
        level=level,
    )
    return reference


@transaction.atomic
def risk_opened(*, user: User, case: Case, reference: RiskReference) -> None:
    """Write that the user opened a risk reference (the access log and the audit chain)."""
    opened(user=user, case=case, what="risk", item_id=reference.pk)
    _record(user, "assessments.risk_opened", case, reference=str(reference.pk))


# --- designating risk assessors ---


def _administered(actor: User, organisation: Organisation | None) -> Organisation:
    require(actor, Action.ASSESSMENT_DESIGNATE)
    if organisation is None or organisation.pk not in facts_for(actor).org_admin_ids:
        raise ValidationFailed.field("organisation", _("Choose an organisation you administer."))
    return organisation


@transaction.atomic
def assessor_designate(
    *, actor: User, organisation: Organisation | None, user: User | None
) -> RiskAssessor:
    """Designate a confirmed member of your organisation as a risk assessor."""
    organisation = _administered(actor, organisation)
    if (
        user is None
        or not OrganisationMembership.objects.filter(
            organisation=organisation,
            user=user,
            confirmed_at__isnull=False,
            ended_at__isnull=True,
        ).exists()
    ):
        raise ValidationFailed.field("user", _("Choose a confirmed member of the organisation."))
    if RiskAssessor.objects.filter(
        organisation=organisation, user=user, ended_at__isnull=True
    ).exists():
        raise Conflict(_("This person is a risk assessor of the organisation already."))
    try:
        with transaction.atomic():
            assessor = RiskAssessor.objects.create(
                organisation=organisation, user=user, designated_by=actor
            )
    except IntegrityError:
        raise Conflict(_("This person is a risk assessor of the organisation already.")) from None
    audit.record(
        actor=actor,
        action="assessments.assessor_designated",
        obj=organisation,
        changes={"user": user.pk, "assessor": assessor.pk},
    )
    return assessor


@transaction.atomic
def assessor_end(*, actor: User, assessor: RiskAssessor) -> RiskAssessor:
    """End a designation: from now on the person records no risk reference for the organisation."""
    _administered(actor, assessor.organisation)
    if assessor.ended_at is not None:
        raise Conflict(_("This designation has ended already."))
    assessor.ended_at, assessor.ended_by = _now(), actor
    assessor.save(update_fields=["ended_at", "ended_by"])
    audit.record(
        actor=actor,
        action="assessments.assessor_ended",
        obj=assessor.organisation,
        changes={"user": assessor.user_id, "assessor": assessor.pk},
    )
    return assessor


# --- erasure (dataprotection registry) ---


@transaction.atomic
def client_erase(client: Client, actor: User | None) -> dict[str, int]:
    """Delete every phase entry, track entry and risk reference of the client's cases."""
    cases = Case.objects.filter(client=client)
    counts = {
        "phase_entries": PhaseEntry.objects.filter(case__in=cases).delete()[0],
        "track_entries": TrackEntry.objects.filter(case__in=cases)
        .delete()[1]
        .get("assessments.TrackEntry", 0),
        "risk_references": RiskReference.objects.filter(case__in=cases)
        .delete()[1]
        .get("assessments.RiskReference", 0),
    }
    return counts
