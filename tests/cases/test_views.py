"""The case pages as the right person and as the wrong one: list, referral, status, triage, the
case page, move, participants, edit, transfer, identity, search, access log, timeline."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from icommit.accounts.models import User
from icommit.cases import services
from icommit.cases.models import AccessEntry, Case, MatchNotice
from icommit.cases.process import Stage
from tests.cases.conftest import CaseWorld
from tests.conftest import verified_client
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

CONCERN = "Shares right-wing propaganda in class and talks about a group."


def _get(user: User, url_name: str, *args: Any, **query: Any) -> Any:
    return verified_client(user).get(reverse(url_name, args=args), query)


def _post(user: User, name: str, *args: Any, data: dict[str, Any]) -> Any:
    return verified_client(user).post(reverse(name, args=args), data)


def _href(name: str, args: list[Any]) -> str:
    return f'"{reverse(name, args=args)}"'


def _text(response: Any) -> str:
    return response.content.decode()


# --- list -------------------------------------------------------------------------------------


def test_the_list_shows_the_managers_cases_referrals_to_triage_and_sent(cw: CaseWorld) -> None:
    case = cw.accepted()
    waiting = cw.referral()
    page = _get(cw.manager, "cases:list", cw.team.pk)
    assert page.status_code == 200
    body = _text(page)
    assert "Cases my organisation works on" in body
    assert case.number in body and case.client.pseudonym in body
    assert "Referrals waiting for triage" in body
    assert _href("cases:triage", args=[cw.team.pk, waiting.pk]) in body
    assert "Refer a person" in body and "Search by identity" in body


def test_the_referrer_sees_number_date_and_stage_of_its_referral_only(cw: CaseWorld) -> None:
    case = cw.accepted()
    page = _get(cw.teacher, "cases:list", cw.team.pk)
    body = _text(page)
    assert page.status_code == 200
    assert _href("cases:status", args=[cw.team.pk, case.pk]) in body
    assert _href("cases:case", args=[cw.team.pk, case.pk]) not in body
    assert case.client.pseudonym not in body
    assert "Referrals waiting for triage" not in body
    assert "Support leaving the scene" not in body  # the purpose


def test_the_list_filters_by_stage(cw: CaseWorld) -> None:
    accepted = cw.accepted()
    gathering = cw.accepted()
    services.case_move(actor=cw.manager, case=gathering, target=Stage.INFORMATION_GATHERING.value)
    body = _text(_get(cw.manager, "cases:list", cw.team.pk, stage="accepted"))
    assert _href("cases:case", args=[cw.team.pk, accepted.pk]) in body
    assert _href("cases:case", args=[cw.team.pk, gathering.pk]) not in body


def test_someone_outside_the_team_gets_404_for_the_list(cw: CaseWorld) -> None:
    assert _get(UserFactory(), "cases:list", cw.team.pk).status_code == 404


# --- referral and status ------------------------------------------------------------------------


REFERRAL = {
    "organisation": "",
    "concern": "Talks about joining a group that plans attacks.",
    "gender": "male",
    "age_band": "18_20",
    "phenomenon": "vrwe",
    "setting": "community",
    "transition_kind": "",
}


def test_a_referral_is_saved_and_the_referrer_sees_its_status_without_the_concern(
    cw: CaseWorld,
) -> None:
    data = {**REFERRAL, "organisation": cw.school.pk, "name": "Max Muster"}
    response = _post(cw.teacher, "cases:refer", cw.team.pk, data=data)
    assert response.status_code == 302
    case = Case.objects.get(referring_organisation=cw.school)
    assert response["Location"] == reverse("cases:status", args=[cw.team.pk, case.pk])
    page = _get(cw.teacher, "cases:status", cw.team.pk, case.pk)
    body = _text(page)
    assert page.status_code == 200
    assert case.number in body and "Referred" in body
    assert "attacks" not in body
    assert "Max Muster" not in body
    assert case.client.pseudonym not in body


def test_the_referrer_cannot_open_the_case_page(cw: CaseWorld) -> None:
    case = cw.referral()
    assert _get(cw.teacher, "cases:case", cw.team.pk, case.pk).status_code == 403
    assert _get(cw.teacher, "cases:triage", cw.team.pk, case.pk).status_code == 403


def test_a_referral_without_a_concern_is_shown_again_with_the_error(cw: CaseWorld) -> None:
    data = {**REFERRAL, "organisation": cw.school.pk, "concern": ""}
    response = _post(cw.teacher, "cases:refer", cw.team.pk, data=data)
    assert response.status_code == 422
    assert "This field is required." in _text(response)
    assert not Case.objects.exists()


def test_a_family_only_referral_with_a_name_is_refused(cw: CaseWorld) -> None:
    data = {**REFERRAL, "organisation": cw.school.pk, "family_only": "on", "name": "Max"}
    response = _post(cw.teacher, "cases:refer", cw.team.pk, data=data)
    assert response.status_code == 422
    assert "without identity" in _text(response)
    assert not Case.objects.exists()


def test_the_referral_form_asks_for_the_organisation_only_when_there_are_several(
    cw: CaseWorld,
) -> None:
    body = _text(_get(cw.teacher, "cases:refer", cw.team.pk))
    assert 'type="hidden" name="organisation"' in body
    assert "family-only case records the person of concern" in body


# --- triage -------------------------------------------------------------------------------------


def _accept(cw: CaseWorld, **extra: Any) -> dict[str, Any]:
    return {
        "outcome": "accepted",
        "lead_organisation": cw.exit.pk,
        "case_manager": cw.manager.pk,
        "purpose": "Support leaving the scene",
        "q_acute_danger": "no",
        "why_acute_danger": "No plans mentioned",
        **extra,
    }


def test_the_triage_page_shows_the_referral_the_questions_and_the_fast_track(
    cw: CaseWorld,
) -> None:
    case = cw.referral(name="Max Muster", birth_date="2005-03-01")
    page = _get(cw.manager, "cases:triage", cw.team.pk, case.pk)
    body = _text(page)
    assert page.status_code == 200
    assert CONCERN in body
    assert "Is there acute danger to the person or to others?" in body
    assert "Fast track" in body
    assert "Earlier referrals were checked" in body
    assert "Max Muster" not in body  # the identity stays with the referrer until accepted


def test_triage_does_not_say_whether_another_case_matched(cw: CaseWorld) -> None:
    first = cw.accepted(name="Max Muster", birth_date="2005-03-01")
    services.identity_set(actor=cw.manager, case=first, name="Max Muster", birth_date="2005-03-01")
    second = cw.referral(name="Max Muster", birth_date="2005-03-01")
    assert MatchNotice.objects.filter(case=first).exists()
    body = _text(_get(cw.manager, "cases:triage", cw.team.pk, second.pk))
    assert first.number not in body
    assert str(first.pk) not in body


def test_accepting_a_referral_records_the_answers_and_opens_the_case(cw: CaseWorld) -> None:
    case = cw.referral()
    response = _post(cw.manager, "cases:triage", cw.team.pk, case.pk, data=_accept(cw))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.ACCEPTED.value
    assert case.lead_organisation == cw.exit
    assert case.triage_answers["acute_danger"] == {"answer": "no", "why": "No plans mentioned"}
    assert response["Location"] == reverse("cases:case", args=[cw.team.pk, case.pk])


def test_accepting_without_a_lead_shows_the_error_and_changes_nothing(cw: CaseWorld) -> None:
    case = cw.referral()
    data = _accept(cw, lead_organisation="")
    response = _post(cw.manager, "cases:triage", cw.team.pk, case.pk, data=data)
    assert response.status_code == 422
    assert "Accepting a case needs this." in _text(response)
    case.refresh_from_db()
    assert case.stage == Stage.REFERRED.value


def test_rejecting_needs_a_reason_code(cw: CaseWorld) -> None:
    case = cw.referral()
    data = {"outcome": "rejected"}
    response = _post(cw.manager, "cases:triage", cw.team.pk, case.pk, data=data)
    assert response.status_code == 422
    data["code"] = "not_complex"
    response = _post(cw.manager, "cases:triage", cw.team.pk, case.pk, data=data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.REJECTED.value


def test_a_member_who_is_no_case_manager_cannot_triage(cw: CaseWorld) -> None:
    case = cw.referral()
    assert _get(cw.counsellor, "cases:triage", cw.team.pk, case.pk).status_code == 404
    assert _get(cw.coordinator, "cases:triage", cw.team.pk, case.pk).status_code == 404


def test_taking_up_a_referral_moves_it_to_triage(cw: CaseWorld) -> None:
    case = cw.referral()
    response = _post(cw.manager, "cases:triage", cw.team.pk, case.pk, data={"op": "start"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.TRIAGE.value


# --- the case page -----------------------------------------------------------------------------


def test_the_case_page_shows_header_stage_meaning_and_the_move_form(cw: CaseWorld) -> None:
    case = cw.working()
    page = _get(cw.manager, "cases:case", cw.team.pk, case.pk)
    body = _text(page)
    assert page.status_code == 200
    assert case.number in body and case.client.pseudonym in body
    assert "Support leaving the scene" in body
    assert "What is recorded" in body
    assert _href("cases:move", args=[cw.team.pk, case.pk]) in body
    assert "Youth office" in body and "Police" in body
    assert AccessEntry.objects.filter(case=case, user=cw.manager, what="case").exists()


def test_a_participant_sees_the_case_but_no_forms_and_no_identity(cw: CaseWorld) -> None:
    case = cw.working(name="Max Muster", birth_date="2005-03-01")
    page = _get(cw.officer, "cases:case", cw.team.pk, case.pk)
    body = _text(page)
    assert page.status_code == 200
    assert _href("cases:move", args=[cw.team.pk, case.pk]) not in body
    assert "Max Muster" not in body
    assert _href("cases:access_log", args=[cw.team.pk, case.pk]) not in body


def test_the_lead_sees_the_identity_and_the_opening_is_logged(cw: CaseWorld) -> None:
    case = cw.working(name="Max Muster", birth_date="2005-03-01")
    body = _text(_get(cw.counsellor, "cases:case", cw.team.pk, case.pk))
    assert "Max Muster" in body
    assert AccessEntry.objects.filter(case=case, what="identity").exists()


def test_the_coordinator_gets_404_for_a_case_by_role(cw: CaseWorld) -> None:
    case = cw.accepted()  # housing, the coordinator's organisation, does not take part
    services.participant_add(actor=cw.manager, case=case, organisation=cw.youth, reason="r")
    for name in ("cases:case", "cases:timeline", "cases:identity", "cases:edit"):
        assert _get(cw.coordinator, name, cw.team.pk, case.pk).status_code == 404


def test_police_not_taking_part_gets_404(cw: CaseWorld) -> None:
    case = cw.accepted()
    assert _get(cw.officer, "cases:case", cw.team.pk, case.pk).status_code == 404
    assert _get(cw.officer, "cases:status", cw.team.pk, case.pk).status_code == 404


def test_a_case_under_another_team_url_is_not_found(cw: CaseWorld) -> None:
    case = cw.accepted()
    other = TeamFactory()
    assert _get(cw.manager, "cases:case", other.pk, case.pk).status_code == 404


def test_a_move_along_the_table_changes_the_stage(cw: CaseWorld) -> None:
    case = cw.accepted()
    data = {"target": Stage.INFORMATION_GATHERING.value}
    response = _post(cw.manager, "cases:move", cw.team.pk, case.pk, data=data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.INFORMATION_GATHERING.value


def test_a_forbidden_move_shows_an_error_and_keeps_the_stage(cw: CaseWorld) -> None:
    case = cw.accepted()
    data = {"target": Stage.PLAN_ACTIVE.value}
    response = _post(cw.manager, "cases:move", cw.team.pk, case.pk, data=data)
    assert response.status_code == 422
    assert "errorlist" in _text(response)
    case.refresh_from_db()
    assert case.stage == Stage.ACCEPTED.value


def test_closing_without_a_reason_code_shows_the_error(cw: CaseWorld) -> None:
    case = cw.accepted()
    data = {"target": Stage.CLOSED.value}
    response = _post(cw.manager, "cases:move", cw.team.pk, case.pk, data=data)
    assert response.status_code == 422
    assert "Choose the reason for this step." in _text(response)
    case.refresh_from_db()
    assert case.stage == Stage.ACCEPTED.value


def test_a_participant_who_does_not_manage_cannot_move(cw: CaseWorld) -> None:
    case = cw.working()
    data = {"target": Stage.INFORMATION_GATHERING.value}
    response = _post(cw.youth_worker, "cases:move", cw.team.pk, case.pk, data=data)
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.stage == Stage.ACCEPTED.value


def test_a_restricted_client_shows_the_banner_and_no_forms(cw: CaseWorld) -> None:
    case = cw.working()
    request = services.restriction_request(actor=cw.manager, case=case, reason="asked")
    services.restriction_decide(actor=cw.dpo, request=request, grant=True)
    body = _text(_get(cw.manager, "cases:case", cw.team.pk, case.pk))
    assert "Processing restricted" in body
    assert _href("cases:move", args=[cw.team.pk, case.pk]) not in body


def test_match_notices_show_to_the_manager_and_can_be_marked_seen(cw: CaseWorld) -> None:
    first = cw.accepted(name="Max Muster", birth_date="2005-03-01")
    cw.referral(name="Max Muster", birth_date="2005-03-01")
    notice = MatchNotice.objects.get(case=first)
    body = _text(_get(cw.manager, "cases:case", cw.team.pk, first.pk))
    assert "A new referral may concern this client" in body
    response = _post(cw.manager, "cases:notice_seen", cw.team.pk, first.pk, notice.pk, data={})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.seen_by == cw.manager


# --- participants, edit, transfer --------------------------------------------------------------


def test_adding_and_removing_a_participant(cw: CaseWorld) -> None:
    case = cw.accepted()
    page = _get(cw.manager, "cases:participants", cw.team.pk, case.pk)
    assert page.status_code == 200
    data = {"op": "add", "organisation": cw.youth.pk, "reason": "family support"}
    assert (
        _post(cw.manager, "cases:participants", cw.team.pk, case.pk, data=data).status_code == 302
    )
    assert _get(cw.youth_worker, "cases:case", cw.team.pk, case.pk).status_code == 200
    data = {"op": "remove", "organisation": cw.youth.pk, "reason": "done"}
    assert (
        _post(cw.manager, "cases:participants", cw.team.pk, case.pk, data=data).status_code == 302
    )
    assert _get(cw.youth_worker, "cases:case", cw.team.pk, case.pk).status_code == 404


def test_adding_a_participant_without_a_reason_shows_the_error(cw: CaseWorld) -> None:
    case = cw.accepted()
    data = {"op": "add", "organisation": cw.youth.pk, "reason": ""}
    response = _post(cw.manager, "cases:participants", cw.team.pk, case.pk, data=data)
    assert response.status_code == 422
    assert _get(cw.youth_worker, "cases:case", cw.team.pk, case.pk).status_code == 404


def test_editing_the_case(cw: CaseWorld) -> None:
    case = cw.accepted()
    assert _get(cw.manager, "cases:edit", cw.team.pk, case.pk).status_code == 200
    data = {"purpose": "New purpose", "next_review": "2030-01-01", "transition_kind": ""}
    assert _post(cw.manager, "cases:edit", cw.team.pk, case.pk, data=data).status_code == 302
    case.refresh_from_db()
    assert case.purpose == "New purpose" and str(case.next_review) == "2030-01-01"
    response = _post(cw.manager, "cases:edit", cw.team.pk, case.pk, data={"purpose": ""})
    assert response.status_code == 422
    case.refresh_from_db()
    assert case.purpose == "New purpose"


def test_edit_is_refused_to_a_participant_who_does_not_manage(cw: CaseWorld) -> None:
    case = cw.working()
    assert _get(cw.officer, "cases:edit", cw.team.pk, case.pk).status_code == 403


def test_transfer_to_another_organisation_of_the_team(cw: CaseWorld) -> None:
    case = cw.working(name="Max Muster", birth_date="2005-03-01")
    page = _get(cw.manager, "cases:transfer", cw.team.pk, case.pk)
    assert page.status_code == 200
    assert "What goes along" in _text(page)
    data = {
        "to_team": cw.team.pk,
        "to_organisation": cw.youth.pk,
        "case_manager": cw.youth_worker.pk,
        "reason": "youth welfare leads now",
    }
    response = _post(cw.manager, "cases:transfer", cw.team.pk, case.pk, data=data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.lead_organisation == cw.youth


def test_transfer_to_the_current_lead_shows_the_error(cw: CaseWorld) -> None:
    case = cw.accepted()
    data = {"to_team": cw.team.pk, "to_organisation": cw.exit.pk, "reason": "x"}
    response = _post(cw.manager, "cases:transfer", cw.team.pk, case.pk, data=data)
    assert response.status_code == 422
    assert "already leads the case" in _text(response)


# --- identity, search ---------------------------------------------------------------------------


def test_the_lead_records_the_identity_and_a_relative(cw: CaseWorld) -> None:
    case = cw.accepted()
    page = _get(cw.manager, "cases:identity", cw.team.pk, case.pk)
    assert page.status_code == 200
    data = {"op": "identity", "name": "Max Muster", "birth_date": "2005-03-01"}
    assert _post(cw.manager, "cases:identity", cw.team.pk, case.pk, data=data).status_code == 302
    data = {"op": "relative", "relation": "mother", "name": "Erika Muster"}
    assert _post(cw.manager, "cases:identity", cw.team.pk, case.pk, data=data).status_code == 302
    body = _text(_get(cw.manager, "cases:identity", cw.team.pk, case.pk))
    assert "Max Muster" in body and "Erika Muster" in body
    assert AccessEntry.objects.filter(case=case, what="identity").exists()


def test_an_identity_without_a_name_is_refused(cw: CaseWorld) -> None:
    case = cw.accepted()
    data = {"op": "identity", "name": ""}
    response = _post(cw.manager, "cases:identity", cw.team.pk, case.pk, data=data)
    assert response.status_code == 422


def test_a_participant_without_a_share_gets_404_for_the_identity(cw: CaseWorld) -> None:
    case = cw.working(name="Max Muster")
    assert _get(cw.officer, "cases:identity", cw.team.pk, case.pk).status_code == 404


def test_capacity_of_a_minor(cw: CaseWorld) -> None:
    case = cw.accepted(age_band="14_17")
    body = _text(_get(cw.manager, "cases:identity", cw.team.pk, case.pk))
    assert "Capacity to consent" in body
    data = {"op": "capacity", "capacity": "yes", "capacity_note": "talked with her"}
    assert _post(cw.manager, "cases:identity", cw.team.pk, case.pk, data=data).status_code == 302
    case.client.refresh_from_db()
    assert case.client.capacity_to_consent is True


def test_identity_search_finds_only_cases_the_organisation_leads(cw: CaseWorld) -> None:
    case = cw.accepted(name="Max Muster", birth_date="2005-03-01")
    body = _text(_post(cw.manager, "cases:search", cw.team.pk, data={"name": "max muster"}))
    assert case.number in body
    body = _text(_post(cw.youth_worker, "cases:search", cw.team.pk, data={"name": "max muster"}))
    assert case.number not in body
    assert "No client of a case your organisation leads" in body


# --- access log, timeline -----------------------------------------------------------------------


def test_the_access_log_lists_openings_for_the_lead_only(cw: CaseWorld) -> None:
    case = cw.working()
    _get(cw.youth_worker, "cases:case", cw.team.pk, case.pk)
    page = _get(cw.manager, "cases:access_log", cw.team.pk, case.pk)
    assert page.status_code == 200
    assert str(cw.youth_worker) in _text(page)
    assert _get(cw.youth_worker, "cases:access_log", cw.team.pk, case.pk).status_code == 403


def test_the_timeline_shows_stage_changes_and_readable_notes(cw: CaseWorld) -> None:
    case = cw.working()
    note = cw.note(case)
    body = _text(_get(cw.manager, "cases:timeline", cw.team.pk, case.pk))
    assert "Accepted" in body and note.title in body
    body = _text(_get(cw.officer, "cases:timeline", cw.team.pk, case.pk))
    assert note.title not in body


def test_the_data_protection_officer_reads_the_access_log(cw: CaseWorld) -> None:
    case = cw.accepted()
    assert _get(cw.dpo, "cases:access_log", cw.team.pk, case.pk).status_code == 200
    assert _get(cw.dpo, "cases:case", cw.team.pk, case.pk).status_code == 403


def test_a_search_without_a_name_shows_the_error(cw: CaseWorld) -> None:
    response = _post(cw.manager, "cases:search", cw.team.pk, data={"birth_date": "2005-03-01"})
    assert response.status_code == 422
    assert "This field is required." in _text(response)


# --- the home page -------------------------------------------------------------------------------


def test_the_home_page_lists_referrals_waiting_for_the_case_manager(cw: CaseWorld) -> None:
    case = cw.referral()
    body = _text(verified_client(cw.manager).get(reverse("web:home")))
    assert _href("cases:triage", args=[cw.team.pk, case.pk]) in body


def test_the_home_page_lists_an_overdue_review_and_an_unseen_match(cw: CaseWorld) -> None:
    case = cw.accepted(name="Max Muster", birth_date="2005-03-01")
    services.case_update(
        actor=cw.manager, case=case, purpose="p", next_review=datetime.date(2020, 1, 1)
    )
    cw.referral(name="Max Muster", birth_date="2005-03-01")
    body = _text(verified_client(cw.manager).get(reverse("web:home")))
    assert f"The review of case {case.number}" in body
    assert f"A new referral may concern the client of case {case.number}" in body
    body = _text(verified_client(cw.youth_worker).get(reverse("web:home")))
    assert case.number not in body


# --- query counts ------------------------------------------------------------------------------


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_case_list_and_the_case_page_cost_the_same_for_10_and_100_cases(
    cw: CaseWorld,
) -> None:
    client = verified_client(cw.manager)
    cases = [cw.working() for _ in range(10)]
    for case in cases[:3]:
        cw.note(case)
    list_url = reverse("cases:list", args=[cw.team.pk])
    case_url = reverse("cases:case", args=[cw.team.pk, cases[0].pk])
    small = (_count(client, list_url), _count(client, case_url))
    for _ in range(90):
        cw.accepted()
    for _ in range(5):
        cw.note(cases[0])
    large = (_count(client, list_url), _count(client, case_url))
    assert large == small
    assert small[0] <= 25 and small[1] <= 60
