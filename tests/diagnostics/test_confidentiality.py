"""Nothing stored ties a submitted answer set to its respondent: not the rows, not the audit log.

The team, an administrator with the database, or the audit log may learn who took part; none
of them may learn which answers are whose.
"""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction

from icommit.core.models import AuditDetail, AuditEvent
from icommit.diagnostics import services
from icommit.diagnostics.models import (
    Draft,
    OptionTally,
    Participation,
    Round,
    RoundResponse,
    StatementTally,
)
from icommit.instruments.models import Response, ResponseScore
from tests.diagnostics.conftest import Crew, submit

ANSWER_MODELS = (RoundResponse, Response, ResponseScore)
#: Counts written from the answer sets at closing: per group, never per person or time.
TALLY_MODELS = (StatementTally, OptionTally)


@pytest.fixture
def answered(crew: Crew, running_round: Round) -> Round:
    """Five members have submitted, the teacher is still drafting."""
    with transaction.atomic():
        services.response_save(
            actor=crew.teacher, round=running_round, answers={"purpose_1": 2, "roles_1": 4}
        )
    submit(running_round, [crew.coordinator, crew.police_officer, crew.probation_officer], 4)
    submit(running_round, crew.social_workers, 2, part_level=3)
    return running_round


def _raw_rows(model: type[models.Model]) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608 (table names from the models)
        return list(cursor.fetchall())


@pytest.mark.parametrize("model", ANSWER_MODELS + TALLY_MODELS)
def test_answer_rows_have_no_column_for_a_person_or_a_time(model: type[models.Model]) -> None:
    for f in model._meta.concrete_fields:
        assert not isinstance(f, models.DateField | models.DateTimeField | models.TimeField), f
        assert not isinstance(f, models.EmailField), f
        if f.is_relation:
            assert f.related_model not in (get_user_model(), Participation, Draft), f
        assert "user" not in f.name and "holder" not in f.name, f


def test_stored_answer_sets_hold_no_email_id_or_draft_holder_of_the_respondents(
    crew: Crew, answered: Round
) -> None:
    respondents = [crew.coordinator, crew.police_officer, crew.probation_officer]
    respondents += crew.social_workers
    needles = {p.email for p in respondents}
    needles |= {p.full_name for p in respondents}
    needles |= {h for p in [*respondents, crew.teacher] for h in services.holders(answered, p)}
    needles |= {h.split(":", 1)[1] for h in list(needles) if ":" in h and "@" not in h}
    assert RoundResponse.objects.count() == 5 and ResponseScore.objects.exists()
    for model in ANSWER_MODELS:
        rows = _raw_rows(model)
        assert rows
        for row in rows:
            for value in row:
                text = str(value)
                assert not any(needle in text for needle in needles), (model, value)
    # the only things kept beside the answers: the round and the respondent's group
    assert sorted(RoundResponse.objects.values_list("is_security", "sector")) == sorted(
        [(False, "municipality"), (True, "police"), (True, "probation")]
        + [(False, "social_services")] * 2
    )


def test_participation_records_taking_part_and_nothing_about_the_answers(
    crew: Crew, answered: Round
) -> None:
    names = {f.name for f in Participation._meta.concrete_fields}
    assert names == {
        "id",
        "round",
        "user",
        "organisation",
        "is_security",
        "sector",
        "is_state",
        "counted",
        "invited_at",
        "submitted",
    }
    answered_ids = set(
        Participation.objects.filter(round=answered, submitted=True).values_list(
            "user_id", flat=True
        )
    )
    assert crew.teacher.pk not in answered_ids and len(answered_ids) == 5
    # the invitation's time is the only time kept, and answering does not touch it
    invited = dict(
        Participation.objects.filter(round=answered).values_list("user_id", "invited_at")
    )
    submit(answered, [crew.teacher], 3)
    assert (
        dict(Participation.objects.filter(round=answered).values_list("user_id", "invited_at"))
        == invited
    )


def test_a_draft_is_found_only_under_the_keyed_hash_of_round_and_person(
    crew: Crew, answered: Round
) -> None:
    [draft] = Draft.objects.all()
    assert draft.holder == services.holder(answered, crew.teacher)
    # keyed: not a plain hash anyone could recompute from the round and the person
    plain = f"{answered.pk}:{crew.teacher.pk}".encode()
    digest = draft.holder.split(":", 1)[1]
    assert digest not in (hashlib.sha256(plain).hexdigest(), hashlib.md5(plain).hexdigest())  # noqa: S324 (compared against, not used)
    assert crew.teacher.email not in draft.holder
    assert {f.name for f in Draft._meta.concrete_fields} == {"id", "round", "holder", "answers"}
    # another person, or the same person in another round, finds nothing under their hash
    assert services.holder(answered, crew.social_workers[0]) != draft.holder
    assert services.draft_answers(actor=crew.social_workers[0], round=answered) == {}
    assert services.draft_answers(actor=crew.teacher, round=answered) == {
        "purpose_1": 2,
        "roles_1": 4,
    }
    # the answers are encrypted at rest
    [(raw,)] = [row[-1:] for row in _raw_rows(Draft)]
    assert "purpose_1" not in str(raw)


def test_submitting_deletes_the_draft(crew: Crew, answered: Round) -> None:
    submit(answered, [crew.teacher], 3)
    assert not Draft.objects.exists()
    assert services.draft_answers(actor=crew.teacher, round=answered) == {}


def test_the_audit_log_records_participation_with_the_actor_and_no_answer_set(
    crew: Crew, answered: Round
) -> None:
    events = AuditEvent.objects.filter(action="diagnostics.round.participated")
    assert sorted(events.values_list("actor_id", flat=True)) == sorted(
        p.pk
        for p in [
            crew.coordinator,
            crew.police_officer,
            crew.probation_officer,
            *crew.social_workers,
        ]
    )
    assert set(events.values_list("object_id", flat=True)) == {str(answered.pk)}
    assert not AuditDetail.objects.filter(event__in=events).exists()
    ids = {str(pk) for pk in Response.objects.values_list("pk", flat=True)}
    ids |= {str(pk) for pk in RoundResponse.objects.values_list("pk", flat=True)}
    assert not AuditEvent.objects.filter(object_id__in=ids).exists()
    # saving a draft is not audited, so nothing times the answering
    assert not AuditEvent.objects.filter(actor=crew.teacher).exists()


def _sectors_in_row_order() -> list[str]:
    """Sectors of the answer sets in the order the rows sit in the table."""
    order = "rowid" if connection.vendor == "sqlite" else "ctid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sector FROM diagnostics_roundresponse ORDER BY {order}")  # noqa: S608 (fixed column names)
        return [row[0] for row in cursor.fetchall()]


def test_closing_rewrites_the_answer_sets_so_no_row_order_follows_the_submissions(
    crew: Crew, running_round: Round, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = [
        crew.police_officer,
        crew.coordinator,
        crew.teacher,
        crew.probation_officer,
        crew.social_workers[0],
    ]
    for level, person in enumerate(people, start=1):
        submit(running_round, [person], level)
    before = set(RoundResponse.objects.values_list("response_id", flat=True))
    scores_before = sorted(RoundResponse.objects.values_list("response__scores__score", flat=True))
    submitted = list(RoundResponse.objects.order_by("?").values_list("sector", flat=True))
    # the shuffle is random; here it reverses, so the test can read the effect on row order
    monkeypatch.setattr(
        services.secrets,
        "SystemRandom",
        lambda: type("R", (), {"shuffle": staticmethod(list.reverse)})(),
    )
    in_submission_order = _sectors_in_row_order()
    with transaction.atomic():
        services.round_close(actor=crew.coordinator, round=running_round)
    after = set(RoundResponse.objects.values_list("response_id", flat=True))
    assert before.isdisjoint(after)  # new keys for every answer set
    assert (
        sorted(RoundResponse.objects.values_list("response__scores__score", flat=True))
        == scores_before
    )  # the same answers and scores, only rewritten
    in_row_order = _sectors_in_row_order()
    assert sorted(submitted) == sorted(in_row_order)
    assert in_row_order == list(reversed(in_submission_order))
    assert not ResponseScore.objects.exclude(response__round_response__isnull=False).exists()
