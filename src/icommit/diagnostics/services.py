"""Diagnostics rounds: open (inviting the team as it is then), remind, close; save and submit
one's own answers.

Invariant (confidentiality): a submitted answer set is stored with the respondent's group only
(security or not, sector); the draft that held it under a keyed hash of round and person is
deleted in the same transaction. The audit log records that a person took part, never which
answers are theirs; saving a draft is not audited, so no event times the answering. Who is
invited, in which group, and who counts towards the minimum is fixed when the round opens; a
round closes with results only when at least its minimum of counted invitees answered.
"""

from __future__ import annotations

import datetime
import secrets
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from icommit.access import Action, require
from icommit.access.roles import TeamRole
from icommit.accounts.models import User
from icommit.core import audit, crypto
from icommit.core.exceptions import Conflict, ValidationFailed
from icommit.core.outbox import mail_enqueue
from icommit.diagnostics.models import (
    PLAN_SOURCE_KIND,
    Draft,
    Grouping,
    OptionTally,
    Participation,
    Round,
    RoundResponse,
    StatementTally,
)
from icommit.instruments import services as instrument_services
from icommit.instruments.engine import item_score
from icommit.instruments.engine.definition import MIN_RESPONDENTS
from icommit.instruments.models import InstrumentVersion, Kind
from icommit.plans import services as plan_services
from icommit.plans.models import Goal, PlanAction
from icommit.plans.sources import SourceRef
from icommit.stakeholders.models import Organisation, OrganisationMembership
from icommit.teams.models import Team, TeamMembership

#: The longest a round may stay open.
MAX_OPEN_DAYS = 180
HOLDER_PURPOSE = "diagnostics.holder"
#: An invitee counts towards a round's minimum only if their organisation membership was
#: confirmed at least this many days before the round opened, by someone other than the person
#: who opens it (and other than themself): a puppet account added and confirmed on the spot
#: does not count, whoever controls its mailbox.
VOUCHED_DAYS = 14


def today() -> datetime.date:
    """The local date rounds close against (a seam for tests)."""
    return timezone.localdate()


def holder(round: Round, user: Any) -> str:
    """The keyed hash under which the user's draft in this round is kept."""
    return crypto.blind_index(f"{round.pk}:{user.pk}", HOLDER_PURPOSE)


def holders(round: Round, user: Any) -> list[str]:
    """The draft's hash under every configured master key (drafts survive key rotation)."""
    return crypto.blind_indexes(f"{round.pk}:{user.pk}", HOLDER_PURPOSE)


def audience_of(participation: Participation) -> str:
    """Which part of the instrument a participant answers: the security or non-security one."""
    return "security" if participation.is_security else "non_security"


def minimum_of(version: InstrumentVersion) -> int:
    """The fewest answer sets from counted invitees a round of this version has results from."""
    scoring = version.parsed.scoring
    wanted = scoring.min_respondents if scoring is not None else MIN_RESPONDENTS
    return max(MIN_RESPONDENTS, wanted)


@dataclass(frozen=True)
class Invitee:
    """A member a round opened now would invite, with their group and whether they count."""

    user: User
    organisation_id: int
    is_security: bool
    sector: str
    counted: bool
    is_state: bool = False


def invitees(*, team: Team, opener: User, at: datetime.datetime) -> list[Invitee]:
    """Everyone a round of the team opened by ``opener`` at ``at`` invites (observers excepted),
    each once, in one query."""
    vouched = OrganisationMembership.objects.active().filter(
        user_id=OuterRef("user_id"),
        organisation_id=OuterRef("organisation_id"),
        confirmed_at__lte=at - datetime.timedelta(days=VOUCHED_DAYS),
        confirmed_by__isnull=False,
    )
    # one condition per line: the opener's own confirmations and self-confirmations never count
    vouched = vouched.exclude(confirmed_by_id=opener.pk).exclude(confirmed_by_id=F("user_id"))
    memberships = (
        TeamMembership.objects.effective()
        .filter(team_id=team.pk)
        .exclude(role=TeamRole.OBSERVER)
        .annotate(vouched=Exists(vouched))
        .select_related("user", "organisation")
        .order_by("pk")
    )
    found: dict[int, Invitee] = {}
    for m in memberships:
        if m.user_id in found:
            continue
        found[m.user_id] = Invitee(
            user=m.user,
            organisation_id=m.organisation_id,
            is_security=m.organisation.is_security,
            sector=m.organisation.sector,
            counted=bool(m.vouched),  # type: ignore[attr-defined]  # annotated above
            is_state=m.organisation.is_state,
        )
    return list(found.values())


def too_few_message(counted: int, minimum: int) -> str:
    """Why a round cannot be opened: too few invitees count towards its minimum."""
    return _(
        "Only %(counted)s members of the team count towards this questionnaire's minimum of "
        "%(minimum)s answers, so a round could never show results. A member counts when "
        "someone other than you confirmed their organisation membership at least %(days)s "
        "days ago; observers are not invited."
    ) % {"counted": counted, "minimum": minimum, "days": VOUCHED_DAYS}


def _check_open(round: Round) -> None:
    if not round.is_open(today()):
        raise Conflict(_("This round is closed; answers can no longer be given."))


# --- the coordinator's side -----------------------------------------------------------------


@transaction.atomic
def round_open(
    *,
    actor: User,
    team: Team,
    version: InstrumentVersion,
    title: str,
    closes_on: datetime.date,
    grouping: str = Grouping.SECURITY,
) -> Round:
    """Open a diagnostics round in the team and invite its members (observers excepted).

    ``grouping``: which groups the results compare (``models.Grouping``), fixed now with
    everyone's group.

    The invitations are fixed now: who joins the team later is not invited, and a change of
    role or organisation flags later changes neither the list nor anyone's group. There is no
    inviting a chosen few: a round of the target and people who know their own answers would
    reveal the target's by subtraction, whatever rule the results follow.
    """
    require(actor, Action.DIAGNOSTICS_MANAGE, team)
    title = " ".join((title or "").split())  # line breaks would break the mail subject
    if not title:
        raise ValidationFailed.field("title", _("Give the round a title."))
    if len(title) > 200:
        raise ValidationFailed.field("title", _("Keep the title under 200 characters."))
    if version.instrument.kind != Kind.DIAGNOSTICS:
        raise ValidationFailed.field("version", _("Choose a team diagnostics instrument."))
    if grouping not in Grouping.values:
        raise ValidationFailed.field("grouping", _("Choose which groups to compare."))
    day = today()
    if closes_on < day:
        raise ValidationFailed.field("closes_on", _("The closing date cannot be in the past."))
    if closes_on > day + datetime.timedelta(days=MAX_OPEN_DAYS):
        raise ValidationFailed.field(
            "closes_on",
            _("A round can stay open for at most %(days)s days.") % {"days": MAX_OPEN_DAYS},
        )
    Team.objects.select_for_update().get(pk=team.pk)  # one opening at a time per team
    open_rounds = Round.objects.filter(team=team, closed_at__isnull=True)
    if any(r.is_open(day) for r in open_rounds):
        raise Conflict(_("The team already has an open round; close it first."))
    opened_at = timezone.now()
    minimum = minimum_of(version)
    people = invitees(team=team, opener=actor, at=opened_at)
    counted = sum(1 for p in people if p.counted)
    if counted < minimum:
        raise Conflict(too_few_message(counted, minimum))
    round = Round.objects.create(
        team=team,
        version=version,
        title=title,
        closes_on=closes_on,
        opened_by=actor,
        opened_at=opened_at,
        min_respondents=minimum,
        grouping=grouping,
    )
    audit.record(
        actor=actor,
        action="diagnostics.round.opened",
        obj=round,
        team_id=team.pk,
        changes={
            "title": title,
            "version": str(version),
            "closes_on": closes_on.isoformat(),
            "grouping": grouping,
        },
    )
    Participation.objects.bulk_create(
        [
            Participation(
                round=round,
                user_id=p.user.pk,
                organisation_id=p.organisation_id,
                is_security=p.is_security,
                sector=p.sector,
                is_state=p.is_state,
                counted=p.counted,
                invited_at=opened_at,
            )
            for p in people
        ]
    )
    _mail(round, [p.user for p in people], reminder=False)
    audit.record(
        actor=actor,
        action="diagnostics.round.invited",
        obj=round,
        team_id=team.pk,
        changes={"invited": sorted(p.user.pk for p in people), "counted": counted},
    )
    return round


def _message(round: Round, *, reminder: bool) -> tuple[str, str]:
    link = settings.BASE_URL + reverse(
        "diagnostics:respond", kwargs={"team_pk": round.team_id, "pk": round.pk}
    )
    values = {
        "title": round.title,
        "team": round.team.name,
        "date": date_format(round.closes_on, "DATE_FORMAT"),
        "link": link,
    }
    if reminder:
        subject = _("Reminder: team diagnostics %(title)s") % values
    else:
        subject = _("Team diagnostics: %(title)s") % values
    body = "\n\n".join(
        [
            _("Your team %(team)s asks every member how the collaboration works.") % values,
            _("Answering takes 10 to 15 minutes and works on a phone. Open it here:\n%(link)s")
            % values,
            _("The round closes at the end of %(date)s.") % values,
            _(
                "Your answers are confidential: they are stored without your name, and results "
                "are shown only for groups of at least %(minimum)s people."
            )
            % {"minimum": round.min_respondents},
        ]
    )
    return subject, body


def _mail(round: Round, people: list[User], *, reminder: bool) -> None:
    for person in people:
        with translation.override(person.language or settings.LANGUAGE_CODE):
            subject, body = _message(round, reminder=reminder)
        mail_enqueue(to=person.email, subject=subject, body=body)


@transaction.atomic
def round_remind(*, actor: User, round: Round) -> int:
    """Mail everyone invited who has not answered yet and is still a member of the team."""
    require(actor, Action.DIAGNOSTICS_MANAGE, round)
    _check_open(round)
    current = TeamMembership.objects.effective().filter(team_id=round.team_id)
    waiting = list(
        Participation.objects.filter(
            round=round, submitted=False, user_id__in=current.values("user_id")
        ).select_related("user")
    )
    people = [p.user for p in waiting if p.user.is_active]
    _mail(round, people, reminder=True)
    if people:
        audit.record(
            actor=actor,
            action="diagnostics.round.reminded",
            obj=round,
            team_id=round.team_id,
            changes={"reminded": len(people)},
        )
    return len(people)


Kept = tuple[bool, str, bool, dict[str, Any]]


def _option_counts(definition: Any, answers: dict[str, Any]) -> list[tuple[str, str]]:
    """(statement, option) pairs one answer set adds to the option tallies: every top-level
    choice item (likert, choice; "" when unanswered), each rating of a paired item, and the
    number of entries of a group item."""
    out: list[tuple[str, str]] = []
    for item in definition.items():
        value = answers.get(item.key)
        if item.type in ("likert", "choice"):
            out.append((item.key, "" if value in (None, "") else str(value)))
        elif item.type == "paired":
            current = value if isinstance(value, dict) else {}
            for pair in item.pairs:
                got = current.get(pair.key)
                out.append((f"{item.key}.{pair.key}", "" if got in (None, "") else str(got)))
        elif item.type == "group":
            entries = len(value) if isinstance(value, list) else 0
            out.append((f"{item.key}#entries", str(entries)))
    return out


def _tallies(round: Round, kept: list[Kept]) -> None:
    """Count, per group and statement, the answer sets with a real answer to it, and per
    statement and option the answer sets that chose it."""
    definition = round.version.parsed
    statements = [item for item in definition.items() if item.scored]
    counts: Counter[tuple[bool, str, bool, str]] = Counter()
    options: Counter[tuple[bool, str, bool, str, str]] = Counter()
    for is_security, sector, is_state, answers in kept:
        for item in statements:
            # "don't know" and gaps have no score, so they are no answer to count
            if item_score(definition, item, answers.get(item.key)) is not None:
                counts[(is_security, sector, is_state, item.key)] += 1
        for key, option in _option_counts(definition, answers):
            options[(is_security, sector, is_state, key, option)] += 1
    StatementTally.objects.bulk_create(
        [
            StatementTally(
                round=round, is_security=sec, sector=sector, is_state=state, item=key, answered=n
            )
            for (sec, sector, state, key), n in sorted(counts.items())
        ]
    )
    OptionTally.objects.bulk_create(
        [
            OptionTally(
                round=round,
                is_security=sec,
                sector=sector,
                is_state=state,
                item=key,
                option=option[:60],
                answered=n,
            )
            for (sec, sector, state, key, option), n in sorted(options.items())
        ]
    )


def _reshuffle(round: Round) -> None:
    """Write the round's answer sets again, in random order and under new keys, and count
    the real answers per group and statement for the results.

    Rows land in a table in the order they are written (SQLite's rowid, PostgreSQL's heap),
    and that order is the order of submission, which the participation events give per person.
    Rewriting them shuffled at closing leaves no order to read.
    """
    rows = list(RoundResponse.objects.filter(round=round))
    secrets.SystemRandom().shuffle(rows)
    RoundResponse.objects.filter(round=round).delete()
    fresh = instrument_services.responses_rewrite(ids=[r.response_id for r in rows])
    for r, response in zip(rows, fresh, strict=True):
        RoundResponse.objects.create(
            round=round,
            response=response,
            is_security=r.is_security,
            sector=r.sector,
            is_state=r.is_state,
        )
    _tallies(
        round,
        [
            (r.is_security, r.sector, r.is_state, dict(f.answers))
            for r, f in zip(rows, fresh, strict=True)
        ],
    )


def _discard(round: Round) -> None:
    """Delete the round's answer sets: before they are written again shuffled, or for good when
    the round closes without results (nothing may be computed from answers too few to show)."""
    old = list(RoundResponse.objects.filter(round=round).values_list("response_id", flat=True))
    RoundResponse.objects.filter(round=round).delete()
    instrument_services.responses_discard(ids=old)


def _close(round: Round, actor: User | None) -> None:
    counted = Participation.objects.filter(round=round, counted=True, submitted=True).count()
    has_results = counted >= round.min_respondents
    if has_results:
        _reshuffle(round)
    else:
        _discard(round)
    round.closed_at = timezone.now()
    round.closed_by = actor
    round.has_results = has_results
    round.save(update_fields=["closed_at", "closed_by", "has_results"])
    # unfinished drafts are the only answers still tied to a person: they go with the round
    Draft.objects.filter(round=round).delete()
    audit.record(
        actor=actor,
        action="diagnostics.round.closed",
        obj=round,
        team_id=round.team_id,
        changes={"by": "hand" if actor else "date", "results": has_results},
    )


def _surely_enough(round: Round) -> bool:
    """Whether the answers in guarantee the minimum, judged only from what the coordinator
    sees while the round is open (answers in, invitees who do not count).

    Judged from the counted invitees' answers themselves, a refusal would tell the coordinator
    whether an uncounted invitee has answered.
    """
    counts = Participation.objects.filter(round=round).aggregate(
        answered=Count("pk", filter=Q(submitted=True)),
        uncounted=Count("pk", filter=Q(counted=False)),
    )
    return counts["answered"] - counts["uncounted"] >= round.min_respondents


@transaction.atomic
def round_close(*, actor: User, round: Round) -> Round:
    """Close the round by hand, which needs enough answers for results; unfinished drafts
    are discarded."""
    require(actor, Action.DIAGNOSTICS_MANAGE, round)
    locked = Round.objects.select_for_update().get(pk=round.pk)
    if locked.closed_at is not None:
        raise Conflict(_("This round is already closed."))
    if not _surely_enough(locked):
        raise Conflict(
            _(
                "The round cannot be closed early: results need at least %(minimum)s answers "
                "from invitees who count, and the answers so far do not make that certain. "
                "It closes at the end of %(date)s; if too few have answered by then, it closes "
                "without results."
            )
            % {
                "minimum": locked.min_respondents,
                "date": date_format(locked.closes_on, "DATE_FORMAT"),
            }
        )
    _close(locked, actor)
    round.closed_at, round.closed_by = locked.closed_at, actor
    round.has_results = locked.has_results
    return round


def round_close_if_due(*, round: Round) -> Round:
    """Close a round whose closing date has passed but which the schedule has not closed yet."""
    if round.closed_at is not None or round.is_open(today()):
        return round
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round.pk)
        if locked.closed_at is None:
            _close(locked, None)
        round.closed_at, round.closed_by = locked.closed_at, locked.closed_by
        round.has_results = locked.has_results
    return round


def rounds_close_due(day: datetime.date | None = None) -> int:
    """Close every round whose closing date has passed (the scheduled task); return how many."""
    day = day or today()
    closed = 0
    for pk in Round.objects.filter(closed_at__isnull=True, closes_on__lt=day).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            round = Round.objects.select_for_update().get(pk=pk)
            if round.closed_at is None:
                _close(round, None)
                closed += 1
    return closed


# --- the respondent's side ------------------------------------------------------------------


def _participation(actor: User, round: Round) -> Participation:
    require(actor, Action.DIAGNOSTICS_RESPOND, round)
    # lock the round first (the order closing takes): an answer either lands before the round
    # closes, and is shuffled with the others, or is refused
    _check_open(Round.objects.select_for_update().get(pk=round.pk))
    participation = (
        Participation.objects.select_for_update()
        .select_related("organisation")
        .get(round=round, user=actor)
    )
    if participation.submitted:
        raise Conflict(_("You have already answered this round; answers cannot be changed."))
    return participation


def _checked(round: Round, answers: Any, audience: str, *, complete: bool) -> dict[str, Any]:
    return instrument_services.answers_check(
        version=round.version, answers=answers, audience=audience, complete=complete
    )


def draft_answers(*, actor: User, round: Round) -> dict[str, Any]:
    """The user's saved answers in the round ({} before the first save or after submitting)."""
    draft = Draft.objects.filter(round=round, holder__in=holders(round, actor)).first()
    return dict(draft.answers) if draft is not None else {}


@transaction.atomic
def response_save(*, actor: User, round: Round, answers: dict[str, Any]) -> dict[str, Any]:
    """Save the user's answers so far (merged into the draft); values are checked, gaps allowed."""
    participation = _participation(actor, round)
    draft = (
        Draft.objects.select_for_update()
        .filter(round=round, holder__in=holders(round, actor))
        .first()
    )
    merged = {**(dict(draft.answers) if draft else {}), **(answers or {})}
    merged = {k: v for k, v in merged.items() if v not in (None, "", [])}
    _checked(round, merged, audience_of(participation), complete=False)
    if draft is None:
        draft = Draft(round=round, holder=holder(round, actor))
    draft.holder = holder(round, actor)
    draft.answers = merged
    draft.save()
    return merged


@transaction.atomic
def response_submit(*, actor: User, round: Round, answers: dict[str, Any] | None = None) -> None:
    """Submit the user's answers: checked complete, scored, stored without the person."""
    participation = _participation(actor, round)
    audience = audience_of(participation)
    draft = Draft.objects.filter(round=round, holder__in=holders(round, actor)).first()
    merged = {**(dict(draft.answers) if draft else {}), **(answers or {})}
    merged = {k: v for k, v in merged.items() if v not in (None, "", [])}
    if not merged:
        raise ValidationFailed.field(
            "answers", _("Answer at least one statement before you submit.")
        )
    # checked complete, scored and stored with no owner: the answer set names no one
    response = instrument_services.response_store(
        version=round.version, answers=merged, audience=audience
    )
    RoundResponse.objects.create(
        round=round,
        response=response,
        is_security=participation.is_security,
        sector=participation.sector,
        is_state=participation.is_state,
    )
    if draft is not None:
        draft.delete()
    participation.submitted = True
    participation.save(update_fields=["submitted"])
    audit.record(
        actor=actor,
        action="diagnostics.round.participated",
        obj=round,
        team_id=round.team_id,
    )


# --- from a recommendation to the team's plan -----------------------------------------------


def _source(advice: Any) -> SourceRef:
    return SourceRef(kind=PLAN_SOURCE_KIND, id=advice.source_ref, label=advice.source_label)


@transaction.atomic
def recommendation_goal_create(
    *,
    actor: User,
    round: Round,
    advice: Any,
    title: str,
    description: str = "",
    target_date: datetime.date | None = None,
) -> Goal:
    """Turn a recommendation of the round's results into a team goal that links back to it."""
    require(actor, Action.DIAGNOSTICS_RESULTS, round)
    goal = plan_services.goal_create(
        actor=actor,
        team=round.team,
        title=title,
        description=description,
        why=advice.text,
        target_date=target_date,
        source=_source(advice),
    )
    _planned(actor, round, advice, goal=goal.pk)
    return goal


@transaction.atomic
def recommendation_action_create(
    *,
    actor: User,
    round: Round,
    advice: Any,
    goal: Goal,
    title: str,
    owner_organisation: Organisation | None = None,
    due_date: datetime.date | None = None,
) -> PlanAction:
    """Add an action for a recommendation under one of the team's goals, linked back to it."""
    require(actor, Action.DIAGNOSTICS_RESULTS, round)
    if goal.team_id != round.team_id:
        raise ValidationFailed.field("goal", _("Choose a goal of this team."))
    action = plan_services.action_create(
        actor=actor,
        goal=goal,
        title=title,
        owner_organisation=owner_organisation,
        due_date=due_date,
        source=_source(advice),
    )
    _planned(actor, round, advice, action=action.pk)
    return action


def _planned(actor: User, round: Round, advice: Any, **created: int) -> None:
    """Record on the round that a recommendation went into the plan (the audit trail only: the
    link itself is the plan's ``PlanLink``)."""
    audit.record(
        actor=actor,
        action="diagnostics.recommendation.planned",
        obj=round,
        team_id=round.team_id,
        changes={"recommendation": advice.source_ref, **created},
    )
