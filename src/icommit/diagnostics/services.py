"""Diagnostics rounds: open, invite, remind, close; save and submit one's own answers.

Invariant (confidentiality): a submitted answer set is stored with the respondent's group only
(security or not, sector); the draft that held it under a keyed hash of round and person is
deleted in the same transaction. The audit log records that a person took part, never which
answers are theirs; saving a draft is not audited, so no event times the answering.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
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
from icommit.diagnostics.models import Draft, Participation, Round, RoundResponse
from icommit.instruments.models import InstrumentVersion, Kind, Response, ResponseScore
from icommit.teams.models import Team, TeamMembership

#: The longest a round may stay open.
MAX_OPEN_DAYS = 180
HOLDER_PURPOSE = "diagnostics.holder"


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
    return "security" if participation.organisation.is_security else "non_security"


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
    invite: bool = True,
) -> Round:
    """Open a diagnostics round in the team and, by default, invite its members."""
    require(actor, Action.DIAGNOSTICS_MANAGE, team)
    title = " ".join((title or "").split())  # line breaks would break the mail subject
    if not title:
        raise ValidationFailed.field("title", _("Give the round a title."))
    if len(title) > 200:
        raise ValidationFailed.field("title", _("Keep the title under 200 characters."))
    if version.instrument.kind != Kind.DIAGNOSTICS:
        raise ValidationFailed.field("version", _("Choose a team diagnostics instrument."))
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
    round = Round.objects.create(
        team=team, version=version, title=title, closes_on=closes_on, opened_by=actor
    )
    audit.record(
        actor=actor,
        action="diagnostics.round.opened",
        obj=round,
        team_id=team.pk,
        changes={"title": title, "version": str(version), "closes_on": closes_on.isoformat()},
    )
    if invite:
        round_invite(actor=actor, round=round)
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
                "are shown only for groups of at least three people."
            ),
        ]
    )
    return subject, body


def _mail(round: Round, people: list[User], *, reminder: bool) -> None:
    for person in people:
        with translation.override(person.language or settings.LANGUAGE_CODE):
            subject, body = _message(round, reminder=reminder)
        mail_enqueue(to=person.email, subject=subject, body=body)


@transaction.atomic
def round_invite(*, actor: User, round: Round) -> int:
    """Invite every member of the team (observers excepted) who is not invited yet.

    There is no inviting a chosen few: a round of the target and two people who know their own
    answers would reveal the target's by subtraction, whatever the group rule on the results.
    """
    require(actor, Action.DIAGNOSTICS_MANAGE, round)
    _check_open(round)
    memberships = (
        TeamMembership.objects.effective()
        .filter(team_id=round.team_id)
        .exclude(role=TeamRole.OBSERVER)
        .select_related("user")
        .order_by("pk")
    )
    invited = set(Participation.objects.filter(round=round).values_list("user_id", flat=True))
    new: dict[int, TeamMembership] = {}
    for membership in memberships:
        if membership.user_id not in invited and membership.user_id not in new:
            new[membership.user_id] = membership
    Participation.objects.bulk_create(
        [
            Participation(round=round, user_id=m.user_id, organisation_id=m.organisation_id)
            for m in new.values()
        ]
    )
    people = [m.user for m in new.values()]
    _mail(round, people, reminder=False)
    if people:
        audit.record(
            actor=actor,
            action="diagnostics.round.invited",
            obj=round,
            team_id=round.team_id,
            changes={"invited": sorted(new)},
        )
    return len(people)


@transaction.atomic
def round_remind(*, actor: User, round: Round) -> int:
    """Mail everyone invited who has not answered yet."""
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


def _reshuffle(round: Round) -> None:
    """Write the round's answer sets again, in random order and under new keys.

    Rows land in a table in the order they are written (SQLite's rowid, PostgreSQL's heap),
    and that order is the order of submission, which the participation events give per person.
    Rewriting them shuffled at closing leaves no order to read.
    """
    rows = list(
        RoundResponse.objects.filter(round=round)
        .select_related("response")
        .prefetch_related("response__scores")
    )
    secrets.SystemRandom().shuffle(rows)
    kept = [
        (
            r.is_security,
            r.sector,
            r.response.version_id,
            dict(r.response.answers),
            [(s.domain, s.score) for s in r.response.scores.all()],
        )
        for r in rows
    ]
    old = [r.response_id for r in rows]
    RoundResponse.objects.filter(round=round).delete()
    ResponseScore.objects.filter(response_id__in=old).delete()
    Response.objects.filter(pk__in=old).delete()
    for is_security, sector, version_id, answers, scores in kept:
        response = Response.objects.create(version_id=version_id, answers=answers, submitted=True)
        ResponseScore.objects.bulk_create(
            [ResponseScore(response=response, domain=d, score=v) for d, v in scores]
        )
        RoundResponse.objects.create(
            round=round, response=response, is_security=is_security, sector=sector
        )


def _close(round: Round, actor: User | None) -> None:
    _reshuffle(round)
    round.closed_at = timezone.now()
    round.closed_by = actor
    round.save(update_fields=["closed_at", "closed_by"])
    # unfinished drafts are the only answers still tied to a person: they go with the round
    Draft.objects.filter(round=round).delete()
    audit.record(
        actor=actor,
        action="diagnostics.round.closed",
        obj=round,
        team_id=round.team_id,
        changes={"by": "hand" if actor else "date"},
    )


@transaction.atomic
def round_close(*, actor: User, round: Round) -> Round:
    """Close the round by hand; unfinished drafts are discarded."""
    require(actor, Action.DIAGNOSTICS_MANAGE, round)
    locked = Round.objects.select_for_update().get(pk=round.pk)
    if locked.closed_at is not None:
        raise Conflict(_("This round is already closed."))
    _close(locked, actor)
    round.closed_at, round.closed_by = locked.closed_at, actor
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
    from icommit.instruments.engine import AnswerError, check_answers

    if not isinstance(answers, dict):
        raise ValidationFailed.field("answers", _("Answers must map item keys to values."))
    try:
        check_answers(round.version.parsed, answers, audience=audience, complete=complete)
    except AnswerError as exc:
        details: dict[str, list[str]] = {}
        for problem in exc.problems:
            details.setdefault(problem.field or "answers", []).append(problem.message)
        raise ValidationFailed(
            _("Some answers are missing or not valid."), details=details
        ) from None
    return answers


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
    from icommit.instruments.engine import score

    participation = _participation(actor, round)
    audience = audience_of(participation)
    draft = Draft.objects.filter(round=round, holder__in=holders(round, actor)).first()
    merged = {**(dict(draft.answers) if draft else {}), **(answers or {})}
    merged = {k: v for k, v in merged.items() if v not in (None, "", [])}
    if not merged:
        raise ValidationFailed.field(
            "answers", _("Answer at least one statement before you submit.")
        )
    _checked(round, merged, audience, complete=True)
    result = score(round.version.parsed, merged, audience=audience)
    response = Response.objects.create(version=round.version, answers=merged, submitted=True)
    ResponseScore.objects.bulk_create(
        [
            ResponseScore(response=response, domain=key, score=d.score)
            for key, d in result.domains.items()
            if d.status == "scored" and d.score is not None
        ]
    )
    RoundResponse.objects.create(
        round=round,
        response=response,
        is_security=participation.organisation.is_security,
        sector=participation.organisation.sector,
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


@transaction.atomic
def recommendation_goal_create(
    *,
    actor: User,
    round: Round,
    advice: Any,
    title: str,
    description: str = "",
    target_date: datetime.date | None = None,
) -> Any:
    """Turn a recommendation of the round's results into a team goal that links back to it."""
    from icommit.plans import services as plans
    from icommit.plans.models import SourceKind

    require(actor, Action.DIAGNOSTICS_RESULTS, round)
    goal = plans.goal_create(
        actor=actor,
        team=round.team,
        title=title,
        description=description,
        why=advice.text,
        target_date=target_date,
        source_kind=SourceKind.RECOMMENDATION,
        source_ref=advice.source_ref,
        source_label=advice.source_label,
    )
    _planned(actor, round, advice, goal=goal.pk)
    return goal


@transaction.atomic
def recommendation_action_create(
    *,
    actor: User,
    round: Round,
    advice: Any,
    goal: Any,
    title: str,
    owner_organisation: Any = None,
    due_date: datetime.date | None = None,
) -> Any:
    """Add an action for a recommendation under one of the team's goals, linked back to it."""
    from icommit.plans import services as plans
    from icommit.plans.models import SourceKind

    require(actor, Action.DIAGNOSTICS_RESULTS, round)
    if goal.team_id != round.team_id:
        raise ValidationFailed.field("goal", _("Choose a goal of this team."))
    action = plans.action_create(
        actor=actor,
        goal=goal,
        title=title,
        owner_organisation=owner_organisation,
        due_date=due_date,
        source_kind=SourceKind.RECOMMENDATION,
        source_ref=advice.source_ref,
        source_label=advice.source_label,
    )
    _planned(actor, round, advice, action=action.pk)
    return action


def _planned(actor: User, round: Round, advice: Any, **created: int) -> None:
    """Record on the round that a recommendation went into the plan (the plan records the rest)."""
    audit.record(
        actor=actor,
        action="diagnostics.recommendation.planned",
        obj=round,
        team_id=round.team_id,
        changes={"recommendation": advice.source_ref, **created},
    )
