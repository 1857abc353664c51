"""The kernel's writing steps on a concrete app's rows (team meetings): they write the audit
events the app names, freeze on the last confirmation, never change a frozen version, and
start a correction as a new draft that points back to it."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.forms.models import model_to_dict

from icommit.accounts.models import User
from icommit.charters.models import Attendee, Meeting, MinutesVersion
from icommit.core.audit import AuditEvent
from icommit.core.exceptions import Conflict, Forbidden, ValidationFailed
from icommit.minutes import services as minutes
from icommit.minutes.workflow import MinutesStatus
from tests.conftest import World

#: The names team meetings give the steps: the kernel writes whatever names the app gives.
EVENTS = minutes.Events(
    circulate="meeting.circulate",
    confirm="meeting.confirm",
    freeze="meeting.freeze",
    correct="meeting.correct",
)


def _version(world: World, people: list[User]) -> MinutesVersion:
    meeting = Meeting.objects.create(team=world.team, created_by=world.coordinator)
    version = MinutesVersion.objects.create(
        meeting=meeting, held_on=datetime.date(2026, 3, 10), title="Roles", minutes="Text"
    )
    for person in people:
        membership = person.team_memberships.get(team=world.team)
        Attendee.objects.create(
            version=version,
            user=person,
            organisation_id=membership.organisation_id,
            role=membership.role,
        )
    return version


def _trail(version: MinutesVersion) -> minutes.Trail:
    return minutes.Trail(events=EVENTS, obj=version.meeting, team_id=version.meeting.team_id)


def _events() -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith="meeting.")
        .order_by("seq")
        .values_list("action", flat=True)
    )


def _all_steps(version: MinutesVersion, actor: User) -> None:
    """Try every step on the version; each must be refused."""
    trail, attendees = _trail(version), version.attendees.all()
    for step in (
        lambda: minutes.minutes_circulate(
            actor=actor, version=version, attendees=attendees, trail=trail
        ),
        lambda: minutes.minutes_confirm(
            actor=actor, version=version, attendees=attendees, trail=trail
        ),
        lambda: minutes.minutes_freeze(
            actor=actor, version=version, attendees=attendees, trail=trail, present=lambda ids: []
        ),
    ):
        with pytest.raises(Conflict), transaction.atomic():
            step()


def test_the_steps_write_the_events_the_app_names(world: World) -> None:
    version = _version(world, [world.coordinator, world.member, world.observer])
    attendees = version.attendees.all()
    minutes.minutes_circulate(
        actor=world.coordinator, version=version, attendees=attendees, trail=_trail(version)
    )
    minutes.minutes_confirm(
        actor=world.coordinator, version=version, attendees=attendees, trail=_trail(version)
    )
    assert version.status == MinutesStatus.CIRCULATED
    with pytest.raises(Forbidden):
        minutes.minutes_confirm(
            actor=world.observer, version=version, attendees=attendees, trail=_trail(version)
        )
    minutes.minutes_confirm(
        actor=world.member, version=version, attendees=attendees, trail=_trail(version)
    )
    version.refresh_from_db()
    assert version.status == MinutesStatus.FROZEN and version.frozen_by == world.member
    assert _events() == [
        "meeting.circulate",
        "meeting.confirm",
        "meeting.confirm",
        "meeting.freeze",
    ]


def test_minutes_only_observers_attended_freeze_when_sent_out(world: World) -> None:
    version = _version(world, [world.observer])
    minutes.minutes_circulate(
        actor=world.coordinator,
        version=version,
        attendees=version.attendees.all(),
        trail=_trail(version),
    )
    assert version.status == MinutesStatus.FROZEN
    assert _events() == ["meeting.circulate", "meeting.freeze"]


def test_the_apps_own_check_runs_before_minutes_go_out(world: World) -> None:
    version = _version(world, [world.member])

    def refuse() -> None:
        raise ValidationFailed.field("minutes", "No text.")

    with pytest.raises(ValidationFailed):
        minutes.minutes_circulate(
            actor=world.coordinator,
            version=version,
            attendees=version.attendees.all(),
            trail=_trail(version),
            check=refuse,
        )
    version.refresh_from_db()
    assert version.status == MinutesStatus.DRAFT and not _events()


def test_a_frozen_version_never_changes(world: World) -> None:
    version = _version(world, [world.member])
    minutes.minutes_circulate(
        actor=world.coordinator,
        version=version,
        attendees=version.attendees.all(),
        trail=_trail(version),
    )
    minutes.minutes_confirm(
        actor=world.member,
        version=version,
        attendees=version.attendees.all(),
        trail=_trail(version),
    )
    version.refresh_from_db()
    before = model_to_dict(version), list(version.attendees.values())
    _all_steps(version, world.member)
    _all_steps(version, world.coordinator)
    version.refresh_from_db()
    assert (model_to_dict(version), list(version.attendees.values())) == before


def test_a_correction_is_a_new_draft_pointing_to_the_frozen_version(world: World) -> None:
    version = _version(world, [world.member])
    trail = _trail(version)

    def create(**start: object) -> MinutesVersion:
        return MinutesVersion.objects.create(
            meeting=version.meeting, held_on=version.held_on, title=version.title, **start
        )

    with pytest.raises(Conflict):
        minutes.minutes_correct(
            actor=world.coordinator, previous=version, reason="Typo", trail=trail, create=create
        )
    minutes.minutes_circulate(
        actor=world.coordinator, version=version, attendees=version.attendees.all(), trail=trail
    )
    minutes.minutes_confirm(
        actor=world.member, version=version, attendees=version.attendees.all(), trail=trail
    )
    second = minutes.minutes_correct(
        actor=world.coordinator, previous=version, reason=" Typo ", trail=trail, create=create
    )
    assert (second.number, second.status, second.previous) == (2, MinutesStatus.DRAFT, version)
    assert second.correction_reason == "Typo"
    version.refresh_from_db()
    assert version.status == MinutesStatus.FROZEN
    assert _events()[-1] == "meeting.correct"
