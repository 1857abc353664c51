"""Every URL, every method, every subject: the answer must be what the declared matrix implies.

The expected status is derived from ``access.matrix.DECLARED`` and ``URLS`` alone, never from
the policies; a URL or API operation missing from ``URLS`` fails the test.
"""

from __future__ import annotations

import copy
import datetime
import importlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from icommit.access.actions import Action
from icommit.access.matrix import DECLARED, URLS, Open, Rule, Subject, as_rows
from icommit.access.registry import can
from icommit.access.roles import PlatformRole, TeamRole
from icommit.accounts.models import User
from icommit.api.main import api
from icommit.core.jobs import download_token, result_path
from icommit.core.models import Job
from icommit.sharing.audience import basis_record, basis_withdraw, share
from icommit.sharing.services import protocol_row_create
from icommit.stakeholders import services as stakeholders
from icommit.stakeholders.models import Organisation, OrganisationMembership
from icommit.stakeholders.sectors import Sector
from icommit.teams.models import Team, TeamMembership, TeamOrganisation
from icommit.teams.services import team_invite
from icommit.web import registry as web
from tests.conftest import verified_client
from tests.factories import OrganisationFactory, TeamFactory, UserFactory, grant, member_of
from tests.sharedtestapp.models import Note

S = Subject
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
VIEW_ACTION = {
    "org": Action.ORGANISATION_VIEW,
    "team": Action.TEAM_VIEW,
    "job": Action.JOB_VIEW,
    "cases": Action.CASE_LIST,  # the case pages of T
    "case": Action.CASE_FIND,
}
#: Who finds each object (a page that cannot find it answers 404).
FOUND_BY: dict[str, frozenset[Subject]] = {obj: DECLARED[a] for obj, a in VIEW_ACTION.items()}
#: R (waiting for triage, referred by F): found by those who triage it, by F for its status,
#: and by the DPO (who reads every case's access log); no organisation takes part in it yet
FOUND_BY["referral"] = (
    DECLARED[Action.CASE_TRIAGE]
    | DECLARED[Action.CASE_REFERRAL_STATUS]
    | (DECLARED[Action.CASE_ACCESS_LOG] - DECLARED[Action.CASE_VIEW])
)
#: phases: a task of the first phase, where a team without progress starts
PHASE_TASK = "exploration.problem-analysis"


@dataclass
class MatrixWorld:
    users: dict[Subject, User]
    org: Organisation
    police: Organisation
    team: Team
    membership: OrganisationMembership
    team_member: TeamMembership
    invitation_id: int
    invitation_token: str
    job: Job
    target: User
    #: plans: ids of a goal, a plan action (owned by the team organisation) and a risk of T
    plan: dict[str, Any] = field(default_factory=dict)
    #: charters: the number of a published charter version, a meeting and one of its decisions
    charter: dict[str, Any] = field(default_factory=dict)
    #: transparency: O has a role profile; T's protocol has one row
    transparency: dict[str, Any] = field(default_factory=dict)
    #: diagnostics: a closed round with results and an open round, both of T
    diagnostics: dict[str, Any] = field(default_factory=dict)
    #: sharing: a shared item I of T from O, shared with A (in effect) and with E (its consent
    #: withdrawn); the consent basis O holds
    sharing: dict[str, Any] = field(default_factory=dict)
    #: cases: case C (accepted, lead L, participant P, referred by F) and referral R (by F)
    cases: dict[str, Any] = field(default_factory=dict)
    #: the apps above cases: what each ``tests/access/matrix_<app>.py`` builds, by app
    extra: dict[str, dict[str, Any]] = field(default_factory=dict)


#: One module per app above cases, each with the same five functions (see matrix_apps.py):
#: ``build(w)`` -> its objects (stored in ``w.extra[app]``); ``policy_objects(w)`` -> the object
#: of each of its action kinds, and of single actions; ``page_kwargs(w, name)`` -> the kwargs of
#: its URL names (None for names not its own); ``api_payloads(w)`` and ``fill(path, w)``.
EXTENSIONS = [
    "tests.access.matrix_analysis",
    "tests.access.matrix_assessments",
    "tests.access.matrix_interventions",
    "tests.access.matrix_conferences",
    "tests.access.matrix_dataprotection",
    "tests.access.matrix_training",
]


def extensions() -> list[Any]:
    found = []
    for name in EXTENSIONS:
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return found


#: The objects of the apps above cases: an extension may name who finds its own (``FOUND_BY``).
for _extension in extensions():
    FOUND_BY.update(getattr(_extension, "FOUND_BY", {}))


def build() -> MatrixWorld:
    org = OrganisationFactory(name="Object organisation", sector=Sector.SOCIAL_SERVICES)
    police = OrganisationFactory(name="Team organisation", sector=Sector.POLICE)
    team, other = TeamFactory(name="T"), TeamFactory(name="U")
    for t in (team, other):
        TeamOrganisation.objects.create(team=t, organisation=police)
    TeamOrganisation.objects.create(team=team, organisation=org)
    users: dict[Subject, User] = {}
    users[S.SIGNED_IN] = UserFactory()
    users[S.ORG_MEMBER] = UserFactory()
    member_of(users[S.ORG_MEMBER], org)
    users[S.ORG_ADMIN] = UserFactory()
    member_of(users[S.ORG_ADMIN], org, admin=True)
    roles = {
        S.TEAM_OBSERVER: TeamRole.OBSERVER,
        S.TEAM_MEMBER: TeamRole.MEMBER,
        S.TEAM_CASE_MANAGER: TeamRole.CASE_MANAGER,
        S.TEAM_COORDINATOR: TeamRole.COORDINATOR,
    }
    memberships = {}
    for subject, role in roles.items():
        users[subject] = UserFactory()
        member_of(users[subject], police)
        memberships[subject] = TeamMembership.objects.create(
            team=team, user=users[subject], organisation=police, role=role
        )
    users[S.OTHER_COORDINATOR] = UserFactory()
    member_of(users[S.OTHER_COORDINATOR], police)
    TeamMembership.objects.create(
        team=other, user=users[S.OTHER_COORDINATOR], organisation=police, role=TeamRole.COORDINATOR
    )
    for subject, role in [
        (S.ADMINISTRATOR, PlatformRole.ADMINISTRATOR),
        (S.DPO, PlatformRole.DPO),
        (S.EVALUATOR, PlatformRole.EVALUATOR),
        (S.TRAINER, PlatformRole.TRAINER),
    ]:
        users[subject] = grant(UserFactory(), role)
    # team founders: one with a confirmed membership of an organisation outside T, one without
    users[S.TEAM_FOUNDER] = grant(UserFactory(), PlatformRole.TEAM_FOUNDER)
    member_of(users[S.TEAM_FOUNDER], OrganisationFactory(name="Founder organisation"))
    users[S.FOUNDER_WITHOUT_ORGANISATION] = grant(UserFactory(), PlatformRole.TEAM_FOUNDER)
    users[S.JOB_OWNER] = UserFactory()
    job = Job.objects.create(
        owner=users[S.JOB_OWNER],
        kind="team.roster",
        status=Job.Status.DONE,
        result_name="r.csv",
        result_type="text/csv",
        result_path=f"jobs/matrix-{team.pk}.csv",
    )
    result_path(job).parent.mkdir(parents=True, exist_ok=True)
    result_path(job).write_bytes(b"a,b\n")
    pending = member_of(UserFactory(), org, confirmed=False)
    with transaction.atomic():
        invitation, token = team_invite(
            actor=users[S.TEAM_COORDINATOR],
            team=team,
            email="new@example.org",
            organisation=police,
            role="member",
        )
    world = MatrixWorld(
        users,
        org,
        police,
        team,
        pending,
        memberships[S.TEAM_MEMBER],
        invitation.pk,
        token,
        job,
        UserFactory(),
    )
    world.plan = build_plan(world)
    world.charter = build_charter(world)
    world.transparency = build_transparency(world)
    world.diagnostics = build_diagnostics(world)
    world.sharing = build_sharing(world)
    world.cases = build_cases(world)
    for ext in extensions():
        world.extra[ext.APP] = ext.build(world)
    return world


def build_cases(w: MatrixWorld) -> dict[str, Any]:
    """cases: C accepted (lead L: exit counselling, its case manager manages C; P: youth welfare
    takes part; F: a school referred it), with a note N of L (with a document) shared with P
    under D, the identity shared with P under L's release K, a late imminent-danger share to P,
    a match notice and a restriction request; R a referral by F waiting for triage; C2 a case
    of L whose processing is restricted. The police (the other team subjects' organisation)
    takes no part in C. The four case subjects join T after the diagnostics rounds were opened
    (not invited) and attended the meeting."""
    from icommit.cases import services as cases
    from icommit.cases.models import ClientIdentity, MatchNotice, ShareDecision
    from icommit.cases.process import process

    orgs = {
        "lead": OrganisationFactory(name="Lead organisation", sector=Sector.EXIT_COUNSELLING),
        "participant": OrganisationFactory(name="Case participant", sector=Sector.YOUTH_WELFARE),
        "referrer": OrganisationFactory(name="Referring organisation", sector=Sector.SCHOOL),
    }
    people = [
        (S.CASE_LEAD_MEMBER, "lead", TeamRole.MEMBER),
        (S.CASE_LEAD_MANAGER, "lead", TeamRole.CASE_MANAGER),
        (S.CASE_PARTICIPANT, "participant", TeamRole.MEMBER),
        (S.CASE_REFERRER, "referrer", TeamRole.MEMBER),
    ]
    for org in orgs.values():
        TeamOrganisation.objects.create(team=w.team, organisation=org)
    from icommit.charters.models import Attendee, Meeting

    minutes = Meeting.objects.get(pk=w.charter["meeting"]).current
    for subject, org_key, role in people:
        w.users[subject] = UserFactory()
        member_of(w.users[subject], orgs[org_key])
        TeamMembership.objects.create(
            team=w.team, user=w.users[subject], organisation=orgs[org_key], role=role
        )
        # they attended the meeting too, as every team subject did (charters)
        Attendee.objects.create(
            version=minutes, user=w.users[subject], organisation=orgs[org_key], role=role
        )
    referrer, manager = w.users[S.CASE_REFERRER], w.users[S.CASE_LEAD_MANAGER]
    lead, participant = orgs["lead"], orgs["participant"]
    # a second person of L, not a subject: shares because of imminent danger (so that both
    # lead subjects may confirm it) and records C2
    second = UserFactory()
    member_of(second, lead)
    TeamMembership.objects.create(
        team=w.team, user=second, organisation=lead, role=TeamRole.CASE_MANAGER
    )
    referral = {
        "actor": referrer,
        "team": w.team,
        "organisation": orgs["referrer"],
        "concern": "Shares propaganda in class.",
        "gender": "male",
        "age_band": "18_20",
        "phenomenon": "vrwe",
        "setting": "community",
    }
    with transaction.atomic():
        for category, rule in (("situation", "always"), ("identity", "consent")):
            protocol_row_create(
                actor=w.users[S.TEAM_COORDINATOR],
                team=w.team,
                values={
                    "from_organisation_id": lead.pk,
                    "to_organisation_id": participant.pk,
                    "category": category,
                    "rule": rule,
                    "legal_source": "Test statute § 2",
                },
            )
        case = cases.referral_create(**referral, name="Max Muster", birth_date="2006-03-01")
        case = cases.triage_decide(
            actor=manager,
            case=case,
            outcome="accepted",
            lead_organisation=lead,
            case_manager=manager,
            purpose="Support leaving the scene",
        )
        cases.participant_add(actor=manager, case=case, organisation=participant, reason="r")
        waiting = cases.referral_create(**referral)
        note = cases.note_create(
            actor=w.users[S.CASE_LEAD_MEMBER],
            case=case,
            organisation=lead,
            title="Conversation",
            text="Talked about work",
            category="situation",
            secrecy="none",
            document=b"%PDF-1.4 matrix",
            document_name="plan.pdf",
            document_type="application/pdf",
        )
        decision = cases.item_share(
            actor=manager,
            case=case,
            item=note,
            organisations=[participant],
            purpose="Plan support",
            basis="protocol",
            client_informed=True,
        )
        danger = cases.item_share(
            actor=second,
            case=case,
            item=cases.note_create(
                actor=second,
                case=case,
                organisation=lead,
                title="Threat",
                text="Named a target",
                category="risk",
                secrecy="none",
            ),
            organisations=[participant],
            purpose="Protect a person",
            basis="danger",
            reason="Named a target",
            client_informed=True,
        )
        ShareDecision.objects.filter(pk=danger.pk).update(
            decided_at=danger.decided_at - datetime.timedelta(hours=30)
        )
        consent = cases.consent_record(
            actor=manager,
            case=case,
            kind="release",
            organisation=lead,
            professional="Exit counsellor",
            recipients=[participant],
            categories=["situation", "identity"],
            purpose="Coordinate support",
            given_by="client",
            form="written",
            given_on=datetime.date.today(),
        )
        identity = ClientIdentity.objects.get(client=case.client)
        cases.item_share(
            actor=manager,
            case=case,
            item=identity,
            organisations=[participant],
            purpose="Home visits",
            basis="consent",
            consent=consent,
            client_informed=True,
        )
        notice = MatchNotice.objects.create(case=case)
        restriction = cases.restriction_request(actor=manager, case=case, reason="Client asks")
        restricted = cases.triage_decide(
            actor=second,
            case=cases.referral_create(**referral),
            outcome="accepted",
            lead_organisation=lead,
            case_manager=second,
            purpose="Support",
        )
        asked = cases.restriction_request(actor=second, case=restricted, reason="Client asks")
        cases.restriction_decide(actor=w.users[S.DPO], request=asked, grant=True)
    return {
        "case": case,
        "referral": waiting,
        "note": note,
        "decision": decision,
        "danger": danger,
        "consent": consent,
        "notice": notice,
        "restriction": restriction,
        "restricted": restricted,
        "p": participant.pk,
        "reject_code": sorted(process().code_sets["rejected"])[0],
    }


def build_sharing(w: MatrixWorld) -> dict[str, Any]:
    """sharing: I comes from O; A receives it under the protocol, E's consent was withdrawn."""
    audience = OrganisationFactory(name="Audience organisation", sector=Sector.YOUTH_WELFARE)
    ended = OrganisationFactory(name="Ended organisation", sector=Sector.HOUSING)
    for org, subject in ((audience, S.SHARED_AUDIENCE), (ended, S.SHARED_ENDED)):
        TeamOrganisation.objects.create(team=w.team, organisation=org)
        w.users[subject] = UserFactory()
        member_of(w.users[subject], org)
    origin = w.users[S.ORG_MEMBER]
    with transaction.atomic():
        for org, rule in ((audience, "always"), (ended, "consent")):
            protocol_row_create(
                actor=w.users[S.TEAM_COORDINATOR],
                team=w.team,
                values={
                    "from_organisation_id": w.org.pk,
                    "to_organisation_id": org.pk,
                    "category": "identity",
                    "rule": rule,
                    "legal_source": "Test statute § 1",
                },
            )
        item = Note.objects.create(
            team=w.team, origin_organisation=w.org, category="identity", text="I"
        )
        share(actor=origin, item=item, organisation=audience, purpose="Needs to know")
        consent = basis_record(
            actor=origin, team=w.team, organisation=w.org, kind="consent", description="Consent"
        )
        share(actor=origin, item=item, organisation=ended, purpose="Needs to know", basis=consent)
        basis_withdraw(actor=origin, basis=consent)
        basis = basis_record(
            actor=origin, team=w.team, organisation=w.org, kind="consent", description="Held"
        )
    return {"item": item, "basis": basis}


def build_diagnostics(w: MatrixWorld) -> dict[str, Any]:
    """diagnostics: round C answered by member, case manager, coordinator and two more police
    members (results need five), then closed; round R open, with the same five invited
    (observers are not invited) and no answers yet."""
    from django.utils import timezone

    from icommit.diagnostics import services as diagnostics
    from icommit.instruments.models import InstrumentVersion

    version = InstrumentVersion.objects.get(instrument__key="msc-diagnostics", number=1)
    coordinator = w.users[S.TEAM_COORDINATOR]
    more = [UserFactory(), UserFactory()]
    for person in more:
        member_of(person, w.police)
        TeamMembership.objects.create(
            team=w.team, user=person, organisation=w.police, role=TeamRole.MEMBER
        )
    # confirmed a month ago by someone else: they count towards a round's minimum
    OrganisationMembership.objects.filter(organisation=w.police).update(
        confirmed_at=timezone.now() - datetime.timedelta(days=30), confirmed_by=UserFactory()
    )
    answering = [w.users[s] for s in (S.TEAM_MEMBER, S.TEAM_CASE_MANAGER, S.TEAM_COORDINATOR)]
    answers = {item.key: 3 for item in version.parsed.items() if item.type == "likert"}
    closes = diagnostics.today() + datetime.timedelta(days=7)
    with transaction.atomic():
        closed = diagnostics.round_open(
            actor=coordinator, team=w.team, version=version, title="C", closes_on=closes
        )
        for person in [*answering, *more]:
            mine = {
                k: v for k, v in answers.items() if not k.startswith("ns_")
            }  # police members answer the part for everyone
            diagnostics.response_submit(actor=person, round=closed, answers=mine)
        diagnostics.round_close(actor=coordinator, round=closed)
        open_round = diagnostics.round_open(
            actor=coordinator, team=w.team, version=version, title="R", closes_on=closes
        )
    return {"closed": closed, "open": open_round, "answers": answers}


def build_plan(w: MatrixWorld) -> dict[str, Any]:
    """plans: a goal with an action owned by the team organisation (police), and a risk."""
    from icommit.plans.services import action_create, goal_create, risk_create

    coordinator = w.users[S.TEAM_COORDINATOR]
    with transaction.atomic():
        goal = goal_create(actor=coordinator, team=w.team, title="Goal")
        action = action_create(actor=coordinator, goal=goal, title="A", owner_organisation=w.police)
        risk = risk_create(actor=coordinator, team=w.team, title="R", likelihood=2, impact=3)
    return {"goal": goal.pk, "action": action.pk, "action_obj": action, "risk": risk.pk}


def build_charter(w: MatrixWorld) -> dict[str, Any]:
    """charters: version 1 published and a draft open; a meeting whose minutes wait for the
    confirmation of every team subject (all attended), with one decision."""
    from icommit.charters import services as charters

    coordinator = w.users[S.TEAM_COORDINATOR]
    team_subjects = [S.TEAM_OBSERVER, S.TEAM_MEMBER, S.TEAM_CASE_MANAGER, S.TEAM_COORDINATOR]
    with transaction.atomic():
        draft = charters.charter_draft_start(actor=coordinator, team=w.team)
        charters.charter_publish(actor=coordinator, draft=draft)
        charters.charter_draft_start(actor=coordinator, team=w.team)
        meeting = charters.meeting_create(
            actor=coordinator,
            team=w.team,
            data=charters.MinutesIn(
                held_on=datetime.date(2026, 1, 15),
                title="Meeting",
                minutes="Minutes",
                attendee_ids=[w.users[s].pk for s in team_subjects],
                decisions=[charters.DecisionIn("Decision")],
            ),
        )
        charters.meeting_circulate(actor=coordinator, meeting=meeting)
    decision = meeting.current.decisions.get()  # type: ignore[union-attr]
    return {"number": 1, "meeting": meeting.pk, "decision": decision.pk}


def build_transparency(w: MatrixWorld) -> dict[str, Any]:
    """transparency: a role profile of O (by its member) and one protocol row of T."""
    with transaction.atomic():
        stakeholders.role_profile_save(
            actor=w.users[S.ORG_MEMBER], organisation=w.org, values=TRANSPARENCY_PROFILE
        )
        row = protocol_row_create(
            actor=w.users[S.TEAM_COORDINATOR],
            team=w.team,
            values={
                "from_organisation_id": w.police.pk,
                "to_sector": "social_services",
                "category": "identity",
                "rule": "consent",
            },
        )
    return {"row": row.pk}


#: transparency: a complete role profile, as the API takes it
TRANSPARENCY_PROFILE = {
    "mandate": "Mandate",
    "secrecy": "none",
    "contact": "Desk",
    "needs": [{"code": "housing", "text": ""}],
}


#: instruments: a small valid instrument an administrator may import
IMPORTED_INSTRUMENT = """
format: icommit-instrument/1
key: matrix-survey
version: 1
kind: survey
languages: [en]
title: {en: Matrix survey}
changes: {en: First version}
sections:
  - key: main
    title: {en: Main}
    items:
      - key: q1
        type: text
        text: {en: Anything to add?}
"""


def test_the_declared_matrix_covers_every_action() -> None:
    assert set(DECLARED) == set(Action)
    assert len(as_rows()) == len(Action) + 1


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[MatrixWorld]:
    """One world for the whole module (building it is most of the cost): it is built inside a
    transaction that is rolled back when the module is done, and each test's own changes are
    rolled back at its end (pytest-django nests the test's atomic block in this one)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_policies_answer_as_declared(world: MatrixWorld) -> None:
    w = world
    objects = {"organisation": w.org, "team": w.team, "job": w.job}
    objects |= {"plan": w.team, "plan_action": w.plan["action_obj"]}  # plans
    objects["phases"] = w.team  # phases: every phases.* action acts on the team
    objects |= {"charter": w.team, "meeting": w.team}  # charters
    objects["diagnostics"] = w.diagnostics[
        "open"
    ]  # diagnostics: R, where observers are not invited
    objects |= {"shared": w.sharing["item"], "basis": w.sharing["basis"]}  # sharing: I, O's basis
    objects["case"] = w.cases["case"]  # cases: C, except the actions on the team T (and global)
    on_object = {
        Action.CASE_LIST: w.team,
        Action.CASE_REFER: w.team,
        Action.CASE_TRIAGE: w.team,
        Action.CASE_IDENTITY_SEARCH: w.team,
        Action.CASE_PRIVACY: None,
    }
    for ext in extensions():
        by_kind, by_action = ext.policy_objects(w)
        objects |= by_kind
        on_object |= by_action
    wrong = []
    for action in Action:
        kind = action.value.split(".")[0]
        obj = on_object[action] if action in on_object else objects.get(kind)
        for subject in Subject:
            user = w.users.get(subject)
            answer = can(user, action, obj) if user else False
            if answer is not (subject in DECLARED[action]):
                wrong.append(f"{action.value} as {subject.value}: policy says {answer}")
    assert wrong == [], "\n".join(wrong)
    # cases: triaging the referral R answers as triaging on T; the referrer finds R too
    referral = w.cases["referral"]
    for subject in Subject:
        user = w.users.get(subject)
        answer = can(user, Action.CASE_TRIAGE, referral) if user else False
        assert answer is (subject in DECLARED[Action.CASE_TRIAGE]), subject
        status = can(user, Action.CASE_REFERRAL_STATUS, referral) if user else False
        assert status is (subject in DECLARED[Action.CASE_REFERRAL_STATUS]), subject


# --- every URL as every subject ---------------------------------------------------------------


def page_patterns() -> dict[str, str]:
    """URL name -> route with converters, for every page outside the API."""
    found: dict[str, str] = {}
    api_names: set[str] = set()

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns or "")
            elif isinstance(p, URLPattern):
                if namespace.startswith("api-"):
                    api_names.add(p.name or "")
                    continue
                name = f"{namespace}:{p.name}" if namespace else p.name
                found[name] = prefix + str(p.pattern)

    walk(get_resolver().url_patterns, "", "")
    # the API's URL patterns are named after one operation per path; the root only answers 404
    known = {"api-root"} | set(api_operations())
    assert api_names <= known, api_names - known
    return found


def api_operations() -> dict[str, tuple[str, list[str]]]:
    """Operation name -> (path template, methods), for every API operation."""
    found: dict[str, tuple[str, list[str]]] = {
        "openapi-json": ("/api/v1/openapi.json", ["GET"]),
        "openapi-view": ("/api/v1/docs", ["GET"]),
    }
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                url = (
                    "/api/v1"
                    + ("/" + prefix.strip("/") if prefix.strip("/") else "")
                    + ("/" + path.strip("/") if path.strip("/") else "")
                )
                found[op.view_func.__name__] = (url, list(op.methods))
    return found


def test_every_url_and_operation_is_declared() -> None:
    names = set(page_patterns()) | {f"api:{n}" for n in api_operations()}
    assert names - set(URLS) == set(), "URLs missing from access.matrix.URLS"
    assert set(URLS) - names == set(), "URLS declares URLs that do not exist"


def expected(rule: Rule | None, subject: Subject, is_api: bool) -> str:
    if rule is None:
        return "405"
    if rule.need == Open.PUBLIC:
        return "ok"
    if subject == S.ANONYMOUS:
        return "401" if is_api else "login"
    if rule.need == Open.SIGNED_IN:
        return "ok"
    assert isinstance(rule.need, Action)
    if rule.obj is not None and subject not in FOUND_BY[rule.obj]:
        return "404"
    if not any(subject in DECLARED[a] for a in (rule.need, *rule.also)):
        return "403"
    if rule.only is not None and subject not in rule.only:
        return "403"
    return "ok"


def matches(outcome: str, status: int, location: str) -> bool:
    if outcome == "ok":
        return status < 500 and status not in {401, 403, 404, 405}
    if outcome == "login":
        return status == 302 and location.startswith("/accounts/login/")
    return status == int(outcome)


def page_kwargs(w: MatrixWorld, name: str, token_pk: int | None) -> dict[str, Any]:
    if name.startswith("stakeholders:"):
        return {"pk": w.org.pk, "membership_pk": w.membership.pk}
    if name.startswith("teams:"):
        return {
            "pk": w.team.pk,
            "org_pk": w.org.pk,
            "member_pk": w.team_member.pk,
            "invitation_pk": w.invitation_id,
            "token": w.invitation_token,
        }
    if name.startswith("plans:"):
        return {
            "team_pk": w.team.pk,
            "pk": w.plan["goal"],
            "action_pk": w.plan["action"],
            "risk_pk": w.plan["risk"],
        }
    if name.startswith("charters:"):
        return {
            "team_pk": w.team.pk,
            "number": w.charter["number"],
            "pk": w.charter["meeting"],
            "decision_pk": w.charter["decision"],
        }
    if name.startswith("transparency:"):
        return {"team_pk": w.team.pk, "row_pk": w.transparency["row"]}
    if name.startswith("instruments:"):
        return {"key": "msc-diagnostics", "number": 1}
    if name.startswith("diagnostics:"):
        results = name.startswith("diagnostics:results") or name.endswith("recommendation_plan")
        return {
            "team_pk": w.team.pk,
            "pk": w.diagnostics["closed" if results else "open"].pk,
            "domain": "purpose",
            "index": 0,
        }
    if name.startswith("phases:"):
        return {"team_pk": w.team.pk, "task_id": PHASE_TASK}
    if name.startswith(("cases:", "privacy:")):
        c = w.cases
        case = {"cases:triage": c["referral"], "privacy:restriction_lift": c["restricted"]}.get(
            name, c["case"]
        )
        danger = name in ("cases:danger_confirm", "privacy:danger_review")
        return {
            "team_pk": w.team.pk,
            "case_pk": case.pk,
            "note_pk": c["note"].pk,
            "kind": "note",
            "item_pk": c["note"].pk,
            "decision_pk": c["danger" if danger else "decision"].pk,
            "consent_pk": c["consent"].pk,
            "audience": "adult",
            "notice_pk": c["notice"].pk,
            "request_pk": c["restriction"].pk,
        }
    for ext in extensions():
        found = ext.page_kwargs(w, name)
        if found is not None:
            return found
    if name.startswith("web:job"):
        return {"pk": w.job.pk}
    if name == "accounts:token_revoke":
        return {"pk": token_pk or 1}
    if name.startswith("accounts:user_"):
        return {"pk": w.target.pk}
    if name == "accounts:password_set":
        return {"uidb64": "MQ", "token": "set-password"}
    return {}


def api_payloads(w: MatrixWorld) -> dict[str, dict[str, Any]]:
    payloads = _api_payloads(w)
    for ext in extensions():
        payloads |= ext.api_payloads(w)
    return payloads


def _api_payloads(w: MatrixWorld) -> dict[str, dict[str, Any]]:
    return {
        "create_organisation": {"name": "New", "country": "DE", "city": "Kiel", "sector": "police"},
        "update_organisation": {
            "name": "Renamed",
            "country": "DE",
            "city": "Kiel",
            "sector": "social_services",
        },
        "set_flags": {"is_security": True, "is_state": False, "reason": "test"},
        "add_member": {"email": "person@example.org", "full_name": "A Person"},
        "create_team": {
            "name": "N",
            "city": "C",
            "country": "DE",
            "coordinator_membership_id": OrganisationMembership.objects.filter(
                user=w.users[S.ORG_MEMBER]
            )
            .values_list("pk", flat=True)
            .first(),
        },
        "update_team": {"name": "N", "city": "C", "country": "DE", "scope": "both"},
        "add_organisation": {"organisation_id": w.police.pk},
        "add_team_member": {"user_id": w.users[S.ORG_MEMBER].pk, "organisation_id": w.org.pk},
        "set_role": {"role": "observer"},
        "invite": {"email": "x@example.org", "organisation_id": w.org.pk},
        # transparency
        "save_role_profile": {**TRANSPARENCY_PROFILE, "mandate": "Changed"},
        "create_protocol_row": {
            "from_organisation_id": w.police.pk,
            "to_organisation_id": w.org.pk,
            "category": "health",
            "rule": "never",
        },
        "update_protocol_row": {
            "from_organisation_id": w.police.pk,
            "to_sector": "social_services",
            "category": "identity",
            "rule": "never",
        },
        # phases
        "update_phase_task": {"state": "in_progress"},
        "move_phase": {"direction": "forward", "reason": "matrix"},
        "derive_phase_model": {
            "changes": [{"op": "add", "phase": "setup", "title": "Do it", "evidence": "Proof"}],
            "note": "matrix",
        },
        # plans
        "create_goal": {"title": "New goal"},
        "update_goal": {"title": "Goal", "lifecycle_status": "active"},
        "create_plan_action": {"title": "New action", "owner_organisation_id": w.police.pk},
        "update_plan_action": {"title": "A", "owner_organisation_id": w.police.pk},
        "set_plan_action_status": {"status": "in_progress"},
        "add_plan_action_note": {"text": "Progress"},
        "create_risk": {"title": "New risk", "likelihood": 3, "impact": 3},
        "update_risk": {"title": "R", "likelihood": 2, "impact": 4},
        # charters
        "start_charter_draft": {"language": "en"},
        "update_charter_draft": {"purpose_scope": "Purpose", "change_note": "Changed"},
        "create_meeting": {"held_on": "2026-02-01", "title": "New meeting"},
        "update_meeting": {"held_on": "2026-01-15", "title": "Meeting", "minutes": "Minutes"},
        "correct_minutes": {"reason": "A name was wrong"},
        "create_goal_from_decision": {"title": "Goal from a decision"},
        "create_action_from_decision": {"goal_id": w.plan["goal"], "title": "Action"},
        # instruments
        "import_instrument": {"format": "yaml", "content": IMPORTED_INSTRUMENT},
        # diagnostics
        "open_round": {"title": "New", "closes_on": "2099-01-01"},
        "invite_round": {},
        "save_my_response": {"answers": {"purpose_1": 4}},
        "submit_my_response": {"answers": w.diagnostics["answers"]},
        # cases
        "create_referral": {
            "concern": "Talks about a group",
            "gender": "male",
            "age_band": "18_20",
            "phenomenon": "vrwe",
            "setting": "community",
        },
        "triage_case": {"outcome": "rejected", "code": w.cases["reject_code"]},
        "search_cases": {"name": "Max Muster", "birth_date": "2006-03-01"},
        "update_case": {"purpose": "A new purpose"},
        "move_case": {"stage": "information_gathering"},
        "add_participant": {"organisation_id": w.police.pk, "reason": "Needed"},
        "transfer_case": {"to_organisation_id": w.cases["p"], "reason": "Moves"},
        "set_identity": {"name": "Max Muster"},
        "create_note": {"title": "T", "text": "X", "category": "situation", "secrecy": "none"},
        "share_item": {
            "item_kind": "note",
            "item_id": str(w.cases["note"].pk),
            "organisation_ids": [w.police.pk],
            "purpose": "Needs to know",
            "basis": "protocol",
            "client_informed": True,
        },
        "record_consent": {
            "kind": "participation",
            "purpose": "Support",
            "given_by": "client",
            "form": "written",
            "given_on": datetime.date.today().isoformat(),
        },
        "withdraw_consent": {"note": "Client withdrew"},
        "request_restriction": {"reason": "Client asks"},
        "add_relative": {"relation": "mother", "name": "A Relative"},
        "set_capacity": {"capacity": True, "note": "Talked with them"},
        "request_share": {"to_organisation_id": w.cases["p"], "reason": "Needed for the plan"},
    }


#: cases: query parameters an operation needs (without them it answers 422 to everyone)
API_QUERY = {"remove_participant": "?reason=Done"}


def fill(path: str, w: MatrixWorld) -> str:
    for ext in extensions():
        path = ext.fill(path, w)
    return (
        path.replace("{org_id}", str(w.org.pk))
        .replace("{team_id}", str(w.team.pk))
        .replace("{member_id}", str(w.team_member.pk))
        .replace("{membership_id}", str(w.membership.pk))
        .replace("{task_id}", PHASE_TASK)  # phases
        .replace("{goal_id}", str(w.plan["goal"]))
        .replace("{action_id}", str(w.plan["action"]))
        .replace("{risk_id}", str(w.plan["risk"]))
        .replace("{number}", str(w.charter["number"]))
        .replace("{meeting_id}", str(w.charter["meeting"]))
        .replace("{decision_id}", str(w.charter["decision"]))
        .replace("{row_id}", str(w.transparency["row"]))  # transparency
        .replace("{key}", "msc-diagnostics")  # instruments
        .replace("{number}", "1")
        .replace("{round_id}", str(w.diagnostics["open"].pk))  # diagnostics
        .replace("{case_id}", str(w.cases["case"].pk))  # cases
        .replace("{organisation_id}", str(w.cases["p"]))
        .replace("{note_id}", str(w.cases["note"].pk))
        .replace("{consent_id}", str(w.cases["consent"].pk))
        .replace("{notice_id}", str(w.cases["notice"].pk))
    )


@pytest.mark.django_db
@pytest.mark.parametrize("subject", list(Subject), ids=lambda s: s.name.lower())
def test_every_url_answers_as_declared(subject: Subject, world: MatrixWorld, settings: Any) -> None:
    settings.BASE_URL = "https://matrix.example.org"  # training: did:web needs an https address
    w = world
    pages = page_patterns()
    operations = api_operations()
    payloads = api_payloads(w)
    failures: list[str] = []
    requests = 0
    user = w.users.get(subject)
    client = verified_client(user) if user else Client()
    for name, rules in URLS.items():
        is_api = name.startswith("api:")
        if is_api:
            op = name.removeprefix("api:")
            path, _methods = operations[op]
        for method in METHODS:
            rule = rules.get(method)
            if is_api and rule is None:
                # another operation may serve this method on the same path
                same_path = [n for n, (p, m) in operations.items() if p == path and method in m]
                if same_path:
                    continue
            cookies = copy.deepcopy(client.cookies)
            with transaction.atomic():
                token_pk = None
                if user is not None and name == "accounts:token_revoke":
                    from icommit.accounts.tokens import token_create

                    token_pk = token_create(actor=user, name="t")[0].pk
                if is_api:
                    target = path
                    if op == "triage_case":  # triage acts on the referral R
                        target = path.replace("{case_id}", str(w.cases["referral"].pk))
                    elif op == "confirm_share":  # the danger share waits for a second person
                        target = path.replace("{decision_id}", str(w.cases["danger"].pk))
                    elif "/cases/" in path:  # a sharing decision of C (not a charter's)
                        target = path.replace("{decision_id}", str(w.cases["decision"].pk))
                    url = fill(target, w) + API_QUERY.get(op, "")
                    body = payloads.get(op, {})
                    response = client.generic(
                        method,
                        url,
                        json.dumps(body) if method != "GET" else "",
                        content_type="application/json",
                    )
                else:
                    wanted = re.findall(r"<(?:\w+:)?(\w+)>", pages[name])
                    kwargs = {
                        k: v for k, v in page_kwargs(w, name, token_pk).items() if k in wanted
                    }
                    url = reverse(name, kwargs=kwargs or None)
                    if name == "web:job_download":
                        url += f"?t={download_token(w.job)}"
                    response = client.generic(method, url)
                transaction.set_rollback(True)
            client.cookies = cookies  # a logout in this request must not carry over
            requests += 1
            want = expected(rule, subject, is_api)
            if not matches(want, response.status_code, response.get("Location", "")):
                failures.append(
                    f"{method} {name} as {subject.value}: got {response.status_code}, want {want}"
                )
    assert requests > 150
    assert failures == [], "\n".join(failures)


def test_every_team_page_link_is_shown_by_the_action_that_guards_its_page() -> None:
    links = web.team_links()
    assert links
    for link in links:
        rule = URLS[link.url_name]["GET"]
        assert link.action is not None, link.url_name
        assert link.action == rule.need, link.url_name
