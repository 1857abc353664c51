"""The Social Diagnostics pages: overview, recording a perspective through the form (draft, then
submit), the perspective page, the grid with its flags, the formulation and its history, the case
page's section; 404 beyond the case, 403 without the action."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from icommit.analysis import services
from icommit.analysis.models import Perspective
from tests.analysis import sdx
from tests.analysis.conftest import AnalysisWorld
from tests.conftest import verified_client
from tests.factories import UserFactory


def _url(aw: AnalysisWorld, name: str, *extra: Any) -> str:
    return reverse(f"analysis:{name}", args=[aw.case.team_id, aw.case.pk, *extra])


def _form_data(answers: dict[str, Any], action: str) -> dict[str, Any]:
    data: dict[str, Any] = {"secrecy": "none", "action": action}
    for key, value in answers.items():
        if isinstance(value, dict):
            for part, v in value.items():
                data[f"{key}__{part}"] = str(v)
        elif isinstance(value, list):
            for n, row in enumerate(value):
                for sub, v in row.items():
                    data[f"{key}__{n}__{sub}"] = str(v)
        else:
            data[key] = str(value)
    return data


def test_the_overview_offers_recording_and_the_lead_manager_more(aw: AnalysisWorld) -> None:
    page = verified_client(aw.cw.youth_worker).get(_url(aw, "overview")).content.decode()
    assert _url(aw, "perspective_new", "organisation") in page
    assert _url(aw, "perspective_new", "client") in page
    assert _url(aw, "open") not in page
    page = verified_client(aw.cw.manager).get(_url(aw, "overview")).content.decode()
    assert _url(aw, "open") in page
    assert _url(aw, "formulation_new") in page


def test_recording_a_perspective_in_the_form_as_draft_then_submitting_it(
    aw: AnalysisWorld,
) -> None:
    client = verified_client(aw.cw.youth_worker)
    form = client.get(_url(aw, "perspective_new", "organisation"))
    assert form.status_code == 200
    assert 'name="family__concern"' in form.content.decode()
    response = client.post(
        _url(aw, "perspective_new", "organisation"),
        _form_data({"family": {"concern": 2, "rationale": "Conflict with the father."}}, "draft"),
    )
    assert response.status_code == 302
    perspective = Perspective.objects.get()
    assert perspective.status == "draft"
    assert services.answers_of(perspective)["family"] == {
        "concern": 2,
        "rationale": "Conflict with the father.",
    }
    # submitting incomplete answers names the item and keeps the draft
    edit = _url(aw, "perspective_edit", perspective.pk)
    refused = client.post(edit, _form_data({"family": {"concern": 2}}, "submit"))
    assert refused.status_code == 422
    assert "Family" in refused.content.decode()
    assert Perspective.objects.get().status == "draft"
    answers = sdx.answers({"family": (2, 3)}, gender="considered")
    answers["facts"] = [{"fact": "Lives with the mother.", "source": "client"}]
    done = client.post(edit, _form_data(answers, "submit"))
    assert done.status_code == 302, done.content.decode()[:2000]
    perspective.refresh_from_db()
    assert perspective.status == "submitted"
    stored = services.answers_of(perspective)
    assert stored["family"]["resource"] == 3
    assert stored["facts"] == [{"fact": "Lives with the mother.", "source": "client"}]
    page = client.get(_url(aw, "perspective", perspective.pk)).content.decode()
    assert "Lives with the mother." in page
    assert (
        reverse("cases:share", args=[aw.case.team_id, aw.case.pk, "perspective", perspective.pk])
        in page
    )


def test_the_grid_page_shows_cells_divergence_and_flags_of_what_the_viewer_sees(
    aw: AnalysisWorld,
) -> None:
    aw.perspective(aw.cw.exit, {"family": (0, 3)})
    youth = aw.perspective(aw.cw.youth, {"family": (3, 1)})
    aw.share(youth, aw.cw.exit)
    page = verified_client(aw.cw.manager).get(_url(aw, "grid", aw.analysis.pk)).content.decode()
    assert "Youth office" in page and "Exit counselling" in page
    assert "Divergent:" in page
    assert "No client view" in page
    assert "No non-security view" not in page
    assert "Reason for family." in page  # the rationale, behind <details>
    police = verified_client(aw.cw.officer).get(_url(aw, "grid", aw.analysis.pk)).content.decode()
    assert "Youth office" not in police and "Reason for family." not in police
    assert "No non-security view" in police


def test_the_formulation_is_recorded_versioned_and_compared_with_the_previous_analysis(
    aw: AnalysisWorld,
) -> None:
    client = verified_client(aw.cw.manager)
    data = {"summary": "Family first.", "family_concern": "3", "family_resource": "1"}
    response = client.post(_url(aw, "formulation_new"), data)
    assert response.status_code == 302
    second = services.analysis_open(actor=aw.cw.manager, case=aw.case, reason="Review")
    data = {"summary": "Better.", "family_concern": "1", "family_resource": "2"}
    response = client.post(_url(aw, "formulation_new"), data)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert second.number == 2
    assert "Better." in page
    assert "concern -2" in page and "resource +1" in page
    # the youth office was not shown it
    assert verified_client(aw.cw.youth_worker).get(response["Location"]).status_code == 404


def test_pages_answer_404_beyond_the_case_and_403_without_the_action(
    aw: AnalysisWorld,
) -> None:
    coordinator = verified_client(aw.cw.coordinator)  # housing takes part, but a coordinator role
    assert verified_client(aw.cw.teacher).get(_url(aw, "overview")).status_code == 403
    assert verified_client(aw.cw.youth_worker).get(_url(aw, "open")).status_code == 403
    assert verified_client(aw.cw.youth_worker).get(_url(aw, "formulation_new")).status_code == 403
    stranger = verified_client(UserFactory())
    assert stranger.get(_url(aw, "overview")).status_code == 404
    assert coordinator.get(_url(aw, "overview")).status_code in (200, 403)
    youth = aw.perspective(aw.cw.youth, submit=False)
    # another organisation cannot even find an unshared perspective
    assert verified_client(aw.cw.manager).get(_url(aw, "perspective", youth.pk)).status_code == 404


def test_the_case_page_has_a_social_diagnostics_section(aw: AnalysisWorld) -> None:
    page = verified_client(aw.cw.manager).get(
        reverse("cases:case", args=[aw.case.team_id, aw.case.pk])
    )
    text = page.content.decode()
    assert "Social Diagnostics" in text
    assert _url(aw, "grid", aw.analysis.pk) in text
