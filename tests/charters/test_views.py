"""Charter and meeting pages: what each role sees and may do, flat query counts, the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from icommit.access.roles import TeamRole
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
from icommit.core.models import AuditEvent, Job
from icommit.stakeholders.sectors import Sector
from icommit.teams.models import TeamMembership
from icommit.teams.services import team_member_remove
from tests import jobs
from tests.charters.conftest import confirm_all, minutes
from tests.conftest import World
from tests.factories import OrganisationFactory, UserFactory, team_member


def _url(name: str, world: World, **kwargs: object) -> str:
    return reverse(f"charters:{name}", kwargs={"team_pk": world.team.pk, **kwargs})


# --- charter -----------------------------------------------------------------------------------


def test_without_a_charter_members_are_told_and_the_coordinator_can_start_one(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    page = client_for(world.member).get(_url("charter", world)).content.decode()
    assert "no published charter yet" in page
    assert _url("draft", world) not in page
    page = client_for(world.coordinator).get(_url("charter", world)).content.decode()
    assert _url("draft", world) in page


def test_the_coordinator_starts_edits_and_publishes_the_draft_from_the_pages(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.coordinator)
    assert "Start the draft" in client.get(_url("draft", world)).content.decode()
    assert client.post(_url("draft_start", world)).status_code == 302
    draft = CharterVersion.objects.get(team=world.team)
    data = {name: getattr(draft, name) for name in services.SECTIONS}
    data["purpose_scope"] = "We help people leave violence behind."
    response = client.post(_url("draft", world), {**data, "save": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.purpose_scope == "We help people leave violence behind."
    assert draft.status == CharterStatus.DRAFT
    response = client.post(_url("draft", world), {**data, "referral_criteria": "", "publish": "1"})
    assert response.status_code == 422
    assert "Write this section before publishing." in response.content.decode()
    response = client.post(_url("draft", world), {**data, "publish": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == CharterStatus.PUBLISHED and draft.number == 1


def test_members_and_observers_may_not_open_the_draft(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    for person in (world.member, world.observer):
        assert client_for(person).get(_url("draft", world)).status_code == 403
        assert client_for(person).post(_url("draft_start", world)).status_code == 403
    assert not CharterVersion.objects.exists()


def test_another_teams_coordinator_gets_404(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.other_coordinator)
    assert client.get(_url("charter", world)).status_code == 404
    assert client.get(_url("meetings", world)).status_code == 404


def test_the_charter_page_shows_who_has_confirmed_and_who_not_yet(
    world: World, client_for, published_charter: CharterVersion, social_worker: User
) -> None:  # type: ignore[no-untyped-def]
    services.charter_confirm(actor=world.member, version=published_charter)
    page = client_for(world.coordinator).get(_url("charter", world)).content.decode()
    assert "1 of 3 members have confirmed version 1." in page
    assert "Sara Social" in page and "not yet" in page
    assert "reads only" in page  # the observer
    assert "Confirm version 1" in page  # the coordinator has not confirmed yet


def test_a_member_confirms_from_the_page_and_an_observer_cannot(
    world: World, client_for, published_charter: CharterVersion
) -> None:  # type: ignore[no-untyped-def]
    observer_page = client_for(world.observer).get(_url("charter", world)).content.decode()
    assert "Confirm version 1" not in observer_page
    assert client_for(world.observer).post(_url("confirm", world, number=1)).status_code == 403
    client = client_for(world.member)
    assert "Confirm version 1" in client.get(_url("charter", world)).content.decode()
    response = client.post(_url("confirm", world, number=1), follow=True)
    assert "You confirmed version 1 of the charter." in response.content.decode()
    assert "Confirm version 1" not in response.content.decode()
    assert CharterConfirmation.objects.filter(user=world.member).count() == 1


def test_earlier_versions_stay_readable(
    world: World, client_for, published_charter: CharterVersion
) -> None:  # type: ignore[no-untyped-def]
    draft = services.charter_draft_start(actor=world.coordinator, team=world.team)
    services.charter_draft_update(
        actor=world.coordinator,
        draft=draft,
        meeting_rhythm="Every four weeks.",
        change_note="Meetings every four weeks.",
    )
    services.charter_publish(actor=world.coordinator, draft=draft)
    client = client_for(world.observer)
    listing = client.get(_url("versions", world)).content.decode()
    assert "Meetings every four weeks." in listing
    old = client.get(_url("version", world, number=1)).content.decode()
    assert "has been replaced by version 2" in old
    assert published_charter.meeting_rhythm.splitlines()[0][:40] in old
    assert client.get(_url("version", world, number=9)).status_code == 404


def test_the_pdf_of_a_version_is_prepared_in_the_background_and_names_the_team(
    world: World, client_for, published_charter: CharterVersion
) -> None:  # type: ignore[no-untyped-def]
    services.charter_confirm(actor=world.member, version=published_charter)
    client = client_for(world.observer)
    job = jobs.start(client, _url("version_pdf", world, number=1))
    assert (job.kind, job.params["team"], job.params["number"]) == ("charter.pdf", world.team.pk, 1)
    data, disposition = jobs.download(client, job)
    assert data.startswith(b"%PDF")
    assert f'filename="charter-{world.team.pk}-v1.pdf"' in disposition
    started = AuditEvent.objects.get(action="export.start", purpose="charter.pdf")
    downloaded = AuditEvent.objects.get(action="export.download", purpose="charter.pdf")
    assert started.team_id == downloaded.team_id == world.team.pk
    assert started.actor == downloaded.actor == world.observer
    text = jobs.pdf_text(data)
    assert "Alpha MSC" in text
    assert "Max Member" in text  # the confirmation


def test_a_get_on_the_pdf_address_renders_nothing(
    world: World, client_for, published_charter: CharterVersion
) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.observer).get(_url("version_pdf", world, number=1))
    assert response.status_code == 405
    assert not Job.objects.exists()


def test_the_charter_pages_offer_the_pdf_as_a_form_that_posts(
    world: World, client_for, published_charter: CharterVersion
) -> None:  # type: ignore[no-untyped-def]
    action = f'<form method="post" action="{_url("version_pdf", world, number=1)}">'
    client = client_for(world.observer)
    assert action in client.get(_url("charter", world)).content.decode()
    assert action in client.get(_url("version", world, number=1)).content.decode()


@override_settings(JOBS_MAX_UNFINISHED=1)
def test_a_second_pdf_while_the_first_is_being_prepared_is_refused_with_the_reason(
    world: World, client_for, published_charter: CharterVersion
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.observer)
    url = _url("version_pdf", world, number=1)
    with TestCase.captureOnCommitCallbacks(execute=False):  # the first stays queued
        client.post(url)
    response = client.post(url, follow=True)
    assert response.redirect_chain[0][0] == _url("version", world, number=1)
    assert "You already have 1 file being prepared" in response.content.decode()
    assert Job.objects.count() == 1


@override_settings(PDF_MAX_PAGES=2)
def test_a_pdf_longer_than_the_page_limit_fails_with_the_limit_and_writes_nothing(
    world: World, client_for, published_charter: CharterVersion
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.observer)
    job = jobs.start(client, _url("version_pdf", world, number=1))  # the charter has 4 pages
    assert (job.status, job.result_path) == ("failed", "")
    assert job.message.startswith("The PDF would have 4 pages, more than the limit of 2;")
    assert not (Path(settings.MEDIA_ROOT) / "jobs" / str(job.pk)).exists()
    page = client.get(reverse("web:job", args=[job.pk])).content.decode()
    assert "The file could not be prepared." in page and "the limit of 2" in page
    assert "Download" not in page.split("<main", 1)[1]


@override_settings(PDF_TIME_LIMIT_SECONDS=0.001)
def test_a_pdf_that_takes_longer_than_the_time_limit_fails_and_writes_nothing(
    world: World, client_for, published_charter: CharterVersion
) -> None:  # type: ignore[no-untyped-def]
    job = jobs.start(client_for(world.observer), _url("version_pdf", world, number=1))
    assert (job.status, job.result_path) == ("failed", "")
    assert job.message == "The PDF took longer than 0.001 seconds to prepare and was stopped."
    assert not (Path(settings.MEDIA_ROOT) / "jobs" / str(job.pk)).exists()


def test_a_pdf_job_whose_owner_left_the_team_fails_and_writes_nothing(
    world: World, client_for, published_charter: CharterVersion
) -> None:  # type: ignore[no-untyped-def]
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        client_for(world.observer).post(_url("version_pdf", world, number=1))
    membership = TeamMembership.objects.get(team=world.team, user=world.observer)
    team_member_remove(actor=world.coordinator, membership=membership)
    for run in queued:
        run()
    job = Job.objects.get()
    assert job.status == "failed"
    assert job.message == "You no longer have access to what this file is made from."
    assert job.result_path == ""
    assert not (Path(settings.MEDIA_ROOT) / "jobs" / str(job.pk)).exists()


def _grow_team(world: World, n: int) -> list[User]:
    people = []
    for _ in range(n):
        org = OrganisationFactory(sector=Sector.SOCIAL_SERVICES)
        person = UserFactory()
        team_member(world.team, person, org, TeamRole.MEMBER)
        people.append(person)
    return people


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["coordinator", "member"])
def test_the_charter_page_query_count_stays_flat_as_members_grow(
    world: World, client_for, who: str
) -> None:  # type: ignore[no-untyped-def]
    _grow_team(world, 3)
    version = services.charter_publish(
        actor=world.coordinator,
        draft=services.charter_draft_start(actor=world.coordinator, team=world.team),
    )
    services.charter_confirm(actor=world.member, version=version)
    client = client_for(getattr(world, who))
    url = _url("charter", world)
    client.get(url)
    few = _count(client, url)
    more = _grow_team(world, 30)
    draft = services.charter_draft_start(actor=world.coordinator, team=world.team)
    services.charter_draft_update(actor=world.coordinator, draft=draft, change_note="More people.")
    version = services.charter_publish(actor=world.coordinator, draft=draft)
    for person in more[:20]:
        services.charter_confirm(actor=person, version=version)
    many = _count(client, url)
    assert many == few, (few, many)


# --- meetings ----------------------------------------------------------------------------------


def _meeting_post(world: World, attendees: list[User], **extra: str) -> dict[str, object]:
    data: dict[str, object] = {
        "held_on": "2026-04-02",
        "title": "Thresholds",
        "agenda": "Referral thresholds",
        "minutes": "We compared thresholds.",
        "attendees": [str(u.pk) for u in attendees],
        "decision-TOTAL_FORMS": "2",
        "decision-INITIAL_FORMS": "0",
        "decision-0-text": "Schools refer through the coordinator.",
        "decision-1-text": "",
        "dissent-TOTAL_FORMS": "1",
        "dissent-INITIAL_FORMS": "0",
        "dissent-0-decision": "1",
        "dissent-0-organisation": str(world.police.pk),
        "dissent-0-reason": "Police want to hear of school concerns directly.",
    }
    data.update(extra)
    return data


def test_the_coordinator_records_a_meeting_with_decisions_and_dissent(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.coordinator)
    page = client.get(_url("meeting_create", world)).content.decode()
    assert "Max Member" in page and "Police" in page  # attendees grouped by organisation
    response = client.post(
        _url("meeting_create", world), _meeting_post(world, [world.coordinator, world.member])
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    page = client.get(_url("meeting", world, pk=meeting.pk)).content.decode()
    assert "Schools refer through the coordinator." in page
    assert "Dissent by Police:" in page
    assert "Send out for confirmation" in page


def test_a_dissent_on_an_empty_decision_is_shown_on_the_form(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.coordinator).post(
        _url("meeting_create", world),
        _meeting_post(world, [world.coordinator, world.member], **{"dissent-0-decision": "2"}),
    )
    assert response.status_code == 422
    assert "decision 2, which has no text" in response.content.decode()
    assert not Meeting.objects.exists()


def test_members_cannot_create_or_edit_meetings(
    world: World, client_for, circulated_meeting: Meeting
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.member)
    assert client.get(_url("meeting_create", world)).status_code == 403
    assert client.get(_url("meeting_edit", world, pk=circulated_meeting.pk)).status_code == 403
    assert client.post(_url("meeting_freeze", world, pk=circulated_meeting.pk)).status_code == 403
    page = client.get(_url("meeting", world, pk=circulated_meeting.pk)).content.decode()
    assert _url("meeting_edit", world, pk=circulated_meeting.pk) not in page
    assert "Confirm the minutes" in page
    coordinator_page = client_for(world.coordinator).get(
        _url("meeting", world, pk=circulated_meeting.pk)
    )
    assert (
        _url("meeting_edit", world, pk=circulated_meeting.pk) in coordinator_page.content.decode()
    )


def test_an_attendee_confirms_from_the_page_and_the_last_one_freezes(
    world: World, client_for, circulated_meeting: Meeting, social_worker: User
) -> None:  # type: ignore[no-untyped-def]
    url = _url("meeting", world, pk=circulated_meeting.pk)
    assert "Confirm the minutes" not in client_for(world.observer).get(url).content.decode()
    confirm_all(circulated_meeting, [world.coordinator, world.member])
    client = client_for(social_worker)
    assert "Confirm the minutes" in client.get(url).content.decode()
    response = client.post(_url("meeting_confirm", world, pk=circulated_meeting.pk), follow=True)
    page = response.content.decode()
    assert "You confirmed the minutes." in page
    assert "Frozen on" in page
    assert MinutesVersion.objects.get().status == MinutesStatus.FROZEN
    coordinator_page = client_for(world.coordinator).get(url).content.decode()
    assert "Record a correction" in coordinator_page
    assert _url("meeting_edit", world, pk=circulated_meeting.pk) not in coordinator_page


def test_a_correction_from_the_pages_keeps_the_frozen_version_readable(
    world: World, client_for, circulated_meeting: Meeting, social_worker: User
) -> None:  # type: ignore[no-untyped-def]
    confirm_all(circulated_meeting, [world.coordinator, world.member, social_worker])
    client = client_for(world.coordinator)
    correct = _url("meeting_correct", world, pk=circulated_meeting.pk)
    assert client.post(correct, {"reason": ""}).status_code == 422
    response = client.post(correct, {"reason": "The dissent was shortened."})
    assert response.status_code == 302
    assert response["Location"] == _url("meeting_edit", world, pk=circulated_meeting.pk)
    edit = client.get(response["Location"]).content.decode()
    assert "You are correcting version 1." in edit
    assert "Nothing is shared with police by default." in edit  # decisions copied into the form
    current = client.get(_url("meeting", world, pk=circulated_meeting.pk)).content.decode()
    assert "This version corrects version 1." in current
    old = client.get(
        _url("meeting", world, pk=circulated_meeting.pk) + "?version=1"
    ).content.decode()
    assert "has been corrected since" in old and "Frozen on" in old


def test_the_meeting_list_shows_each_meetings_state(
    world: World, client_for, circulated_meeting: Meeting
) -> None:  # type: ignore[no-untyped-def]
    page = client_for(world.observer).get(_url("meetings", world)).content.decode()
    assert "Roles and thresholds" in page and "Awaiting confirmation" in page
    assert "New team meeting" not in page
    assert (
        "New team meeting"
        in client_for(world.coordinator).get(_url("meetings", world)).content.decode()
    )


def test_the_meeting_page_query_count_stays_flat_as_attendees_grow(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    def meeting_with(people: list[User]) -> Meeting:
        orgs = {p.team_memberships.get().organisation_id for p in people}
        return services.meeting_create(
            actor=world.coordinator,
            team=world.team,
            data=minutes(
                [world.coordinator, *people],
                decisions=tuple(
                    services.DecisionIn(
                        f"Decision {i}", tuple(services.DissentIn(o, "No.") for o in orgs)
                    )
                    for i in range(len(people))
                ),
            ),
        )

    client = client_for(world.member)
    small = meeting_with(_grow_team(world, 2))
    big = meeting_with(_grow_team(world, 25))
    client.get(_url("meeting", world, pk=small.pk))
    few = _count(client, _url("meeting", world, pk=small.pk))
    many = _count(client, _url("meeting", world, pk=big.pk))
    assert many == few, (few, many)
    assert _count(client, _url("meetings", world)) == _count(client, _url("meetings", world))


def test_the_coordinator_turns_a_decision_into_a_goal_and_the_decision_links_to_it(
    world: World, client_for, circulated_meeting: Meeting, social_worker: User
) -> None:  # type: ignore[no-untyped-def]
    from icommit.plans.models import Goal

    meeting_url = _url("meeting", world, pk=circulated_meeting.pk)
    decision = MinutesVersion.objects.get().decisions.first()
    assert decision is not None
    plan_url = _url("decision_plan", world, pk=circulated_meeting.pk, decision_pk=decision.pk)
    client = client_for(world.coordinator)
    assert plan_url not in client.get(meeting_url).content.decode()  # not frozen yet
    confirm_all(circulated_meeting, [world.coordinator, world.member, social_worker])
    assert plan_url in client.get(meeting_url).content.decode()
    assert plan_url not in client_for(world.member).get(meeting_url).content.decode()
    assert client_for(world.member).get(plan_url).status_code == 403
    response = client.post(plan_url, {"kind": "goal", "goal-title": "", "goal-description": ""})
    assert response.status_code == 422
    response = client.post(plan_url, {"kind": "goal", "goal-title": "One referral route"})
    assert response.status_code == 302
    goal = Goal.objects.get()
    page = client_for(world.observer).get(meeting_url).content.decode()
    assert reverse("plans:goal", kwargs={"team_pk": world.team.pk, "pk": goal.pk}) in page
    assert "Goal: One referral route" in page
    response = client.post(
        plan_url,
        {
            "kind": "action",
            "action-goal": str(goal.pk),
            "action-title": "Brief the school heads",
            "action-owner_organisation": str(world.municipality.pk),
        },
    )
    assert response.status_code == 302
    assert goal.actions.get().owner_organisation == world.municipality


def test_a_goal_from_a_decision_goes_through_the_plan_link_and_shows_both_ways(
    world: World, client_for, circulated_meeting: Meeting, social_worker: User
) -> None:  # type: ignore[no-untyped-def]
    from icommit.plans.models import Goal, PlanLink

    decision = MinutesVersion.objects.get().decisions.first()
    assert decision is not None
    confirm_all(circulated_meeting, [world.coordinator, world.member, social_worker])
    client = client_for(world.coordinator)
    plan_url = _url("decision_plan", world, pk=circulated_meeting.pk, decision_pk=decision.pk)
    client.post(plan_url, {"kind": "goal", "goal-title": "One referral route"})
    goal = Goal.objects.get()
    link = PlanLink.objects.get()
    assert (link.source_kind, link.source_id, link.goal, link.action) == (
        "meeting_decision",
        str(decision.pk),
        goal,
        None,
    )
    plan_page = client.get(reverse("plans:goal", kwargs={"team_pk": world.team.pk, "pk": goal.pk}))
    assert f"{decision.text} (Meeting decision)" in plan_page.content.decode()
    decision_page = client.get(plan_url).content.decode()
    assert "Already in the plan:" in decision_page and "Goal: One referral route" in decision_page
