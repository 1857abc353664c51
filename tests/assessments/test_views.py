"""Pages of assessments: reading and recording through the forms, the bias warning on the risk
form, the share links, the designation page, and refusals that change nothing."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from icommit.assessments.models import PhaseEntry, RiskAssessor, RiskReference, TrackEntry
from icommit.cases.models import AccessEntry
from tests.assessments.conftest import TODAY, World
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def _url(aw: World, name: str, *extra: object) -> str:
    return reverse(f"assessments:{name}", args=[aw.cw.team.pk, aw.case.pk, *extra])


def test_a_participant_records_a_track_entry_through_the_page(aw: World) -> None:
    client = verified_client(aw.cw.youth_worker)
    page = client.get(_url(aw, "tracks"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Disengagement (behaviour)" in html and "Deradicalisation (attitudes)" in html
    assert "never one sequence" in html or "never form one sequence" in html
    response = client.post(
        _url(aw, "track_add"),
        {
            "track": "deradicalisation",
            "deradicalisation-track": "deradicalisation",
            "deradicalisation-organisation": aw.cw.youth.pk,
            "deradicalisation-stage": "doubting",
            "deradicalisation-on": TODAY().isoformat(),
            "deradicalisation-rationale": "Asks about other views.",
        },
    )
    assert response.status_code == 302
    entry = TrackEntry.objects.get()
    assert (entry.track, entry.stage, entry.origin_organisation) == (
        "deradicalisation",
        "doubting",
        aw.cw.youth,
    )
    html = client.get(_url(aw, "tracks")).content.decode()
    assert "Asks about other views." in html
    assert reverse("cases:share", args=[aw.cw.team.pk, aw.case.pk, "track", entry.pk]) in html


def test_a_track_form_without_a_rationale_is_shown_again_and_records_nothing(aw: World) -> None:
    client = verified_client(aw.cw.youth_worker)
    response = client.post(
        _url(aw, "track_add"),
        {
            "track": "disengagement",
            "disengagement-track": "disengagement",
            "disengagement-organisation": aw.cw.youth.pk,
            "disengagement-stage": "left",
            "disengagement-on": TODAY().isoformat(),
            "disengagement-rationale": "",
        },
    )
    assert response.status_code == 422
    assert not TrackEntry.objects.exists()


def test_the_case_manager_records_the_phase_others_do_not_see_the_form(aw: World) -> None:
    manager = verified_client(aw.cw.manager)
    assert "Record the phase" in manager.get(_url(aw, "tracks")).content.decode()
    response = manager.post(
        _url(aw, "phase_add"),
        {"phase": "reintegration", "since": TODAY().isoformat(), "note": "Works again."},
    )
    assert response.status_code == 302
    assert PhaseEntry.objects.get().phase == "reintegration"
    case_page = manager.get(reverse("cases:case", args=[aw.cw.team.pk, aw.case.pk]))
    assert "Reintegration" in case_page.content.decode()
    youth = verified_client(aw.cw.youth_worker)
    assert "Record the phase" not in youth.get(_url(aw, "tracks")).content.decode()
    assert youth.post(_url(aw, "phase_add"), {"phase": "contact"}).status_code == 403
    assert PhaseEntry.objects.count() == 1


def test_the_risk_form_shows_the_bias_warning_and_records_a_reference(aw: World) -> None:
    client = verified_client(aw.cw.officer)
    form = client.get(_url(aw, "risk_add"))
    html = form.content.decode()
    assert form.status_code == 200
    assert "Beware of bias" in html and "WODC" in html
    assert '<option value="TRAP-18">' in html
    response = client.post(
        _url(aw, "risk_add"),
        {
            "organisation": aw.cw.police.pk,
            "instrument": "RADAR-iTE",
            "assessed_on": (TODAY() - datetime.timedelta(days=2)).isoformat(),
            "level": "high",
            "summary": "Only in pairs.",
            "next_review": (TODAY() + datetime.timedelta(days=60)).isoformat(),
        },
    )
    ref = RiskReference.objects.get()
    assert response.status_code == 302 and response["Location"] == _url(aw, "risk", ref.pk)
    page = client.get(_url(aw, "risk", ref.pk)).content.decode()
    assert "RADAR-iTE" in page and "High" in page
    assert reverse("cases:share", args=[aw.cw.team.pk, aw.case.pk, "risk", ref.pk]) in page
    assert AccessEntry.objects.filter(what="risk", item_id=ref.pk).count() == 1


def test_a_member_who_is_not_designated_gets_no_risk_form(aw: World) -> None:
    client = verified_client(aw.cw.manager)
    assert client.get(_url(aw, "risk_add")).status_code == 403
    assert "Record a reference" not in client.get(_url(aw, "risks")).content.decode()


def test_an_overdue_review_shows_for_the_assessors_organisation_only(aw: World) -> None:
    ref = aw.risk(days_ago=100, review_in=90)
    aw.share(ref, aw.cw.exit)
    police = verified_client(aw.cw.officer)
    case_url = reverse("cases:case", args=[aw.cw.team.pk, aw.case.pk])
    assert "review overdue" in police.get(case_url).content.decode()
    assert "review overdue" in police.get(_url(aw, "risks")).content.decode()
    lead = verified_client(aw.cw.manager)
    assert "review overdue" not in lead.get(case_url).content.decode()


def test_the_administrator_designates_and_ends_through_the_page(aw: World) -> None:
    client = verified_client(aw.police_admin)
    url = reverse("assessments:assessors", args=[aw.cw.team.pk])
    page = client.get(url).content.decode()
    assert aw.cw.police.name in page and str(aw.cw.officer) in page
    assert aw.cw.exit.name not in page  # only the organisation they administer
    colleague = aw.police_admin
    response = client.post(url, {"person": f"{aw.cw.police.pk}:{colleague.pk}"})
    assert response.status_code == 302
    assert RiskAssessor.objects.filter(user=colleague, ended_at__isnull=True).exists()
    end = reverse("assessments:assessor_end", args=[aw.cw.team.pk, aw.assessor.pk])
    assert client.post(end).status_code == 302
    assert RiskAssessor.objects.get(pk=aw.assessor.pk).ended_at is not None
    # someone else's designation is not found; a member who administers nothing is refused
    assert client.post(end).status_code == 404
    assert verified_client(aw.cw.officer).get(url).status_code == 403


def test_the_assessors_page_is_not_found_for_a_team_the_organisation_is_not_in(
    aw: World,
) -> None:
    """Security review S9: an administrator learns nothing about teams of others (404, as for a
    team that does not exist)."""
    from tests.factories import TeamFactory

    foreign = TeamFactory(name="Someone else's team")
    client = verified_client(aw.police_admin)
    assert client.get(reverse("assessments:assessors", args=[aw.cw.team.pk])).status_code == 200
    assert client.get(reverse("assessments:assessors", args=[foreign.pk])).status_code == 404
    end = reverse("assessments:assessor_end", args=[foreign.pk, aw.assessor.pk])
    assert client.post(end).status_code == 404
    assert RiskAssessor.objects.get(pk=aw.assessor.pk).ended_at is None
