"""The suppression rules hold on every output of a round's results: page, PDF, CSV and API.

Each situation is built through the services with answers whose scores are known to the
decimal (see ``answers_at``), so a hidden value is checked by its number, not by a label.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from icommit.core.models import AuditEvent, Job
from icommit.diagnostics import reports, services
from icommit.diagnostics.models import Participation, Round, RoundResponse
from tests import jobs
from tests.conftest import World
from tests.diagnostics.conftest import (
    Answered,
    ClientFor,
    Clock,
    Crew,
    answered_round,
    join,
    submit,
    text_of,
)

RULE = "Confidentiality rule: no value resting on fewer than 5 respondents is shown"


@dataclass
class Outputs:
    """What a member gets from each output of one round's results."""

    page: str  # as text
    pdf_html: str  # the HTML the PDF was made from, as text
    pdf_text: str | None  # the PDF's own text, where poppler's pdftotext is installed
    csv_rows: list[dict[str, str]]
    api: dict[str, Any]

    @property
    def everything(self) -> str:
        return "\n".join(
            [
                self.page,
                self.pdf_html,
                self.pdf_text or "",
                json.dumps(self.csv_rows),
                json.dumps(self.api),
            ]
        )


Fetch = Callable[..., Outputs]


@pytest.fixture
def outputs(client_for: ClientFor, monkeypatch: pytest.MonkeyPatch) -> Fetch:
    """Fetch the page, PDF, CSV and API results of a round as one of its team's members."""
    import icommit.core.pdf

    rendered: list[str] = []
    real = icommit.core.pdf.render_to_string

    def spy(*args: Any, **kwargs: Any) -> str:
        html = real(*args, **kwargs)
        rendered.append(html)
        return html

    # the HTML WeasyPrint is given is exactly what the PDF contains
    monkeypatch.setattr(icommit.core.pdf, "render_to_string", spy)

    def fetch(answered: Answered, user: Any = None, *, pdf: bool = False) -> Outputs:
        """``pdf``: render the real PDF (slow); else only the HTML its template makes."""
        round = answered.round
        client: Client = client_for(user or answered.world.member)
        args = (round.team_id, round.pk)
        page = client.get(reverse("diagnostics:results", args=args))
        assert page.status_code == 200
        pdf_text = None
        if pdf:
            # prepared by a background job (run inline here) and fetched through its signed link
            pdf_text = _pdf_text(jobs.pdf(client, reverse("diagnostics:results_pdf", args=args)))
        else:
            report = reports.round_report(user=answered.world.member, round=round, lang="en")
            rendered.append(render_to_string("diagnostics/results_pdf.html", {"report": report}))
        got = client.get(reverse("diagnostics:results_csv", args=args))
        assert got.status_code == 200 and got["Content-Type"].startswith("text/csv")
        text = got.content.decode("utf-8-sig")
        api = client.get(f"/api/v1/teams/{round.team_id}/diagnostics/rounds/{round.pk}/results")
        assert api.status_code == 200, api.content
        return Outputs(
            page=text_of(page.content.decode()),
            pdf_html=text_of(rendered[-1]),
            pdf_text=pdf_text,
            csv_rows=list(csv.DictReader(io.StringIO(text))),
            api=api.json(),
        )

    return fetch


def _pdf_text(data: bytes) -> str | None:
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    done = subprocess.run([tool, "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode()


def _csv_groups(rows: list[dict[str, str]]) -> set[str]:
    return {r["Group key"] for r in rows}


# --- (a) the subtraction case: 7 respondents, 2 of them security (fewer than 5) ------------------


@pytest.fixture
def seven_with_two_security(world: World) -> Answered:
    # security 100 and 75 (mean 87.5); non-security 25, 25, 25, 50, 50 (mean 35.0); team 50.0
    return answered_round(world, security=[5, 4], non_security=[2, 2, 2, 3, 3])


def test_beside_the_team_total_neither_side_is_shown_when_one_side_is_small(
    seven_with_two_security: Answered, outputs: Fetch
) -> None:
    got = outputs(seven_with_two_security, pdf=True)
    for text in (got.page, got.pdf_html, got.pdf_text or got.pdf_html):
        assert "50.0" in text  # the team value
        assert "87.5" not in text  # security members
        assert "35.0" not in text  # non-security members
        assert "n=2" not in text and "n=5" not in text
        assert "n=7" in text
    assert "would reveal a smaller group" in got.page
    # CSV: the team's rows only
    assert _csv_groups(got.csv_rows) == {"all"}
    purpose = next(r for r in got.csv_rows if r["Dimension key"] == "purpose")
    assert (purpose["Respondents"], purpose["Score"]) == ("7", "50.0")
    assert not any(r["Score"] in ("87.5", "35.0") for r in got.csv_rows)
    # API: every dimension with the team only, no divergence, no count of a hidden side
    api = got.api
    assert api["respondents"] == 7
    groups = {g["key"]: g for g in api["groups"]}
    assert groups["all"] == {**groups["all"], "shown": True, "n": 7}
    for key in ("security", "non_security"):
        assert groups[key]["shown"] is False and groups[key]["n"] is None
    # hidden sectors are left out: their names alone would say that one or two answered
    assert not [key for key in groups if "/" in key]
    for dim in api["dimensions"]:
        assert set(dim["groups"]) == {"all"}
        assert dim["divergence"] is None and not dim["divergent"]
    dims = {d["key"]: d for d in api["dimensions"]}
    assert dims["purpose"]["team"] == 50.0
    assert dims["ns_heard"]["team"] == 75.0  # only non-security members answer that part
    assert api["divergences"] == []
    assert "87.5" not in got.everything and "35.0" not in got.everything


# --- (b) five and five: both sides shown, divergence computed ---------------------------------


@pytest.fixture
def five_and_five(world: World) -> Answered:
    # security 100, 100, 100, 75, 75 (mean 90.0); non-security 25, 25, 25, 50, 50 (mean 35.0);
    # team 62.5
    return answered_round(world, security=[5, 5, 5, 4, 4], non_security=[2, 2, 2, 3, 3])


def test_with_five_on_each_side_both_sides_and_their_divergence_are_shown(
    five_and_five: Answered, outputs: Fetch
) -> None:
    got = outputs(five_and_five, pdf=True)
    for text in (got.page, got.pdf_html, got.pdf_text or got.pdf_html):
        assert "62.5" in text and "90.0" in text and "35.0" in text
        assert "55.0" in text  # security minus non-security, from the shown values
    assert "divergent" in got.page
    assert "City Police (security)" not in got.page  # sectors are labelled by sector
    assert "Police (security)" in got.page and "Social services (non-security)" in got.page
    assert _csv_groups(got.csv_rows) == {
        "all",
        "security",
        "non_security",
        "security/police",
        "non_security/social_services",
    }
    security_purpose = next(
        r for r in got.csv_rows if (r["Dimension key"], r["Group key"]) == ("purpose", "security")
    )
    assert (security_purpose["Respondents"], security_purpose["Score"]) == ("5", "90.0")
    dims = {d["key"]: d for d in got.api["dimensions"]}
    purpose = dims["purpose"]
    assert purpose["team"] == 62.5
    assert purpose["groups"]["security"] == {"score": 90.0, "n": 5, "band": "high", "change": None}
    assert purpose["groups"]["non_security"]["score"] == 35.0
    assert purpose["divergence"] == 55.0 and purpose["divergent"] is True
    assert "purpose" in got.api["divergences"]
    # the non-security part: nobody on the security side, so no divergence there
    assert dims["ns_heard"]["divergence"] is None
    assert set(dims["ns_heard"]["groups"]) == {
        "all",
        "non_security",
        "non_security/social_services",
    }


def test_a_gap_is_a_dimension_where_the_team_is_in_the_lowest_band(
    world: World, outputs: Fetch
) -> None:
    got = outputs(answered_round(world, security=[2] * 5, non_security=[1, 2, 3, 1, 3]))
    # team (25 * 5 + 0 + 25 + 50 + 0 + 50) / 10 = 25.0: every common dimension is a gap
    assert got.api["dimensions"][0]["team"] == 25.0
    assert got.api["dimensions"][0]["gap"] is True
    assert "purpose" in got.api["gaps"] and "ns_heard" not in got.api["gaps"]
    assert "No dimension is in the lowest band." not in got.page
    assert "Needs attention" in got.page


# --- (c) fewer than the minimum of counted answers: the round closes without results ---------


def test_a_round_closed_by_date_with_too_few_answers_has_no_results_anywhere(
    world: World, client_for: ClientFor
) -> None:
    # four answers (75.0, 75.0, 25.0, 25.0; team 50.0): none of it may appear, and why is said
    answered = answered_round(world, security=[4, 4], non_security=[2, 2], by_date=True)
    round = answered.round
    assert round.closed_at is not None and not round.has_results
    assert not RoundResponse.objects.filter(round=round).exists()  # the answers are deleted
    client = client_for(world.member)
    args = (round.team_id, round.pk)
    page = text_of(client.get(reverse("diagnostics:results", args=args)).content.decode())
    reason = "This round closed with fewer than 5 answers from invitees who count"
    assert reason in page
    assert "Scores by dimension and group" not in page  # no chart is drawn
    report = reports.round_report(user=world.member, round=round, lang="en")
    pdf_html = text_of(render_to_string("diagnostics/results_pdf.html", {"report": report}))
    assert reason in pdf_html
    api = client.get(f"/api/v1/teams/{round.team_id}/diagnostics/rounds/{round.pk}/results")
    body = api.json()
    assert body["has_results"] is False and reason in body["withheld_reason"]
    assert all(d["team"] is None and d["groups"] == {} for d in body["dimensions"])
    assert body["gaps"] == [] and body["divergences"] == []
    assert all(d["recommendations"] == [] for d in body["dimensions"])
    csv = client.get(reverse("diagnostics:results_csv", args=args), follow=True)
    assert reason in text_of(csv.content.decode())  # refused, back on the round page
    assert not AuditEvent.objects.filter(action="export.download").exists()
    for text in (page, pdf_html, json.dumps(body)):
        assert "75.0" not in text and "25.0" not in text and "50.0" not in text


# --- (d) an open round has no results yet ----------------------------------------------------


def test_results_of_an_open_round_are_refused(world: World, client_for: ClientFor) -> None:
    answered = answered_round(world, security=[4] * 5, non_security=[2] * 5, closed=False)
    round = answered.round
    client = client_for(world.coordinator)
    api = client.get(f"/api/v1/teams/{round.team_id}/diagnostics/rounds/{round.pk}/results")
    assert api.status_code == 409
    assert api.json()["code"] == "conflict" and "closed" in api.json()["message"]
    args = (round.team_id, round.pk)
    for name in ("diagnostics:results", "diagnostics:results_pdf", "diagnostics:results_csv"):
        method = client.post if name == "diagnostics:results_pdf" else client.get
        response = method(reverse(name, args=args))
        assert response.status_code == 302, name
        assert response["Location"] == reverse("diagnostics:round", args=args)
    assert not Job.objects.exists()  # no PDF job for an open round
    page = text_of(
        client.get(reverse("diagnostics:results", args=args), follow=True).content.decode()
    )
    assert "Results are shown once the round has closed." in page
    assert "75.0" not in page and "25.0" not in page
    assert not AuditEvent.objects.filter(action="export.download").exists()


# --- (e) the rule is stated ------------------------------------------------------------------


def test_the_rule_is_stated_on_the_page_and_in_the_report(
    five_and_five: Answered, outputs: Fetch
) -> None:
    got = outputs(five_and_five)
    assert RULE in got.page and RULE in got.pdf_html
    assert "worked out from it by subtraction" in got.page


# --- (f) change since the previous round ------------------------------------------------------


def test_the_change_since_the_previous_closed_round_is_shown(world: World, outputs: Fetch) -> None:
    first = answered_round(world, security=[2] * 5, non_security=[2] * 5, title="Baseline")
    people = (first.security, first.non_security)
    second = answered_round(
        world, security=[4] * 5, non_security=[4] * 5, title="Year two", people=people
    )
    got = outputs(second)
    api = got.api
    assert api["previous_round_id"] == first.round.pk
    purpose = next(d for d in api["dimensions"] if d["key"] == "purpose")
    assert (purpose["team"], purpose["previous"], purpose["change"]) == (75.0, 25.0, 50.0)
    assert purpose["groups"]["security"]["change"] == 50.0
    assert "Baseline" in got.page and "+50.0" in got.page
    assert "+50.0" in got.pdf_html
    team_purpose = next(
        r for r in got.csv_rows if (r["Dimension key"], r["Group key"]) == ("purpose", "all")
    )
    assert (team_purpose["Previous round"], team_purpose["Change"]) == ("25.0", "50.0")
    # the first round has nothing to compare with
    assert outputs(first).api["previous_round_id"] is None


def test_a_hidden_group_in_the_previous_round_gives_no_change(world: World, outputs: Fetch) -> None:
    police_and_social = answered_round(world, security=[2] * 4, non_security=[2] * 5)
    sec, non = police_and_social.security, police_and_social.non_security
    police = Participation.objects.get(round=police_and_social.round, user=sec[0]).organisation
    sec = [*sec, *join(world.team, police, 1)]
    second = answered_round(world, security=[4] * 5, non_security=[4] * 5, people=(sec, non))
    purpose = next(d for d in outputs(second).api["dimensions"] if d["key"] == "purpose")
    assert purpose["change"] == 50.0  # the team was shown both times
    assert purpose["groups"]["security"]["change"] is None  # hidden the first time
    assert purpose["groups"]["security"]["score"] == 75.0


def test_a_round_past_its_date_is_closed_by_the_schedule_before_its_results_are_shown(
    crew: Crew, running_round: Round, clock: Clock, client_for: ClientFor
) -> None:
    from icommit.core.models import AuditEvent
    from icommit.diagnostics.models import Draft

    submit(running_round, [crew.police_officer, crew.coordinator, crew.teacher], 3)
    submit(running_round, crew.social_workers, 3)
    with transaction.atomic():
        services.response_save(
            actor=crew.probation_officer, round=running_round, answers={"purpose_1": 2}
        )
    clock.advance((running_round.closes_on - clock.day).days + 1)
    url = reverse("diagnostics:results", args=(crew.team.pk, running_round.pk))
    teacher = client_for(crew.teacher)
    events = AuditEvent.objects.count()
    # a read changes nothing: the round stays as it was until the schedule closes it
    waiting = teacher.get(url)
    assert waiting.status_code == 302
    running_round.refresh_from_db()
    assert running_round.closed_at is None
    assert Draft.objects.filter(round=running_round).exists()
    assert AuditEvent.objects.count() == events

    assert services.rounds_close_due() == 1
    response = teacher.get(url)
    assert response.status_code == 200
    running_round.refresh_from_db()
    assert running_round.closed_at is not None and running_round.closed_by is None
    assert running_round.has_results and "50.0" in text_of(response.content.decode())
    assert not Draft.objects.filter(round=running_round).exists()
