"""Every URL, every method, every subject: the answer must be what the declared matrix implies.

The expected status is derived from ``access.matrix.DECLARED`` and ``URLS`` alone, never from
the policies; a URL or API operation missing from ``URLS`` fails the test.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
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
from icommit.stakeholders.models import Organisation, OrganisationMembership
from icommit.stakeholders.sectors import Sector
from icommit.teams.models import Team, TeamMembership, TeamOrganisation
from icommit.teams.services import team_invite
from tests.conftest import verified_client
from tests.factories import OrganisationFactory, TeamFactory, UserFactory, grant, member_of

S = Subject
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
VIEW_ACTION = {"org": Action.ORGANISATION_VIEW, "team": Action.TEAM_VIEW, "job": Action.JOB_VIEW}


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
    return MatrixWorld(
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


def test_the_declared_matrix_covers_every_action() -> None:
    assert set(DECLARED) == set(Action)
    assert len(as_rows()) == len(Action) + 1


@pytest.mark.django_db
def test_policies_answer_as_declared() -> None:
    w = build()
    objects = {"organisation": w.org, "team": w.team, "job": w.job}
    for action in Action:
        kind = action.value.split(".")[0]
        obj = objects.get(kind)
        for subject in Subject:
            user = w.users.get(subject)
            answer = can(user, action, obj) if user else False
            assert answer is (subject in DECLARED[action]), (action, subject)


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
    if rule.obj is not None and subject not in DECLARED[VIEW_ACTION[rule.obj]]:
        return "404"
    if not any(subject in DECLARED[a] for a in (rule.need, *rule.also)):
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
    }


def fill(path: str, w: MatrixWorld) -> str:
    return (
        path.replace("{org_id}", str(w.org.pk))
        .replace("{team_id}", str(w.team.pk))
        .replace("{member_id}", str(w.team_member.pk))
        .replace("{membership_id}", str(w.membership.pk))
    )


@pytest.mark.django_db
@pytest.mark.parametrize("subject", list(Subject), ids=lambda s: s.name.lower())
def test_every_url_answers_as_declared(subject: Subject) -> None:
    w = build()
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
                    url = fill(path, w)
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
