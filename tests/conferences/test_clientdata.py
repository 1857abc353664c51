"""What conferences holds about a client: erased with the client (the conference stays while
other cases were on it) and exported part by part, naming organisations, never staff."""

from __future__ import annotations

import pytest

from icommit.conferences import erasure, services
from icommit.conferences.models import (
    AgendaEntry,
    Conference,
    ConferencePart,
    Dissent,
    PartAudience,
    PartVersion,
)
from icommit.conferences.services import DissentIn, PartIn
from icommit.dataprotection.registry import registered
from tests.conferences.conftest import ConferenceWorld

pytestmark = pytest.mark.django_db


def _minutes(kw: ConferenceWorld) -> ConferencePart:
    part = kw.open()
    services.part_update(
        actor=kw.cw.manager,
        part=part,
        data=PartIn(
            discussion="Debts were discussed.",
            dissents=[DissentIn(kw.cw.youth.pk, "We disagree.")],
        ),
    )
    return part


def test_conferences_registers_its_client_data() -> None:
    assert "conferences" in {r.key for r in registered()}


def test_export_names_organisations_never_staff(kw: ConferenceWorld) -> None:
    _minutes(kw)
    parts = erasure.export(kw.case.client)
    assert len(parts) == 1
    part = parts[0]
    assert part.origin_organisation_id == kw.cw.exit.pk and part.category == "plan"
    version = part.data["versions"][0]
    assert version["discussion"] == "Debts were discussed."
    assert version["dissent"] == [{"organisation": "Youth office", "text": "We disagree."}]
    assert set(version["organisations_present"]) == {"Exit counselling", "Youth office", "Housing"}
    assert {a.organisation for a in part.accesses} == {"Youth office", "Housing"}
    # the assembled export knows whom the part is shared with now
    assert set(part.shared_with) == {kw.cw.youth.pk, kw.cw.housing.pk}
    text = str(part)
    for person in (kw.cw.manager, kw.cw.youth_worker, kw.cw.housing_worker):
        assert person.full_name not in text


def test_erasure_deletes_the_clients_minutes_and_keeps_a_shared_conference(
    kw: ConferenceWorld,
) -> None:
    _minutes(kw)
    other = services.agenda_add(actor=kw.cw.manager, conference=kw.conference, case=kw.cw.working())
    lonely = kw.convene(kw.cw.manager, title="Only this case")
    services.agenda_add(actor=kw.cw.manager, conference=lonely, case=kw.case)
    counts = erasure.erase(kw.case.client, None)
    assert counts["parts"] == 1 and counts["agenda_entries"] == 2 and counts["conferences"] == 1
    assert not ConferencePart.objects.exists()
    assert not PartVersion.objects.exists() and not Dissent.objects.exists()
    assert not PartAudience.objects.exists()
    assert list(AgendaEntry.objects.all()) == [other]
    assert Conference.objects.filter(pk=kw.conference.pk).exists()
    assert not Conference.objects.filter(pk=lonely.pk).exists()
    assert erasure.erase(kw.case.client, None)["parts"] == 0  # idempotent
