"""The round lifecycle through the services: open (inviting), remind, answer, submit, close."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from icommit.access.roles import TeamRole
from icommit.core.exceptions import Conflict, Forbidden, NotFound, ValidationFailed
from icommit.core.models import AuditDetail, AuditEvent, OutboxMessage
from icommit.diagnostics import services
from icommit.diagnostics.models import Draft, Participation, Round, RoundResponse
from icommit.instruments.engine import load_yaml
from icommit.instruments.models import InstrumentVersion, Response, ResponseScore
from icommit.instruments.services import version_store
from icommit.stakeholders.sectors import Sector
from icommit.teams.models import TeamMembership
from tests.diagnostics.conftest import (
    Clock,
    Crew,
    answers_at,
    close,
    close_by_date,
    join,
    open_round,
    shipped,
    submit,
)

KNOWLEDGE_CHECK = """
format: icommit-instrument/1
key: quiz-for-rounds
version: 1
kind: knowledge_check
languages: [en]
title: {en: A quiz}
scales:
  yesno:
    choices:
      - {value: yes, label: {en: "Yes"}, score: 1}
      - {value: no, label: {en: "No"}, score: 0}
domains:
  - {key: law, title: {en: Law}}
scoring:
  method: sum
  min_answered: 1
  pass_mark: 50
  bands:
    - {key: fail, label: {en: Fail}, below: 50}
    - {key: pass, label: {en: Pass}}
sections:
  - key: main
    title: {en: Questions}
    items:
      - {key: q1, type: choice, scale: yesno, domain: law, text: {en: "Is it allowed?"}}
"""

WITH_REQUIRED = """
format: icommit-instrument/1
key: short-diagnostics
version: 1
kind: diagnostics
languages: [en]
title: {en: Short team check}
scales:
  agree5:
    choices:
      - {value: 1, label: {en: "Strongly disagree"}}
      - {value: 2, label: {en: "Disagree"}}
      - {value: 3, label: {en: "Neither"}}
      - {value: 4, label: {en: "Agree"}}
      - {value: 5, label: {en: "Strongly agree"}}
    missing:
      - {value: dont_know, label: {en: "Don't know"}}
domains:
  - {key: purpose, title: {en: Purpose}}
scoring:
  method: mean
  min_answered: 0.5
  divergence_threshold: 15
  bands:
    - {key: low, label: {en: Low}, below: 50}
    - {key: high, label: {en: High}}
sections:
  - key: main
    title: {en: The team}
    items:
      - {key: goal, type: likert, scale: agree5, domain: purpose, required: true,
         text: {en: "We share one goal."}}
      - {key: plan, type: likert, scale: agree5, domain: purpose,
         text: {en: "We have a written plan."}}
"""


def _version(text: str) -> InstrumentVersion:
    with transaction.atomic():
        version, _ = version_store(
            actor=None, definition=load_yaml(text, source="test.yaml"), origin="imported"
        )
    return version


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


# --- opening --------------------------------------------------------------------------------


def test_a_coordinator_opens_a_round_and_every_member_but_observers_is_invited(
    crew: Crew, clock: Clock
) -> None:
    [former] = join(crew.team, crew.social, 1)
    TeamMembership.objects.filter(user=former).update(ended_at=timezone.now())
    round = open_round(crew.coordinator, crew.team, title="  Spring round ")
    assert round.title == "Spring round"
    assert round.version == shipped()
    assert round.closes_on == clock.day + datetime.timedelta(days=14)
    assert round.is_open(clock.day)
    invited = set(Participation.objects.filter(round=round).values_list("user_id", flat=True))
    assert invited == {p.pk for p in crew.respondents}
    assert crew.observer.pk not in invited and former.pk not in invited
    by_user = {p.user_id: p for p in Participation.objects.filter(round=round)}
    assert by_user[crew.police_officer.pk].organisation == crew.world.police
    assert by_user[crew.teacher.pk].organisation == crew.school
    # the group each invitee's answers will count in, and whether they count, are fixed now
    assert (
        by_user[crew.police_officer.pk].is_security,
        by_user[crew.police_officer.pk].sector,
    ) == (
        True,
        Sector.POLICE,
    )
    assert (by_user[crew.teacher.pk].is_security, by_user[crew.teacher.pk].sector) == (
        False,
        Sector.SCHOOL,
    )
    assert all(p.counted for p in by_user.values())
    assert round.min_respondents == 5 and not round.has_results
    assert not any(p.submitted for p in by_user.values())
    mails = list(OutboxMessage.objects.order_by("pk"))
    assert sorted(m.to for m in mails) == sorted(p.email for p in crew.respondents)
    link = f"/teams/{crew.team.pk}/diagnostics/{round.pk}/answer/"
    assert all(link in m.body and "Spring round" in m.subject for m in mails)
    [opened] = _events("diagnostics.round.opened")
    [invite] = _events("diagnostics.round.invited")
    for event in (opened, invite):
        assert (event.team_id, event.actor_id) == (crew.team.pk, crew.coordinator.pk)
        assert (event.object_type, event.object_id) == ("diagnostics.round", str(round.pk))
    assert AuditDetail.objects.get(event=invite).data == {"invited": sorted(invited), "counted": 6}
    assert AuditDetail.objects.get(event=opened).data["title"] == "Spring round"


def test_there_is_no_inviting_later_or_inviting_a_chosen_few() -> None:
    """The invitations are the team at opening: no later invitation (a puppet added after
    opening), no choice of invitees (a round of the target and people who know their own
    answers would give the target's away by subtraction)."""
    import inspect

    assert not hasattr(services, "round_invite")
    assert list(inspect.signature(services.round_open).parameters) == [
        "actor",
        "team",
        "version",
        "title",
        "closes_on",
        "grouping",  # which groups the results compare; never who is invited
    ]


@pytest.mark.parametrize("who", ["police_officer", "observer"])
def test_only_the_coordinator_may_open_a_round(crew: Crew, who: str) -> None:
    with pytest.raises(Forbidden):
        open_round(getattr(crew, who), crew.team)
    assert not Round.objects.exists()


def test_people_outside_the_team_do_not_find_it(crew: Crew) -> None:
    with pytest.raises(NotFound):
        open_round(crew.world.outsider, crew.team)
    with pytest.raises((NotFound, Forbidden)):
        open_round(crew.world.admin, crew.team)
    assert not Round.objects.exists()


@pytest.mark.parametrize(
    ("title", "days", "field"),
    [
        ("   ", 14, "title"),
        ("x" * 201, 14, "title"),
        ("Spring round", -1, "closes_on"),
        ("Spring round", services.MAX_OPEN_DAYS + 1, "closes_on"),
    ],
)
def test_a_round_is_validated_with_the_field_named(
    crew: Crew, title: str, days: int, field: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        open_round(crew.coordinator, crew.team, title=title, days=days)
    assert field in caught.value.details
    assert not Round.objects.exists() and not OutboxMessage.objects.exists()


def test_a_round_may_close_today_or_in_180_days(crew: Crew) -> None:
    first = open_round(crew.coordinator, crew.team, days=0)
    assert first.is_open(services.today())
    close_by_date(first)
    second = open_round(crew.coordinator, crew.team, days=services.MAX_OPEN_DAYS)
    assert second.is_open(services.today())


def test_an_instrument_that_is_not_a_team_diagnostics_is_refused(crew: Crew) -> None:
    quiz = _version(KNOWLEDGE_CHECK)
    with pytest.raises(ValidationFailed) as caught:
        open_round(crew.coordinator, crew.team, version=quiz)
    assert "version" in caught.value.details
    assert not Round.objects.exists()


def test_a_second_open_round_is_refused(crew: Crew, running_round: Round) -> None:
    with pytest.raises(Conflict) as caught:
        open_round(crew.coordinator, crew.team, title="Another")
    assert caught.value.status == 409
    assert Round.objects.count() == 1


def test_a_round_past_its_date_does_not_block_the_next(
    crew: Crew, running_round: Round, clock: Clock
) -> None:
    clock.advance(15)
    later = open_round(crew.coordinator, crew.team, title="Autumn round")
    assert later.is_open(clock.day) and not running_round.is_open(clock.day)


# --- the invitations are fixed, and reminding --------------------------------------------------


def test_a_member_who_joins_after_the_round_opened_is_not_invited(
    crew: Crew, running_round: Round
) -> None:
    before = OutboxMessage.objects.count()
    [newcomer] = join(crew.team, crew.social, 1)
    assert not Participation.objects.filter(round=running_round, user=newcomer).exists()
    with pytest.raises(Forbidden), transaction.atomic():
        services.response_save(actor=newcomer, round=running_round, answers={"purpose_1": 3})
    with transaction.atomic():
        services.round_remind(actor=crew.coordinator, round=running_round)
    reminded = set(OutboxMessage.objects.order_by("pk")[before:].values_list("to", flat=True))
    assert newcomer.email not in reminded and len(reminded) == len(crew.respondents)
    # the next round invites them
    close_by_date(running_round)
    later = open_round(crew.coordinator, crew.team, title="Autumn round")
    assert Participation.objects.filter(round=later, user=newcomer).exists()


def test_role_changes_after_opening_do_not_change_the_invitations(
    crew: Crew, running_round: Round
) -> None:
    from icommit.teams import services as teams

    invited = set(
        Participation.objects.filter(round=running_round).values_list("user_id", flat=True)
    )
    to_observer = TeamMembership.objects.get(team=crew.team, user=crew.teacher, ended_at=None)
    to_member = TeamMembership.objects.get(team=crew.team, user=crew.observer, ended_at=None)
    with transaction.atomic():
        teams.team_member_set_role(
            actor=crew.coordinator, membership=to_observer, role=TeamRole.OBSERVER
        )
        teams.team_member_set_role(
            actor=crew.coordinator, membership=to_member, role=TeamRole.MEMBER
        )
    assert (
        set(Participation.objects.filter(round=running_round).values_list("user_id", flat=True))
        == invited
    )
    # the teacher, an observer now, was invited and still answers; the former observer was not
    submit(running_round, [crew.teacher], 4)
    with pytest.raises(Forbidden), transaction.atomic():
        services.response_save(actor=crew.observer, round=running_round, answers={"purpose_1": 3})


def test_the_group_of_an_invitee_is_the_one_at_opening(crew: Crew, running_round: Round) -> None:
    """Turning an organisation into a security actor after opening moves no answers."""
    from icommit.stakeholders.services import organisation_set_flags

    with transaction.atomic():
        organisation_set_flags(
            actor=crew.world.admin,
            organisation=crew.school,
            is_security=True,
            is_state=True,
            reason="test",
        )
    submit(running_round, [crew.teacher], 3)
    assert not RoundResponse.objects.get().is_security


def test_a_reminder_skips_people_who_have_left_the_team(crew: Crew, running_round: Round) -> None:
    from icommit.teams import services as teams

    membership = TeamMembership.objects.get(
        team=crew.team, user=crew.teacher, ended_at__isnull=True
    )
    with transaction.atomic():
        teams.team_member_remove(actor=crew.coordinator, membership=membership)
    before = OutboxMessage.objects.count()
    with transaction.atomic():
        sent = services.round_remind(actor=crew.coordinator, round=running_round)
    recipients = set(OutboxMessage.objects.order_by("pk")[before:].values_list("to", flat=True))
    assert sent == len(recipients)
    assert crew.teacher.email not in recipients


def test_a_title_with_line_breaks_is_kept_on_one_line(crew: Crew) -> None:
    with transaction.atomic():
        round = services.round_open(
            actor=crew.coordinator,
            team=crew.team,
            version=shipped(),
            title="Spring\r\nBcc: someone@example.org",
            closes_on=services.today() + datetime.timedelta(days=3),
        )
    assert round.title == "Spring Bcc: someone@example.org"
    assert all("\n" not in m.subject for m in OutboxMessage.objects.all())


def test_an_answer_waits_for_a_closing_that_holds_the_round(
    crew: Crew, running_round: Round
) -> None:
    """Answering locks the round, as closing does: an answer cannot land after the close."""
    submit(running_round, [p for p in crew.respondents if p != crew.teacher], 3)
    with transaction.atomic():
        services.round_close(actor=crew.coordinator, round=running_round)
    stale = Round.objects.get(pk=running_round.pk)
    stale.closed_at = None  # a request that loaded the round before it closed
    with pytest.raises(Conflict), transaction.atomic():
        services.response_save(actor=crew.teacher, round=stale, answers={"purpose_1": 3})
    assert not Draft.objects.exists()


def test_a_reminder_goes_only_to_those_who_have_not_answered(
    crew: Crew, running_round: Round
) -> None:
    submit(running_round, [crew.police_officer, *crew.social_workers], 4)
    before = OutboxMessage.objects.count()
    with transaction.atomic():
        reminded = services.round_remind(actor=crew.coordinator, round=running_round)
    waiting = {crew.coordinator.email, crew.probation_officer.email, crew.teacher.email}
    assert reminded == 3
    mails = list(OutboxMessage.objects.order_by("pk")[before:])
    assert {m.to for m in mails} == waiting
    assert all(m.subject.startswith("Reminder") for m in mails)
    assert AuditDetail.objects.get(event=_events("diagnostics.round.reminded")[0]).data == {
        "reminded": 3
    }


def test_members_may_not_remind(crew: Crew, running_round: Round) -> None:
    with pytest.raises(Forbidden), transaction.atomic():
        services.round_remind(actor=crew.police_officer, round=running_round)


# --- answering ------------------------------------------------------------------------------


def test_a_draft_is_saved_merged_and_may_have_gaps(crew: Crew, running_round: Round) -> None:
    with transaction.atomic():
        saved = services.response_save(
            actor=crew.teacher, round=running_round, answers={"purpose_1": 4, "purpose_2": 2}
        )
    assert saved == {"purpose_1": 4, "purpose_2": 2}
    with transaction.atomic():
        saved = services.response_save(
            actor=crew.teacher,
            round=running_round,
            answers={"purpose_2": "dont_know", "roles_1": 5, "purpose_1": None},
        )
    # later answers win; an answer sent empty is taken back
    assert saved == {"purpose_2": "dont_know", "roles_1": 5}
    assert services.draft_answers(actor=crew.teacher, round=running_round) == saved
    assert services.draft_answers(actor=crew.social_workers[0], round=running_round) == {}
    assert Draft.objects.count() == 1
    assert not Participation.objects.get(round=running_round, user=crew.teacher).submitted
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("answers", "item"),
    [
        ({"purpose_1": 6}, "purpose_1"),
        ({"purpose_1": 4, "roles_2": 0}, "roles_2"),
        ({"trust_1": "maybe"}, "trust_1"),
        ({"no_such_item": 3}, "no_such_item"),
    ],
)
def test_an_answer_outside_the_scale_is_refused_with_the_item_named(
    crew: Crew, running_round: Round, answers: dict[str, object], item: str
) -> None:
    with transaction.atomic():
        services.response_save(actor=crew.teacher, round=running_round, answers={"learning_1": 3})
    with pytest.raises(ValidationFailed) as caught:
        services.response_save(actor=crew.teacher, round=running_round, answers=answers)
    assert item in caught.value.details
    assert services.draft_answers(actor=crew.teacher, round=running_round) == {"learning_1": 3}
    with pytest.raises(ValidationFailed) as caught:
        services.response_submit(actor=crew.teacher, round=running_round, answers=answers)
    assert item in caught.value.details
    assert not Response.objects.exists() and not RoundResponse.objects.exists()
    assert not Participation.objects.get(round=running_round, user=crew.teacher).submitted


def test_security_members_may_not_answer_the_non_security_part(
    crew: Crew, running_round: Round
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.response_save(
            actor=crew.police_officer, round=running_round, answers={"ns_heard_1": 4}
        )
    assert "ns_heard_1" in caught.value.details
    with transaction.atomic():
        services.response_save(actor=crew.teacher, round=running_round, answers={"ns_heard_1": 4})


def test_a_submitted_answer_set_is_scored_per_dimension(crew: Crew, running_round: Round) -> None:
    definition = running_round.version.parsed
    answers = answers_at(definition, audience="non_security", level=4, part_level=2)
    first_half = dict(list(answers.items())[:20])
    with transaction.atomic():
        services.response_save(actor=crew.teacher, round=running_round, answers=first_half)
    rest = {k: v for k, v in answers.items() if k not in first_half}
    with transaction.atomic():
        services.response_submit(actor=crew.teacher, round=running_round, answers=rest)
    [response] = Response.objects.all()
    assert response.submitted and response.version == running_round.version
    assert response.answers == answers  # the draft and the last answers, together
    scores = dict(ResponseScore.objects.filter(response=response).values_list("domain", "score"))
    assert set(scores) == {d.key for d in definition.domains}
    assert scores["purpose"] == 75.0 and scores["learning"] == 75.0
    assert scores["ns_heard"] == 25.0
    [stored] = RoundResponse.objects.all()
    assert (stored.round, stored.response, stored.is_security, stored.sector) == (
        running_round,
        response,
        False,
        Sector.SCHOOL,
    )
    assert Participation.objects.get(round=running_round, user=crew.teacher).submitted
    assert not Draft.objects.exists()
    assert services.draft_answers(actor=crew.teacher, round=running_round) == {}


def test_a_dimension_with_too_few_answers_is_not_scored(crew: Crew, running_round: Round) -> None:
    answers = answers_at(running_round.version.parsed, audience="security", level=3)
    answers.update({"purpose_1": "dont_know", "purpose_2": "dont_know", "purpose_3": "dont_know"})
    with transaction.atomic():
        services.response_submit(actor=crew.police_officer, round=running_round, answers=answers)
    scores = dict(ResponseScore.objects.values_list("domain", "score"))
    assert "purpose" not in scores and scores["roles"] == 50.0
    assert not any(key.startswith("ns_") for key in scores)
    assert RoundResponse.objects.get().is_security


def test_submitting_checks_that_required_items_are_answered(crew: Crew) -> None:
    version = _version(WITH_REQUIRED)
    round = open_round(crew.coordinator, crew.team, version=version)
    member = crew.police_officer
    with pytest.raises(ValidationFailed) as caught:
        services.response_submit(actor=member, round=round, answers={"plan": 4})
    assert caught.value.details == {"goal": ["Answer this question."]}
    assert not Response.objects.exists()
    with transaction.atomic():
        services.response_save(actor=member, round=round, answers={"plan": 4})
    with transaction.atomic():
        services.response_submit(actor=member, round=round, answers={"goal": 5})
    assert ResponseScore.objects.get().score == 87.5
    assert Response.objects.get().answers == {"plan": 4, "goal": 5}


def test_submitting_twice_is_a_conflict(crew: Crew, running_round: Round) -> None:
    submit(running_round, [crew.teacher], 3)
    with pytest.raises(Conflict):
        services.response_submit(actor=crew.teacher, round=running_round, answers={})
    with pytest.raises(Conflict):
        services.response_save(actor=crew.teacher, round=running_round, answers={"purpose_1": 1})
    assert Response.objects.count() == 1 and not Draft.objects.exists()


def test_only_invitees_may_answer(crew: Crew, running_round: Round) -> None:
    for person in (crew.observer, crew.world.other_coordinator):
        with pytest.raises((Forbidden, NotFound)):
            services.response_save(actor=person, round=running_round, answers={"purpose_1": 3})
    assert not Draft.objects.exists()


def test_answers_to_a_round_closed_by_hand_are_refused(crew: Crew, running_round: Round) -> None:
    with transaction.atomic():
        services.response_save(actor=crew.teacher, round=running_round, answers={"purpose_1": 3})
    submit(running_round, [p for p in crew.respondents if p != crew.teacher], 3)
    close(running_round, crew.coordinator)
    running_round.refresh_from_db()
    for work in (services.response_save, services.response_submit):
        with pytest.raises(Conflict):
            work(actor=crew.teacher, round=running_round, answers={"purpose_2": 3})
    assert Response.objects.count() == 5
    assert not Draft.objects.exists()  # closing discarded the unfinished draft


def test_answers_after_the_closing_date_are_refused(
    crew: Crew, running_round: Round, clock: Clock
) -> None:
    clock.day = running_round.closes_on
    with transaction.atomic():
        services.response_save(actor=crew.teacher, round=running_round, answers={"purpose_1": 3})
    clock.advance(1)
    with pytest.raises(Conflict):
        services.response_submit(actor=crew.teacher, round=running_round, answers={})
    with pytest.raises(Conflict), transaction.atomic():
        services.round_remind(actor=crew.coordinator, round=running_round)
    assert not Response.objects.exists()


# --- closing --------------------------------------------------------------------------------


def test_closing_by_hand_discards_drafts_and_is_audited(crew: Crew, running_round: Round) -> None:
    submit(running_round, [p for p in crew.respondents if p != crew.teacher], 4)
    with transaction.atomic():
        services.response_save(actor=crew.teacher, round=running_round, answers={"purpose_1": 3})
    closed = close(running_round, crew.coordinator)
    assert closed.closed_at is not None and closed.closed_by == crew.coordinator
    assert closed.has_results
    assert not Draft.objects.exists()
    assert RoundResponse.objects.count() == 5  # submitted answers stay
    [event] = _events("diagnostics.round.closed")
    assert (event.actor_id, event.team_id) == (crew.coordinator.pk, crew.team.pk)
    assert AuditDetail.objects.get(event=event).data == {"by": "hand", "results": True}
    with pytest.raises(Conflict):
        close(running_round, crew.coordinator)
    with pytest.raises(Forbidden):
        close(running_round, crew.police_officer)


def test_rounds_past_their_closing_date_are_closed_by_the_schedule(
    crew: Crew, clock: Clock
) -> None:
    due = open_round(crew.coordinator, crew.team, days=3)
    with transaction.atomic():
        services.response_save(actor=crew.teacher, round=due, answers={"purpose_1": 3})
    join(crew.world.other_team, crew.social, 5)
    other = open_round(crew.world.other_coordinator, crew.world.other_team, days=30)
    clock.day = due.closes_on
    assert services.rounds_close_due() == 0  # open until the end of its closing date
    clock.advance(1)
    assert services.rounds_close_due() == 1
    assert services.rounds_close_due() == 0
    due.refresh_from_db()
    other.refresh_from_db()
    assert due.closed_at is not None and due.closed_by is None
    assert other.closed_at is None
    assert not Draft.objects.exists()
    [event] = _events("diagnostics.round.closed")
    assert event.actor_id is None and event.team_id == crew.team.pk
    assert AuditDetail.objects.get(event=event).data == {"by": "date", "results": False}


# --- the audit log ---------------------------------------------------------------------------


def test_the_audit_log_records_taking_part_but_never_an_answer_set(
    crew: Crew, running_round: Round
) -> None:
    with transaction.atomic():
        services.response_save(actor=crew.teacher, round=running_round, answers={"purpose_1": 2})
    submit(running_round, crew.respondents, 4, part_level=2)
    close(running_round, crew.coordinator)
    participated = _events("diagnostics.round.participated")
    assert {e.actor_id for e in participated} == {p.pk for p in crew.respondents}
    assert all(
        (e.team_id, e.object_type, e.object_id, e.detail_hash)
        == (crew.team.pk, "diagnostics.round", str(running_round.pk), "")
        for e in participated
    )
    assert not AuditDetail.objects.filter(event__in=participated).exists()
    secrets = {str(pk) for pk in Response.objects.values_list("pk", flat=True)}
    secrets |= {str(pk) for pk in RoundResponse.objects.values_list("pk", flat=True)}
    secrets |= {pk.hex for pk in Response.objects.values_list("pk", flat=True)}
    item_keys = {item.key for item in running_round.version.parsed.items()}
    events = list(AuditEvent.objects.all())
    assert {e.action for e in events} >= {
        "diagnostics.round.opened",
        "diagnostics.round.invited",
        "diagnostics.round.participated",
        "diagnostics.round.closed",
    }
    for event in events:
        assert event.object_type not in ("instruments.response", "diagnostics.roundresponse")
        assert event.object_id not in secrets
        assert not event.action.startswith("diagnostics.response")  # saving is not audited
    for detail in AuditDetail.objects.all():
        text = json.dumps(detail.data)
        assert not any(secret in text for secret in secrets)
        assert not any(f'"{key}"' in text for key in item_keys)
        assert "answers" not in text


def test_an_empty_answer_set_is_refused_and_nothing_is_stored(
    crew: Crew, running_round: Round
) -> None:
    with pytest.raises(ValidationFailed) as refused, transaction.atomic():
        services.response_submit(actor=crew.teacher, round=running_round, answers={})
    assert "at least one statement" in refused.value.details["answers"][0]
    assert not RoundResponse.objects.filter(round=running_round).exists()
    assert not Participation.objects.filter(round=running_round, submitted=True).exists()


def test_the_home_page_asks_invitees_for_their_answers_until_they_submit(
    crew: Crew, running_round: Round, client_for: Any
) -> None:
    client = client_for(crew.teacher)
    page = client.get("/").content.decode()
    assert "asks for your view of the collaboration" in page
    assert reverse("diagnostics:respond", args=(crew.team.pk, running_round.pk)) in page
    submit(running_round, [crew.teacher], 3)
    page = client.get("/").content.decode()
    assert reverse("diagnostics:respond", args=(crew.team.pk, running_round.pk)) not in page
