"""Reads of assessments. Track entries and risk references are read only through the sharing
kernel (``sharing.items.visible_items``), so a viewer sees only what their organisation recorded
or received; the case-work phase is read by everyone taking part in the case.

Invariant: the two tracks are read and shown apart; nothing here combines their stages. Query
counts do not grow with the number of entries (tests/assessments/test_queries.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.assessments.content import TRACKS, AssessmentsContent, content
from icommit.assessments.models import PhaseEntry, RiskAssessor, RiskReference, TrackEntry
from icommit.cases.models import Case
from icommit.cases.selectors import TimelineEntry, case_item_get
from icommit.core.exceptions import NotFound
from icommit.sharing.items import visible_items
from icommit.stakeholders.models import Organisation, OrganisationMembership
from icommit.teams.models import Team


def _lang() -> str:
    return get_language() or "en"


def member_organisation(*, user: User, pk: int) -> Organisation | None:
    """One of the user's organisations, or None (whether it may record here the service
    decides)."""
    if pk not in facts_for(user).org_ids:
        return None
    return Organisation.objects.filter(pk=pk).first()


def phase_history(*, user: User, case: Case) -> list[PhaseEntry]:
    """The case-work phases of the case, oldest first (the last is the current one).

    Each entry's ``shown_note`` is its free-text note for members of the organisation that wrote
    it (the lead at the time), and empty for everyone else: other organisations (security actors
    included, and a later lead) see the phase, its date and who recorded it only (security review
    S5)."""
    entries = list(
        PhaseEntry.objects.filter(case=case)
        .select_related("recorded_by", "origin_organisation", "case__client")
        .order_by("recorded_at", "pk")
    )
    mine = set(facts_for(user).org_ids)
    for entry in entries:
        writer = entry.origin_organisation_id in mine
        entry.shown_note = (entry.note or "") if writer else ""  # type: ignore[attr-defined]
    return entries


def track_entries(*, user: User, case: Case) -> QuerySet[TrackEntry]:
    """The track entries of the case the user's organisation recorded or received."""
    return visible_items(
        user,
        TrackEntry.objects.filter(case=case).select_related("origin_organisation", "case__client"),
    ).order_by("on", "recorded_at", "pk")


@dataclass
class TrackView:
    """One track as a viewer sees it: its history and the latest stage per organisation."""

    code: str
    title: str
    about: str
    entries: list[TrackEntry] = field(default_factory=list)
    #: organisation name -> its latest entry of this track
    current: list[tuple[str, TrackEntry]] = field(default_factory=list)


def tracks_for(*, user: User, case: Case) -> list[TrackView]:
    """Each track apart, with the entries the user may see and the current stage per recording
    organisation (one query for both tracks)."""
    lang = _lang()
    data = content()
    views = {
        code: TrackView(
            code,
            data.tracks[code].title.get(lang) or data.tracks[code].title["en"],
            data.tracks[code].about.get(lang) or data.tracks[code].about["en"],
        )
        for code in TRACKS
    }
    latest: dict[tuple[str, int], TrackEntry] = {}
    for entry in track_entries(user=user, case=case):
        if entry.track not in views:
            continue
        stage = data.tracks[entry.track].stage(entry.stage)
        entry.stage_title = stage.title_in(lang) if stage else entry.stage  # type: ignore[attr-defined]
        views[entry.track].entries.append(entry)
        latest[(entry.track, entry.origin_organisation_id)] = entry  # ordered by date
    for (track, _org), entry in latest.items():
        views[track].current.append((entry.origin_organisation.name, entry))
    for view in views.values():
        view.current.sort(key=lambda pair: pair[0])
        view.entries.reverse()  # newest first in the history
    return list(views.values())


def risk_references(*, user: User, case: Case) -> QuerySet[RiskReference]:
    """The risk references of the case the user's organisation recorded or received."""
    return visible_items(
        user,
        RiskReference.objects.filter(case=case).select_related(
            "origin_organisation", "case__client"
        ),
    ).order_by("-assessed_on", "-recorded_at", "pk")


def risk_get(*, user: User, case: Case, pk: Any) -> RiskReference:
    """One risk reference of the case the user may read; 404 otherwise."""
    found: RiskReference = case_item_get(user=user, case=case, kind="risk", pk=pk)
    return found


def decorate_risks(references: list[RiskReference]) -> list[RiskReference]:
    """Add the level's title and whether the review is overdue (no query)."""
    lang, data, today = _lang(), content(), timezone.localdate()
    for ref in references:
        level = data.level(ref.level)
        ref.level_title = level.title_in(lang) if level else ref.level  # type: ignore[attr-defined]
        ref.review_overdue = ref.next_review < today  # type: ignore[attr-defined]
    return references


def overdue_reviews(*, user: User, case: Case) -> list[RiskReference]:
    """Your organisation's latest reference per organisation whose next review has passed."""
    orgs = facts_for(user).org_ids
    latest: dict[int, RiskReference] = {}
    for ref in risk_references(user=user, case=case).filter(origin_organisation_id__in=orgs):
        latest.setdefault(ref.origin_organisation_id, ref)  # newest first
    today = timezone.localdate()
    return decorate_risks([r for r in latest.values() if r.next_review < today])


def texts(data: AssessmentsContent | None = None) -> dict[str, Any]:
    """The content texts of the pages, in the reader's language."""
    data, lang = data or content(), _lang()

    def t(text: dict[str, str]) -> str:
        return text.get(lang) or text.get("en", "")

    return {
        "separate": t(data.separate),
        "unclear_note": t(data.unclear_note),
        "bias_warning": t(data.bias_warning),
        "reference_only": t(data.reference_only),
        "instruments_note": t(data.instruments_note),
        "summary_should": t(data.summary_should),
        "summary_should_not": t(data.summary_should_not),
        "instruments": [(i.name, t(i.about)) for i in data.instruments],
        "levels": [(lv.code, lv.title_in(lang), lv.description_in(lang)) for lv in data.levels],
        "phases": [(p.code, p.title_in(lang), p.description_in(lang)) for p in data.phases],
    }


def phase_title(code: str) -> str:
    phase = content().phase(code)
    return phase.title_in(_lang()) if phase else code


# --- risk assessors ---


@dataclass
class OrganisationAssessors:
    organisation: Organisation
    assessors: list[RiskAssessor]
    #: confirmed members not designated now
    candidates: list[User]


def assessors_for(*, user: User) -> list[OrganisationAssessors]:
    """The organisations the user administers, with their assessors in effect and the members
    who could be designated (three queries)."""
    admin_of = facts_for(user).org_admin_ids
    organisations = list(Organisation.objects.filter(pk__in=admin_of).order_by("name"))
    designated = list(
        RiskAssessor.objects.filter(organisation_id__in=admin_of, ended_at__isnull=True)
        .select_related("user", "designated_by")
        .order_by("designated_at", "pk")
    )
    members = (
        OrganisationMembership.objects.filter(
            organisation_id__in=admin_of, confirmed_at__isnull=False, ended_at__isnull=True
        )
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    taken = {(a.organisation_id, a.user_id) for a in designated}
    result = []
    for org in organisations:
        result.append(
            OrganisationAssessors(
                org,
                [a for a in designated if a.organisation_id == org.pk],
                [
                    m.user
                    for m in members
                    if m.organisation_id == org.pk and (org.pk, m.user_id) not in taken
                ],
            )
        )
    return result


def team_for_assessors(*, user: User, pk: int) -> Team:
    """The team whose page the designation is reached from (it shows no team data); 404 unless
    one of the user's organisations takes part in it now (security review S9: no answer that
    tells a team exists)."""
    team = (
        Team.objects.filter(
            pk=pk,
            participations__ended_at__isnull=True,
            participations__organisation_id__in=set(facts_for(user).org_ids),
        )
        .distinct()
        .first()
    )
    if team is None:
        raise NotFound()
    return team


def administered_organisation(*, user: User, pk: int) -> Organisation | None:
    """An organisation the user administers, or None."""
    if pk not in facts_for(user).org_admin_ids:
        return None
    return Organisation.objects.filter(pk=pk).first()


def confirmed_member(*, organisation: Organisation | None, pk: int) -> User | None:
    """A confirmed, current member of the organisation, or None."""
    if organisation is None:
        return None
    found = (
        OrganisationMembership.objects.filter(
            organisation=organisation,
            user_id=pk,
            confirmed_at__isnull=False,
            ended_at__isnull=True,
        )
        .select_related("user")
        .first()
    )
    return found.user if found is not None else None


def assessor_get(*, user: User, pk: Any) -> RiskAssessor:
    """A designation in effect of an organisation the user administers; 404 otherwise."""
    found = (
        RiskAssessor.objects.filter(
            pk=pk, organisation_id__in=facts_for(user).org_admin_ids, ended_at__isnull=True
        )
        .select_related("organisation", "user")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


# --- the case timeline ---


def timeline(*, user: User, case: Case) -> list[TimelineEntry]:
    """Phase changes, and the track entries and risk references the user may see."""
    lang, data = _lang(), content()
    entries = [
        TimelineEntry(
            at=e.recorded_at,
            kind="assessments.phase",
            obj=_("Case-work phase"),
            summary=phase_title(e.phase),
        )
        for e in phase_history(user=user, case=case)
    ]
    page = reverse("assessments:tracks", args=[case.team_id, case.pk])
    for entry in track_entries(user=user, case=case):
        track = data.tracks.get(entry.track)
        stage = track.stage(entry.stage) if track else None
        entries.append(
            TimelineEntry(
                at=entry.recorded_at,
                kind="assessments.track",
                obj=track.title.get(lang, track.title["en"]) if track else entry.track,
                summary=stage.title_in(lang) if stage else entry.stage,
                url=page,
                organisation=entry.origin_organisation.name,
            )
        )
    for ref in risk_references(user=user, case=case):
        entries.append(
            TimelineEntry(
                at=ref.recorded_at,
                kind="assessments.risk",
                obj=_("Risk-assessment reference"),
                summary=_("Assessment of %(date)s") % {"date": ref.assessed_on.isoformat()},
                url=reverse("assessments:risk", args=[case.team_id, case.pk, ref.pk]),
                organisation=ref.origin_organisation.name,
            )
        )
    return entries


def today() -> datetime.date:
    return timezone.localdate()


def track_title(code: str) -> str:
    track = content().tracks.get(code)
    return track.title.get(_lang()) or track.title["en"] if track else code
