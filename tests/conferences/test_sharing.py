"""Opening the minutes of a case goes through the case's rule book: one sharing decision per
organisation present (in the ledger, endable), refusals step out with the reason, never for a
restricted client; and nobody learns of minutes they may not see."""

from __future__ import annotations

import pytest
from django.utils import timezone

from icommit.cases import services as cases
from icommit.cases.models import ShareDecision
from icommit.conferences import selectors, services
from icommit.conferences.models import ConferencePart, PartAudience
from icommit.conferences.services import PartIn
from icommit.core.exceptions import Conflict, ValidationFailed
from icommit.sharing.items import may_see
from tests.conferences.conftest import ConferenceWorld

pytestmark = pytest.mark.django_db


def test_minutes_go_out_by_one_ledger_decision_per_organisation(kw: ConferenceWorld) -> None:
    part = kw.open()
    decisions = ShareDecision.objects.filter(item_kind__isnull=False, item_id=part.pk)
    by_org = {d.organisations.get().pk: d for d in decisions}
    assert set(by_org) == {kw.cw.youth.pk, kw.cw.housing.pk}
    d = by_org[kw.cw.youth.pk]
    assert d.basis_kind == "protocol"
    assert "2026-03-02" in d.purpose
    assert d.client_informed
    # the police (protocol: with consent, none recorded) stepped out, with the rule book's reason
    assert str(kw.cw.police.pk) in part.stepped_out
    assert part.stepped_out[str(kw.cw.police.pk)]
    assert not may_see(kw.cw.officer, part)
    view = selectors.conference_view(user=kw.cw.manager, conference=kw.conference)
    names = [name for name, _ in view.entries[0].part.stepped_out]  # type: ignore[union-attr]
    assert kw.cw.police.name in names
    # the share can be ended from the ledger
    cases.decision_end(actor=kw.cw.manager, decision=d)
    assert not PartAudience.objects.filter(
        item=part, organisation=kw.cw.youth, ended_at__isnull=True
    ).exists()
    assert not may_see(kw.cw.youth_worker, part)


def test_not_informed_needs_a_reason_and_it_is_recorded(kw: ConferenceWorld) -> None:
    with pytest.raises(ValidationFailed):
        services.part_open(actor=kw.cw.manager, entry=kw.entry)
    assert not ConferencePart.objects.exists()
    part = services.part_open(
        actor=kw.cw.manager, entry=kw.entry, not_informed_reason="Informing would endanger him"
    )
    part.refresh_from_db()
    assert not part.client_informed
    assert part.not_informed_reason == "Informing would endanger him"
    assert all(not d.client_informed for d in ShareDecision.objects.filter(item_id=part.pk))


def test_a_restricted_client_s_minutes_are_neither_opened_nor_written(kw: ConferenceWorld) -> None:
    client = kw.case.client
    client.restricted_at = timezone.now()
    client.save(update_fields=["restricted_at"])
    with pytest.raises(Conflict):
        kw.open()
    assert not ConferencePart.objects.exists()
    assert not ShareDecision.objects.exists()


def test_writing_stops_once_the_client_is_restricted(kw: ConferenceWorld) -> None:
    part = kw.open()
    client = kw.case.client
    client.restricted_at = timezone.now()
    client.save(update_fields=["restricted_at"])
    part = ConferencePart.objects.get(pk=part.pk)
    with pytest.raises(Conflict):
        services.part_update(actor=kw.cw.manager, part=part, data=PartIn(discussion="x"))


def test_nobody_learns_of_minutes_they_may_not_see(kw: ConferenceWorld) -> None:
    kw.open()
    # the officer attended but stepped out: the page does not say the minutes were opened
    view = selectors.conference_view(user=kw.cw.officer, conference=kw.conference)
    assert not view.entries[0].part_opened
    mine = selectors.conference_view(user=kw.cw.manager, conference=kw.conference)
    assert mine.entries[0].part_opened
    # nor does taking the case off the agenda (the coordinator sees the part: housing present)
    with pytest.raises(Conflict) as exc:
        services.agenda_remove(actor=kw.cw.coordinator, entry=kw.entry)
    assert "minutes" in str(exc.value.message)


def test_correction_reason_and_freeze_note_are_sealed(kw: ConferenceWorld) -> None:
    from django.db import connection

    part = kw.open()
    version = part.current
    assert version is not None
    version.correction_reason = "The date was wrong"
    version.freeze_note = "Youth left"
    version.save(update_fields=["correction_reason", "freeze_note"])
    with connection.cursor() as cur:
        cur.execute(
            "SELECT correction_reason, freeze_note FROM conferences_partversion WHERE id = %s",
            [version.pk.hex if connection.vendor == "sqlite" else version.pk],
        )
        raw = cur.fetchone()
    assert "The date was wrong" not in str(raw[0])
    assert "Youth left" not in str(raw[1])
