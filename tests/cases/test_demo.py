"""The demo's cases: every stage, the police and the case manager reading different notes.

Built through ``call_command("demo")`` as ``make run`` does; loading twice changes nothing.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from icommit.accounts.models import User
from icommit.cases import selectors
from icommit.cases.models import (
    Case,
    CaseNote,
    ClientKind,
    Consent,
    MatchNotice,
    RestrictionRequest,
    ShareDecision,
)
from icommit.cases.process import Stage
from icommit.core.models import AuditEvent
from icommit.demo.cases import build
from icommit.teams.models import Team
from tests.conftest import verified_client


def _team() -> Team:
    return Team.objects.get(name="Demo City MSC")


def _user(email: str) -> User:
    return User.objects.get(email=email)


@pytest.fixture
def demo(db: None) -> Team:
    call_command("demo", verbosity=0)
    return _team()


def test_the_demo_has_a_case_in_every_stage(demo: Team) -> None:
    cases = list(Case.objects.filter(team=demo).select_related("client"))
    assert len(cases) >= 12
    assert {c.stage for c in cases} == {s.value for s in Stage}
    minors = [c for c in cases if c.client.is_minor and c.client.capacity_to_consent]
    assert minors and minors[0].client.relatives.filter(is_guardian=True).count() == 2
    family = [c for c in cases if c.family_only]
    assert family and family[0].client.kind == ClientKind.THIRD_PARTY
    assert not hasattr(family[0].client, "identity") or family[0].client.identity is None
    release = [c for c in cases if c.transition_kind == "release"]
    assert release and release[0].client.setting == "prison"
    days = (release[0].transition_date - release[0].referred_at.date()).days
    assert 6 * 30 <= days <= 9 * 31
    assert any(
        c.stage_changes.filter(from_stage=Stage.CLOSED.value, to_stage="referred").exists()
        for c in cases
    ), "a re-referral"
    assert MatchNotice.objects.filter(case__team=demo).count() == 1


def test_the_demo_records_consent_sharing_and_the_dpo_queue(demo: Team) -> None:
    assert Consent.objects.filter(case__team=demo, withdrawn_at__isnull=False).count() == 1
    kinds = set(Consent.objects.filter(case__team=demo).values_list("kind", flat=True))
    assert kinds == {"participation", "release", "sharing"}
    danger = ShareDecision.objects.filter(case__team=demo, basis_kind="danger")
    assert danger.filter(confirmed_at__isnull=False).count() == 1
    queue = selectors.dpo_queue()
    assert [d.pk for d in queue.danger] == [danger.get(confirmed_at__isnull=True).pk]
    assert RestrictionRequest.objects.filter(decided_at__isnull=True).count() == 1
    assert len(queue.restrictions) == 1
    bases = set(ShareDecision.objects.filter(case__team=demo).values_list("basis_kind", flat=True))
    assert bases == {"protocol", "consent", "statute", "danger"}
    secret = CaseNote.objects.filter(case__team=demo, secrecy__in=["professional", "social_data"])
    assert secret.count() >= 5
    # built through the services: every case has its referral and its sharing in the audit log
    assert AuditEvent.objects.filter(action="case.referred", team_id=demo.pk).count() == (
        Case.objects.filter(team=demo).count()
    )
    assert AuditEvent.objects.filter(action="case.shared", team_id=demo.pk).count() == (
        ShareDecision.objects.filter(case__team=demo).count()
    )


def test_police_and_the_case_manager_read_different_notes_of_the_same_case(demo: Team) -> None:
    police, manager = _user("police@example.org"), _user("casemanager@example.org")
    police_cases = set(selectors.cases_for(user=police, team=demo).values_list("pk", flat=True))
    manager_cases = set(selectors.cases_for(user=manager, team=demo).values_list("pk", flat=True))
    shared = police_cases & manager_cases
    assert len(shared) >= 3
    assert manager_cases - police_cases, "police takes part in some cases only"
    case = Case.objects.get(team=demo, stage=Stage.PLAN_ACTIVE.value, family_only=False)
    assert case.pk in shared
    seen_by_police = {n.title for n in selectors.notes_for(user=police, case=case)}
    seen_by_manager = {n.title for n in selectors.notes_for(user=manager, case=case)}
    assert seen_by_police != seen_by_manager
    # the one plan note police may read rests on a release from confidentiality covering it
    assert "Intervention plan: agreed steps" in seen_by_police & seen_by_manager
    assert "What he says about the group" in seen_by_manager - seen_by_police
    assert "Group contacts known to the police" in seen_by_police - seen_by_manager
    assert "Risk assessment reference" in seen_by_police & seen_by_manager
    plan = CaseNote.objects.get(case=case, title="Intervention plan: agreed steps")
    to_police = ShareDecision.objects.get(item_id=plan.pk, organisations__sector="police")
    assert to_police.consent is not None and to_police.consent.kind == "release"
    assert plan.secrecy == "professional"
    # the name stays with the lead organisation here; police reads only the pseudonym
    assert selectors.identity_for(user=police, case=case) is None
    assert selectors.identity_for(user=manager, case=case) is not None
    # the case manager cannot pass the police's note on, and asked the police instead
    asked = selectors.share_requests_to(user=police, case=case)
    assert [r.note.title for r in asked] == ["Risk assessment reference"]
    assert not selectors.share_requests_to(user=manager, case=case).exists()
    # the coordinator reads no case by being coordinator
    coordinator = _user("coordinator@example.org")
    assert not selectors.cases_for(user=coordinator, team=demo).exists()


def test_loading_the_demo_twice_adds_no_case(demo: Team) -> None:
    before = (Case.objects.count(), CaseNote.objects.count(), ShareDecision.objects.count())
    call_command("demo", verbosity=0)
    # the module's own guard as well: a team with cases gets none added
    build(team=demo, orgs={}, users={}, second_team=demo)
    after = (Case.objects.count(), CaseNote.objects.count(), ShareDecision.objects.count())
    assert after == before


def test_the_case_page_reads_differently_for_police_and_the_case_manager(demo: Team) -> None:
    case = Case.objects.get(team=demo, stage=Stage.PLAN_ACTIVE.value, family_only=False)
    url = reverse("cases:case", args=[demo.pk, case.pk])
    pages = {}
    for email in ("police@example.org", "casemanager@example.org"):
        response = verified_client(_user(email)).get(url)
        assert response.status_code == 200
        pages[email] = response.content.decode()
    police, manager = pages["police@example.org"], pages["casemanager@example.org"]
    assert case.client.pseudonym in police and case.client.pseudonym in manager
    assert "Jonas Beispiel" in manager and "Jonas Beispiel" not in police
    assert "What he says about the group" in manager
    assert "What he says about the group" not in police
    assert "Group contacts known to the police" in police
    assert "Group contacts known to the police" not in manager
    assert (
        "Intervention plan: agreed steps" in police and "Intervention plan: agreed steps" in manager
    )
    # the coordinator finds no such case
    response = verified_client(_user("coordinator@example.org")).get(url)
    assert response.status_code == 404
