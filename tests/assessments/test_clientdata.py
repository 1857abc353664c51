"""Erasure and export of what assessments holds about a client (dataprotection registry)."""

from __future__ import annotations

import pytest
from django.db import transaction

from icommit.assessments import services
from icommit.assessments.models import PhaseEntry, RiskReference, TrackEntry
from icommit.dataprotection.registry import registered
from tests.assessments.conftest import TODAY, World

pytestmark = pytest.mark.django_db


def _ours():  # type: ignore[no-untyped-def]
    return next(d for d in registered() if d.key == "assessments")


def test_the_export_has_one_part_per_item_with_organisations_never_staff(aw: World) -> None:
    with transaction.atomic():
        services.phase_record(actor=aw.cw.manager, case=aw.case, phase="contact", since=TODAY())
    aw.track(rationale="Left the chat")
    ref = aw.risk(summary="Meet in pairs")
    aw.share(ref, aw.cw.exit)
    parts = _ours().export(aw.case.client)
    kinds = sorted(p.kind for p in parts)
    assert kinds == ["assessments.phase", "assessments.risk", "assessments.track"]
    risk = next(p for p in parts if p.kind == "assessments.risk")
    assert risk.origin_organisation_id == aw.cw.police.pk and risk.category == "risk"
    assert risk.data["summary"] == "Meet in pairs"
    assert [a.organisation for a in risk.accesses if a.what == "shared"] == [aw.cw.exit.name]
    text = repr(parts)
    for person in (aw.cw.officer, aw.cw.manager, aw.cw.counsellor):
        assert person.full_name not in text and person.email not in text


def test_erasure_deletes_every_entry_and_is_idempotent(aw: World) -> None:
    with transaction.atomic():
        services.phase_record(actor=aw.cw.manager, case=aw.case, phase="contact", since=TODAY())
    aw.share(aw.track(), aw.cw.youth)
    aw.share(aw.risk(), aw.cw.exit)
    counts = _ours().erase(aw.case.client, None)
    assert counts == {"phase_entries": 1, "track_entries": 1, "risk_references": 1}
    assert not PhaseEntry.objects.exists()
    assert not TrackEntry.objects.exists() and not RiskReference.objects.exists()
    assert _ours().erase(aw.case.client, None) == {
        "phase_entries": 0,
        "track_entries": 0,
        "risk_references": 0,
    }


def test_each_part_names_the_organisations_it_is_shared_with_now(aw: World) -> None:
    """Security review S11: ``shared_with`` comes from the live audience rows, so the lead's
    assembled export includes parts shared with it and no part whose share has ended."""
    from django.utils import timezone

    from icommit.assessments.models import RiskAudience

    track = aw.track(rationale="Left the chat")
    aw.share(track, aw.cw.youth)
    ref = aw.risk(summary="Meet in pairs")
    aw.share(ref, aw.cw.exit)
    aw.risk(summary="Not shared")
    parts = {p.data.get("summary", p.kind): p for p in _ours().export(aw.case.client)}
    assert parts["assessments.track"].shared_with == (aw.cw.youth.pk,)
    assert parts["Meet in pairs"].shared_with == (aw.cw.exit.pk,)
    assert parts["Not shared"].shared_with == ()
    RiskAudience.objects.filter(item=ref).update(ended_at=timezone.now())
    parts = {p.data.get("summary", p.kind): p for p in _ours().export(aw.case.client)}
    assert parts["Meet in pairs"].shared_with == ()
