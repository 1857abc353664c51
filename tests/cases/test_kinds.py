"""The case item kinds: a share re-checked after the item's content changed, a kind that refuses
to be shared, and deleting items through their kind."""

from __future__ import annotations

import dataclasses

import pytest

from icommit.cases import kinds, services
from icommit.cases.models import CaseNote, NoteAudience
from icommit.core.exceptions import ValidationFailed
from icommit.sharing.items import may_see
from tests.cases.conftest import CaseWorld


def _share(cw: CaseWorld, case, note, *orgs):  # type: ignore[no-untyped-def]
    return services.item_share(
        actor=cw.counsellor,
        case=case,
        item=note,
        organisations=list(orgs),
        purpose="Plan the support",
        basis="protocol",
        client_informed=True,
    )


def test_a_share_that_no_longer_passes_after_a_change_ends(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)  # situation: "always" to youth and housing
    _share(cw, case, note, cw.youth, cw.housing)
    assert may_see(cw.youth_worker, note) and may_see(cw.housing_worker, note)
    # the content changes: the item now holds family data, which the protocol lets go to youth
    # only (exit → housing has no row for family)
    note.category = "family"
    note.save(update_fields=["category"])
    ended = services.shares_recheck(actor=cw.counsellor, case=case, item=note)
    assert [o.pk for o in ended] == [cw.housing.pk]
    assert may_see(cw.youth_worker, note)
    assert not may_see(cw.housing_worker, note)
    # nothing more to end the second time
    assert services.shares_recheck(actor=cw.counsellor, case=case, item=note) == []


def test_a_kind_may_refuse_to_be_shared(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)
    original = kinds.get("note")
    kinds._KINDS["note"] = dataclasses.replace(original, unshareable=lambda item: "Not yet.")
    try:
        with pytest.raises(ValidationFailed) as refused:
            _share(cw, case, note, cw.youth)
        assert "Not yet." in str(refused.value.details or refused.value)
    finally:
        kinds._KINDS["note"] = original
    assert not NoteAudience.objects.filter(item=note, organisation=cw.youth).exists()


def test_items_are_deleted_through_their_kind_with_their_audience(cw: CaseWorld) -> None:
    case = cw.working()
    kept, gone = cw.note(case), cw.note(case)
    _share(cw, case, gone, cw.youth)
    kind = kinds.get("note")
    assert kinds.delete_items(kind, CaseNote.objects.filter(pk=gone.pk)) == 1
    assert not CaseNote.objects.filter(pk=gone.pk).exists()
    assert not NoteAudience.objects.filter(item_id=gone.pk).exists()
    assert CaseNote.objects.filter(pk=kept.pk).exists()
