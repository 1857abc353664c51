"""Charter versions and team meetings: versions, immutability, confirmations, freeze, correction."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from icommit.accounts.models import User
from icommit.charters import services
from icommit.charters.models import (
    CharterConfirmation,
    CharterStatus,
    CharterVersion,
    Meeting,
    MinutesStatus,
    MinutesVersion,
)
from icommit.charters.selectors import charter_confirmation_status, minutes_detail
from icommit.charters.starting import load, starting_drafts
from icommit.core.content import ContentError
from icommit.core.exceptions import Conflict, Forbidden, ValidationFailed
from icommit.core.models import AuditEvent
from icommit.teams.models import Team, TeamMembership
from tests.charters.conftest import confirm_all, minutes
from tests.conftest import World
from tests.factories import UserFactory, team_member

# --- the starting draft ------------------------------------------------------------------------


def test_the_shipped_starting_draft_version_1_stays_as_published() -> None:
    draft = starting_drafts()[1]
    assert draft.version == 1
    assert set(draft.sections) == set(services.SECTIONS)
    assert set(draft.scopes) == {"vrwe", "vie", "both"}
    for variants in draft.sections.values():
        assert variants["all"]["en"] and variants["all"]["de"]
    assert "data-protection officer" in draft.sections["confidentiality"]["all"]["en"]
    assert "Datenschutzbeauftragten" in draft.sections["confidentiality"]["all"]["de"]


def test_a_missing_translation_names_the_file_line_and_field(tmp_path: Path) -> None:
    broken = tmp_path / "starting-draft.yaml"
    text = (
        Path(__file__).parents[2] / "src/icommit/content/charters/starting-draft.yaml"
    ).read_text()
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip() == "meeting_rhythm:")
    # drop the German text of meeting_rhythm: the "de: |-" line and its block
    de = next(i for i in range(index, len(lines)) if lines[i].strip().startswith("de:"))
    end = next(i for i in range(de + 1, len(lines)) if not lines[i].startswith("      "))
    broken.write_text("\n".join(lines[:de] + lines[end:]) + "\n")
    with pytest.raises(ContentError) as caught:
        load(broken)
    [problem] = caught.value.problems
    assert problem.field == "sections.meeting_rhythm.de"
    assert problem.line == index + 2  # where the section's texts start (its "en" line)
    assert problem.file.endswith("starting-draft.yaml")


def test_an_unknown_section_is_refused(tmp_path: Path) -> None:
    source = Path(__file__).parents[2] / "src/icommit/content/charters/starting-draft.yaml"
    broken = tmp_path / "starting-draft.yaml"
    broken.write_text(
        source.read_text().replace(
            "  purpose_scope:", "  mission:\n    en: x\n    de: y\n  purpose_scope:", 1
        )
    )
    with pytest.raises(ContentError, match=r"sections\.mission: is not a charter section"):
        load(broken)


# --- drafting and publishing -------------------------------------------------------------------


def test_a_first_draft_starts_from_the_starting_text_with_the_team_filled_in(world: World) -> None:
    draft = services.charter_draft_start(actor=world.coordinator, team=world.team, language="de")
    assert draft.status == CharterStatus.DRAFT and draft.number is None
    assert "Wir sind Alpha MSC" in draft.purpose_scope
    assert "{team}" not in draft.purpose_scope and "{city}" not in draft.purpose_scope
    assert "Rechtsabteilung Ihrer Organisation" in draft.confidentiality
    assert "Datenschutzbeauftragten" not in draft.confidentiality
    english = CharterVersion.objects.get(pk=draft.pk)
    services.charter_draft_discard(actor=world.coordinator, draft=english)
    draft = services.charter_draft_start(actor=world.coordinator, team=world.team, language="en")
    assert draft.purpose_scope.startswith("We are Alpha MSC")
    assert "Scope: violent right-wing extremism and violent Islamist extremism." in (
        draft.purpose_scope
    )
    assert "complex case" in draft.referral_criteria


def test_a_team_has_one_draft_at_a_time(world: World) -> None:
    services.charter_draft_start(actor=world.coordinator, team=world.team)
    with pytest.raises(Conflict):
        services.charter_draft_start(actor=world.coordinator, team=world.team)


def test_publishing_numbers_the_version_and_records_todays_members(
    world: World, social_worker: User
) -> None:
    newcomer = UserFactory(full_name="Nina Newcomer")
    team_member(world.team, newcomer, world.police, confirmed=False)  # police has not confirmed her
    draft = services.charter_draft_start(actor=world.coordinator, team=world.team)
    version = services.charter_publish(actor=world.coordinator, draft=draft)
    assert version.number == 1 and version.status == CharterStatus.PUBLISHED
    assert version.published_by == world.coordinator and version.published_at is not None
    people = {(m["name"], m["organisation"], m["role"]) for m in version.members}
    assert people == {
        ("Cora Coordinator", "Municipality", "coordinator"),
        ("Max Member", "Police", "member"),
        ("Olga Observer", "Police", "observer"),
        ("Sara Social", "Social Services", "member"),
    }
    # later changes to the team do not change what the version recorded
    TeamMembership.objects.filter(user=social_worker).update(ended_at=timezone.now())
    version.refresh_from_db()
    assert len(version.members) == 4


def test_publishing_records_the_sharing_protocol_as_the_stakeholders_selector_gives_it(
    world: World,
) -> None:
    from icommit.sharing.selectors import sharing_protocol_rows
    from icommit.sharing.services import protocol_row_create
    from icommit.stakeholders.content import content

    category = next(iter(content().categories))
    protocol_row_create(
        actor=world.coordinator,
        team=world.team,
        values={
            "from_organisation_id": world.police.pk,
            "to_sector": "social_services",
            "category": category,
            "rule": "consent",
            "note": "Only what the plan needs.",
        },
    )
    draft = services.charter_draft_start(actor=world.coordinator, team=world.team)
    version = services.charter_publish(actor=world.coordinator, draft=draft)
    [row] = sharing_protocol_rows(team=world.team)
    assert version.sharing_protocol == [{k: row[k] for k in services.PROTOCOL_KEYS}]
    assert version.sharing_protocol[0]["from"] == "Police"
    assert version.sharing_protocol[0]["note"] == "Only what the plan needs."
    # a later change to the protocol leaves the published version as it was
    protocol_row_create(
        actor=world.coordinator,
        team=world.team,
        values={
            "from_organisation_id": world.municipality.pk,
            "to_sector": "police",
            "category": category,
            "rule": "never",
        },
    )
    version.refresh_from_db()
    assert len(version.sharing_protocol) == 1


def test_the_next_draft_copies_the_current_version_and_publishing_it_needs_a_change_note(
    world: World,
) -> None:
    first = services.charter_publish(
        actor=world.coordinator,
        draft=services.charter_draft_start(actor=world.coordinator, team=world.team),
    )
    draft = services.charter_draft_start(actor=world.coordinator, team=world.team)
    assert draft.based_on == first
    assert draft.purpose_scope == first.purpose_scope
    services.charter_draft_update(
        actor=world.coordinator, draft=draft, meeting_rhythm="Every four weeks."
    )
    with pytest.raises(ValidationFailed) as caught:
        services.charter_publish(actor=world.coordinator, draft=draft)
    assert "change_note" in caught.value.details
    services.charter_draft_update(
        actor=world.coordinator,
        draft=draft,
        meeting_rhythm="Every four weeks.",
        change_note="Meetings every four weeks.",
    )
    second = services.charter_publish(actor=world.coordinator, draft=draft)
    assert second.number == 2
    first.refresh_from_db()
    assert first.meeting_rhythm != "Every four weeks."


def test_a_published_version_never_changes(world: World) -> None:
    version = services.charter_publish(
        actor=world.coordinator,
        draft=services.charter_draft_start(actor=world.coordinator, team=world.team),
    )
    before = version.purpose_scope
    with pytest.raises(Conflict):
        services.charter_draft_update(actor=world.coordinator, draft=version, purpose_scope="x")
    with pytest.raises(Conflict):
        services.charter_publish(actor=world.coordinator, draft=version)
    with pytest.raises(Conflict):
        services.charter_draft_discard(actor=world.coordinator, draft=version)
    version.refresh_from_db()
    assert version.purpose_scope == before and version.number == 1


def test_publishing_needs_every_required_section(world: World) -> None:
    draft = services.charter_draft_start(actor=world.coordinator, team=world.team)
    services.charter_draft_update(
        actor=world.coordinator, draft=draft, referral_criteria="", confidentiality="  "
    )
    with pytest.raises(ValidationFailed) as caught:
        services.charter_publish(actor=world.coordinator, draft=draft)
    assert set(caught.value.details) == {"referral_criteria", "confidentiality"}
    draft.refresh_from_db()
    assert draft.status == CharterStatus.DRAFT


def test_only_coordinators_draft_and_publish(world: World) -> None:
    with pytest.raises(Forbidden):
        services.charter_draft_start(actor=world.member, team=world.team)
    draft = services.charter_draft_start(actor=world.coordinator, team=world.team)
    for person in (world.member, world.observer, world.other_coordinator, world.admin):
        with pytest.raises(Forbidden):
            services.charter_publish(actor=person, draft=draft)


# --- confirmations -----------------------------------------------------------------------------


def test_members_confirm_the_current_version_for_their_organisation(
    world: World, published_charter: CharterVersion
) -> None:
    confirmation = services.charter_confirm(actor=world.member, version=published_charter)
    assert confirmation.organisation == world.police
    assert confirmation.role == "member"
    with pytest.raises(Conflict):
        services.charter_confirm(actor=world.member, version=published_charter)


def test_observers_and_outsiders_cannot_confirm(
    world: World, published_charter: CharterVersion
) -> None:
    for person in (world.observer, world.outsider, world.other_coordinator, world.admin):
        with pytest.raises(Forbidden):
            services.charter_confirm(actor=person, version=published_charter)
    assert not CharterConfirmation.objects.exists()


def test_a_superseded_version_or_a_draft_cannot_be_confirmed(
    world: World, published_charter: CharterVersion
) -> None:
    draft = services.charter_draft_start(actor=world.coordinator, team=world.team)
    with pytest.raises(Conflict):
        services.charter_confirm(actor=world.member, version=draft)
    services.charter_draft_update(actor=world.coordinator, draft=draft, change_note="Shorter.")
    services.charter_publish(actor=world.coordinator, draft=draft)
    with pytest.raises(Conflict, match="newer version"):
        services.charter_confirm(actor=world.member, version=published_charter)


def test_the_status_shows_who_has_not_confirmed_by_member_and_by_organisation(
    world: World, published_charter: CharterVersion, social_worker: User
) -> None:
    services.charter_confirm(actor=world.coordinator, version=published_charter)
    services.charter_confirm(actor=world.member, version=published_charter)
    status = charter_confirmation_status(version=published_charter)
    assert status.confirmed_count == 2 and status.missing_count == 1
    assert [m.name for m in status.expected if not m.confirmed_at] == ["Sara Social"]
    observer = next(m for m in status.members if m.name == "Olga Observer")
    assert not observer.expected
    by_org = {
        o.name: ([m.name for m in o.confirmed], [m.name for m in o.missing])
        for o in status.organisations
    }
    assert by_org == {
        "Municipality": (["Cora Coordinator"], []),
        "Police": (["Max Member"], []),
        "Social Services": ([], ["Sara Social"]),
    }
    # someone who confirmed and then left still shows as a former member's confirmation
    TeamMembership.objects.filter(user=world.member).update(ended_at=timezone.now())
    status = charter_confirmation_status(version=published_charter)
    assert [c.user.full_name for c in status.former] == ["Max Member"]


def test_charter_steps_are_audited(world: World, published_charter: CharterVersion) -> None:
    services.charter_confirm(actor=world.member, version=published_charter)
    actions = list(
        AuditEvent.objects.filter(team_id=world.team.pk, action__startswith="charter.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["charter.draft", "charter.publish", "charter.confirm"]


def test_an_archived_team_keeps_its_charter_readable_and_unchangeable(
    world: World, published_charter: CharterVersion
) -> None:
    Team.objects.filter(pk=world.team.pk).update(archived_at=timezone.now())
    published_charter.team.refresh_from_db()
    with pytest.raises(Forbidden):
        services.charter_confirm(actor=world.member, version=published_charter)
    with pytest.raises(Forbidden):
        services.charter_draft_start(actor=world.coordinator, team=published_charter.team)


# --- meetings ----------------------------------------------------------------------------------


def test_a_meeting_records_attendees_with_organisation_and_role(
    world: World, circulated_meeting: Meeting
) -> None:
    view = minutes_detail(meeting=circulated_meeting)
    groups = {
        org: [(a.user.full_name, a.role) for a in people]
        for org, people in view.attendees_by_organisation
    }
    assert groups == {
        "Municipality": [("Cora Coordinator", "coordinator")],
        "Police": [("Max Member", "member"), ("Olga Observer", "observer")],
        "Social Services": [("Sara Social", "member")],
    }
    [first, second] = view.decisions
    assert [d.organisation.name for d in second.decision.dissents.all()] == ["Police"]
    assert not first.decision.dissents.all()
    assert view.version.status == MinutesStatus.CIRCULATED


def test_attendees_must_be_members_of_the_team(world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.meeting_create(
            actor=world.coordinator, team=world.team, data=minutes([world.outsider])
        )
    assert "attendees" in caught.value.details
    assert not Meeting.objects.exists()


def test_only_an_organisation_that_attended_records_dissent(world: World, social) -> None:  # type: ignore[no-untyped-def]
    data = minutes(
        [world.coordinator],
        decisions=(services.DecisionIn("A", (services.DissentIn(world.police.pk, "No."),)),),
    )
    with pytest.raises(ValidationFailed, match="only an organisation that attended"):
        services.meeting_create(actor=world.coordinator, team=world.team, data=data)


def test_only_coordinators_create_and_edit_meetings(
    world: World, circulated_meeting: Meeting
) -> None:
    with pytest.raises(Forbidden):
        services.meeting_create(actor=world.member, team=world.team, data=minutes([world.member]))
    with pytest.raises(Forbidden):
        services.meeting_update(
            actor=world.member, meeting=circulated_meeting, data=minutes([world.member])
        )
    with pytest.raises(Forbidden):
        services.meeting_correct(actor=world.member, meeting=circulated_meeting, reason="x")


def test_minutes_are_confirmed_only_once_sent_out_and_only_by_attendees(
    world: World, social_worker: User
) -> None:
    meeting = services.meeting_create(
        actor=world.coordinator, team=world.team, data=minutes([world.coordinator, world.member])
    )
    with pytest.raises(Conflict, match="not been sent out"):
        services.meeting_confirm(actor=world.member, meeting=meeting)
    services.meeting_circulate(actor=world.coordinator, meeting=meeting)
    with pytest.raises(Forbidden, match="attended"):
        services.meeting_confirm(actor=social_worker, meeting=meeting)
    services.meeting_confirm(actor=world.member, meeting=meeting)
    with pytest.raises(Conflict):
        services.meeting_confirm(actor=world.member, meeting=meeting)


def test_minutes_without_text_are_not_sent_out(world: World) -> None:
    meeting = services.meeting_create(
        actor=world.coordinator, team=world.team, data=minutes([world.member], text="")
    )
    with pytest.raises(ValidationFailed):
        services.meeting_circulate(actor=world.coordinator, meeting=meeting)


def test_observers_attend_but_do_not_confirm(world: World, circulated_meeting: Meeting) -> None:
    with pytest.raises(Forbidden):
        services.meeting_confirm(actor=world.observer, meeting=circulated_meeting)


def test_the_last_confirmation_freezes_the_minutes(
    world: World, circulated_meeting: Meeting, social_worker: User
) -> None:
    confirm_all(circulated_meeting, [world.coordinator, world.member])
    version = MinutesVersion.objects.get(meeting=circulated_meeting)
    assert version.status == MinutesStatus.CIRCULATED
    services.meeting_confirm(actor=social_worker, meeting=circulated_meeting)
    version.refresh_from_db()
    assert version.status == MinutesStatus.FROZEN
    assert version.frozen_by == social_worker and version.frozen_at is not None


def test_frozen_minutes_cannot_change(
    world: World, circulated_meeting: Meeting, social_worker: User
) -> None:
    confirm_all(circulated_meeting, [world.coordinator, world.member, social_worker])
    with pytest.raises(Conflict, match="frozen"):
        services.meeting_update(
            actor=world.coordinator, meeting=circulated_meeting, data=minutes([world.member])
        )
    with pytest.raises(Conflict):
        services.meeting_circulate(actor=world.coordinator, meeting=circulated_meeting)
    with pytest.raises(Conflict):
        services.meeting_freeze(actor=world.coordinator, meeting=circulated_meeting)
    version = MinutesVersion.objects.get(meeting=circulated_meeting)
    assert version.attendees.count() == 4 and version.decisions.count() == 2


def test_changing_minutes_out_for_confirmation_starts_the_confirmations_over(
    world: World, circulated_meeting: Meeting, social_worker: User
) -> None:
    services.meeting_confirm(actor=world.member, meeting=circulated_meeting)
    view = minutes_detail(meeting=circulated_meeting)
    keep = view.decisions[1].decision
    services.meeting_update(
        actor=world.coordinator,
        meeting=circulated_meeting,
        data=minutes(
            [world.coordinator, world.member, social_worker],
            decisions=(services.DecisionIn(keep.text + " (reworded)", ref=keep.pk),),
        ),
    )
    view = minutes_detail(meeting=circulated_meeting)
    assert all(
        a.confirmed_at is None for _o, group in view.attendees_by_organisation for a in group
    )
    [decision] = view.decisions
    assert decision.decision.lineage == keep.lineage
    event = AuditEvent.objects.filter(action="meeting.update").get()
    assert event.detail.data["confirmations_reset"] == 1


def test_the_coordinator_freezes_when_only_people_who_left_have_not_confirmed(
    world: World, circulated_meeting: Meeting, social_worker: User
) -> None:
    confirm_all(circulated_meeting, [world.coordinator])
    with pytest.raises(Conflict, match="Max Member, Sara Social"):
        services.meeting_freeze(actor=world.coordinator, meeting=circulated_meeting)
    services.meeting_confirm(actor=world.member, meeting=circulated_meeting)
    TeamMembership.objects.filter(user=social_worker).update(ended_at=timezone.now())
    version = services.meeting_freeze(actor=world.coordinator, meeting=circulated_meeting)
    assert version.status == MinutesStatus.FROZEN
    assert "Sara Social" in version.freeze_note


def test_a_correction_is_a_new_version_and_the_frozen_one_stays_readable(
    world: World, circulated_meeting: Meeting, social_worker: User
) -> None:
    with pytest.raises(Conflict):
        services.meeting_correct(actor=world.coordinator, meeting=circulated_meeting, reason="x")
    confirm_all(circulated_meeting, [world.coordinator, world.member, social_worker])
    with pytest.raises(ValidationFailed):
        services.meeting_correct(actor=world.coordinator, meeting=circulated_meeting, reason=" ")
    first = minutes_detail(meeting=circulated_meeting)
    second = services.meeting_correct(
        actor=world.coordinator, meeting=circulated_meeting, reason="Police's reason was shortened."
    )
    assert second.number == 2 and second.previous_id == first.version.pk
    assert second.status == MinutesStatus.DRAFT
    circulated_meeting.refresh_from_db()
    assert circulated_meeting.current_id == second.pk
    current = minutes_detail(meeting=circulated_meeting)
    assert [d.decision.lineage for d in current.decisions] == [
        d.decision.lineage for d in first.decisions
    ]
    assert [d.decision.pk for d in current.decisions] != [d.decision.pk for d in first.decisions]
    assert all(a.confirmed_at is None for _o, g in current.attendees_by_organisation for a in g)
    # the corrected version goes through the same steps; the first one stays frozen
    services.meeting_update(
        actor=world.coordinator,
        meeting=circulated_meeting,
        data=minutes([world.coordinator, world.member], text="Corrected text."),
    )
    services.meeting_circulate(actor=world.coordinator, meeting=circulated_meeting)
    confirm_all(circulated_meeting, [world.coordinator, world.member])
    again = minutes_detail(meeting=circulated_meeting, number=1)
    assert again.version.status == MinutesStatus.FROZEN
    assert again.version.minutes.startswith("We compared")
    assert len(again.decisions) == 2
    assert minutes_detail(meeting=circulated_meeting).version.status == MinutesStatus.FROZEN


def test_meeting_steps_are_audited(
    world: World, circulated_meeting: Meeting, social_worker: User
) -> None:
    confirm_all(circulated_meeting, [world.coordinator, world.member, social_worker])
    services.meeting_correct(actor=world.coordinator, meeting=circulated_meeting, reason="Typo")
    actions = list(
        AuditEvent.objects.filter(team_id=world.team.pk, action__startswith="meeting.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "meeting.create",
        "meeting.circulate",
        "meeting.confirm",
        "meeting.confirm",
        "meeting.confirm",
        "meeting.freeze",
        "meeting.correct",
    ]


# --- decisions into the plan -------------------------------------------------------------------


def test_a_decision_of_frozen_minutes_becomes_a_goal_and_an_action_with_the_link_kept(
    world: World, circulated_meeting: Meeting, social_worker: User
) -> None:
    from icommit.plans.models import Goal, PlanAction

    decision = minutes_detail(meeting=circulated_meeting).decisions[0].decision
    with pytest.raises(Conflict, match="frozen"):
        services.decision_goal_create(actor=world.coordinator, decision=decision, title="G")
    confirm_all(circulated_meeting, [world.coordinator, world.member, social_worker])
    decision.version.refresh_from_db()
    with pytest.raises(Forbidden):
        services.decision_goal_create(actor=world.member, decision=decision, title="G")
    link = services.decision_goal_create(
        actor=world.coordinator, decision=decision, title="One referral route for schools"
    )
    goal = Goal.objects.get(pk=link.goal_id)
    assert goal.team == world.team
    assert (goal.source_kind, goal.source_ref) == ("meeting_decision", str(decision.pk))
    assert goal.source_label == decision.text
    action_link = services.decision_action_create(
        actor=world.coordinator,
        decision=decision,
        goal=goal,
        title="Brief the school heads",
        owner_organisation=world.municipality,
    )
    action = PlanAction.objects.get(pk=action_link.action_id)
    assert action.goal == goal and action.source_ref == str(decision.pk)
    # the links follow the decision into a correction
    services.meeting_correct(actor=world.coordinator, meeting=circulated_meeting, reason="Typo")
    corrected = minutes_detail(meeting=circulated_meeting).decisions[0]
    assert corrected.decision.pk != decision.pk
    assert [(x.kind, x.goal_id) for x in corrected.links] == [
        ("goal", goal.pk),
        ("action", goal.pk),
    ]
    assert AuditEvent.objects.filter(action="meeting.decision_to_plan").count() == 2


def test_an_action_goes_only_under_a_goal_of_the_same_team(
    world: World, circulated_meeting: Meeting, social_worker: User
) -> None:
    from icommit.plans.services import goal_create

    confirm_all(circulated_meeting, [world.coordinator, world.member, social_worker])
    decision = minutes_detail(meeting=circulated_meeting).decisions[0].decision
    foreign = goal_create(actor=world.other_coordinator, team=world.other_team, title="Theirs")
    with pytest.raises(ValidationFailed):
        services.decision_action_create(
            actor=world.coordinator, decision=decision, goal=foreign, title="A"
        )
