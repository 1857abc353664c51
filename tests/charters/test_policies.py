"""Who may read, write and confirm charters and meetings; ``can`` and ``visible`` agree."""

from __future__ import annotations

import pytest
from django.utils import timezone

from icommit.access import Action, can, visible
from icommit.charters.models import CharterVersion, Meeting
from icommit.teams.models import Team
from tests.conftest import World

A = Action


@pytest.mark.parametrize(
    ("who", "action", "expected"),
    [
        ("coordinator", A.CHARTER_VIEW, True),
        ("coordinator", A.CHARTER_EDIT, True),
        ("coordinator", A.CHARTER_CONFIRM, True),
        ("coordinator", A.MEETING_EDIT, True),
        ("member", A.CHARTER_VIEW, True),
        ("member", A.CHARTER_EDIT, False),
        ("member", A.CHARTER_CONFIRM, True),
        ("member", A.MEETING_VIEW, True),
        ("member", A.MEETING_EDIT, False),
        ("member", A.MEETING_CONFIRM, True),
        ("observer", A.CHARTER_VIEW, True),
        ("observer", A.MEETING_VIEW, True),
        ("observer", A.CHARTER_CONFIRM, False),
        ("observer", A.MEETING_CONFIRM, False),
        ("observer", A.MEETING_EDIT, False),
        ("outsider", A.CHARTER_VIEW, False),
        ("other_coordinator", A.CHARTER_VIEW, False),
        ("other_coordinator", A.MEETING_EDIT, False),
        ("admin", A.CHARTER_VIEW, False),
        ("admin", A.MEETING_VIEW, False),
    ],
)
def test_charter_truth_table(world: World, who: str, action: Action, expected: bool) -> None:
    assert can(getattr(world, who), action, world.team) is expected


def test_archived_teams_keep_charter_and_meetings_readable_only(world: World) -> None:
    Team.objects.filter(pk=world.team.pk).update(archived_at=timezone.now())
    world.team.refresh_from_db()
    assert can(world.member, A.CHARTER_VIEW, world.team)
    assert can(world.member, A.MEETING_VIEW, world.team)
    assert not can(world.member, A.CHARTER_CONFIRM, world.team)
    assert not can(world.coordinator, A.CHARTER_EDIT, world.team)
    assert not can(world.coordinator, A.MEETING_EDIT, world.team)


def test_can_and_visible_agree_on_charter_versions_and_meetings(
    world: World, published_charter: CharterVersion, circulated_meeting: Meeting
) -> None:
    Team.objects.filter(pk=world.other_team.pk).update(archived_at=timezone.now())
    people = [world.coordinator, world.member, world.observer, world.outsider, world.admin]
    querysets = [
        Team.objects.all(),
        CharterVersion.objects.select_related("team"),
        Meeting.objects.select_related("team"),
    ]
    actions = [A.CHARTER_VIEW, A.CHARTER_EDIT, A.CHARTER_CONFIRM, A.MEETING_VIEW]
    actions += [A.MEETING_EDIT, A.MEETING_CONFIRM]
    for person in people:
        for qs in querysets:
            for action in actions:
                shown = set(visible(person, action, qs).values_list("pk", flat=True))
                allowed = {obj.pk for obj in qs if can(person, action, obj)}
                assert shown == allowed, (person, qs.model, action)
