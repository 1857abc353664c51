"""Diagnostics pages: opening and running a round, answering it, and planning from its results."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from icommit.core.models import AuditEvent
from icommit.diagnostics import reports, services
from icommit.diagnostics.models import Draft, Participation, Round, RoundResponse
from icommit.instruments.engine import tr
from icommit.instruments.models import InstrumentVersion
from icommit.plans.models import Goal, PlanAction
from tests import jobs
from tests.conftest import World
from tests.diagnostics.conftest import (
    Answered,
    ClientFor,
    Clock,
    Crew,
    answered_round,
    answers_at,
    close,
    close_by_date,
    join,
    submit,
    text_of,
)


def offered() -> InstrumentVersion:
    """The version the opening form offers: the newest published MSC diagnostics."""
    newest = InstrumentVersion.objects.filter(instrument__key="msc-diagnostics")
    return newest.order_by("-number").first()  # type: ignore[return-value]  # shipped at migrate


def _url(name: str, round: Round, *more: object) -> str:
    return reverse(f"diagnostics:{name}", args=(round.team_id, round.pk, *more))


def _texts(round: Round, audience: str) -> list[str]:
    definition = round.version.parsed
    return [
        tr(item.text, "en")
        for section in definition.sections
        if section.audience == audience
        for item in section.items
    ]


# --- the list and opening a round ------------------------------------------------------------


def test_the_rounds_page_lists_rounds_and_invites_members_to_answer(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    url = reverse("diagnostics:rounds", args=(crew.team.pk,))
    page = text_of(client_for(crew.teacher).get(url).content.decode())
    assert "Spring round" in page and "Answer “Spring round”" in page
    assert "0 of 6" in page and "Open a round" not in page
    coordinator = text_of(client_for(crew.coordinator).get(url).content.decode())
    assert "Open a round" in coordinator
    observer = text_of(client_for(crew.observer).get(url).content.decode())
    assert "Spring round" in observer and "Answer “Spring round”" not in observer
    assert client_for(crew.world.outsider).get(url).status_code == 404


def test_a_coordinator_opens_a_round_from_the_page(
    crew: Crew, clock: Clock, client_for: ClientFor
) -> None:
    client = client_for(crew.coordinator)
    url = reverse("diagnostics:round_open", args=(crew.team.pk,))
    page = client.get(url)
    assert page.status_code == 200
    assert (
        f"MSC team diagnostics: how we work together (v{offered().number}; results from 5 answers)"
        in page.content.decode()
    )
    response = client.post(
        url,
        {
            "title": "Autumn round",
            "version": str(offered().pk),
            "closes_on": (clock.day + datetime.timedelta(days=10)).isoformat(),
        },
    )
    round = Round.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("round", round)
    assert round.title == "Autumn round" and round.closes_on == clock.day + datetime.timedelta(10)
    assert Participation.objects.filter(round=round).count() == len(crew.respondents)


@pytest.mark.parametrize(
    ("days", "message"),
    [(-1, "The closing date cannot be in the past."), (181, "at most 180 days")],
)
def test_a_closing_date_out_of_range_is_shown_on_the_form(
    crew: Crew, clock: Clock, client_for: ClientFor, days: int, message: str
) -> None:
    response = client_for(crew.coordinator).post(
        reverse("diagnostics:round_open", args=(crew.team.pk,)),
        {
            "title": "Autumn round",
            "version": str(offered().pk),
            "closes_on": (clock.day + datetime.timedelta(days=days)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert message in text_of(response.content.decode())
    assert not Round.objects.exists()


def test_a_second_open_round_is_refused_on_the_form(
    crew: Crew, running_round: Round, clock: Clock, client_for: ClientFor
) -> None:
    response = client_for(crew.coordinator).post(
        reverse("diagnostics:round_open", args=(crew.team.pk,)),
        {"title": "Another", "version": str(offered().pk), "closes_on": clock.day.isoformat()},
    )
    assert response.status_code == 422
    assert "already has an open round" in response.content.decode()
    assert Round.objects.count() == 1


def test_only_the_coordinator_reaches_the_opening_form(crew: Crew, client_for: ClientFor) -> None:
    url = reverse("diagnostics:round_open", args=(crew.team.pk,))
    assert client_for(crew.police_officer).get(url).status_code == 403
    assert client_for(crew.world.outsider).get(url).status_code == 404


# --- running a round -------------------------------------------------------------------------


def test_while_open_the_round_page_shows_only_how_many_have_answered(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    submit(running_round, [crew.social_workers[0], crew.police_officer], 4)
    coordinator = text_of(
        client_for(crew.coordinator).get(_url("round", running_round)).content.decode()
    )
    assert "2 of 6 invited members have answered." in coordinator
    assert "6 of the invitees count towards the minimum" in coordinator
    # no organisation, no rate: not who, not which organisation
    assert "Social Services" not in coordinator and "Police" not in coordinator
    assert "%" not in coordinator and "Who has taken part" not in coordinator
    member = text_of(client_for(crew.teacher).get(_url("round", running_round)).content.decode())
    assert "2 of 6 invited members have answered." in member
    assert "Answer the questionnaire" in member
    answered = text_of(
        client_for(crew.police_officer).get(_url("round", running_round)).content.decode()
    )
    assert "You have answered this round." in answered


def test_once_closed_the_coordinator_sees_the_response_rate_by_organisation(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    submit(running_round, [p for p in crew.respondents if p != crew.teacher], 4)
    close(running_round, crew.coordinator)
    coordinator = text_of(
        client_for(crew.coordinator).get(_url("round", running_round)).content.decode()
    )
    assert "Social Services no 2 2 100 %" in coordinator
    assert "Police yes 1 1 100 %" in coordinator
    assert "Comprehensive School no 1 0 0 %" in coordinator
    member = text_of(client_for(crew.teacher).get(_url("round", running_round)).content.decode())
    assert "Social Services" not in member and "100 %" not in member


def test_the_coordinator_reminds_and_closes_from_the_round_page(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    client = client_for(crew.coordinator)
    response = client.post(_url("round_remind", running_round))
    assert response.status_code == 302 and response["Location"] == _url("round", running_round)
    # too few answers: closing is refused, with the reason
    page = text_of(client.post(_url("round_close", running_round), follow=True).content.decode())
    assert "The round cannot be closed early: results need at least 5 answers" in page
    running_round.refresh_from_db()
    assert running_round.closed_at is None
    submit(running_round, crew.respondents[:5], 4)
    response = client.post(_url("round_close", running_round))
    assert response.status_code == 302 and response["Location"] == _url("round", running_round)
    running_round.refresh_from_db()
    assert running_round.closed_at is not None and running_round.has_results
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"diagnostics.round.reminded", "diagnostics.round.closed"} <= actions
    # closing twice shows why instead of failing
    page = client.post(_url("round_close", running_round), follow=True)
    assert "already closed" in page.content.decode()


def test_there_is_no_page_to_invite_later(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    join(crew.team, crew.social, 1)
    client = client_for(crew.coordinator)
    url = f"/teams/{crew.team.pk}/diagnostics/{running_round.pk}/invite/"
    assert client.post(url).status_code == 404
    page = text_of(client.get(_url("round", running_round)).content.decode())
    assert "Invite" not in page and "6 invited" in page


def test_members_may_not_run_the_round(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    client = client_for(crew.police_officer)
    for name in ("round_remind", "round_close"):
        assert client.post(_url(name, running_round)).status_code == 403
    running_round.refresh_from_db()
    assert running_round.closed_at is None


# --- answering -------------------------------------------------------------------------------


def test_a_non_security_member_sees_every_statement_including_their_own_part(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    response = client_for(crew.teacher).get(_url("respond", running_round))
    assert response.status_code == 200
    page = text_of(response.content.decode())
    statements = _texts(running_round, "all") + _texts(running_round, "non_security")
    assert len(statements) == 82
    assert all(text in page for text in statements)
    assert "For members from non-security organisations" in page
    assert "0 of 82 statements answered." in page


def test_a_security_member_does_not_see_the_non_security_part(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    page = text_of(
        client_for(crew.police_officer).get(_url("respond", running_round)).content.decode()
    )
    assert all(text in page for text in _texts(running_round, "all"))
    assert not any(text in page for text in _texts(running_round, "non_security"))
    assert "For members from non-security organisations" not in page
    assert "0 of 62 statements answered." in page


def test_answers_are_saved_and_shown_again(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    client = client_for(crew.teacher)
    response = client.post(
        _url("respond", running_round), {"purpose_1": "4", "purpose_2": "dont_know", "save": "1"}
    )
    assert response.status_code == 200
    assert "Saved." in text_of(response.content.decode())
    assert services.draft_answers(actor=crew.teacher, round=running_round) == {
        "purpose_1": 4,
        "purpose_2": "dont_know",
    }
    again = client.get(_url("respond", running_round)).content.decode()
    assert 'name="purpose_1" value="4" checked' in again
    assert 'name="purpose_2" value="dont_know" checked' in again
    assert "2 of 82 statements answered." in text_of(again)


def test_an_answer_outside_the_scale_is_marked_at_its_statement(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    response = client_for(crew.teacher).post(
        _url("respond", running_round), {"purpose_1": "9", "roles_1": "3", "save": "1"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="error-purpose_1"' in html and "is not one of" in html
    assert not Draft.objects.exists()


def test_autosave_answers_htmx_with_the_status_only(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    client = client_for(crew.teacher)
    htmx = {"HX-Request": "true"}
    response = client.post(_url("respond", running_round), {"trust_1": "2"}, headers=htmx)
    assert response.status_code == 200
    html = response.content.decode()
    total = len(
        [i for s in running_round.version.parsed.sections for i in s.items]
    )  # a non-security member answers every part
    assert html.strip() == f"Saved. 1 of {total} statements answered." and "<html" not in html
    assert services.draft_answers(actor=crew.teacher, round=running_round) == {"trust_1": 2}
    refused = client.post(_url("respond", running_round), {"trust_1": "7"}, headers=htmx)
    assert refused.status_code == 200  # htmx swaps only 2xx; the fragment says what was refused
    assert "is not one of" in refused.content.decode() and "<html" not in refused.content.decode()
    assert services.draft_answers(actor=crew.teacher, round=running_round) == {"trust_1": 2}


def test_submitting_from_the_page_stores_the_answers_and_thanks(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    client = client_for(crew.teacher)
    answers = answers_at(
        running_round.version.parsed, audience="non_security", level=4, part_level=2
    )
    data = {k: str(v) for k, v in answers.items()}
    response = client.post(_url("respond", running_round), {**data, "submit": "1"})
    assert response.status_code == 302 and response["Location"] == _url("round", running_round)
    assert Participation.objects.get(round=running_round, user=crew.teacher).submitted
    assert RoundResponse.objects.get().response.answers == answers
    page = text_of(client.get(_url("respond", running_round)).content.decode())
    assert "You have answered this round. Thank you." in page
    assert 'name="purpose_1"' not in page


def test_answering_a_closed_round_is_refused(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    close_by_date(running_round)
    client = client_for(crew.teacher)
    page = text_of(client.get(_url("respond", running_round)).content.decode())
    assert "This round is closed; answers can no longer be given." in page
    response = client.post(_url("respond", running_round), {"purpose_1": "3", "submit": "1"})
    assert response.status_code == 409
    assert not RoundResponse.objects.exists() and not Draft.objects.exists()


def test_only_invitees_reach_the_questionnaire(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    assert client_for(crew.observer).get(_url("respond", running_round)).status_code == 403
    assert client_for(crew.world.outsider).get(_url("respond", running_round)).status_code == 404


# --- results and planning --------------------------------------------------------------------


@pytest.fixture
def five_and_five(world: World) -> Answered:
    return answered_round(world, security=[2, 2, 3, 2, 2], non_security=[2, 1, 2, 2, 2])


def test_every_member_reads_the_results_and_outsiders_do_not_find_them(
    five_and_five: Answered, client_for: ClientFor
) -> None:
    world, round = five_and_five.world, five_and_five.round
    for person in (world.coordinator, world.observer, five_and_five.security[0]):
        assert client_for(person).get(_url("results", round)).status_code == 200
    assert client_for(world.outsider).get(_url("results", round)).status_code == 404
    assert client_for(world.other_coordinator).get(_url("results_csv", round)).status_code == 404


def test_the_pdf_and_csv_are_downloads_and_are_audited(
    five_and_five: Answered, client_for: ClientFor
) -> None:
    client = client_for(five_and_five.world.observer)
    assert client.get(_url("results_pdf", five_and_five.round)).status_code == 405
    job = jobs.start(client, _url("results_pdf", five_and_five.round))
    pdf, disposition = jobs.download(client, job)
    assert pdf.startswith(b"%PDF") and "attachment" in disposition
    csv = client.get(_url("results_csv", five_and_five.round))
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Dimension key,Dimension,Group key,Group,Respondents,Score")
    assert len(lines) > 1
    downloads = AuditEvent.objects.filter(action="export.download")
    purposes = set(downloads.values_list("purpose", flat=True))
    assert purposes == {"diagnostics.pdf", "diagnostics.csv"}


def _first_advice(answered: Answered) -> reports.Advice:
    report = reports.round_report(user=answered.world.coordinator, round=answered.round, lang="en")
    return report.domains[0].advice[0]


def test_a_recommendation_becomes_a_goal_in_one_step(
    five_and_five: Answered, client_for: ClientFor
) -> None:
    world, round = five_and_five.world, five_and_five.round
    advice = _first_advice(five_and_five)
    client = client_for(world.coordinator)
    url = _url("recommendation_plan", round, advice.domain, advice.index)
    results = text_of(client.get(_url("results", round)).content.decode())
    assert advice.text in results and "Already in the plan" not in results
    form = client.get(url)
    assert form.status_code == 200 and advice.text in text_of(form.content.decode())
    response = client.post(url, {"kind": "goal", "goal-title": "Agree our purpose in writing"})
    goal = Goal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:goal", args=(world.team.pk, goal.pk))
    assert goal.title == "Agree our purpose in writing" and goal.team == world.team
    assert goal.source_kind == "recommendation"
    assert goal.source_ref == f"{round.pk}:{advice.domain}:{advice.band}:{advice.index}"
    assert goal.source_label == advice.source_label and round.title in goal.source_label
    assert goal.why == advice.text
    results = text_of(client.get(_url("results", round)).content.decode())
    assert "Already in the plan: Agree our purpose in writing" in results
    event = AuditEvent.objects.get(action="diagnostics.recommendation.planned")
    assert (event.team_id, event.actor_id) == (world.team.pk, world.coordinator.pk)


def test_a_recommendation_becomes_an_action_under_a_goal(
    five_and_five: Answered, client_for: ClientFor
) -> None:
    world, round = five_and_five.world, five_and_five.round
    advice = _first_advice(five_and_five)
    client = client_for(world.coordinator)
    url = _url("recommendation_plan", round, advice.domain, advice.index)
    client.post(url, {"kind": "goal", "goal-title": "Agree our purpose in writing"})
    goal = Goal.objects.get()
    response = client.post(
        url,
        {
            "kind": "action",
            "action-goal": str(goal.pk),
            "action-title": "Write the purpose down",
            "action-owner_organisation": str(world.municipality.pk),
        },
    )
    assert response.status_code == 302
    action = PlanAction.objects.get()
    assert (action.goal, action.title, action.owner_organisation) == (
        goal,
        "Write the purpose down",
        world.municipality,
    )
    assert (action.source_kind, action.source_ref) == ("recommendation", goal.source_ref)


def test_a_recommendation_goes_through_the_plan_link_and_shows_both_ways(
    five_and_five: Answered, client_for: ClientFor
) -> None:
    from icommit.plans.models import PlanLink

    world, round = five_and_five.world, five_and_five.round
    advice = _first_advice(five_and_five)
    client = client_for(world.coordinator)
    url = _url("recommendation_plan", round, advice.domain, advice.index)
    client.post(url, {"kind": "goal", "goal-title": "Agree our purpose in writing"})
    goal = Goal.objects.get()
    link = PlanLink.objects.get()
    assert (link.source_kind, link.source_id, link.goal, link.action) == (
        "recommendation",
        advice.source_ref,
        goal,
        None,
    )
    plan_page = text_of(
        client.get(reverse("plans:goal", args=(world.team.pk, goal.pk))).content.decode()
    )
    assert "(Diagnostics recommendation)" in plan_page and round.title in plan_page
    results = text_of(client.get(_url("results", round)).content.decode())
    assert "Already in the plan: Agree our purpose in writing" in results


def test_only_plan_editors_plan_from_a_recommendation(
    five_and_five: Answered, client_for: ClientFor
) -> None:
    advice = _first_advice(five_and_five)
    round = five_and_five.round
    url = _url("recommendation_plan", round, advice.domain, advice.index)
    member = client_for(five_and_five.security[0])
    assert member.get(url).status_code == 403
    assert member.post(url, {"kind": "goal", "goal-title": "Mine"}).status_code == 403
    assert not Goal.objects.exists()
    coordinator = client_for(five_and_five.world.coordinator)
    assert coordinator.get(_url("recommendation_plan", round, advice.domain, 99)).status_code == 404
    assert coordinator.get(_url("recommendation_plan", round, "nonsense", 0)).status_code == 404


def test_the_coordinator_takes_the_results_into_a_team_meeting(
    world: World, client_for: ClientFor
) -> None:
    from urllib.parse import parse_qs, urlsplit

    answered = answered_round(world, security=[2, 2, 2, 2, 2], non_security=[2, 5, 5, 5, 5])
    page = client_for(world.coordinator).get(_url("results", answered.round)).content.decode()
    marker = reverse("charters:meeting_create", args=(world.team.pk,)) + "?"
    start = page.index(marker)
    link = page[start : page.index('"', start)].replace("&amp;", "&")
    query = parse_qs(urlsplit(link).query)
    assert query["title"] == ["Discussing the diagnostics: Spring round"]
    assert "Which recommendations do we take into the plan?" in query["agenda"][0]
    form = client_for(world.coordinator).get(link).content.decode()
    assert 'value="Discussing the diagnostics: Spring round"' in form
    assert "Which recommendations do we take into the plan?" in form
    member_page = client_for(world.member).get(_url("results", answered.round)).content.decode()
    assert marker not in member_page
