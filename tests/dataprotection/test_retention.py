"""Retention: the dry run lists and changes nothing; the run removes exactly what has expired on
the day (boundaries: the day before the period ends nothing goes), audited; a category without a
period is never removed; a restricted client is kept; the command and the daily task."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction

from icommit.cases.models import CaseNote, ClientIdentity
from icommit.core.models import AuditEvent, SubjectKey
from icommit.dataprotection import services
from icommit.dataprotection.content import retention
from icommit.dataprotection.models import CASE_RECORD, RetentionPeriod, RetentionRun
from tests.analysis.conftest import AnalysisWorld, aw, sdx_version  # noqa: F401 (fixtures)
from tests.cases.conftest import CaseWorld
from tests.dataprotection.conftest import Closed

CLOSED_ON = datetime.date(2024, 1, 31)


def set_periods(cw: CaseWorld, **months: int) -> None:
    with transaction.atomic():
        for category, value in months.items():
            services.period_set(actor=cw.dpo, category=category, months=value)


def everything(cw: CaseWorld, months: int) -> None:
    set_periods(cw, **dict.fromkeys(retention().categories, months))


def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month() -> None:
    assert services.add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert services.add_months(datetime.date(2024, 1, 31), 12) == datetime.date(2025, 1, 31)
    assert services.add_months(datetime.date(2023, 11, 15), 3) == datetime.date(2024, 2, 15)


def test_without_periods_nothing_is_removed_and_the_run_says_which_are_missing(
    cw: CaseWorld, closed: Closed
) -> None:
    run = services.retention_run(actor=None, dry_run=False, as_of=datetime.date(2040, 1, 1))
    assert set(run.unset) == set(retention().categories)
    assert run.listing == []
    assert CaseNote.objects.filter(case=closed.case).count() == 2


def test_the_dry_run_lists_what_would_go_and_changes_nothing(cw: CaseWorld, closed: Closed) -> None:
    everything(cw, 12)
    notes, keys = CaseNote.objects.count(), SubjectKey.objects.filter(destroyed_at=None).count()
    with transaction.atomic():
        run = services.retention_run(actor=cw.dpo, dry_run=True, as_of=datetime.date(2025, 1, 31))
    assert run.dry_run and run.unset == []
    assert run.listing == [
        {
            "case": closed.case.number,
            "team": cw.team.name,
            "closed": "2024-01-31",
            "category": "",
            "action": "erase",
            "items": 0,
        }
    ]
    assert run.counts == {"clients_to_erase": 1, "cases_with_expired_items": 0}
    assert CaseNote.objects.count() == notes
    assert SubjectKey.objects.filter(destroyed_at=None).count() == keys
    assert not AuditEvent.objects.filter(action="dataprotection.client.erased").exists()
    # the listing holds no value of the client
    assert closed.case.client.pseudonym not in str(run.listing)


def test_nothing_goes_the_day_before_the_period_ends_and_the_client_goes_on_the_day(
    cw: CaseWorld, closed: Closed
) -> None:
    everything(cw, 12)
    before = services.retention_run(actor=None, dry_run=False, as_of=datetime.date(2025, 1, 30))
    assert before.listing == [] and before.counts == {}
    assert SubjectKey.objects.get(pk=closed.case.client.subject_key_id).destroyed_at is None
    run = services.retention_run(actor=None, dry_run=False, as_of=datetime.date(2025, 1, 31))
    assert run.counts["clients_erased"] == 1 and run.counts["cases_anonymised"] == 1
    assert SubjectKey.objects.get(pk=closed.case.client.subject_key_id).destroyed_at is not None
    assert not CaseNote.objects.filter(case=closed.case).exists()
    event = AuditEvent.objects.get(action="dataprotection.client.erased")
    assert event.purpose == "retention" and event.detail.data["cases"] == [closed.case.number]
    # a second run finds nothing: the client is gone
    assert services.retention_run(actor=None, dry_run=False).listing == []


def test_items_of_an_expired_category_go_before_the_client_does(
    cw: CaseWorld, closed: Closed
) -> None:
    everything(cw, 120)
    set_periods(cw, situation=6)
    as_of = datetime.date(2024, 7, 31)
    with transaction.atomic():
        dry = services.retention_run(actor=cw.dpo, dry_run=True, as_of=as_of)
    assert [(e["category"], e["action"], e["items"]) for e in dry.listing] == [
        ("situation", "delete", 1)
    ]
    run = services.retention_run(actor=None, dry_run=False, as_of=as_of)
    assert run.counts == {"deleted_note": 1, "deleted_decisions": 1}
    left = CaseNote.objects.filter(case=closed.case)
    assert [n.category for n in left] == ["family"]  # the youth office's note stays
    assert ClientIdentity.objects.filter(client=closed.case.client).exists()
    assert SubjectKey.objects.get(pk=closed.case.client.subject_key_id).destroyed_at is None
    event = AuditEvent.objects.get(action="dataprotection.items.expired")
    assert event.detail.data["categories"] == ["situation"]
    assert event.detail.data["case"] == closed.case.number


def test_a_category_without_a_period_keeps_the_client(cw: CaseWorld, closed: Closed) -> None:
    everything(cw, 1)
    set_periods(cw, family=None)  # type: ignore[arg-type]
    assert not RetentionPeriod.objects.filter(category="family").exists()
    run = services.retention_run(actor=None, dry_run=False, as_of=datetime.date(2030, 1, 1))
    assert "family" in run.unset
    assert run.counts.get("clients_erased") is None
    assert [n.category for n in CaseNote.objects.filter(case=closed.case)] == ["family"]


def test_a_client_whose_processing_is_restricted_is_kept_and_listed(
    cw: CaseWorld, closed: Closed
) -> None:
    everything(cw, 1)
    client = closed.case.client
    from django.utils import timezone

    type(client).objects.filter(pk=client.pk).update(restricted_at=timezone.now())
    run = services.retention_run(actor=None, dry_run=False, as_of=datetime.date(2030, 1, 1))
    assert [e["action"] for e in run.listing] == ["kept_restricted"]
    assert SubjectKey.objects.get(pk=client.subject_key_id).destroyed_at is None


def test_an_open_case_of_the_same_client_keeps_everything(cw: CaseWorld, closed: Closed) -> None:
    everything(cw, 1)
    from icommit.cases.models import Case

    Case.objects.filter(pk=closed.case.pk).update(stage="aftercare")
    run = services.retention_run(actor=None, dry_run=False, as_of=datetime.date(2030, 1, 1))
    assert run.listing == []


def test_only_the_data_protection_officer_sets_a_period_and_a_bad_value_changes_nothing(
    cw: CaseWorld,
) -> None:
    from icommit.core.exceptions import Forbidden, ValidationFailed

    with pytest.raises(Forbidden), transaction.atomic():
        services.period_set(actor=cw.manager, category="health", months=12)
    with pytest.raises(ValidationFailed) as bad, transaction.atomic():
        services.period_set(actor=cw.dpo, category="health", months=5000)
    assert "months" in (bad.value.details or {})
    with pytest.raises(ValidationFailed), transaction.atomic():
        services.period_set(actor=cw.dpo, category="weather", months=5)
    assert not RetentionPeriod.objects.exists()
    with transaction.atomic():
        services.period_set(actor=cw.dpo, category=CASE_RECORD, months=24)
    event = AuditEvent.objects.get(action="dataprotection.period.set")
    assert event.detail.data == {"category": CASE_RECORD, "months": [None, 24]}


def test_the_command_lists_in_a_dry_run_and_warns_about_missing_periods(
    cw: CaseWorld, closed: Closed
) -> None:
    set_periods(cw, situation=1)
    out, err = io.StringIO(), io.StringIO()
    call_command("retention", "--dry-run", stdout=out, stderr=err)
    assert "WARNING: no retention period set for:" in err.getvalue()
    assert (
        f"{closed.case.number} ({cw.team.name}, closed 2024-01-31): delete 1 item(s) of situation"
        in out.getvalue()
    )
    assert RetentionRun.objects.get().dry_run
    assert CaseNote.objects.filter(case=closed.case).count() == 2


def test_the_daily_task_is_scheduled_and_runs_for_real(cw: CaseWorld, closed: Closed) -> None:
    from icommit.core.schedules import SCHEDULES

    assert any(
        s.func == "icommit.dataprotection.services.retention_scheduled" and s.minutes == 24 * 60
        for s in SCHEDULES
    )
    everything(cw, 1)
    services.retention_scheduled()
    run = RetentionRun.objects.get()
    assert not run.dry_run and run.trigger == "schedule" and run.counts["clients_erased"] == 1


def test_retention_deletes_items_through_their_kind(
    cw: CaseWorld, closed: Closed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Items go only through ``cases.kinds.delete_items``: a kind's ``delete`` hook runs (it is
    what discards the answer sets and other rows hanging on an item)."""
    import dataclasses

    from icommit.cases import kinds

    seen: list[list[object]] = []
    note = kinds.get("note")

    def delete(queryset: object) -> int:
        ids = list(queryset.values_list("pk", flat=True))  # type: ignore[attr-defined]
        seen.append(ids)
        return note.model.objects.filter(pk__in=ids).delete()[1].get(note.model._meta.label, 0)

    monkeypatch.setitem(kinds._KINDS, "note", dataclasses.replace(note, delete=delete))
    everything(cw, 120)
    set_periods(cw, situation=6)
    run = services.retention_run(actor=None, dry_run=False, as_of=datetime.date(2024, 7, 31))
    assert seen == [[closed.exit_note.pk]]
    assert run.counts["deleted_note"] == 1


def test_a_retention_run_leaves_no_answer_set_of_a_deleted_perspective(
    aw: AnalysisWorld,  # noqa: F811
) -> None:
    """S4: a perspective removed by retention takes its answer set (sealed with the client's key,
    which stays alive while the client is kept) with it."""
    from icommit.analysis.models import Perspective
    from icommit.instruments.models import Response
    from tests.dataprotection.conftest import close

    cw = aw.cw
    perspective = aw.perspective(cw.youth)
    key = aw.case.client.subject_key_id
    assert Response.objects.filter(owner_key_id=key).exists()
    close(aw.case, CLOSED_ON)
    everything(cw, 1200)
    from icommit.cases import kinds

    held = kinds.get("perspective").categories_of(perspective)
    set_periods(cw, **dict.fromkeys(held, 6))
    services.retention_run(actor=None, dry_run=False, as_of=datetime.date(2024, 7, 31))
    assert not Perspective.objects.filter(pk=perspective.pk).exists()
    if kinds.get("perspective").delete is None:
        # retention deletes through the kind (the test above); the perspective kind's hook that
        # discards its answer set is the analysis app's part of S4
        pytest.xfail("the analysis app has not registered the perspective kind's delete hook")
    assert not Response.objects.filter(owner_key_id=key).exists()
    assert SubjectKey.objects.get(pk=key).destroyed_at is None  # the client is kept


@pytest.mark.parametrize(
    ("outcome", "code"),
    [("rejected", "no_concern_of_violence"), ("redirected", "acute_danger_police")],
)
def test_a_referral_rejected_or_redirected_is_covered_from_the_day_of_the_decision(
    cw: CaseWorld, outcome: str, code: str
) -> None:
    """Review finding 5: a referral not taken on is never closed; its periods run from the day
    triage rejected or redirected it, so the dry run lists it once they have passed."""
    from django.utils import timezone

    from icommit.cases import services as cases
    from icommit.cases.models import Case

    with transaction.atomic():
        referral = cw.referral(name="Lotte Brandhorst", birth_date="2005-02-03")
        cases.triage_decide(actor=cw.manager, case=referral, outcome=outcome, code=code)
    decided = timezone.make_aware(datetime.datetime(2024, 3, 10, 12))
    Case.objects.filter(pk=referral.pk).update(stage_since=decided)
    everything(cw, 12)
    with transaction.atomic():
        before = services.retention_run(actor=cw.dpo, dry_run=True, as_of=datetime.date(2025, 3, 9))
        dry = services.retention_run(actor=cw.dpo, dry_run=True, as_of=datetime.date(2025, 3, 10))
    assert before.listing == []
    assert [(e["case"], e["closed"], e["action"]) for e in dry.listing] == [
        (referral.number, "2024-03-10", "erase")
    ]
    run = services.retention_run(actor=None, dry_run=False, as_of=datetime.date(2025, 3, 10))
    assert run.counts["clients_erased"] == 1
    assert SubjectKey.objects.get(pk=referral.client.subject_key_id).destroyed_at is not None
    assert Case.objects.get(pk=referral.pk).stage == outcome  # kept as an anonymous count
