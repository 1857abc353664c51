"""The pages around a conference: the minutes form, the home page's attention item, the case
page's section and the case timeline."""

from __future__ import annotations

import pytest
from django.urls import reverse

from icommit.cases.selectors import timeline
from icommit.conferences import services
from icommit.conferences.services import PartIn
from tests.conferences.conftest import ConferenceWorld
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def test_minutes_around_the_conference_page(kw: ConferenceWorld) -> None:
    part = kw.open()
    manager = verified_client(kw.cw.manager)
    form = manager.get(
        reverse("conferences:part_edit", args=[kw.cw.team.pk, kw.conference.pk, kw.entry.pk])
    )
    assert form.status_code == 200
    assert "Dissent of Youth office" in form.content.decode()
    assert "Dissent of Police" not in form.content.decode()  # the police stepped out
    response = manager.post(
        reverse("conferences:part_edit", args=[kw.cw.team.pk, kw.conference.pk, kw.entry.pk]),
        {"discussion": "Housing first.", "scale": "unchanged", f"dissent_{kw.cw.youth.pk}": ""},
    )
    assert response.status_code == 302
    services.part_circulate(actor=kw.cw.manager, part=part)
    home = verified_client(kw.cw.youth_worker).get(reverse("web:home")).content.decode()
    assert f"The minutes of case {kw.case.number}" in home
    officer_home = verified_client(kw.cw.officer).get(reverse("web:home")).content.decode()
    assert f"The minutes of case {kw.case.number}" not in officer_home
    case_page = verified_client(kw.cw.youth_worker).get(
        reverse("cases:case", args=[kw.cw.team.pk, kw.case.pk])
    )
    assert "Case conferences" in case_page.content.decode()
    entries = [e for e in timeline(user=kw.cw.youth_worker, case=kw.case) if e.kind == "conference"]
    assert len(entries) == 1 and "Discussed at the case conference" in entries[0].summary
    assert not [e for e in timeline(user=kw.cw.officer, case=kw.case) if e.kind == "conference"]


def test_a_bad_form_changes_nothing(kw: ConferenceWorld) -> None:
    part = kw.open()
    services.part_update(actor=kw.cw.manager, part=part, data=PartIn(discussion="Kept"))
    response = verified_client(kw.cw.manager).post(
        reverse("conferences:part_edit", args=[kw.cw.team.pk, kw.conference.pk, kw.entry.pk]),
        {"discussion": "Changed", "scale": "up", "intensity": ""},
    )
    assert response.status_code == 200
    assert "Choose the level of intensity scaled to." in response.content.decode()
    part.current.refresh_from_db()
    assert part.current.discussion == "Kept"
