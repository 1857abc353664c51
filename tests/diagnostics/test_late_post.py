"""A second POST after the answers are in (a double click, a late autosave, a second tab) is
answered quietly: the form goes back to the round, an autosave gets the "already answered"
state; no error, no second answer set, no draft written again (issue 11)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from icommit.diagnostics import selectors
from icommit.diagnostics.models import Draft, Participation, Round, RoundResponse
from tests.diagnostics.conftest import ClientFor, Crew, answers_at, text_of

HTMX = {"HX-Request": "true"}


def _url(name: str, round: Round) -> str:
    return reverse(f"diagnostics:{name}", args=(round.team_id, round.pk))


def _complete(round: Round) -> dict[str, str]:
    answers = answers_at(round.version.parsed, audience="non_security", level=4, part_level=2)
    return {k: str(v) for k, v in answers.items()}


@pytest.fixture
def submitted_once(crew: Crew, running_round: Round, client_for: ClientFor) -> Any:
    """The teacher has submitted complete answers from the page."""
    client = client_for(crew.teacher)
    first = client.post(_url("respond", running_round), {**_complete(running_round), "submit": "1"})
    assert first.status_code == 302
    return client


def test_a_second_submit_goes_back_to_the_round_without_an_error(
    crew: Crew, running_round: Round, submitted_once: Any
) -> None:
    second = submitted_once.post(
        _url("respond", running_round), {**_complete(running_round), "submit": "1"}
    )
    assert second.status_code == 302
    assert second["Location"] == _url("round", running_round)
    assert RoundResponse.objects.filter(round=running_round).count() == 1
    page = text_of(submitted_once.get(second["Location"]).content.decode())
    assert "You have answered this round. Thank you." in page
    assert "missing" not in page and "cannot be changed" not in page


def test_a_late_autosave_gets_the_answered_state_and_saves_nothing(
    crew: Crew, running_round: Round, submitted_once: Any
) -> None:
    late = submitted_once.post(_url("respond", running_round), {"trust_1": "2"}, headers=HTMX)
    assert late.status_code == 200
    html = late.content.decode()
    assert "<html" not in html
    assert "Your answers are in; nothing more is saved." in text_of(html)
    assert "missing" not in html and "cannot be changed" not in html
    assert not Draft.objects.exists()


def test_a_late_save_without_htmx_goes_back_to_the_round(
    crew: Crew, running_round: Round, submitted_once: Any
) -> None:
    late = submitted_once.post(_url("respond", running_round), {"trust_1": "2", "save": "1"})
    assert late.status_code == 302 and late["Location"] == _url("round", running_round)
    assert not Draft.objects.exists()


def test_a_submit_racing_the_first_one_is_answered_quietly_too(
    crew: Crew,
    running_round: Round,
    client_for: ClientFor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The second request read the invitation before the first one committed: the service
    refuses it, and the page answers as if it had seen the answers in."""
    client = client_for(crew.teacher)
    stale = Participation.objects.get(round=running_round, user=crew.teacher)
    assert client.post(_url("respond", running_round), {**_complete(running_round), "submit": "1"})
    calls: list[int] = []
    real = selectors.participation_of

    def first_stale(*, user: Any, round: Round) -> Participation | None:
        calls.append(1)
        return stale if len(calls) == 1 else real(user=user, round=round)

    monkeypatch.setattr(selectors, "participation_of", first_stale)
    again = client.post(_url("respond", running_round), {**_complete(running_round), "submit": "1"})
    assert again.status_code == 302 and again["Location"] == _url("round", running_round)
    calls.clear()
    late = client.post(_url("respond", running_round), {"trust_1": "2"}, headers=HTMX)
    assert late.status_code == 200
    assert "Your answers are in; nothing more is saved." in text_of(late.content.decode())
    assert RoundResponse.objects.filter(round=running_round).count() == 1
