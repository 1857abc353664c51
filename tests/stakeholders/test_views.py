"""Pages of role profiles, the sharing protocol and the matrix: who sees what, flat query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from icommit.core.models import AuditEvent, Job
from icommit.sharing.models import ProtocolRow
from icommit.stakeholders.models import RoleProfileVersion
from icommit.stakeholders.sectors import Sector
from icommit.teams.models import TeamOrganisation
from tests import jobs
from tests.conftest import World
from tests.factories import OrganisationFactory
from tests.stakeholders.conftest import Circle, profile_values


def _profile_post(**overrides: str) -> dict[str, str]:
    data = {
        "based_on": "0",
        "template": "police",
        "mandate": "Prevent danger.",
        "duty_to_report": "on",
        "duty_to_report_note": "Planned offences",
        "duty_to_prosecute_note": "",
        "duty_of_care_note": "",
        "secrecy": "none",
        "secrecy_source": "",
        "methods": "Talks",
        "contact": "Prevention desk",
        "availability": "Weekdays",
        "needs-TOTAL_FORMS": "2",
        "needs-INITIAL_FORMS": "0",
        "needs-0-code": "exit_counselling",
        "needs-0-text": "A way out",
        "needs-1-code": "",
        "needs-1-text": "",
        "offers-TOTAL_FORMS": "1",
        "offers-INITIAL_FORMS": "0",
        "offers-0-code": "risk_information",
        "offers-0-text": "",
    }
    data.update(overrides)
    return data


# --- role profiles -----------------------------------------------------------------------------


def test_an_organisation_without_a_profile_offers_to_start_from_the_template(
    world: World, client_for, v1_content
) -> None:  # type: ignore[no-untyped-def]
    detail = client_for(world.member).get(reverse("stakeholders:detail", args=[world.police.pk]))
    page = detail.content.decode()
    assert "no role profile yet" in page
    assert "Start from the sector template" in page
    edit = client_for(world.member).get(
        reverse("stakeholders:profile_edit", args=[world.police.pk])
    )
    form = edit.context["form"]
    assert "Prevent danger to public security" in form.initial["mandate"]
    assert form.initial["template"] == "police"
    needs = edit.context["item_sets"][0][0]
    assert [f.initial["code"] for f in needs.initial_forms] == [
        "exit_counselling",
        "psychological_assessment",
        "family_work",
    ]
    assert "This draft comes from the template for your sector" in edit.content.decode()


def test_the_template_draft_comes_in_the_users_language(
    world: World, client_for, v1_content
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.member)
    client.cookies["django_language"] = "de"
    edit = client.get(
        reverse("stakeholders:profile_edit", args=[world.police.pk]),
        headers={"accept-language": "de"},
    )
    assert "Gefahren für die öffentliche Sicherheit" in edit.context["form"].initial["mandate"]


def test_other_organisations_see_the_profile_but_no_edit_button(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client_for(world.member).post(
        reverse("stakeholders:profile_edit", args=[world.police.pk]), _profile_post()
    )
    url = reverse("stakeholders:detail", args=[world.police.pk])
    page = client_for(world.coordinator).get(url).content.decode()
    assert "Prevent danger." in page and "A way out" in page
    assert "Exit counselling" in page  # the kind's label, not its code
    assert "Edit the role profile" not in page
    assert "Last confirmed by Max Member" in page
    own = client_for(world.member).get(url).content.decode()
    assert "Edit the role profile" in own and "Confirm it is up to date" in own
    refused = client_for(world.coordinator).get(
        reverse("stakeholders:profile_edit", args=[world.police.pk])
    )
    assert refused.status_code == 403


def test_saving_the_form_makes_a_version_and_confirming_records_who(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.member)
    edit = reverse("stakeholders:profile_edit", args=[world.police.pk])
    response = client.post(edit, _profile_post())
    assert response.status_code == 302 and response["Location"].endswith("#profile")
    version = RoleProfileVersion.objects.get()
    assert version.needs == [{"code": "exit_counselling", "text": "A way out"}]
    assert (version.template, version.duty_to_report) == ("police", True)
    response = client_for(world.observer).post(
        reverse("stakeholders:profile_confirm", args=[world.police.pk]), {"version": "1"}
    )
    assert response.status_code == 302
    page = client.get(reverse("stakeholders:detail", args=[world.police.pk])).content.decode()
    assert "Last confirmed by Olga Observer" in page
    second = client.post(edit, _profile_post(based_on="1", mandate="Prevent more."))
    assert second.status_code == 302
    versions = client.get(reverse("stakeholders:profile_versions", args=[world.police.pk]))
    html = versions.content.decode()
    assert "Version 2" in html and "Version 1" in html
    assert "Olga Observer" in html


def test_a_stale_save_is_refused_on_the_form(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.member)
    edit = reverse("stakeholders:profile_edit", args=[world.police.pk])
    client.post(edit, _profile_post())
    client.post(edit, _profile_post(based_on="1", mandate="Second"))
    response = client.post(edit, _profile_post(based_on="1", mandate="Third"))
    assert response.status_code == 422
    assert "saved version 2 of this profile meanwhile" in response.content.decode()
    assert RoleProfileVersion.objects.count() == 2


def test_a_bound_profile_without_a_source_shows_the_error_at_the_field(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.member).post(
        reverse("stakeholders:profile_edit", args=[world.police.pk]),
        _profile_post(secrecy="bound"),
    )
    assert response.status_code == 422
    assert response.context["form"].errors["secrecy_source"]
    assert not RoleProfileVersion.objects.exists()


def test_a_platform_administrator_may_not_confirm_a_profile(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client_for(world.member).post(
        reverse("stakeholders:profile_edit", args=[world.police.pk]), _profile_post()
    )
    response = client_for(world.admin).post(
        reverse("stakeholders:profile_confirm", args=[world.police.pk])
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="organisation.profile_confirm").exists()


# --- the sharing protocol ----------------------------------------------------------------------


def test_members_read_the_protocol_and_only_coordinators_see_the_buttons(
    circle: Circle, client_for
) -> None:  # type: ignore[no-untyped-def]
    w = circle.world
    circle.row(from_sector="health", to_sector="police", category="health", rule="never")
    url = reverse("transparency:protocol", args=[w.team.pk])
    observer = client_for(w.observer).get(url).content.decode()
    assert "Health and psychiatry (sector)" in observer and "never" in observer
    assert "Add a row" not in observer and "Remove row 1" not in observer
    coordinator = client_for(w.coordinator).get(url).content.decode()
    assert "Add a row" in coordinator and "Remove row 1" in coordinator
    assert "Version 1, last changed by Cora Coordinator" in coordinator
    assert client_for(w.other_coordinator).get(url).status_code == 404
    assert client_for(w.admin).get(url).status_code == 403


def test_the_coordinator_adds_changes_and_removes_a_row(circle: Circle, client_for) -> None:  # type: ignore[no-untyped-def]
    w = circle.world
    client = client_for(w.coordinator)
    add = reverse("transparency:row_add", args=[w.team.pk])
    form = client.get(add).content.decode()
    assert f'value="org:{circle.exit.pk}"' in form and 'value="sector:police"' in form
    response = client.post(
        add,
        {
            "from": f"org:{circle.exit.pk}",
            "to": "sector:police",
            "category": "identity",
            "rule": "consent",
            "legal_source": "",
            "note": "Only with written consent",
        },
    )
    assert response.status_code == 302
    row = ProtocolRow.objects.get()
    assert (row.from_organisation, row.to_sector) == (circle.exit, "police")
    edit = reverse("transparency:row_edit", args=[w.team.pk, row.pk])
    assert client.get(edit).context["form"].initial["from"] == f"org:{circle.exit.pk}"
    response = client.post(
        edit,
        {
            "from": f"org:{circle.exit.pk}",
            "to": f"org:{w.police.pk}",
            "category": "identity",
            "rule": "always",
            "legal_source": "",
        },
    )
    assert response.status_code == 422
    assert "Name the legal source" in response.content.decode()
    client.post(reverse("transparency:row_delete", args=[w.team.pk, row.pk]))
    assert not ProtocolRow.objects.exists()
    assert [e.action for e in AuditEvent.objects.filter(team_id=w.team.pk).order_by("seq")][
        -2:
    ] == ["protocol.row_create", "protocol.row_delete"]


def test_a_row_of_another_team_is_not_found(circle: Circle, client_for) -> None:  # type: ignore[no-untyped-def]
    w = circle.world
    row = circle.row(from_sector="health", to_sector="police", category="health", rule="never")
    url = reverse("transparency:row_edit", args=[w.other_team.pk, row])
    assert client_for(w.other_coordinator).get(url).status_code == 404


# --- the matrix --------------------------------------------------------------------------------


def test_the_matrix_shows_flows_flags_unmet_needs_and_why(circle: Circle, client_for) -> None:  # type: ignore[no-untyped-def]
    w = circle.world
    circle.profile("health", secrecy="bound", secrecy_source="Law")
    circle.profile("police", needs=[{"code": "treatment"}], offers=[])
    circle.row(
        from_sector="health",
        to_sector="police",
        category="health",
        rule="always",
        legal_source="Danger law",
    )
    url = reverse("transparency:matrix", args=[w.team.pk])
    response = client_for(w.observer).get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Role profiles to look at" in html
    assert "Exit NGO</a>:" in html and "no role profile yet" in html
    assert "unmet" in html  # housing is needed by both profiles and offered by no one
    assert '<th scope="col" title="Clinic"><span aria-hidden="true">HLTH</span>' in html
    assert "From Clinic to Police: with consent: Health" in html  # the cell's text alternative
    pair = client_for(w.observer).get(
        url, {"category": "health", "from": circle.health.pk, "to": w.police.pk}
    )
    html = pair.content.decode()
    assert "From Clinic to Police" in html
    assert "Danger law" in html
    assert "becomes “with consent”" in html
    assert pair.context["pair"]["decisions"][0][1].downgraded


def test_the_pdf_is_prepared_in_the_background_and_is_audited(circle: Circle, client_for) -> None:  # type: ignore[no-untyped-def]
    w = circle.world
    circle.row(from_sector="health", to_sector="police", category="health", rule="never")
    client = client_for(w.member)
    job = jobs.start(client, reverse("transparency:matrix_pdf", args=[w.team.pk]))
    assert (job.kind, job.params["category"]) == ("transparency.matrix.pdf", "")
    data, disposition = jobs.download(client, job)
    assert data.startswith(b"%PDF")
    assert disposition == f'attachment; filename="transparency-{w.team.pk}.pdf"'
    for action in ("export.start", "export.download"):
        event = AuditEvent.objects.get(action=action)
        assert (event.actor, event.team_id, event.purpose) == (
            w.member,
            w.team.pk,
            "transparency.matrix.pdf",
        )
    text = jobs.pdf_text(data)
    assert "Clinic" in text and "Police" in text


def test_the_pdf_shows_the_category_chosen_and_refuses_an_unknown_one(
    circle: Circle, client_for
) -> None:  # type: ignore[no-untyped-def]
    w = circle.world
    client = client_for(w.member)
    url = reverse("transparency:matrix_pdf", args=[w.team.pk])
    page = client.get(reverse("transparency:matrix", args=[w.team.pk]), {"category": "health"})
    assert '<input type="hidden" name="category" value="health">' in page.content.decode()
    job = jobs.start(client, url, {"category": "health"})
    assert job.params["category"] == "health" and job.status == "done"
    refused = client.post(url, {"category": "no-such-category"})
    assert refused.status_code == 302
    assert refused["Location"] == reverse("transparency:matrix", args=[w.team.pk])
    assert Job.objects.count() == 1


def test_a_get_on_the_pdf_address_renders_nothing(circle: Circle, client_for) -> None:  # type: ignore[no-untyped-def]
    w = circle.world
    url = reverse("transparency:matrix_pdf", args=[w.team.pk])
    assert client_for(w.member).get(url).status_code == 405
    assert not Job.objects.exists()


def test_the_csv_neutralises_formulas(circle: Circle, client_for) -> None:  # type: ignore[no-untyped-def]
    w = circle.world
    circle.row(
        from_sector="health",
        to_sector="police",
        category="health",
        rule="legal_basis",
        legal_source="=HYPERLINK(1)",
    )
    response = client_for(w.member).get(
        reverse("transparency:matrix_csv", args=[w.team.pk]), {"category": "health"}
    )
    assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


def _grow(circle: Circle, n: int) -> None:
    w = circle.world
    for index in range(n):
        org = OrganisationFactory(sector=Sector.SCHOOL)
        TeamOrganisation.objects.create(team=w.team, organisation=org)
        circle.row(
            from_organisation_id=org.pk,
            to_sector="police",
            category=["identity", "plan", "family"][index % 3],
            rule="consent",
        )


@pytest.mark.parametrize("name", ["matrix", "protocol", "matrix_csv"])
def test_query_counts_stay_flat_as_the_team_grows(circle: Circle, client_for, name: str) -> None:  # type: ignore[no-untyped-def]
    w = circle.world
    client = client_for(w.coordinator)
    url = reverse(f"transparency:{name}", args=[w.team.pk])
    circle.profile("health")
    _grow(circle, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    circle.profile("exit")
    circle.profile("youth")
    _grow(circle, 12)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_one_organisations_view_of_the_matrix_keeps_flat_query_counts(
    circle: Circle, client_for
) -> None:  # type: ignore[no-untyped-def]
    w = circle.world
    client = client_for(w.coordinator)
    url = reverse("transparency:matrix", args=[w.team.pk])
    query = {"organisation": w.police.pk, "show": "conditional"}
    _grow(circle, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, query).context["focus"] is not None
    _grow(circle, 12)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url, query).context["focus"] is not None
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_the_profile_pages_keep_flat_query_counts(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from django.db import transaction

    from icommit.stakeholders import services

    client = client_for(world.member)
    urls = [
        reverse("stakeholders:detail", args=[world.police.pk]),
        reverse("stakeholders:profile_versions", args=[world.police.pk]),
    ]
    with transaction.atomic():
        services.role_profile_save(
            actor=world.member, organisation=world.police, values=profile_values()
        )
    counts = []
    for mandate in ("two", "three", "four", "five", "six"):
        with CaptureQueriesContext(connection) as queries:
            for url in urls:
                assert client.get(url).status_code == 200
        counts.append(len(queries))
        services.role_profile_save(
            actor=world.member, organisation=world.police, values=profile_values(mandate=mandate)
        )
        services.role_profile_confirm(actor=world.observer, organisation=world.police)
    assert len(set(counts[1:])) == 1, counts
