"""Paired and group items in the questionnaire: rendered, saved, submitted and reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.http import QueryDict
from django.urls import reverse

from icommit.diagnostics import services
from icommit.diagnostics.forms import answers_from_post, progress, questionnaire
from icommit.diagnostics.models import Round, RoundResponse
from icommit.instruments import services as instrument_services
from icommit.instruments.engine import load_yaml
from icommit.instruments.models import InstrumentVersion, Origin
from tests.diagnostics.conftest import ClientFor, Crew, open_round, text_of

FIXTURES = Path(__file__).parent / "fixtures"


def publish(name: str) -> InstrumentVersion:
    """A test instrument from tests/diagnostics/fixtures, published as a shipped one would be."""
    definition = load_yaml((FIXTURES / name).read_text(encoding="utf-8"), source=name)
    version, _created = instrument_services.version_store(
        actor=None, definition=definition, origin=Origin.SHIPPED, source_name=name
    )
    return InstrumentVersion.objects.select_related("instrument").get(pk=version.pk)


@pytest.fixture
def items_round(crew: Crew) -> Round:
    return open_round(crew.coordinator, crew.team, version=publish("items.yaml"))


def _url(round: Round) -> str:
    return reverse("diagnostics:respond", args=(round.team_id, round.pk))


def _post(data: dict[str, str | list[str]]) -> QueryDict:
    q = QueryDict(mutable=True)
    for k, v in data.items():
        q.setlist(k, v if isinstance(v, list) else [v])
    return q


# --- the form, unit by unit ---------------------------------------------------------------------


def test_paired_and_group_answers_are_read_from_the_post() -> None:
    definition = load_yaml((FIXTURES / "items.yaml").read_text(), source="items.yaml")
    post = _post(
        {
            "climate_1": "4",
            "feedback.is": "2",
            "feedback.should": "4",
            "feedback.rationale": "  We rarely hear back.  ",
            "contacts-1-partner": "Youth welfare",
            "contacts-1-useful": "5",
            "contacts-2-partner": "",
            "contacts-2-useful": "",
        }
    )
    answers = answers_from_post(definition, post, audience="non_security")
    assert answers == {
        "climate_1": 4,
        "feedback": {"is": 2, "should": 4, "rationale": "We rarely hear back."},
        "contacts": [{"partner": "Youth welfare", "useful": 5}],
    }
    assert progress(definition, answers, audience="non_security") == (3, 3)


def test_emptied_paired_and_group_items_are_given_as_empty_so_the_draft_drops_them() -> None:
    definition = load_yaml((FIXTURES / "items.yaml").read_text(), source="items.yaml")
    post = _post({"feedback.rationale": "", "contacts-1-partner": "", "contacts-1-useful": ""})
    assert answers_from_post(definition, post, audience="security") == {
        "feedback": "",
        "contacts": "",
    }
    # fields not on the page at all are no answer, not an emptied one
    assert answers_from_post(definition, _post({}), audience="security") == {}


def test_the_form_shows_each_rating_of_a_paired_item_and_the_entries_of_a_group() -> None:
    definition = load_yaml((FIXTURES / "items.yaml").read_text(), source="items.yaml")
    answers = {
        "feedback": {"is": 2, "rationale": "Seldom."},
        "contacts": [{"partner": "A"}, {"partner": "B", "useful": 4}],
    }
    [section] = questionnaire(definition, answers, audience="security", lang="de")
    paired = next(i for i in section["items"] if i["key"] == "feedback")
    assert [p["label"] for p in paired["pairs"]] == ["Wie es ist", "Wie es sein sollte"]
    assert [c["checked"] for c in paired["pairs"][0]["choices"]] == [False, True, False, False]
    assert not any(c["checked"] for c in paired["pairs"][1]["choices"])
    assert paired["rationale_value"] == "Seldom." and paired["answered"]
    group = next(i for i in section["items"] if i["key"] == "contacts")
    # two entries and one empty block to add the third (the maximum)
    assert [e["filled"] for e in group["entries"]] == [True, True, False]
    assert group["entry_count"] == 2 and group["max"] == 3 and not group["can_add"]
    names = [f["name"] for f in group["entries"][1]["fields"]]
    assert names == ["contacts-2-partner", "contacts-2-useful"]
    assert group["entries"][1]["fields"][1]["choices"][3]["checked"]  # useful = 4


# --- the page -------------------------------------------------------------------------------------


def test_the_page_renders_paired_and_group_items(
    crew: Crew, items_round: Round, client_for: ClientFor
) -> None:
    response = client_for(crew.teacher).get(_url(items_round))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('name="feedback.is"') == 4 and html.count('name="feedback.should"') == 4
    assert 'name="feedback.rationale"' in html
    assert 'name="contacts-1-partner"' in html and 'name="contacts-1-useful"' in html
    assert 'name="contacts-2-partner"' not in html
    page = text_of(html)
    assert "How it is" in page and "How it should be" in page
    assert "0 entries so far. Give at most 3." in page
    assert "0 of 3 statements answered." in page


def test_a_member_saves_adds_an_entry_and_submits(
    crew: Crew, items_round: Round, client_for: ClientFor
) -> None:
    client = client_for(crew.teacher)
    first = {
        "climate_1": "4",
        "feedback.is": "2",
        "feedback.should": "4",
        "feedback.rationale": "",
        "contacts-1-partner": "Youth welfare",
        "contacts-1-useful": "5",
    }
    response = client.post(_url(items_round), {**first, "add_entry": "contacts"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="contacts-2-partner"' in html and 'name="contacts-3-partner"' not in html
    assert ">Youth welfare</textarea>" in html
    assert "1 entry so far." in text_of(html)
    assert services.draft_answers(actor=crew.teacher, round=items_round) == {
        "climate_1": 4,
        "feedback": {"is": 2, "should": 4},
        "contacts": [{"partner": "Youth welfare", "useful": 5}],
    }
    second = {
        **first,
        "contacts-2-partner": "School",
        "contacts-2-useful": "dont_know",
        "submit": "1",
    }
    response = client.post(_url(items_round), second)
    assert response.status_code == 302
    stored = RoundResponse.objects.get(round=items_round).response.answers
    assert stored["feedback"] == {"is": 2, "should": 4}
    assert stored["contacts"] == [
        {"partner": "Youth welfare", "useful": 5},
        {"partner": "School", "useful": "dont_know"},
    ]


def test_an_invalid_entry_is_marked_at_its_group(
    crew: Crew, items_round: Round, client_for: ClientFor
) -> None:
    response = client_for(crew.teacher).post(
        _url(items_round), {"contacts-1-partner": "A", "contacts-1-useful": "9", "save": "1"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="error-contacts"' in html and "entry 1: useful" in html


def test_an_emptied_entry_is_removed(crew: Crew, items_round: Round, client_for: ClientFor) -> None:
    client = client_for(crew.teacher)
    client.post(_url(items_round), {"contacts-1-partner": "A", "contacts-2-partner": "B"})
    assert services.draft_answers(actor=crew.teacher, round=items_round)["contacts"] == [
        {"partner": "A"},
        {"partner": "B"},
    ]
    client.post(_url(items_round), {"contacts-1-partner": "", "contacts-2-partner": "B"})
    assert services.draft_answers(actor=crew.teacher, round=items_round)["contacts"] == [
        {"partner": "B"}
    ]
    client.post(_url(items_round), {"contacts-1-partner": ""})
    assert "contacts" not in services.draft_answers(actor=crew.teacher, round=items_round)


def test_a_required_rationale_is_asked_for(crew: Crew, client_for: ClientFor) -> None:
    # same instrument with the rationale required: the label says so, submit refuses without
    text = (
        (FIXTURES / "items.yaml").read_text().replace("rationale: optional", "rationale: required")
    )
    text = text.replace("key: test-items", "key: test-items-rationale")
    definition = load_yaml(text, source="items.yaml")
    version, _ = instrument_services.version_store(
        actor=None, definition=definition, origin=Origin.SHIPPED
    )
    round = open_round(crew.coordinator, crew.team, version=version)
    client = client_for(crew.teacher)
    assert "Why? (a sentence or two)" in text_of(client.get(_url(round)).content.decode())
    response = client.post(_url(round), {"feedback.is": "1", "feedback.should": "3", "submit": "1"})
    assert response.status_code == 422
    assert "Give the reasons for the rating." in response.content.decode()
    assert not RoundResponse.objects.filter(round=round).exists()
