"""The team pages: what each role sees, flat query counts, errors next to fields, exports."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from icommit.access.roles import PlatformRole, TeamRole
from icommit.core.models import Job
from icommit.teams.models import Invitation, TeamMembership
from tests.conftest import World
from tests.factories import OrganisationFactory, UserFactory, grant, team_member


def test_a_member_of_team_a_gets_404_for_team_b(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.member)
    assert client.get(reverse("teams:detail", args=[world.team.pk])).status_code == 200
    response = client.get(reverse("teams:detail", args=[world.other_team.pk]))
    assert response.status_code == 404
    assert b"Beta MSC" not in response.content
    assert client.get(reverse("teams:detail", args=[999999])).status_code == 404


def test_a_member_sees_the_team_without_management_forms(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    page = (
        client_for(world.member).get(reverse("teams:detail", args=[world.team.pk])).content.decode()
    )
    assert "Max Member" in page and "Cora Coordinator" in page
    assert "Add a member" not in page
    coordinator_page = client_for(world.coordinator).get(
        reverse("teams:detail", args=[world.team.pk])
    )
    assert reverse("teams:member_new", args=[world.team.pk]) in coordinator_page.content.decode()
    forms = client_for(world.coordinator).get(reverse("teams:member_new", args=[world.team.pk]))
    assert "Add a member" in forms.content.decode()
    assert "Invite someone new" in forms.content.decode()
    assert (
        client_for(world.member).get(reverse("teams:member_new", args=[world.team.pk])).status_code
        == 403
    )


def test_a_member_posting_a_management_form_is_refused(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.member).post(
        reverse("teams:invite", args=[world.team.pk]),
        {"email": "x@example.org", "organisation": world.police.pk, "role": "member"},
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_bad_input_is_shown_next_to_the_field_and_changes_nothing(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.coordinator)
    response = client.post(
        reverse("teams:invite", args=[world.team.pk]),
        {"email": "not-an-address", "organisation": world.police.pk, "role": "member"},
    )
    assert response.status_code == 422
    assert "Enter a valid email address." in response.content.decode()
    assert not Invitation.objects.exists()
    response = client.post(
        reverse("teams:edit", args=[world.team.pk]),
        {"name": "Alpha", "city": "C", "country": "D1", "scope": "both"},
    )
    assert response.status_code == 200
    assert "two-letter country code" in response.content.decode()
    world.team.refresh_from_db()
    assert world.team.name == "Alpha MSC"


def test_creating_a_team_from_the_page(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from icommit.stakeholders.models import OrganisationMembership

    membership = OrganisationMembership.objects.get(user=world.member)
    grant(world.member, PlatformRole.TEAM_FOUNDER)
    response = client_for(world.member).post(
        reverse("teams:create"),
        {
            "name": "Delta MSC",
            "city": "Kiel",
            "country": "DE",
            "scope": "vrwe",
            "coordinator": membership.pk,
        },
    )
    assert response.status_code == 302
    assert TeamMembership.objects.get(team__name="Delta MSC").role == TeamRole.COORDINATOR


def test_the_coordinator_choice_offers_only_their_own_memberships(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    grant(world.member, PlatformRole.TEAM_FOUNDER)
    page = client_for(world.member).get(reverse("teams:create")).content.decode()
    assert "Max Member" in page
    assert "Cora Coordinator" not in page


def _grow(world: World, n: int) -> None:
    org = OrganisationFactory()
    for _ in range(n):
        team_member(world.team, UserFactory(), org, TeamRole.MEMBER)


@pytest.mark.parametrize("who", ["coordinator", "member"])
def test_team_page_query_count_does_not_grow_with_members(
    world: World, client_for, who: str
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(getattr(world, who))
    url = reverse("teams:detail", args=[world.team.pk])
    _grow(world, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(world, 45)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert TeamMembership.objects.filter(team=world.team).count() >= 50
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_the_member_list_export_runs_as_a_job_with_an_expiring_download(  # type: ignore[no-untyped-def]
    world: World, client_for, settings, django_capture_on_commit_callbacks
) -> None:
    client = client_for(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("teams:export", args=[world.team.pk]))
    job = Job.objects.get()
    assert response.status_code == 302 and str(job.pk) in response["Location"]
    assert job.status == "done", job.message
    page = client.get(reverse("web:job", args=[job.pk]))
    token = page.context["download_token"]
    download = client.get(reverse("web:job_download", args=[job.pk]) + f"?t={token}")
    assert download.status_code == 200
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    assert "Max Member" in body and "Cora Coordinator" in body
    # another user cannot see the job, and a wrong token is refused
    assert client_for(world.member).get(reverse("web:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("web:job_download", args=[job.pk]) + "?t=forged").status_code == 404
    settings.DOWNLOAD_LINK_SECONDS = -1
    assert client.get(reverse("web:job_download", args=[job.pk]) + f"?t={token}").status_code == 404


def test_the_job_page_polls_with_htmx_until_done(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    job = Job.objects.create(
        owner=world.coordinator, kind="team.roster", params={"team": world.team.pk}
    )
    client = client_for(world.coordinator)
    full = client.get(reverse("web:job", args=[job.pk]))
    assert 'hx-trigger="every 1s"' in full.content.decode()
    partial = client.get(reverse("web:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert 'id="job-status"' in partial.content.decode()


def test_invitation_link_signs_up_a_new_person(world: World, client_for, client) -> None:  # type: ignore[no-untyped-def]
    from icommit.teams.services import team_invite

    _invitation, token = team_invite(
        actor=world.coordinator,
        team=world.team,
        email="fresh@example.org",
        organisation=world.police,
        role="member",
    )
    url = reverse("teams:invitation_accept", args=[token])
    assert "Alpha MSC" in client.get(url).content.decode()
    response = client.post(url, {"full_name": "Fred Fresh", "password": "a long enough passphrase"})
    assert response.status_code == 302
    assert TeamMembership.objects.filter(user__email="fresh@example.org", team=world.team).exists()
    assert client.get(url).status_code == 404


def test_the_history_panel_shows_the_coordinator_what_changed(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from icommit.teams.services import team_update

    team_update(
        actor=world.coordinator,
        team=world.team,
        name="Alpha Renamed",
        city="C",
        country="DE",
        scope="vie",
    )
    client = client_for(world.coordinator)
    page = client.get(reverse("teams:detail", args=[world.team.pk])).content.decode()
    assert reverse("teams:history", args=[world.team.pk]) in page
    fragment = client.get(reverse("teams:history", args=[world.team.pk]), HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "team.update" in body and "Cora Coordinator" in body and "<html" not in body
    member = client_for(world.member)
    assert (
        reverse("teams:history", args=[world.team.pk])
        not in member.get(reverse("teams:detail", args=[world.team.pk])).content.decode()
    )
    assert member.get(reverse("teams:history", args=[world.team.pk])).status_code == 403


def test_the_add_member_page_query_count_does_not_grow_with_candidates(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import member_of

    client = client_for(world.coordinator)
    url = reverse("teams:member_new", args=[world.team.pk])
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _ in range(40):
        member_of(UserFactory(), world.police)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<option") >= 40
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_new_team_shows_only_to_those_who_may_set_up_teams(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    new_team = reverse("teams:create")
    assert new_team not in client_for(world.member).get(reverse("teams:list")).content.decode()
    assert client_for(world.member).get(new_team).status_code == 403
    grant(world.member, PlatformRole.TEAM_FOUNDER)
    assert new_team in client_for(world.member).get(reverse("teams:list")).content.decode()
    assert new_team in client_for(world.admin).get(reverse("teams:list")).content.decode()


def test_a_team_may_work_on_forms_of_extremism_beyond_right_wing_and_islamist(
    world: World,
    client_for,  # type: ignore[no-untyped-def]
) -> None:
    client = client_for(world.coordinator)
    form = client.get(reverse("teams:edit", args=[world.team.pk])).content.decode()
    assert "Forms of extremism the team works on" in form
    assert ">Misogynist violence<" in form and ">Mixed or unclear ideology<" in form
    response = client.post(
        reverse("teams:edit", args=[world.team.pk]),
        {"name": "Alpha MSC", "city": "C", "country": "DE", "scope": "misogynist"},
    )
    assert response.status_code == 302
    world.team.refresh_from_db()
    assert world.team.scope == "misogynist"
    page = client.get(reverse("teams:detail", args=[world.team.pk])).content.decode()
    assert "<dt>Works on</dt><dd>Misogynist violence</dd>" in page
    refused = client.post(
        reverse("teams:edit", args=[world.team.pk]),
        {"name": "Alpha MSC", "city": "C", "country": "DE", "scope": "hooligans"},
    )
    assert refused.status_code in (200, 422)
    assert "Select a valid choice" in refused.content.decode()
    world.team.refresh_from_db()
    assert world.team.scope == "misogynist"
