"""The demo of every app, read from one build of Demo City.

Building the demo takes most of a minute, so the tests that read it live in this one module and
share one build per test process: the module fixture ``demo_db`` (tests/conftest.py) builds it
through ``call_command("demo")`` as ``make run`` does, in a transaction rolled back when the
module is done, and each test's own changes are rolled back at its end. Tests that check that
loading twice changes nothing still load it a second time themselves. Tests that need a database
without the demo stay with their app (e.g. tests/web/test_pages.py: the demo refuses a database
that is not a demo).

Each part below names the app it checks (it was that app's ``test_demo.py`` before).
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.analysis import selectors as analysis_selectors
from icommit.analysis.models import Analysis, Formulation
from icommit.assessments import selectors as assessments_selectors
from icommit.assessments.models import PhaseEntry, RiskAssessor, RiskReference
from icommit.cases import selectors as cases_selectors
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
from icommit.core.checks import not_a_demo_database
from icommit.core.models import AuditEvent
from icommit.demo.builder import PEOPLE
from icommit.demo.cases import build
from icommit.diagnostics import reports
from icommit.diagnostics import services as diagnostics_services
from icommit.diagnostics.models import Draft, Participation, Round
from icommit.interventions import selectors as interventions_selectors
from icommit.interventions.models import Outcome, Plan, ScaleDecision
from icommit.methodology.content import content
from icommit.phases.models import TaskState
from icommit.phases.selectors import phase_summary, team_phase
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team
from icommit.training import selectors as training_selectors
from icommit.training import selectors_work as training_work
from icommit.training.credentials import verify_credential
from icommit.training.models import Certificate, Run, Submission, SubmissionStatus
from tests.conftest import verified_client
from tests.web.crawl import crawl

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]


def _team() -> Team:
    return Team.objects.get(name="Demo City MSC")


def _user(email: str) -> User:
    """A user read anew: access facts are cached on the user object."""
    return User.objects.get(email=email)


@pytest.fixture
def demo(demo_db: Path, db: None) -> Team:
    return _team()


# --- web: the demo command ----------------------------------------------------------------------


def test_the_demo_loads_once_and_a_second_run_changes_nothing(
    demo_db: Path, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    # the checkpoint the demo command wrote when it built the demo (in demo_db)
    shutil.copytree(demo_db, tmp_path, dirs_exist_ok=True)
    settings.CHECKPOINT_DIR = tmp_path
    # The demo signs its own history, so the chain verifies before any scheduled checkpoint.
    call_command("audit", "verify")
    assert Team.objects.filter(name="Demo City MSC").exists()
    assert User.objects.count() >= 12
    events = AuditEvent.objects.count()
    call_command("demo", verbosity=0)
    assert AuditEvent.objects.count() == events
    coordinator = User.objects.get(email="coordinator@example.org")
    assert coordinator.check_password("icommit-demo")


def test_production_refuses_a_demo_database(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PRODUCTION = True
    errors = not_a_demo_database(databases=["default"])
    assert [e.id for e in errors] == ["icommit.E010"]
    settings.PRODUCTION = False
    assert not_a_demo_database(databases=["default"]) == []


# --- web: a crawl of the demo as every demo user (tests/web/crawl.py) ---------------------------


def test_every_demo_user_is_shown_only_what_they_may_open(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEMO = True
    problems = []
    for person in PEOPLE:
        user = User.objects.get(email=person.email)
        problems += [f"{person.email}: {line}" for line in crawl(user)]
    assert problems == [], "\n".join(problems)


def test_the_administrator_sees_only_the_team_pages_they_may_open(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEMO = True
    admin = User.objects.get(email="admin@example.org")
    team = Team.objects.get(name="Demo City MSC")
    page = verified_client(admin).get(reverse("teams:detail", args=[team.pk])).content.decode()
    assert reverse("phases:detail", args=[team.pk]) in page
    for hidden in ("plans:plan", "plans:risks", "charters:charter", "transparency:matrix"):
        assert reverse(hidden, args=[team.pk]) not in page, hidden
    assert "Archive team" in page  # administrators may archive a team


def test_new_team_shows_to_administrators_and_team_founders_only(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEMO = True
    shown = {}
    for person in PEOPLE:
        user = User.objects.get(email=person.email)
        page = verified_client(user).get(reverse("teams:list")).content.decode()
        shown[person.email] = reverse("teams:create") in page
    assert {email for email, yes in shown.items() if yes} == {
        "admin@example.org",
        "coordinator@example.org",
    }


def test_the_demo_social_worker_finds_their_own_work_on_the_home_page(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEMO = True
    social_worker = User.objects.get(email="socialworker@example.org")
    page = verified_client(social_worker).get(reverse("web:home")).content.decode()
    attention = page[page.index('id="attention-heading"') : page.index("</section>")]
    assert "Check the overview against the social data rules" in attention  # overdue action
    assert "Practice: hearing the client" in attention  # minutes to confirm
    police = User.objects.get(email="police@example.org")
    page = verified_client(police).get(reverse("web:home")).content.decode()
    assert "Practice: hearing the client" not in page  # police confirmed them


def test_demo_profiles_come_from_the_version_2_templates_except_the_stale_one(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEMO = True
    current = {
        org.name: org.role_profile.current
        for org in Organisation.objects.select_related("role_profile__current")
        if hasattr(org, "role_profile") and org.role_profile.current is not None
    }
    housing = next(v for name, v in current.items() if "Housing" in name)
    assert housing.content_version == 1
    others = [v for name, v in current.items() if "Housing" not in name]
    assert others and all(v.content_version == 2 and v.duties for v in others)
    police = next(v for name, v in current.items() if "Police" in name)
    assert "legality_principle" in {d["code"] for d in police.duties}
    member = User.objects.get(email="housing@example.org")
    org = housing.profile.organisation
    page = verified_client(member).get(reverse("stakeholders:detail", args=[org.pk]))
    assert "A newer template (version 2) is available." in page.content.decode()


# --- cases: every stage, the police and the case manager reading different notes ---------------


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
    queue = cases_selectors.dpo_queue()
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
    police_cases = set(
        cases_selectors.cases_for(user=police, team=demo).values_list("pk", flat=True)
    )
    manager_cases = set(
        cases_selectors.cases_for(user=manager, team=demo).values_list("pk", flat=True)
    )
    shared = police_cases & manager_cases
    assert len(shared) >= 3
    assert manager_cases - police_cases, "police takes part in some cases only"
    case = Case.objects.get(team=demo, stage=Stage.PLAN_ACTIVE.value, family_only=False)
    assert case.pk in shared
    seen_by_police = {n.title for n in cases_selectors.notes_for(user=police, case=case)}
    seen_by_manager = {n.title for n in cases_selectors.notes_for(user=manager, case=case)}
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
    assert cases_selectors.identity_for(user=police, case=case) is None
    assert cases_selectors.identity_for(user=manager, case=case) is not None
    # the case manager cannot pass the police's note on, and asked the police instead
    asked = cases_selectors.share_requests_to(user=police, case=case)
    assert [r.note.title for r in asked] == ["Risk assessment reference"]
    assert not cases_selectors.share_requests_to(user=manager, case=case).exists()
    # the coordinator reads no case by being coordinator
    coordinator = _user("coordinator@example.org")
    assert not cases_selectors.cases_for(user=coordinator, team=demo).exists()


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


# --- analysis: Social Diagnostics — the case manager and the police see different grids of the
# same case; a case without a non-security view, one without a client view; a formulation in two
# versions; a second analysis after a review ------------------------------------------------------


def test_the_demo_shows_different_grids_to_the_case_manager_and_the_police() -> None:
    team = Team.objects.get(name="Demo City MSC")
    cases = list(Case.objects.filter(team=team).order_by("number"))
    first = Analysis.objects.get(case=cases[0])
    manager = analysis_selectors.grid_for(
        user=_user("casemanager@example.org"), analysis=first
    ).grid
    police = analysis_selectors.grid_for(user=_user("police@example.org"), analysis=first).grid
    assert len(manager.columns) == 4
    assert manager.flags.as_list() == []
    assert any(row.divergence for row in manager.rows)
    assert len(police.columns) == 1
    assert police.flags.as_list() == [
        "no_non_security_view",
        "no_client_view",
        "gender_not_considered",
    ]
    assert Formulation.objects.filter(analysis=first).count() == 2
    conference = Analysis.objects.get(case=cases[8])
    flags = analysis_selectors.grid_for(
        user=_user("casemanager@example.org"), analysis=conference
    ).grid
    assert flags.flags.no_non_security_view and flags.flags.no_client_view
    review = Analysis.objects.filter(case=cases[10]).order_by("number")
    assert [a.number for a in review] == [1, 2]
    second = analysis_selectors.grid_for(
        user=_user("casemanager@example.org"), analysis=review[1]
    ).grid
    assert second.compared
    # loading the demo again changes nothing
    call_command("demo", verbosity=0)
    assert Analysis.objects.filter(case__team=team).count() == 5


# --- assessments: designated assessors, phases and both tracks (one case where behaviour moved on
# and attitudes did not), a reference shared with the lead, one not, one overdue ------------------


def test_the_demo_has_phases_tracks_and_references_each_seen_as_shared() -> None:
    call_command("demo", verbosity=0)  # loading twice changes nothing
    team = Team.objects.get(name="Demo City MSC")
    assert RiskAssessor.objects.filter(ended_at__isnull=True).count() == 3
    assert PhaseEntry.objects.filter(case__team=team).count() == 7
    one = Case.objects.get(team=team, number__endswith="-001")
    manager = User.objects.get(email="casemanager@example.org")
    tracks = {t.code: t for t in assessments_selectors.tracks_for(user=manager, case=one)}
    assert [e.stage for _o, e in tracks["disengagement"].current] == ["left"]
    assert [e.stage for _o, e in tracks["deradicalisation"].current] == ["committed"]
    assert [r.level for r in assessments_selectors.risk_references(user=manager, case=one)] == [
        "moderate"
    ]
    nine = Case.objects.get(team=team, number__endswith="-009")
    assert list(assessments_selectors.risk_references(user=manager, case=nine)) == []
    parole = User.objects.get(email="parole@example.org")
    assert [r.level for r in assessments_selectors.risk_references(user=parole, case=nine)] == [
        "high"
    ]
    eleven = Case.objects.get(team=team, number__endswith="-011")
    detective = User.objects.get(email="detective@example.org")
    assert len(assessments_selectors.overdue_reviews(user=detective, case=eleven)) == 1
    assert RiskReference.objects.filter(case__team=team).count() == 3


# --- interventions: plans with overdue reviews, a case drifting without contact, scaling up and
# down, closed cases with outcomes and a follow-up; the case manager sees them on the home page --


def test_the_demo_has_plans_outcomes_and_attention_for_the_case_manager(demo: Team) -> None:
    manager = User.objects.get(email="casemanager@example.org")
    assert Plan.objects.filter(case__team=demo).count() >= 3
    directions = {s.direction for s in ScaleDecision.objects.all()}
    assert {"up", "down"} <= directions
    outcomes = Outcome.objects.filter(case__team=demo)
    assert {o.followup for o in outcomes} == {0, 1}
    found = interventions_selectors.attention(user=manager)
    assert found.review_overdue and found.measures_overdue and found.drifting
    page = verified_client(manager).get(reverse("web:home")).content.decode()
    assert "The review of the intervention plan of case" in page
    assert "the last contact with the client was on" in page
    # the police's measure is in a plan not shared with the police
    police = User.objects.get(email="police@example.org")
    plan = next(p for p in Plan.objects.filter(case__team=demo) if p.measures.count() >= 4)
    assert interventions_selectors.plan_for(user=police, case=plan.case) is None
    social = User.objects.get(email="socialworker@example.org")
    assert interventions_selectors.plan_for(user=social, case=plan.case) == plan
    plans = Plan.objects.count()
    call_command("demo", verbosity=0)  # loading it twice adds nothing
    assert Plan.objects.count() == plans


# --- phases: Demo City MSC sits in phase 3 after a history spread over the past months ----------


def test_the_demo_team_is_in_operation_with_a_realistic_history() -> None:
    team = Team.objects.get(name="Demo City MSC")
    tp = team_phase(team=team, language="en")
    assert tp.phase.key == "operation"
    moves = [(e.move.from_key, e.move.to_key, e.move.gate_met) for e in tp.history]
    assert moves == [("setup", "operation", True), ("exploration", "setup", True)]
    now = timezone.now()
    assert (
        tp.history[1].move.moved_at
        < tp.history[0].move.moved_at
        < now - datetime.timedelta(days=30)
    )
    setup = TaskState.objects.filter(team=team, task_id__startswith="setup.")
    every_setup_task = {task.id for task in content().latest().phase("setup").tasks}
    assert {s.task_id for s in setup} == every_setup_task  # the v2 set-up tasks included
    assert all(s.state == "done" and s.evidence for s in setup)
    states = {t.id: t.state for t in tp.tasks}
    assert "in_progress" in states.values() and "open" in states.values()
    assert tp.version.revision == 1  # the team adapted the model once
    # audit events stay honest: written when the services ran
    assert AuditEvent.objects.filter(action="phases.move", team_id=team.pk).count() == 2
    second = Team.objects.get(name="Northside Prevention Circle")
    assert phase_summary(second, "en")["tasks_done"] == 2


# --- diagnostics: two closed rounds whose results tell a story, and one open round --------------


def test_the_demo_team_has_two_closed_rounds_with_a_gap_a_divergence_and_a_change() -> None:
    team = Team.objects.get(name="Demo City MSC")
    rounds = list(Round.objects.filter(team=team).order_by("opened_at"))
    assert [r.title for r in rounds] == [
        "Baseline diagnostics",
        "Diagnostics after the first year",
        "Diagnostics before the evaluation",
    ]
    first, second, current = rounds
    today = diagnostics_services.today()
    assert [r.is_open(today) for r in rounds] == [False, False, True]
    assert first.closed_at is not None and second.closed_at is not None
    assert first.closed_at < second.opened_at < second.closed_at < current.opened_at
    assert first.responses.count() == 12 and second.responses.count() == 14
    # at least six on each side in the closed rounds, so that both sides can be shown
    for closed in (first, second):
        assert closed.has_results
        assert closed.responses.filter(is_security=True).count() >= 6
        assert closed.responses.filter(is_security=False).count() >= 6
        assert not closed.participations.filter(counted=False).exists()
    # in the open round a few have answered and the teacher has started
    assert current.responses.count() == 3 and Draft.objects.filter(round=current).count() == 1
    teacher = User.objects.get(email="teacher@example.org")
    assert diagnostics_services.draft_answers(actor=teacher, round=current)
    assert not Participation.objects.get(round=current, user=teacher).submitted

    coordinator = User.objects.get(email="coordinator@example.org")
    report = reports.round_report(user=coordinator, round=second, lang="en")
    results = report.results
    assert report.previous_round == first
    assert "resources" in results.gaps
    assert "sharing" in results.divergences
    sharing = results.row("sharing")
    assert sharing is not None and sharing.divergence is not None and sharing.divergence > 15
    assert {"all", "security", "non_security"} <= {s.group for s in sharing.scores if s.shown}
    # events and facts are answered too, and shown as counts per option
    counted = [i for d in report.domains for i in d.counted_items if i.kind == "counts"]
    assert counted
    assert any(
        sum(sum(row.counts) for row in item.parts[0].rows if not row.missing) > 0
        for item in counted
    )
    changes = {row.domain: row.change for row in results.rows if row.change is not None}
    assert changes["roles"] >= 15 and changes["purpose"] > 0
    # the rounds were run through the services, so the audit log tells the same story
    participated = AuditEvent.objects.filter(
        action="diagnostics.round.participated", team_id=team.pk
    )
    assert participated.count() == 12 + 14 + 3


# --- training: past and current runs, certificates and work waiting, as `make run` builds it ----


def test_the_demo_has_past_and_current_runs_certificates_and_work_waiting() -> None:
    call_command("demo", verbosity=0)  # loading twice changes nothing
    courses = set(Run.objects.values_list("course", flat=True))
    assert courses == {"msc-team", "nonsec-cert"}
    today = timezone.localdate()
    certificates = list(Certificate.objects.all())
    revoked = [c for c in certificates if c.revoked_at is not None]
    expired = [c for c in certificates if c.valid_until and c.valid_until < today]
    valid = [c for c in certificates if c not in revoked and c not in expired]
    assert (len(revoked), len(expired), len(valid)) == (1, 1, 2)
    assert Run.objects.filter(ends_on__gte=today, open_for_requests=True).exists()
    waiting = Submission.objects.filter(status=SubmissionStatus.SUBMITTED).count()
    assert waiting == 2
    external = User.objects.get(email="learner@example.org")
    assert facts_for(external).learner_only
    trainer = User.objects.get(email="trainer@example.org")
    home = training_selectors.trainer_home(trainer)
    assert len(home.waiting) == 2 and len(home.requests) == 1
    # every certificate's credential verifies as issued here
    assert all(verify_credential(c.credential).issued_here for c in certificates)
    # the team's run shows feedback totals: its first session's and the self-assessment before
    # (five answers each, no longer taken); later sessions' are still taken
    team_run = Run.objects.get(course="msc-team", team__isnull=False)
    totals = training_work.run_feedback(team_run, "en")
    (_session, first_totals), *later = totals.sessions
    assert (first_totals.answer_sets, first_totals.hidden) == (5, False)
    assert first_totals.items and any(mean is not None for _, mean in first_totals.domains)
    assert (totals.before.answer_sets, totals.before.hidden) == (5, False)
    assert all(group.hidden for _, group in later)
