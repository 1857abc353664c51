"""Scored answer sets stored through the instruments services, with or without an owner.

An owned answer set (a client's case analysis, a learner's work) is sealed with its owner's
subject key: destroying the key leaves it unreadable, and erasing the owner deletes the plain
score rows that SQL aggregates read. Bad answers are refused with every problem named and
nothing stored, and no app outside instruments writes answer sets itself.
"""

from __future__ import annotations

import ast
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Avg, Count
from django.utils import translation

from icommit.core import crypto
from icommit.core.exceptions import Conflict, ValidationFailed
from icommit.core.models import AuditDetail, AuditEvent, SubjectKey
from icommit.instruments import services
from icommit.instruments.engine import load_yaml
from icommit.instruments.models import InstrumentVersion, Origin, Response, ResponseScore
from tests.conftest import World

CASE_CHECK = """\
format: icommit-instrument/1
key: case-check
version: 1
kind: social_diagnostics
languages: [en, de]
title: {en: Case check, de: Fallprüfung}
changes: {en: First version., de: Erste Fassung.}
scales:
  agree5:
    choices:
      - {value: 1, label: {en: "No", de: Nein}}
      - {value: 2, label: {en: Rather not, de: Eher nicht}}
      - {value: 3, label: {en: Partly, de: Teils}}
      - {value: 4, label: {en: Rather yes, de: Eher ja}}
      - {value: 5, label: {en: "Yes", de: Ja}}
domains:
  - {key: housing, title: {en: Housing, de: Wohnen}}
  - {key: work, title: {en: Work, de: Arbeit}}
scoring:
  method: mean
  min_answered: 0.5
  bands:
    - {key: low, label: {en: Low, de: Niedrig}, below: 50}
    - {key: high, label: {en: High, de: Hoch}}
sections:
  - key: main
    title: {en: The situation, de: Die Lage}
    items:
      - {key: flat, type: likert, scale: agree5, domain: housing, required: true,
         text: {en: "Has a flat.", de: "Hat eine Wohnung."}}
      - {key: job, type: likert, scale: agree5, domain: work, required: true,
         text: {en: "Has a job.", de: "Hat eine Arbeit."}}
"""

#: flat 5 → housing 100, job 2 → work 25
ANSWERS = {"flat": 5, "job": 2}
SRC = Path(__file__).resolve().parents[2] / "src" / "icommit"


@pytest.fixture
def version(db: None) -> InstrumentVersion:
    """A published Social Diagnostics style instrument with two domains."""
    with transaction.atomic():
        stored, _created = services.version_store(
            actor=None,
            definition=load_yaml(CASE_CHECK, source="case-check.yaml"),
            origin=Origin.IMPORTED,
        )
    return stored


def store(version: InstrumentVersion, answers: Any = None, **kwargs: Any) -> Response:
    with transaction.atomic():
        return services.response_store(
            version=version,
            answers=dict(ANSWERS) if answers is None else answers,
            audience="non_security",
            **kwargs,
        )


def person() -> SubjectKey:
    """A data subject's key, as the owning app (cases, training) creates it for a person."""
    with transaction.atomic():
        return crypto.subject_key_create()


def envelope(response: Response) -> str:
    """The answers column as the database (and so every backup) holds it."""
    return str(Response.objects.filter(pk=response.pk).values_list("answers", flat=True).get())


def key_of(sealed: str) -> str:
    return sealed.split(":", 2)[1]


def scores_of(response: Response) -> dict[str, float]:
    return dict(ResponseScore.objects.filter(response=response).values_list("domain", "score"))


def _stored() -> tuple[int, int]:
    return Response.objects.count(), ResponseScore.objects.count()


# --- storing ---------------------------------------------------------------------------------


def test_an_answer_set_without_owner_is_scored_and_sealed_with_the_platform_key(
    version: InstrumentVersion,
) -> None:
    response = store(version)
    assert response.owner_key_id is None and response.submitted
    assert key_of(envelope(response)) == str(crypto.PLATFORM_KEY_ID)
    assert Response.objects.get(pk=response.pk).answers == ANSWERS
    assert scores_of(response) == {"housing": 100.0, "work": 25.0}


def test_an_owned_answer_set_is_sealed_with_its_owners_key(version: InstrumentVersion) -> None:
    key = person()
    response = store(version, owner_key=key)
    assert Response.objects.get(pk=response.pk).owner_key_id == key.pk
    assert key_of(envelope(response)) == str(key.pk)
    assert Response.objects.get(pk=response.pk).answers == ANSWERS
    assert scores_of(response) == {"housing": 100.0, "work": 25.0}


def test_scores_given_by_a_person_are_stored_instead_of_the_engines(
    version: InstrumentVersion,
) -> None:
    response = store(version, scores={"housing": 40, "work": 90.5})
    assert scores_of(response) == {"housing": 40.0, "work": 90.5}


@pytest.mark.parametrize(
    ("scores", "says"),
    [({"health": 50}, "health is not a domain"), ({"work": 150}, "from 0 to 100")],
)
def test_given_scores_outside_the_instrument_are_refused(
    version: InstrumentVersion, scores: dict[str, float], says: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        store(version, scores=scores)
    assert says in caught.value.details["scores"][0]
    assert _stored() == (0, 0)


def test_answers_with_problems_are_refused_with_each_problem_and_nothing_stored(
    version: InstrumentVersion,
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        store(version, {"flat": 9, "pets": 1})
    assert caught.value.message == "Some answers are missing or not valid."
    assert caught.value.details == {
        "flat": ["9 is not one of 1, 2, 3, 4, 5"],
        "pets": ["is not an item of this instrument"],
        "job": ["Answer this question."],
    }
    assert _stored() == (0, 0)


def test_answers_that_are_no_mapping_are_refused(version: InstrumentVersion) -> None:
    with pytest.raises(ValidationFailed) as caught:
        store(version, [5, 2])
    assert caught.value.details == {"answers": ["Answers must map item keys to values."]}
    assert _stored() == (0, 0)


def test_nothing_more_is_stored_for_an_erased_person(version: InstrumentVersion) -> None:
    key = person()
    crypto.subject_key_destroy(key=key)
    with pytest.raises(Conflict):
        store(version, owner_key=key)
    assert _stored() == (0, 0)


# --- crypto-shredding and erasure ------------------------------------------------------------


def test_destroying_the_owners_key_leaves_their_answers_unreadable(
    version: InstrumentVersion,
) -> None:
    key = person()
    owned = store(version, owner_key=key)
    anonymous = store(version)
    crypto.subject_key_destroy(key=key)
    with pytest.raises(crypto.KeyDestroyed):
        _ = Response.objects.get(pk=owned.pk).answers
    assert Response.objects.get(pk=anonymous.pk).answers == ANSWERS


def test_erasing_an_owner_deletes_their_scores_and_answer_sets_and_shreds_their_key(
    version: InstrumentVersion, world: World
) -> None:
    erased, kept = person(), person()
    gone = store(version, owner_key=erased)
    backup = envelope(gone)
    store(version, {"flat": 1, "job": 1}, owner_key=kept)  # housing 0, work 0
    store(version)  # anonymous: housing 100, work 25
    before = ResponseScore.objects.filter(domain="housing").aggregate(
        n=Count("id"), mean=Avg("score")
    )
    assert before == {"n": 3, "mean": pytest.approx(200 / 3)}

    with transaction.atomic():
        n = services.responses_erase_owner(actor=world.admin, owner_key=erased)

    assert n == 1
    assert not Response.objects.filter(pk=gone.pk).exists()
    assert not ResponseScore.objects.filter(response_id=gone.pk).exists()
    after = ResponseScore.objects.filter(domain="housing").aggregate(
        n=Count("id"), mean=Avg("score")
    )
    assert after == {"n": 2, "mean": 50.0}  # the aggregates no longer count the erased person
    assert _stored() == (2, 4)
    # a copy of the row, in a backup say, no longer opens
    with pytest.raises(crypto.KeyDestroyed):
        crypto.decrypt(backup, model="instruments.response", field="answers", pk=gone.pk)
    assert SubjectKey.objects.get(pk=erased.pk).destroyed_at is not None
    assert SubjectKey.objects.get(pk=kept.pk).destroyed_at is None
    event = AuditEvent.objects.get(action="instrument.responses.erased")
    assert event.actor == world.admin
    assert (event.object_type, event.object_id) == ("core.subjectkey", str(erased.pk))
    assert AuditDetail.objects.get(event=event).data == {"answer_sets": 1, "scores": 2}


def test_erasing_an_owner_twice_finds_nothing_left(
    version: InstrumentVersion, world: World
) -> None:
    key = person()
    store(version, owner_key=key)
    with transaction.atomic():
        services.responses_erase_owner(actor=world.admin, owner_key=key)
    with transaction.atomic():
        assert services.responses_erase_owner(actor=world.admin, owner_key=key.pk) == 0
    assert _stored() == (0, 0)


def test_answer_sets_without_owner_cannot_be_erased_by_owner(
    version: InstrumentVersion, world: World
) -> None:
    store(version)
    with pytest.raises(Conflict), transaction.atomic():
        services.responses_erase_owner(actor=world.admin, owner_key=crypto.PLATFORM_KEY_ID)
    assert _stored() == (1, 2)


# --- discarding and rewriting ----------------------------------------------------------------


def test_discarding_deletes_the_answer_sets_with_their_scores(version: InstrumentVersion) -> None:
    first, second, third = store(version), store(version), store(version, owner_key=person())
    with transaction.atomic():
        assert services.responses_discard(ids=[first.pk, third.pk]) == 2
    assert list(Response.objects.values_list("pk", flat=True)) == [second.pk]
    assert set(ResponseScore.objects.values_list("response_id", flat=True)) == {second.pk}


def test_rewriting_copies_answer_sets_under_new_keys_in_the_given_order(
    version: InstrumentVersion,
) -> None:
    key = person()
    owned = store(version, {"flat": 1, "job": 3}, owner_key=key)
    anonymous = store(version)
    with transaction.atomic():
        fresh = services.responses_rewrite(ids=[anonymous.pk, owned.pk])
    assert {r.pk for r in fresh}.isdisjoint({owned.pk, anonymous.pk})
    assert not Response.objects.filter(pk__in=[owned.pk, anonymous.pk]).exists()
    copy_of_anonymous, copy_of_owned = (Response.objects.get(pk=r.pk) for r in fresh)
    assert copy_of_anonymous.owner_key_id is None and copy_of_anonymous.answers == ANSWERS
    assert copy_of_owned.owner_key_id == key.pk and copy_of_owned.answers == {"flat": 1, "job": 3}
    assert key_of(envelope(copy_of_owned)) == str(key.pk)
    assert scores_of(copy_of_owned) == {"housing": 0.0, "work": 50.0}
    assert ResponseScore.objects.count() == 4


# --- one way in ------------------------------------------------------------------------------

WRITES = {"create", "bulk_create", "get_or_create", "update_or_create", "update", "delete"}
ANSWER_SET_MODELS = {"Response", "ResponseScore"}


def _root_name(node: ast.expr) -> str | None:
    """The name an attribute/call chain starts from: ``Response`` in ``Response.objects.x()``."""
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def answer_set_writes(source: str) -> list[int]:
    """Lines that build or write ``Response``/``ResponseScore`` rows without the services."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in ANSWER_SET_MODELS:
            lines.append(node.lineno)  # Response(...) / ResponseScore(...)
        elif (
            isinstance(func, ast.Attribute)
            and func.attr in WRITES
            and _root_name(func) in ANSWER_SET_MODELS
            and "objects" in ast.unparse(func)
        ):
            lines.append(node.lineno)
    return sorted(lines)


def test_the_scan_finds_the_ways_an_app_could_write_answer_sets() -> None:
    source = (
        "r = Response.objects.create(version=v, answers={})\n"
        "ResponseScore.objects.bulk_create([ResponseScore(response=r, domain='d', score=1)])\n"
        "Response.objects.filter(pk__in=ids).delete()\n"
        "ResponseScore.objects.filter(domain='d').values('score')\n"
        "HttpResponse('fine')\n"
    )
    assert answer_set_writes(source) == [1, 2, 2, 3]


def test_no_app_outside_instruments_writes_answer_sets_itself() -> None:
    """Everything else goes through ``instruments.services`` (decision 0013). Migrations are
    left out: they work on historical models and cannot call services."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if relative.parts[0] == "instruments" or "migrations" in relative.parts:
            continue
        found += [f"{relative}:{n}" for n in answer_set_writes(path.read_text(encoding="utf-8"))]
    assert found == []


def test_an_unknown_owner_key_is_refused(version: InstrumentVersion, world: World) -> None:
    with pytest.raises(crypto.UnknownKey), transaction.atomic():
        services.responses_erase_owner(actor=world.admin, owner_key=uuid.uuid4())


def test_problems_are_said_in_the_readers_language(version: InstrumentVersion) -> None:
    with translation.override("de"), pytest.raises(ValidationFailed) as caught:
        store(version, {"flat": 2})
    assert caught.value.details == {"job": ["Beantworten Sie diese Frage."]}
