"""What each attendee sees of a case at a conference: only what was shared with their
organisation, pseudonymised unless the identity reached every attending organisation; the
speaking order; the page, the API and their query counts."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from icommit.cases import services as cases
from icommit.cases.models import ClientIdentity
from icommit.conferences import selectors, services
from tests.conferences.conftest import ConferenceWorld
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def _entry(kw: ConferenceWorld, user: object, conference: object = None) -> selectors.EntryView:
    view = selectors.conference_view(user=user, conference=conference or kw.conference)  # type: ignore[arg-type]
    return view.entries[0]


def _shared_note(kw: ConferenceWorld) -> object:
    note = kw.cw.note(kw.case, text="Talked about the flat")
    note.title = "Visit at home"
    note.save(update_fields=["title"])
    cases.item_share(
        actor=kw.cw.manager,
        case=kw.case,
        item=note,
        organisations=[kw.cw.youth],
        purpose="Plan support",
        basis="protocol",
        client_informed=True,
    )
    return note


def test_an_attendee_sees_only_items_shared_with_their_organisation(kw: ConferenceWorld) -> None:
    _shared_note(kw)
    youth = _entry(kw, kw.cw.youth_worker)
    assert [i.title for i in youth.items] == ["Visit at home"]
    assert youth.items[0].organisation == "Exit counselling"
    police = _entry(kw, kw.cw.officer)
    assert police.takes_part and police.items == []
    # participation alone shows nothing; the page and the API agree
    page = verified_client(kw.cw.officer).get(
        reverse("conferences:detail", args=[kw.cw.team.pk, kw.conference.pk])
    )
    assert page.status_code == 200 and "Visit at home" not in page.content.decode()
    api = verified_client(kw.cw.officer).get(
        f"/api/v1/teams/{kw.cw.team.pk}/conferences/{kw.conference.pk}"
    )
    assert api.status_code == 200 and "Visit at home" not in api.content.decode()
    api = verified_client(kw.cw.youth_worker).get(
        f"/api/v1/teams/{kw.cw.team.pk}/conferences/{kw.conference.pk}"
    )
    assert "Visit at home" in api.content.decode()


def test_an_attendee_of_an_organisation_without_part_sees_only_the_pseudonym(
    kw: ConferenceWorld,
) -> None:
    _shared_note(kw)
    school = _entry(kw, kw.cw.teacher)
    assert not school.takes_part and school.items == [] and school.speakers == []
    page = verified_client(kw.cw.teacher).get(
        reverse("conferences:detail", args=[kw.cw.team.pk, kw.conference.pk])
    )
    body = page.content.decode()
    assert kw.case.client.pseudonym in body
    assert "You step out while it is discussed" in body
    assert "Visit at home" not in body


def test_the_clients_view_speaks_first_then_non_security_then_security(
    kw: ConferenceWorld,
) -> None:
    youth = _entry(kw, kw.cw.youth_worker)
    names = [s.organisation.name for s in youth.speakers]
    assert names == ["Exit counselling", "Housing", "Youth office", "Police"]
    assert youth.client_view_url == ""
    page = verified_client(kw.cw.youth_worker).get(
        reverse("conferences:detail", args=[kw.cw.team.pk, kw.conference.pk])
    )
    assert "view is not recorded or not shared with you." in page.content.decode()


def _identity_shared_with_youth(kw: ConferenceWorld) -> None:
    cases.identity_set(actor=kw.cw.manager, case=kw.case, name="Max Muster")
    consent = cases.consent_record(
        actor=kw.cw.manager,
        case=kw.case,
        kind="release",
        organisation=kw.cw.exit,
        recipients=[kw.cw.youth],
        categories=["identity"],
        purpose="Coordinate support",
        professional="Exit counsellor",
        given_by="client",
        form="written",
        given_on=datetime.date.today(),
    )
    cases.item_share(
        actor=kw.cw.manager,
        case=kw.case,
        item=ClientIdentity.objects.get(client=kw.case.client),
        organisations=[kw.cw.youth],
        purpose="Home visits",
        basis="consent",
        consent=consent,
        client_informed=True,
    )


def test_a_case_is_pseudonymised_unless_its_identity_reached_every_attending_organisation(
    kw: ConferenceWorld,
) -> None:
    _identity_shared_with_youth(kw)
    # the police, housing and the school attend too: pseudonymised for everyone, lead included
    assert _entry(kw, kw.cw.manager).name == ""
    assert _entry(kw, kw.cw.youth_worker).name == ""
    small = kw.convene(kw.cw.manager, kw.cw.youth_worker, title="Small")
    services.agenda_add(actor=kw.cw.manager, conference=small, case=kw.case)
    assert _entry(kw, kw.cw.youth_worker, small).name == "Max Muster"
    assert _entry(kw, kw.cw.manager, small).name == "Max Muster"
    # a team member whose organisation does not hold the identity still sees the pseudonym
    assert _entry(kw, kw.cw.officer, small).name == ""
    page = verified_client(kw.cw.officer).get(
        reverse("conferences:detail", args=[kw.cw.team.pk, small.pk])
    )
    assert "Max Muster" not in page.content.decode()


def test_minutes_are_read_only_by_the_organisations_present(kw: ConferenceWorld) -> None:
    part = kw.open()
    services.part_update(
        actor=kw.cw.manager, part=part, data=services.PartIn(discussion="Worries about debt")
    )
    assert _entry(kw, kw.cw.youth_worker).part is not None
    assert _entry(kw, kw.cw.officer).part is None
    assert _entry(kw, kw.cw.teacher).part is None
    for user, seen in ((kw.cw.officer, False), (kw.cw.youth_worker, True)):
        body = (
            verified_client(user)
            .get(reverse("conferences:detail", args=[kw.cw.team.pk, kw.conference.pk]))
            .content.decode()
        )
        assert ("Worries about debt" in body) is seen
        data = (
            verified_client(user)
            .get(f"/api/v1/teams/{kw.cw.team.pk}/conferences/{kw.conference.pk}")
            .json()
        )
        assert (data["agenda"][0]["minutes"] is not None) is seen
        assert ("Worries about debt" in json.dumps(data)) is seen


def _page_queries(kw: ConferenceWorld) -> int:
    client = verified_client(kw.cw.youth_worker)
    url = reverse("conferences:detail", args=[kw.cw.team.pk, kw.conference.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _add_cases(kw: ConferenceWorld, n: int) -> None:
    for _ in range(n):
        case = kw.cw.working()
        note = kw.cw.note(case)
        cases.item_share(
            actor=kw.cw.manager,
            case=case,
            item=note,
            organisations=[kw.cw.youth],
            purpose="Plan",
            basis="protocol",
            client_informed=True,
        )
        entry = services.agenda_add(actor=kw.cw.manager, conference=kw.conference, case=case)
        services.part_open(actor=kw.cw.manager, entry=entry, client_informed=True)


def test_the_conference_page_costs_the_same_for_3_and_12_cases(kw: ConferenceWorld) -> None:
    _add_cases(kw, 2)
    three = _page_queries(kw)
    _add_cases(kw, 9)
    twelve = _page_queries(kw)
    view = selectors.conference_view(user=kw.cw.youth_worker, conference=kw.conference)
    assert len(view.entries) == 12
    assert twelve == three
