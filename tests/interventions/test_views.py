"""The plan, contacts and outcomes pages: what each organisation sees, and the forms."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from icommit.cases import services as cases
from icommit.interventions.models import Goal, Measure, OffenceReport, Outcome
from tests.cases.conftest import CaseWorld
from tests.conftest import verified_client
from tests.interventions.conftest import TODAY, PlanWorld

pytestmark = pytest.mark.django_db


def _url(pw: PlanWorld, name: str, *args: object) -> str:
    return reverse(f"interventions:{name}", args=[pw.case.team_id, pw.case.pk, *args])


def test_the_lead_sees_goals_measures_and_what_is_not_shared(pw: PlanWorld) -> None:
    page = verified_client(pw.cw.manager).get(_url(pw, "plan")).content.decode()
    assert "Find a flat of his own" in page
    assert "Help with the housing application" in page
    assert "Offer a flat" in page
    # housing is responsible for a measure but cannot see the plan
    assert "Not shared with organisations responsible for measures" in page
    assert "Housing" in page.split("Not shared with")[1].split("</p>")[0]


def test_an_organisation_the_plan_is_not_shared_with_sees_nothing_of_it(pw: PlanWorld) -> None:
    client = verified_client(pw.cw.housing_worker)
    response = client.get(_url(pw, "plan"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "No intervention plan is shared with your organisation" in page
    assert "Offer a flat" not in page and "Find a flat" not in page
    case_page = client.get(reverse("cases:case", args=[pw.case.team_id, pw.case.pk]))
    assert "Find a flat" not in case_page.content.decode()
    assert "No intervention plan is shared with your organisation" in case_page.content.decode()


def test_a_recipient_reads_the_plan_and_marks_its_own_measure_done(pw: PlanWorld) -> None:
    client = verified_client(pw.cw.youth_worker)
    page = client.get(_url(pw, "plan")).content.decode()
    assert "Find a flat of his own" in page
    assert page.count("Mark done") == 1  # its own measure only
    response = client.post(_url(pw, "measure_status", pw.youth_measure.pk), {"status": "done"})
    assert response.status_code == 302
    assert Measure.objects.get(pk=pw.youth_measure.pk).status == "done"
    refused = client.post(_url(pw, "measure_status", pw.housing_measure.pk), {"status": "done"})
    assert refused.status_code == 403
    assert Measure.objects.get(pk=pw.housing_measure.pk).status == "open"


def test_an_overdue_measure_and_review_are_marked(pw: PlanWorld) -> None:
    Measure.objects.filter(pk=pw.youth_measure.pk).update(
        due_date=TODAY() - datetime.timedelta(days=1)
    )
    pw.plan.next_review = TODAY() - datetime.timedelta(days=1)
    pw.plan.save()
    page = verified_client(pw.cw.manager).get(_url(pw, "plan")).content.decode()
    assert "measure-overdue" in page
    assert page.count("badge-warn") >= 2


def test_the_goal_form_adds_a_goal_and_a_bad_domain_changes_nothing(pw: PlanWorld) -> None:
    client = verified_client(pw.cw.manager)
    assert client.get(_url(pw, "goal_add")).status_code == 200
    bad = client.post(_url(pw, "goal_add"), {"domain": "x", "statement": "Go to school"})
    assert bad.status_code == 422
    assert not Goal.objects.filter(domain="x").exists()
    good = client.post(
        _url(pw, "goal_add"),
        {
            "domain": "education",
            "statement": "Finish school",
            "lifecycle_status": "active",
            "achievement_status": "in-progress",
        },
    )
    assert good.status_code == 302
    assert Goal.objects.filter(plan=pw.plan, domain="education").count() == 1


def test_life_domains_carry_the_social_diagnostics_instruments_titles(pw: PlanWorld) -> None:
    from django.utils import translation

    from icommit.analysis import services as analysis
    from icommit.interventions import selectors

    version = analysis.instrument_version()
    titles = selectors.domain_titles()
    assert list(titles) == ["general", *analysis.domain_keys(version)]
    assert titles["family"] == "Family, partner & children"
    assert titles["substances"] == "Substances"
    with translation.override("de"):
        assert selectors.domain_titles()["family"] == "Familie, Partnerschaft und Kinder"
    client = verified_client(pw.cw.manager)
    form = client.get(_url(pw, "goal_add")).content.decode()
    assert "Family, partner &amp; children" in form and "Substance use" not in form
    client.post(
        _url(pw, "goal_add"),
        {
            "domain": "family",
            "statement": "Visit his daughter",
            "lifecycle_status": "active",
            "achievement_status": "in-progress",
        },
    )
    page = client.get(_url(pw, "plan")).content.decode()
    assert "Family, partner &amp; children" in page


def test_the_measure_form_says_which_organisations_cannot_see_the_plan(pw: PlanWorld) -> None:
    page = verified_client(pw.cw.manager).get(_url(pw, "measure_add")).content.decode()
    assert "The plan is not shared with these organisations taking part" in page
    warning = page.split("The plan is not shared with these organisations taking part")[1]
    warning = warning.split("</p>")[0]
    assert "Housing" in warning and "Police" in warning and "Youth office" not in warning


def test_the_measure_form_records_a_measure(pw: PlanWorld) -> None:
    client = verified_client(pw.cw.manager)
    response = client.post(
        _url(pw, "measure_add"),
        {"what": "Visit the job centre", "goal": str(pw.goal.pk), "responsible": pw.cw.youth.pk},
    )
    assert response.status_code == 302
    assert Measure.objects.filter(plan=pw.plan, goal=pw.goal).count() == 3


def test_a_participant_may_not_open_the_plan_forms(pw: PlanWorld) -> None:
    client = verified_client(pw.cw.youth_worker)
    assert client.get(_url(pw, "goal_add")).status_code == 403
    assert client.get(_url(pw, "goal_edit", pw.goal.pk)).status_code == 403
    assert client.get(_url(pw, "scale")).status_code == 403


def test_the_contacts_page_records_a_contact(pw: PlanWorld) -> None:
    client = verified_client(pw.cw.youth_worker)
    response = client.post(
        _url(pw, "contacts"),
        {"organisation": pw.cw.youth.pk, "on": TODAY().isoformat(), "kind": "home_visit"},
    )
    assert response.status_code == 302
    page = client.get(_url(pw, "contacts")).content.decode()
    assert "home visit" in page and "Contacts of your organisation" in page


def test_the_lead_sees_only_the_day_of_another_organisations_last_contact(
    pw: PlanWorld,
) -> None:
    from icommit.interventions import services

    day = TODAY() - datetime.timedelta(days=3)
    services.contact_record(
        actor=pw.cw.youth_worker, case=pw.case, organisation=pw.cw.youth, on=day, kind="home_visit"
    )
    services.contact_record(
        actor=pw.cw.youth_worker, case=pw.case, organisation=pw.cw.youth, on=day, kind="phone"
    )
    page = verified_client(pw.cw.manager).get(_url(pw, "contacts")).content.decode()
    listed = page.split('id="contacts-heading"')[1]
    # the date of the last contact, not its kind, organisation or the number of contacts
    assert "Last contact with the client, by any organisation" in listed
    assert "home visit" not in listed and "phone call" not in listed
    assert "Youth office" not in listed
    assert "No contact recorded yet." in listed
    # the youth office reads its own two contacts in full
    own = verified_client(pw.cw.youth_worker).get(_url(pw, "contacts")).content.decode()
    own_listed = own.split('id="contacts-heading"')[1]
    assert "home visit" in own_listed and "phone call" in own_listed


def test_outcomes_are_recorded_only_after_closure(cw: CaseWorld) -> None:
    case = cw.working()
    client = verified_client(cw.manager)
    url = reverse("interventions:outcome_add", args=[case.team_id, case.pk])
    data = {"on": TODAY().isoformat(), "housing": "own", "work": "employed", "education": "none"}
    refused = client.post(url, data)
    assert refused.status_code == 422
    assert not Outcome.objects.exists()
    cases.case_move(actor=cw.manager, case=case, target="closed", code="goals_reached")
    assert client.post(url, data | {"client_account": "Things are better"}).status_code == 302
    page = client.get(reverse("interventions:outcomes", args=[case.team_id, case.pk]))
    text = page.content.decode()
    assert "At closure" in text and "Things are better" in text
    assert "Closure reason" in text
    # a participant reads the coded outcome, never the client's own words (lead only)
    for person in (cw.youth_worker, cw.officer):
        other = (
            verified_client(person)
            .get(reverse("interventions:outcomes", args=[case.team_id, case.pk]))
            .content.decode()
        )
        assert "At closure" in other and "Things are better" not in other
    api = f"/api/v1/teams/{case.team_id}/cases/{case.pk}/outcomes"
    [police] = verified_client(cw.officer).get(api).json()
    assert police["client_account"] == "" and police["housing"] == "own"
    [lead] = client.get(api).json()
    assert lead["client_account"] == "Things are better"


def test_the_offence_form_records_the_stage_of_new_proceedings(pw: PlanWorld) -> None:
    client = verified_client(pw.cw.officer)
    url = _url(pw, "offence_add")
    form = client.get(url).content.decode()
    # the help text: stage and reference only, presumption of innocence, no risk statement
    assert "never details of the offence" in form
    assert "presumed innocent" in form and "not a statement about risk" in form
    for label in ("no new proceedings known", "new investigation", "new charge", "new conviction"):
        assert label in form
    bad = client.post(url, {"organisation": pw.cw.police.pk, "status": "yes", "on": TODAY()})
    assert bad.status_code == 422 and not OffenceReport.objects.exists()
    good = client.post(
        url,
        {
            "organisation": pw.cw.police.pk,
            "status": "charge",
            "on": TODAY().isoformat(),
            "reference": "AZ 7/26",
        },
    )
    assert good.status_code == 302
    assert OffenceReport.objects.get().status == "charge"
    page = client.get(_url(pw, "outcomes")).content.decode()
    assert "new charge" in page and "AZ 7/26" in page


def test_the_timeline_shows_plan_events_only_where_the_plan_is_shared(pw: PlanWorld) -> None:
    from icommit.cases.selectors import timeline
    from icommit.interventions import services

    services.offence_report_record(
        actor=pw.cw.officer,
        case=pw.case,
        organisation=pw.cw.police,
        status="none_known",
        on=TODAY(),
    )

    def kinds(user: object) -> set[str]:
        return {e.kind for e in timeline(user=user, case=pw.case)}  # type: ignore[arg-type]

    assert "plan" in kinds(pw.cw.youth_worker)
    assert "plan" not in kinds(pw.cw.housing_worker)
    assert "offence_report" in kinds(pw.cw.officer)
    assert "offence_report" not in kinds(pw.cw.manager)
    summaries = [e.summary for e in timeline(user=pw.cw.youth_worker, case=pw.case)]
    assert "Goal added: Housing" in summaries
