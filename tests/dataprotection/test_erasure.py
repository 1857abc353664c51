"""Erasure of a client: afterwards no value of the client is readable in any table of any
installed app (encrypted values raise KeyDestroyed or are gone, plain columns hold no word of
them, the audit details are sealed shut), and the audit chain still verifies."""

from __future__ import annotations

import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models, transaction

from icommit.cases.models import Case, CaseNote, Client, ClientIdentity, Relative, StageChange
from icommit.core.crypto import KeyDestroyed
from icommit.core.exceptions import Forbidden, ValidationFailed
from icommit.core.fields import EncryptedField
from icommit.core.models import AuditDetail, AuditEvent, SubjectKey
from icommit.dataprotection import services
from icommit.dataprotection.registry import _REGISTERED, ClientData, ExportPart, register
from tests.cases.conftest import CaseWorld
from tests.dataprotection.conftest import NAME, NOTE_TEXT, REFERRAL, RELATIVE, YOUTH_TEXT, Closed

#: Words of the client that must not survive anywhere in plain text.
WORDS = ["Quastenberg", "Nordheide", "Zwiebelturm", "propaganda in class", "Coordinate home visits"]


def _plain_columns(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.local_concrete_fields
        if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        and not isinstance(f, EncryptedField)
    ]


def walk_all_tables(words: list[str]) -> list[str]:
    """Every row of every model: encrypted fields must not open, plain ones hold no word."""
    problems: list[str] = []
    for model in apps.get_models():
        if not model.__module__.startswith(("icommit.", "tests.")):
            continue
        encrypted = [f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedField)]
        plain = _plain_columns(model)
        for row in model._base_manager.all().iterator():
            for field in encrypted:
                try:
                    value = field.read(row)
                except KeyDestroyed:
                    continue
                text = json.dumps(value, default=str) if not isinstance(value, str) else value
                for word in words:
                    if word.lower() in text.lower():
                        problems.append(f"{model._meta.label}.{field.name} opens to {word!r}")
            for field in plain:
                text = json.dumps(getattr(row, field.attname), default=str, ensure_ascii=False)
                for word in words:
                    if word.lower() in text.lower():
                        problems.append(f"{model._meta.label}.{field.name} holds {word!r}")
    for detail in AuditDetail.objects.select_related("event"):
        try:
            data = json.dumps(detail.data, ensure_ascii=False)
        except KeyDestroyed:
            continue
        for word in words:
            if word.lower() in data.lower():
                problems.append(f"audit detail #{detail.event.seq} opens to {word!r}")
    return problems


@pytest.fixture
def fake_app(db: None):
    """A registered app above cases with a plain column about the client (as analysis has)."""
    erased: list[str] = []

    def erase(client: Client, actor: object) -> dict[str, int]:
        erased.append(str(client.pk))
        return {"perspectives": 1}

    def export(client: Client) -> list[ExportPart]:
        return []

    data = ClientData(key="fake", label="Fake", erase=erase, export=export)
    register(data)
    yield erased
    _REGISTERED.pop("fake", None)


def test_the_pseudonym_and_the_words_are_readable_before_erasure(closed: Closed) -> None:
    pseudonym = closed.case.client.pseudonym
    assert walk_all_tables([pseudonym, NAME]), "the walk must find the client before erasure"


def test_after_erasure_no_value_of_the_client_is_readable_anywhere(
    cw: CaseWorld, closed: Closed, fake_app: list[str]
) -> None:
    client = closed.case.client
    pseudonym = client.pseudonym
    with transaction.atomic():
        counts = services.client_erase(
            actor=cw.dpo,
            client=client,
            reason="request",
            confirm=closed.case.number,
            case=closed.case,
        )
    assert fake_app == [str(client.pk)]  # every registered app erased its part
    assert counts["fake"] == {"perspectives": 1}
    assert counts["cases"]["note"] == 2 and counts["cases"]["relatives"] == 1
    assert (
        walk_all_tables([pseudonym, NAME, RELATIVE, NOTE_TEXT, YOUTH_TEXT, REFERRAL, *WORDS]) == []
    )
    # the client's key is destroyed, and every value sealed with it raises KeyDestroyed
    key = SubjectKey.objects.get(pk=client.subject_key_id)
    assert key.destroyed_at is not None and bytes(key.wrapped_key) == b""
    case = Case.objects.get(pk=closed.case.pk)
    with pytest.raises(KeyDestroyed):
        _ = case.referral_text
    # the items, identity and relatives are gone; the case stays as an anonymous count
    assert not CaseNote.objects.filter(case=case).exists()
    assert not ClientIdentity.objects.filter(client=client).exists()
    assert not Relative.objects.filter(client=client).exists()
    assert case.stage == "closed" and case.closed_code == "goals_met" and case.purpose == ""
    assert case.case_manager_id is None
    assert case.referred_at.day == 1 and case.referred_at.hour == 0
    assert all(s.at.day == 1 for s in StageChange.objects.filter(case=case))
    assert Client.objects.get(pk=client.pk).pseudonym != pseudonym


def test_the_audit_chain_verifies_after_erasure_and_reports_the_erased_details(
    cw: CaseWorld, closed: Closed, tmp_path
) -> None:
    client = closed.case.client
    sealed = AuditDetail.objects.filter(sealed__contains=str(client.subject_key_id)).count()
    assert sealed > 0
    with transaction.atomic():
        services.client_erase(
            actor=cw.dpo,
            client=client,
            reason="request",
            confirm=closed.case.number,
            case=closed.case,
        )
    out = io.StringIO()
    call_command(
        "audit", "verify", "--allow-no-checkpoints", "--checkpoints", str(tmp_path), stdout=out
    )
    text = out.getvalue()
    assert "erased details (subject key destroyed, not tampering)" in text
    erased = AuditEvent.objects.filter(action="dataprotection.client.erased").get()
    assert erased.detail.data["cases"] == [closed.case.number]  # platform key: readable counts
    assert "Quastenberg" not in json.dumps(erased.detail.data)


def test_erasure_needs_the_case_number_typed_and_changes_nothing_otherwise(
    cw: CaseWorld, closed: Closed
) -> None:
    client = closed.case.client
    with pytest.raises(ValidationFailed) as refused, transaction.atomic():
        services.client_erase(
            actor=cw.dpo, client=client, reason="request", confirm="2020-999", case=closed.case
        )
    assert "confirm" in (refused.value.details or {})
    assert SubjectKey.objects.get(pk=client.subject_key_id).destroyed_at is None
    assert CaseNote.objects.filter(case=closed.case).count() == 2


def test_only_the_data_protection_officer_erases(cw: CaseWorld, closed: Closed) -> None:
    with pytest.raises(Forbidden), transaction.atomic():
        services.client_erase(
            actor=cw.manager,
            client=closed.case.client,
            reason="request",
            confirm=closed.case.number,
            case=closed.case,
        )
    assert SubjectKey.objects.get(pk=closed.case.client.subject_key_id).destroyed_at is None


def test_an_erased_client_cannot_be_erased_twice(cw: CaseWorld, closed: Closed) -> None:
    client = closed.case.client
    with transaction.atomic():
        services.client_erase(
            actor=cw.dpo,
            client=client,
            reason="request",
            confirm=closed.case.number,
            case=closed.case,
        )
    client.refresh_from_db()
    from icommit.core.exceptions import Conflict

    with pytest.raises(Conflict), transaction.atomic():
        services.client_erase(
            actor=cw.dpo,
            client=client,
            reason="request",
            confirm=closed.case.number,
            case=closed.case,
        )


def test_cases_erases_its_own_rows_and_dataprotection_asks_it_to(
    cw: CaseWorld, closed: Closed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deletion of cases' rows is a function cases owns; the erasure service calls it."""
    from icommit.cases import erasure

    calls: list[str] = []
    real = erasure.client_rows_erase

    def spy(client: Client) -> dict[str, int]:
        calls.append(str(client.pk))
        return real(client)

    monkeypatch.setattr(erasure, "client_rows_erase", spy)
    client = closed.case.client
    with transaction.atomic():
        counts = services.client_erase(
            actor=cw.dpo,
            client=client,
            reason="request",
            confirm=closed.case.number,
            case=closed.case,
        )
    assert calls == [str(client.pk)]
    assert counts["cases"]["cases_anonymised"] == 1 and counts["cases"]["consents"] == 1


def test_the_cases_erasure_alone_leaves_no_row_of_cases_about_the_client(closed: Closed) -> None:
    from icommit.cases.erasure import client_rows_erase, held_categories
    from icommit.cases.models import Consent, RestrictionRequest

    client = closed.case.client
    assert held_categories(closed.case) == {"identity": 1, "situation": 1, "family": 1}
    with transaction.atomic():
        counts = client_rows_erase(client)
    assert counts["note"] == 2 and counts["relatives"] == 1 and counts["restriction_requests"] == 1
    assert held_categories(closed.case) == {}
    assert not Consent.objects.filter(case=closed.case).exists()
    assert not RestrictionRequest.objects.filter(client=client).exists()
    assert Client.objects.get(pk=client.pk).pseudonym.startswith("X-")
