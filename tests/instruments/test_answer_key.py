"""A test's answer key (the scores of a knowledge check's choices) reaches only platform
administrators and trainers: in the API, on the version page and in the XLSForm download.
Everyone else reads the questions and their answers without the scores; rubrics and other
instruments without a pass mark are read whole by everyone."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from icommit.access import Action, can
from icommit.access.roles import PlatformRole
from icommit.accounts.models import User
from icommit.instruments.engine import definition_from_dict, import_xlsform, without_answer_key
from icommit.instruments.models import InstrumentVersion
from tests.conftest import World
from tests.factories import UserFactory, grant
from tests.instruments.test_services import ClientFor

TESTS = ("kc-nonsec-cert", "kc-msc-team")
BASE = "/api/v1/instruments"


def _version(key: str) -> InstrumentVersion:
    return InstrumentVersion.objects.get(instrument__key=key, number=1)


def _trainer() -> User:
    return grant(UserFactory(), PlatformRole.TRAINER)


def _evaluator() -> User:
    return grant(UserFactory(), PlatformRole.EVALUATOR)


def _readers(world: World) -> dict[str, User]:
    """Everyone who reads instruments but may not read an answer key."""
    return {
        "member": world.member,
        "coordinator": world.coordinator,
        "observer": world.observer,
        "outsider": world.outsider,
        "evaluator": _evaluator(),
    }


def _scores(node: Any) -> Iterator[Any]:
    """Every "score" anywhere in a definition dict."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "score":
                yield v
            yield from _scores(v)
    elif isinstance(node, list):
        for v in node:
            yield from _scores(v)


def _without_scores(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_scores(v) for k, v in node.items() if k != "score"}
    if isinstance(node, list):
        return [_without_scores(v) for v in node]
    return node


# --- the engine -------------------------------------------------------------------------------


@pytest.mark.parametrize("key", TESTS)
def test_a_knowledge_check_has_an_answer_key_and_a_rubric_or_diagnostics_none(
    world: World, key: str
) -> None:
    assert _version(key).parsed.has_answer_key
    for other in ("rubric-consent-conversation", "rubric-social-diagnostics", "msc-diagnostics"):
        assert not _version(other).parsed.has_answer_key


def test_an_instrument_with_a_pass_mark_has_an_answer_key_whatever_its_kind(world: World) -> None:
    data = json.loads(json.dumps(_version("kc-msc-team").definition))
    data["kind"] = "survey"
    assert definition_from_dict(data).has_answer_key
    del data["scoring"]["pass_mark"]
    assert not definition_from_dict(data).has_answer_key


def test_without_its_answer_key_a_test_keeps_every_question_and_answer_but_no_score(
    world: World,
) -> None:
    full = _version("kc-nonsec-cert").parsed
    bare = without_answer_key(full)
    assert [i.key for i in bare.items()] == [i.key for i in full.items()]
    for mine, theirs in zip(bare.items(), full.items(), strict=True):
        assert [(c.value, c.label) for c in mine.choices] == [
            (c.value, c.label) for c in theirs.choices
        ]
        assert all(c.score is None for c in mine.choices)
    assert any(c.score == 1 for i in full.items() for c in i.choices)  # the original is untouched
    assert bare.scoring == full.scoring and bare.title == full.title


# --- access -----------------------------------------------------------------------------------


def test_only_administrators_and_trainers_may_read_an_answer_key(world: World) -> None:
    for who, person in _readers(world).items():
        assert not can(person, Action.INSTRUMENT_ANSWER_KEY), who
    assert can(world.admin, Action.INSTRUMENT_ANSWER_KEY)
    assert can(_trainer(), Action.INSTRUMENT_ANSWER_KEY)
    lapsed = _trainer()
    lapsed.is_active = False
    lapsed.save()
    assert not can(lapsed, Action.INSTRUMENT_ANSWER_KEY)


# --- the API ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", TESTS)
def test_the_api_gives_a_test_without_its_answer_key_to_team_members(
    world: World, client_for: ClientFor, key: str
) -> None:
    stored = _version(key).definition
    assert list(_scores(stored))  # the stored version has its key
    for who, person in _readers(world).items():
        response = client_for(person).get(f"{BASE}/{key}/versions/1")
        assert response.status_code == 200, who
        body = response.json()
        assert body["answer_key_withheld"] is True, who
        assert list(_scores(body["definition"])) == [], who
        # the questions and answers are all there, with their values and labels
        assert _without_scores(body["definition"]) == _without_scores(stored), who


@pytest.mark.parametrize("key", TESTS)
def test_the_api_gives_the_answer_key_to_administrators_and_trainers(
    world: World, client_for: ClientFor, key: str
) -> None:
    for person in (world.admin, _trainer()):
        body = client_for(person).get(f"{BASE}/{key}/versions/1").json()
        assert body["answer_key_withheld"] is False
        assert body["definition"] == _version(key).definition


def test_the_api_gives_a_rubric_and_the_diagnostics_whole_to_everyone(
    world: World, client_for: ClientFor
) -> None:
    for key in ("rubric-consent-conversation", "msc-diagnostics"):
        body = client_for(world.member).get(f"{BASE}/{key}/versions/1").json()
        assert body["answer_key_withheld"] is False
        assert body["definition"] == _version(key).definition


# --- the version page -------------------------------------------------------------------------


def test_the_version_page_of_a_test_shows_no_scores_to_team_members(
    world: World, client_for: ClientFor
) -> None:
    url = reverse("instruments:version", args=("kc-nonsec-cert", 1))
    first = _version("kc-nonsec-cert").parsed.sections[0].items[0].choices[0]
    for who, person in _readers(world).items():
        response = client_for(person).get(url)
        assert response.status_code == 200, who
        html = response.content.decode()
        assert "answer key" in html and "is shown only to trainers" in html, who
        assert "(score " not in html, who
        assert f"{first.value}: {first.label['en'][:40]}" in html, who


def test_the_version_page_of_a_test_shows_its_answer_key_to_trainers(
    world: World, client_for: ClientFor
) -> None:
    url = reverse("instruments:version", args=("kc-nonsec-cert", 1))
    questions = len(list(_version("kc-nonsec-cert").parsed.items()))
    for person in (world.admin, _trainer()):
        html = client_for(person).get(url).content.decode()
        assert html.count("(score 1)") == questions
        assert "is shown only to trainers" not in html


def test_the_version_page_of_a_rubric_says_nothing_of_an_answer_key(
    world: World, client_for: ClientFor
) -> None:
    url = reverse("instruments:version", args=("rubric-consent-conversation", 1))
    html = client_for(world.member).get(url).content.decode()
    assert "answer key" not in html


# --- the XLSForm download ---------------------------------------------------------------------


def _choice_scores(data: bytes) -> list[Any]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    rows = list(book["choices"].iter_rows(values_only=True))
    column = rows[0].index("icommit_score")
    return [row[column] for row in rows[1:] if row[column] not in (None, "")]


def test_the_xlsform_of_a_test_carries_no_scores_for_team_members(
    world: World, client_for: ClientFor
) -> None:
    url = reverse("instruments:xlsform", args=("kc-nonsec-cert", 1))
    for who, person in _readers(world).items():
        response = client_for(person).get(url)
        assert response.status_code == 200, who
        assert response.content.startswith(b"PK"), who
        assert _choice_scores(response.content) == [], who


def test_the_xlsform_of_a_test_carries_its_answer_key_for_trainers(
    world: World, client_for: ClientFor
) -> None:
    url = reverse("instruments:xlsform", args=("kc-nonsec-cert", 1))
    version = _version("kc-nonsec-cert")
    for person in (world.admin, _trainer()):
        data = client_for(person).get(url).content
        assert sorted(set(_choice_scores(data))) == [0, 1]
        assert import_xlsform(data, source="kc.xlsx").key == version.instrument.key
