"""Demo diagnostics of Demo City MSC: two closed rounds and one open round, answered through
the services as members would answer them.

The answers are drawn around a level per dimension and group, so the results show what a real
team sees: resources in the lowest band in both rounds (a gap), security and non-security
members far apart on information sharing (a divergence), and roles and purpose better in the
second round than in the first (a change). Each closed round has at least six security and six
non-security respondents, so both sides clear the minimum of five (decision 0009); the members'
organisation memberships are dated back to long before the first round, so they all count.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from icommit.accounts.models import User
from icommit.diagnostics import services
from icommit.diagnostics.models import Participation, Round
from icommit.instruments.models import InstrumentVersion
from icommit.stakeholders.models import Organisation, OrganisationMembership
from icommit.teams.models import Team

#: Level (1–5) per dimension: (security members, non-security members), per round.
FIRST = {
    "purpose": (3.4, 3.0),
    "roles": (2.6, 2.4),
    "process": (3.2, 2.9),
    "communication": (3.3, 3.0),
    "sharing": (4.2, 2.3),
    "trust": (3.5, 2.9),
    "leadership": (3.6, 3.4),
    "resources": (2.0, 1.9),
    "inclusion": (3.6, 2.6),
    "client": (3.0, 3.7),
    "learning": (2.9, 3.0),
}
SECOND = {
    **FIRST,
    "purpose": (4.1, 3.9),
    "roles": (3.8, 3.6),
    "process": (3.5, 3.3),
    "sharing": (4.3, 2.6),
    "resources": (2.1, 1.9),
    "inclusion": (3.7, 3.1),
}
#: The non-security part: role clarity, legal certainty, being heard, resources, training.
NON_SECURITY_PART = {
    "ns_role_clarity": 3.4,
    "ns_legal_certainty": 2.2,
    "ns_heard": 3.0,
    "ns_resources": 2.0,
    "ns_training": 2.4,
}


def answers_for(definition: Any, *, security: bool, levels: dict[str, Any], seed: int) -> dict:
    """Answers around the given levels, reverse-worded statements answered the other way;
    questions counted rather than scored (events, facts) get one of their options."""
    rng = random.Random(seed)  # noqa: S311 (made-up demo answers, nothing secret)
    answers: dict[str, Any] = {}
    audience = "security" if security else "non_security"
    for section in definition.sections:
        if section.audience not in ("all", audience):
            continue
        for item in section.items:
            if item.counts and item.scale in definition.scales:
                # events and facts: mostly the first real options, now and then another
                choices = [c.value for c in definition.scales[item.scale].choices]
                weights = [4, 2, 1, 1][: len(choices)]
                answers[item.key] = rng.choices(choices, weights=weights)[0]
                continue
            if item.type != "likert" or not item.domain:
                continue
            if rng.random() < 0.05:
                answers[item.key] = "dont_know"
                continue
            level = levels.get(item.domain, NON_SECURITY_PART.get(item.domain, 3.0))
            if isinstance(level, tuple):
                level = level[0] if security else level[1]
            value = min(5, max(1, round(level + rng.uniform(-0.9, 0.9))))
            answers[item.key] = 6 - value if item.reverse else value
    return answers


def _run_round(
    *,
    team: Team,
    coordinator: User,
    version: InstrumentVersion,
    title: str,
    opened: datetime.datetime,
    closes_on: datetime.date,
    levels: dict[str, Any],
    answering: list[User],
    close: bool,
    drafting: list[User] = (),  # type: ignore[assignment]  # a read-only default
    seed: int,
) -> Round:
    with transaction.atomic():
        round = services.round_open(
            actor=coordinator,
            team=team,
            version=version,
            title=title,
            closes_on=max(closes_on, services.today()),
        )
    definition = version.parsed
    for n, person in enumerate(answering):
        participation = Participation.objects.select_related("organisation").get(
            round=round, user=person
        )
        answers = answers_for(
            definition,
            security=participation.organisation.is_security,
            levels=levels,
            seed=seed * 100 + n,
        )
        services.response_submit(actor=person, round=round, answers=answers)
    for n, person in enumerate(drafting):
        answers = answers_for(definition, security=False, levels=levels, seed=seed * 100 + 50 + n)
        partial = dict(list(answers.items())[:12])
        services.response_save(actor=person, round=round, answers=partial)
    if close:
        services.round_close(actor=coordinator, round=round)
    Round.objects.filter(pk=round.pk).update(
        opened_at=opened,
        closes_on=closes_on,
        closed_at=(
            timezone.make_aware(datetime.datetime.combine(closes_on, datetime.time(17)))
            if close
            else None
        ),
    )
    Participation.objects.filter(round=round).update(invited_at=opened)
    round.refresh_from_db()
    return round


def build(
    *, team: Team, orgs: dict[str, Organisation], users: dict[str, User], second_team: Team
) -> None:
    version = (
        InstrumentVersion.objects.filter(instrument__key="msc-diagnostics")
        .order_by("-number")
        .first()
    )
    if version is None:
        return
    coordinator = users["coordinator@example.org"]
    today = timezone.localdate()
    now = timezone.now()
    # Demo City's organisations had their members long before the first round: a member counts
    # towards a round's minimum only if their membership was confirmed 14 days before it opened
    OrganisationMembership.objects.filter(
        organisation__in=orgs.values(), confirmed_at__isnull=False
    ).update(confirmed_at=now - datetime.timedelta(days=730))
    everyone = [
        users[e]
        for e in (
            "coordinator@example.org",
            "casemanager@example.org",
            "socialworker@example.org",
            "police@example.org",
            "probation@example.org",
            "teacher@example.org",
            "youth@example.org",
            "employment@example.org",
            "housing@example.org",
            "prison@example.org",
            "detective@example.org",
            "liaison@example.org",
            "parole@example.org",
            "warden@example.org",
        )
    ]
    _run_round(
        team=team,
        coordinator=coordinator,
        version=version,
        title="Baseline diagnostics",
        opened=now - datetime.timedelta(days=300),
        closes_on=today - datetime.timedelta(days=279),
        levels=FIRST,
        # 6 security and 6 non-security members answer; the employment agency's and one police
        # officer do not
        answering=[
            p for p in everyone if p.email not in ("employment@example.org", "liaison@example.org")
        ],
        close=True,
        seed=1,
    )
    _run_round(
        team=team,
        coordinator=coordinator,
        version=version,
        title="Diagnostics after the first year",
        opened=now - datetime.timedelta(days=75),
        closes_on=today - datetime.timedelta(days=54),
        levels=SECOND,
        answering=everyone,
        close=True,
        seed=2,
    )
    # the open round: a few have answered, one has started; the demo users can still answer
    open_answering = [
        users["police@example.org"],
        users["probation@example.org"],
        users["housing@example.org"],
    ]
    _run_round(
        team=team,
        coordinator=coordinator,
        version=version,
        title="Diagnostics before the evaluation",
        opened=now - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=18),
        levels=SECOND,
        answering=open_answering,
        drafting=[users["teacher@example.org"]],
        close=False,
        seed=3,
    )
