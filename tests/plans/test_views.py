"""The plan pages: what each role sees, overdue marks, filters, timeline, flat query counts,
forms for coordinators and owners, exports and the risk register."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from icommit.core.models import AuditEvent, Job
from icommit.plans import services
from icommit.plans.models import Goal, PlanAction, ProgressNote, Risk
from icommit.plans.sources import SourceRef
from icommit.teams.models import TeamOrganisation
from tests import jobs
from tests.factories import OrganisationFactory, UserFactory, team_member
from tests.plans.conftest import Plan, days


def _plan_url(plan: Plan, query: str = "") -> str:
    return reverse("plans:plan", args=[plan.world.team.pk]) + query


def _goal_url(plan: Plan, goal: Goal | None = None) -> str:
    return reverse(
        "plans:goal", kwargs={"team_pk": plan.world.team.pk, "pk": (goal or plan.goal).pk}
    )


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr class="plan-action[^"]*">.*?</tr>', html, flags=re.S)


def test_the_plan_shows_goals_actions_and_marks_overdue_ones_in_words(
    plan: Plan, client_for
) -> None:  # type: ignore[no-untyped-def]
    html = client_for(plan.world.observer).get(_plan_url(plan)).content.decode()
    assert "Legal basis for every protocol row" in html
    rows = {re.search(r"<td>([^<]+)", r).group(1): r for r in _rows(html)}  # type: ignore[union-attr]
    assert set(rows) == {"Add legal sources", "Review consent forms", "Draft the overview"}
    assert "plan-overdue" in rows["Add legal sources"] and "Overdue" in rows["Add legal sources"]
    assert "plan-overdue" not in rows["Review consent forms"]
    # done actions are never overdue, whatever their date
    assert "Overdue" not in rows["Draft the overview"]
    assert "1 overdue" in html
    assert "New goal" not in html  # observers read only


def test_a_coordinator_sees_the_new_goal_link(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    html = client_for(plan.world.coordinator).get(_plan_url(plan)).content.decode()
    assert reverse("plans:goal_create", args=[plan.world.team.pk]) in html


def test_the_plan_filters_by_owner_organisation_and_status(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(plan.world.member)
    other = services.goal_create(actor=plan.world.coordinator, team=plan.world.team, title="Other")
    html = client.get(_plan_url(plan, f"?owner={plan.social.pk}")).content.decode()
    assert [re.search(r"<td>([^<]+)", r).group(1) for r in _rows(html)] == [  # type: ignore[union-attr]
        "Review consent forms"
    ]
    assert "Other" not in html  # goals without a matching action are left out
    html = client.get(
        _plan_url(plan, f"?owner={plan.world.police.pk}&status=done")
    ).content.decode()
    assert [re.search(r"<td>([^<]+)", r).group(1) for r in _rows(html)] == [  # type: ignore[union-attr]
        "Draft the overview"
    ]
    assert "filtered" in html
    html = client.get(_plan_url(plan)).content.decode()
    assert other.title in html and len(_rows(html)) == 3


def test_a_bad_filter_value_shows_the_whole_plan(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(plan.world.member).get(_plan_url(plan, "?owner=999999&status=lost"))
    assert response.status_code == 200
    assert len(_rows(response.content.decode())) == 3


def test_the_filter_answers_htmx_with_the_results_only(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(plan.world.member).get(
        _plan_url(plan, f"?owner={plan.social.pk}"), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="plan-results">')
    assert "<html" not in html and "Review consent forms" in html
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_the_timeline_lists_dates_by_month_in_order(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    html = client_for(plan.world.member).get(_plan_url(plan)).content.decode()
    timeline = html[html.index('class="plan-timeline"') :]
    months = re.findall(r'<time datetime="(\d{4}-\d{2})">', timeline)
    assert months == ["2030-05", "2030-06", "2030-08"]
    order = [
        timeline.index(t) for t in ("Draft the overview", "Add legal sources", "Review consent")
    ]
    assert order == sorted(order)
    assert "Goal target:" in timeline


def _grow(plan: Plan, n: int) -> None:
    coordinator = plan.world.coordinator
    orgs = [plan.world.police, plan.social]
    people = [plan.world.member, None]
    for i in range(n):
        goal = services.goal_create(
            actor=coordinator, team=plan.world.team, title=f"Goal {i}", target_date=days(i)
        )
        for j in range(4):
            services.action_create(
                actor=coordinator,
                goal=goal,
                title=f"Action {i}.{j}",
                owner_organisation=orgs[j % 2],
                owner_user=people[j % 2],
                due_date=days(j - 2),
            )


@pytest.mark.parametrize("who", ["coordinator", "member"])
def test_the_plan_page_runs_the_same_queries_for_5_and_for_200_actions(
    plan: Plan, client_for, who: str
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(getattr(plan.world, who))
    for title in ("Fourth", "Fifth"):
        services.action_create(
            actor=plan.world.coordinator, goal=plan.goal, title=title, owner_user=plan.world.member
        )
    assert PlanAction.objects.count() == 5
    url = _plan_url(plan)
    filtered = url + f"?owner={plan.social.pk}&status=open"
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as small_filtered:
        assert client.get(filtered).status_code == 200
    _grow(plan, 49)
    assert PlanAction.objects.count() >= 200
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('<tr class="plan-action') >= 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    with CaptureQueriesContext(connection) as large_filtered:
        response = client.get(filtered)
    # two social-services actions in each of the 49 new goals, and the fixture's one
    assert response.content.decode().count('<tr class="plan-action') == 49 * 2 + 1
    assert len(large_filtered) == len(small_filtered)


def test_the_risk_register_and_goal_page_keep_query_counts_flat(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(plan.world.member)
    goal_url, risks_url = _goal_url(plan), reverse("plans:risks", args=[plan.world.team.pk])
    with CaptureQueriesContext(connection) as goal_small:
        client.get(goal_url)
    with CaptureQueriesContext(connection) as risks_small:
        client.get(risks_url)
    actions = [
        services.action_create(
            actor=plan.world.coordinator,
            goal=plan.goal,
            title=f"A{i}",
            owner_user=plan.world.member,
        )
        for i in range(20)
    ]
    for a in actions:
        services.action_note_add(actor=plan.world.member, action=a, text="note")
        services.risk_create(
            actor=plan.world.coordinator,
            team=plan.world.team,
            title=f"R {a.pk}",
            likelihood=1 + a.pk % 5,
            impact=1 + a.pk % 3,
            owner_user=plan.world.member,
            mitigations=[a, plan.social_action],
        )
    with CaptureQueriesContext(connection) as goal_large:
        client.get(goal_url)
    with CaptureQueriesContext(connection) as risks_large:
        client.get(risks_url)
    assert len(goal_large) == len(goal_small)
    assert len(risks_large) == len(risks_small)


# --- the goal page ----------------------------------------------------------------------------


def test_the_goal_page_shows_actions_notes_and_the_source(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    goal = services.goal_create(
        actor=plan.world.coordinator,
        team=plan.world.team,
        title="From a task",
        source=SourceRef("phase_task", "setup.legal-basis", "Record the legal basis for sharing"),
    )
    action = services.action_create(
        actor=plan.world.coordinator,
        goal=goal,
        title="From a decision",
        source=SourceRef("meeting_decision", "decision:7", "Team meeting 3 March: decision 2"),
    )
    services.action_note_add(actor=plan.world.coordinator, action=action, text="Half done")
    html = client_for(plan.world.member).get(_goal_url(plan, goal)).content.decode()
    assert "Record the legal basis for sharing (Phase task)" in html
    assert "Team meeting 3 March: decision 2 (Meeting decision)" in html
    assert "Half done" in html and "Cora Coordinator" in html
    plan_html = client_for(plan.world.member).get(_plan_url(plan)).content.decode()
    assert "Created from: Record the legal basis for sharing" in plan_html
    assert "Created from: Team meeting 3 March: decision 2" in plan_html


def test_owners_see_the_update_forms_of_their_actions_only(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    def forms(user) -> set[int]:  # type: ignore[no-untyped-def]
        html = client_for(user).get(_goal_url(plan)).content.decode()
        return {int(pk) for pk in re.findall(r"/plan/actions/(\d+)/notes/", html)}

    w = plan.world
    assert forms(w.member) == {plan.police_action.pk, plan.done_action.pk}
    assert forms(plan.social_worker) == {plan.social_action.pk}
    assert forms(w.observer) == set()
    assert forms(w.coordinator) == {
        plan.police_action.pk,
        plan.social_action.pk,
        plan.done_action.pk,
    }
    html = client_for(w.member).get(_goal_url(plan)).content.decode()
    assert "Add an action" not in html and "Edit goal" not in html


def test_a_goal_of_another_team_is_not_found(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    other = services.goal_create(
        actor=plan.world.other_coordinator, team=plan.world.other_team, title="Theirs"
    )
    url = reverse("plans:goal", kwargs={"team_pk": plan.world.team.pk, "pk": other.pk})
    assert client_for(plan.world.coordinator).get(url).status_code == 404


def test_the_coordinator_creates_a_goal_and_its_actions(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(plan.world.coordinator)
    team = plan.world.team
    response = client.post(
        reverse("plans:goal_create", args=[team.pk]),
        {
            "title": "Train all members",
            "why": "New members",
            "target_date": "2030-09-01",
            "phase_key": "operation",
            "indicator_id": "process.members-certified",
            "target_value": "100",
        },
    )
    goal = Goal.objects.get(title="Train all members")
    assert response.status_code == 302 and response["Location"] == _goal_url(plan, goal)
    people = {m.user_id: m.pk for m in team.memberships.filter(ended_at__isnull=True)}
    response = client.post(
        reverse("plans:action_create", kwargs={"team_pk": team.pk, "pk": goal.pk}),
        {
            "title": "Run a session",
            "owner_organisation": plan.social.pk,
            "owner_person": people[plan.social_worker.pk],
            "due_date": "2030-07-01",
        },
    )
    assert response.status_code == 302
    action = PlanAction.objects.get(title="Run a session")
    assert (action.owner_organisation, action.owner_user) == (plan.social, plan.social_worker)


def test_an_owner_from_another_organisation_is_shown_next_to_the_field(
    plan: Plan, client_for
) -> None:  # type: ignore[no-untyped-def]
    team = plan.world.team
    people = {m.user_id: m.pk for m in team.memberships.filter(ended_at__isnull=True)}
    response = client_for(plan.world.coordinator).post(
        reverse("plans:action_create", kwargs={"team_pk": team.pk, "pk": plan.goal.pk}),
        {
            "title": "Mismatch",
            "owner_organisation": plan.social.pk,
            "owner_person": people[plan.world.member.pk],
        },
    )
    assert response.status_code == 422
    assert "must be a team member for the owner organisation" in response.content.decode()
    assert not PlanAction.objects.filter(title="Mismatch").exists()


def test_an_owner_updates_status_and_adds_a_note(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(plan.world.member)
    team_pk, pk = plan.world.team.pk, plan.police_action.pk
    response = client.post(
        reverse("plans:action_status", kwargs={"team_pk": team_pk, "action_pk": pk}),
        {"status": "in_progress"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("plans:action_note", kwargs={"team_pk": team_pk, "action_pk": pk}),
        {"text": "Sources for rows 1-4 added"},
    )
    assert response.status_code == 302
    assert PlanAction.objects.get(pk=pk).status == "in_progress"
    assert ProgressNote.objects.get(action_id=pk).text == "Sources for rows 1-4 added"
    response = client.post(
        reverse("plans:action_note", kwargs={"team_pk": team_pk, "action_pk": pk}), {"text": ""}
    )
    assert response.status_code == 422 and 'role="alert"' in response.content.decode()


@pytest.mark.parametrize("who", ["observer", "social_worker"])
def test_people_who_do_not_own_an_action_may_not_update_it(
    plan: Plan, client_for, who: str
) -> None:  # type: ignore[no-untyped-def]
    user = plan.social_worker if who == "social_worker" else plan.world.observer
    url = reverse(
        "plans:action_status",
        kwargs={"team_pk": plan.world.team.pk, "action_pk": plan.police_action.pk},
    )
    assert client_for(user).post(url, {"status": "done"}).status_code == 403
    assert PlanAction.objects.get(pk=plan.police_action.pk).status == "open"


def test_the_coordinator_edits_a_goal_and_an_action(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(plan.world.coordinator)
    team_pk = plan.world.team.pk
    url = reverse("plans:goal_edit", kwargs={"team_pk": team_pk, "pk": plan.goal.pk})
    assert 'value="Legal basis for every protocol row"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title": "Legal basis, written",
            "phase_key": "setup",
            "lifecycle_status": "on-hold",
            "achievement": "no-change",
        },
    )
    assert response.status_code == 302
    plan.goal.refresh_from_db()
    assert (plan.goal.title, plan.goal.lifecycle_status) == ("Legal basis, written", "on-hold")
    url = reverse(
        "plans:action_edit", kwargs={"team_pk": team_pk, "action_pk": plan.social_action.pk}
    )
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Review the consent forms", "due_date": "2030-07-30"})
    assert response.status_code == 302
    plan.social_action.refresh_from_db()
    assert plan.social_action.owner_organisation is None
    assert str(plan.social_action.due_date) == "2030-07-30"


# --- exports ----------------------------------------------------------------------------------


def test_the_csv_export_neutralises_formulas_and_is_audited(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    services.action_create(
        actor=plan.world.coordinator, goal=plan.goal, title='=HYPERLINK("http://x")'
    )
    response = client_for(plan.world.observer).get(
        reverse("plans:export_csv", args=[plan.world.team.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Goal,Goal status,Achievement,Phase")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert any("Add legal sources" in line and ",yes," in line for line in lines)
    event = AuditEvent.objects.filter(action="export.download").latest("seq")
    assert (event.purpose, event.team_id) == ("plan.csv", plan.world.team.pk)


def test_the_csv_export_follows_the_filter(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("plans:export_csv", args=[plan.world.team.pk]) + f"?owner={plan.social.pk}"
    text = client_for(plan.world.member).get(url).content.decode("utf-8-sig")
    assert "Review consent forms" in text and "Add legal sources" not in text


def test_the_pdf_export_is_prepared_in_the_background(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(plan.world.member)
    job = jobs.start(client, reverse("plans:export_pdf", args=[plan.world.team.pk]))
    assert (job.kind, job.params["owner"], job.params["status"]) == ("plan.pdf", None, "")
    data, disposition = jobs.download(client, job)
    assert data.startswith(b"%PDF")
    assert f'filename="plan-team-{plan.world.team.pk}.pdf"' in disposition
    for action in ("export.start", "export.download"):
        event = AuditEvent.objects.get(action=action, purpose="plan.pdf")
        assert (event.actor, event.team_id) == (plan.world.member, plan.world.team.pk)
    text = jobs.pdf_text(data)
    assert "Add legal sources" in text and "Review consent forms" in text


def test_the_pdf_export_follows_the_filter(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(plan.world.member)
    url = reverse("plans:export_pdf", args=[plan.world.team.pk])
    job = jobs.start(client, url, {"owner": plan.social.pk, "status": ""})
    assert (job.params["owner"], job.params["status"]) == (plan.social.pk, "")
    text = jobs.pdf_text(jobs.download(client, job)[0])
    assert "Review consent forms" in text and "Add legal sources" not in text


def test_a_pdf_filter_that_is_not_the_teams_starts_nothing(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    stranger = OrganisationFactory(name="Not in the team")
    response = client_for(plan.world.member).post(
        reverse("plans:export_pdf", args=[plan.world.team.pk]), {"owner": stranger.pk}
    )
    assert response.status_code == 302 and response["Location"] == _plan_url(plan)
    assert not Job.objects.exists()


def test_a_pdf_job_whose_filter_went_stale_fails_without_a_file(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("plans:export_pdf", args=[plan.world.team.pk])
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        client_for(plan.world.member).post(url, {"owner": plan.social.pk})
    TeamOrganisation.objects.filter(team=plan.world.team, organisation=plan.social).update(
        ended_at=timezone.now()
    )
    for run in queued:
        run()
    job = Job.objects.get()
    assert (job.status, job.result_path) == ("failed", "")
    assert job.message == "The filter is not valid any more; choose it again."


def test_a_get_on_the_pdf_address_renders_nothing(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("plans:export_pdf", args=[plan.world.team.pk])
    assert client_for(plan.world.member).get(url).status_code == 405
    assert not Job.objects.exists()


def test_the_download_buttons_follow_an_htmx_filter(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(plan.world.member)
    full = client.get(_plan_url(plan, f"?owner={plan.social.pk}")).content.decode()
    hidden = f'<input type="hidden" name="owner" value="{plan.social.pk}">'
    assert hidden in full and 'hx-swap-oob="true"' not in full
    partial = client.get(
        _plan_url(plan, f"?owner={plan.social.pk}"), headers={"HX-Request": "true"}
    ).content.decode()
    actions = partial[partial.index('<div class="actions" id="plan-actions" hx-swap-oob="true">') :]
    assert hidden in actions
    assert f"/export.csv?owner={plan.social.pk}" in actions


def test_people_outside_the_team_get_no_export(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("plans:export_csv", args=[plan.world.team.pk])
    assert client_for(plan.world.outsider).get(url).status_code == 404
    assert client_for(plan.world.admin).get(url).status_code == 403


# --- risks ------------------------------------------------------------------------------------


def test_the_risk_grid_counts_risks_by_likelihood_and_impact(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    services.risk_create(
        actor=plan.world.coordinator,
        team=plan.world.team,
        title="Chair leaves",
        likelihood=2,
        impact=5,
    )
    html = (
        client_for(plan.world.observer)
        .get(reverse("plans:risks", args=[plan.world.team.pk]))
        .content.decode()
    )
    grid = html[html.index('class="risk-grid"') : html.index("</table>")]
    assert grid.count('<th scope="row">') == 5 and grid.count("Impact ") >= 5
    rows = re.findall(r"<tr>\s*<th scope=\"row\">Likelihood (\d)</th>(.*?)</tr>", grid, re.S)
    assert [n for n, _ in rows] == ["5", "4", "3", "2", "1"]
    likelihood_2 = re.findall(r"<td class=\"risk-cell[^\"]*\">(.*?)</td>", dict(rows)["2"], re.S)
    assert "2 risks" in likelihood_2[4] and "medium" in likelihood_2[4]
    assert "Information leak" in likelihood_2[4] and "Chair leaves" in likelihood_2[4]
    assert all("risks" not in cell for cell in likelihood_2[:4])
    assert "New risk" not in html  # observers read only
    assert "Add legal sources" in html  # the mitigation


def test_a_coordinator_starts_a_risk_from_a_suggestion(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(plan.world.coordinator)
    team_pk = plan.world.team.pk
    html = client.get(reverse("plans:risks", args=[team_pk])).content.decode()
    assert "?suggestion=securitisation" in html
    url = reverse("plans:risk_create", args=[team_pk]) + "?suggestion=securitisation"
    form = client.get(url).content.decode()
    assert 'value="Social work is pulled into security logic"' in form
    response = client.post(
        url,
        {
            "title": "Social work is pulled into security logic",
            "description": "",
            "likelihood": "3",
            "impact": "4",
            "owner_organisation": plan.social.pk,
            "mitigations": [plan.social_action.pk],
            "review_date": "2030-09-01",
            "suggestion_key": "securitisation",
        },
    )
    assert response.status_code == 302
    risk = Risk.objects.get(suggestion_key="securitisation")
    assert (risk.likelihood, risk.impact, risk.owner_organisation) == (3, 4, plan.social)
    html = client.get(reverse("plans:risks", args=[team_pk])).content.decode()
    assert "?suggestion=securitisation" not in html  # used suggestions are not offered again


def test_a_risk_is_edited_and_bad_values_are_shown(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(plan.world.coordinator)
    url = reverse(
        "plans:risk_edit", kwargs={"team_pk": plan.world.team.pk, "risk_pk": plan.risk.pk}
    )
    assert 'value="Information leak"' in client.get(url).content.decode()
    response = client.post(url, {"title": "Information leak", "likelihood": "9", "impact": "2"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    response = client.post(url, {"title": "Information leak", "likelihood": "4", "impact": "2"})
    assert response.status_code == 302
    plan.risk.refresh_from_db()
    assert (plan.risk.likelihood, plan.risk.impact) == (4, 2)
    assert list(plan.risk.mitigations.all()) == []
    assert client_for(plan.world.member).get(url).status_code == 403


def test_the_plan_pages_need_no_inline_styles_or_scripts(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(plan.world.coordinator)
    team_pk = plan.world.team.pk
    for url in [
        _plan_url(plan),
        _goal_url(plan),
        reverse("plans:risks", args=[team_pk]),
        reverse("plans:goal_create", args=[team_pk]),
        reverse("plans:risk_create", args=[team_pk]),
    ]:
        html = client.get(url).content.decode()
        assert " style=" not in html and "<script>" not in html and "onclick" not in html, url


def test_an_unknown_organisation_id_from_outside_is_rejected(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    stranger = OrganisationFactory(name="Not in the team")
    person = UserFactory()
    team_member(plan.world.other_team, person, stranger, "member")
    response = client_for(plan.world.coordinator).post(
        reverse("plans:action_create", kwargs={"team_pk": plan.world.team.pk, "pk": plan.goal.pk}),
        {"title": "Sneaky", "owner_organisation": stranger.pk},
    )
    assert response.status_code == 422
    assert not PlanAction.objects.filter(title="Sneaky").exists()


def test_no_goal_heading_is_left_alone_at_the_foot_of_a_pdf_page(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    # Goals of different lengths, so that some heading falls near the foot of a page.
    for number in range(1, 15):
        goal = services.goal_create(
            actor=plan.world.coordinator,
            team=plan.world.team,
            title=f"Goal heading {number:02d}",
            why="Why this goal matters to the team, in a sentence long enough to wrap once.",
            target_date=days(30 + number),
            phase_key="setup",
        )
        for step in range(1, (number % 5) + 2):
            services.action_create(
                actor=plan.world.coordinator,
                goal=goal,
                title=f"Step {number:02d}-{step}",
                owner_organisation=plan.world.police,
                due_date=days(step),
            )
    client = client_for(plan.world.member)
    job = jobs.start(client, reverse("plans:export_pdf", args=[plan.world.team.pk]))
    pages = jobs.pdf_pages(jobs.download(client, job)[0])
    assert len(pages) > 2
    for number in range(1, 15):
        heading = f"Goal heading {number:02d}"
        page = next(text for text in pages if heading in text)  # its section, before the timeline
        assert f"Step {number:02d}-1" in page, f"{heading} is alone at the foot of its page"
