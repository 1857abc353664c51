"""Demo City's intervention plans, contacts and outcomes, on the cases of ``demo/cases.py`` (run
after it), all written through the interventions services.

- Case 1 (plan active): goals in housing, work, leisure and a general one; measures for exit
  counselling, social services, the employment agency and the police; the plan is shared with
  social services and the employment agency on the client's release, not with the police (so
  the plan page says the police cannot see its measure). The work was scaled up to high after
  a threat and down to medium again; the plan's review is overdue, as is one measure.
- Case 11 (review): a plan whose measure of the employment agency is overdue; the last contact
  was 45 days ago, so the case drifts without contact on the case manager's home page.
- Case 9 (case conference): a plan started with one goal; contacts this month.
- Case 2 (closed): the outcome at closure. Case 12 (aftercare): the outcome at closure and a
  first follow-up. A justice agency taking part in a case reports that no new proceedings are
  known (status "no new proceedings known").

All texts are invented; no case describes a real person.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from icommit.accounts.models import User
from icommit.cases import kinds
from icommit.cases import services as cases
from icommit.cases.models import Case, CaseParticipant, Consent
from icommit.interventions import services
from icommit.interventions.models import Plan
from icommit.interventions.policies import JUSTICE_SECTORS
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team

#: Who records for each organisation (the demo people of ``demo/builder.py``).
PEOPLE = {
    "exit": "casemanager",
    "social": "socialworker",
    "police": "police",
    "probation": "probation",
    "employment": "employment",
    "youth": "youth",
    "housing": "housing",
    "prison": "prison",
    "school": "teacher",
}


def _case(team: Team, n: int) -> Case | None:
    return (
        Case.objects.select_related("client", "team")
        .filter(team=team, number__endswith=f"-{n:03d}")
        .first()
    )


class _Demo:
    def __init__(self, team: Team, orgs: dict[str, Organisation], users: dict[str, User]):
        self.team, self.orgs, self.users = team, orgs, users
        self.today = timezone.localdate()
        self.cm = users["casemanager@example.org"]

    def day(self, offset: int) -> datetime.date:
        return self.today + datetime.timedelta(days=offset)

    def taking_part(self, case: Case) -> dict[str, Organisation]:
        ids = set(
            CaseParticipant.objects.filter(case=case, left_at__isnull=True).values_list(
                "organisation_id", flat=True
            )
        )
        return {k: o for k, o in self.orgs.items() if o.pk in ids}

    def person(self, key: str) -> User | None:
        return self.users.get(f"{PEOPLE.get(key, '')}@example.org")

    def contact(self, case: Case, key: str, days_ago: int, kind: str) -> None:
        person, org = self.person(key), self.taking_part(case).get(key)
        if person is not None and org is not None:
            services.contact_record(
                actor=person, case=case, organisation=org, on=self.day(-days_ago), kind=kind
            )

    def share_plan(self, case: Case, plan: Plan, keys: list[str]) -> None:
        """Share the plan on a release of the client that covers it for these organisations."""
        recipients = [o for k, o in self.taking_part(case).items() if k in keys]
        categories = kinds.get("plan").categories_of(plan)
        for consent in Consent.objects.filter(case=case, kind="release", withdrawn_at__isnull=True):
            covered = [
                o
                for o in recipients
                if all(
                    cases.consent_covers(consent, category=c, organisation_id=o.pk)
                    for c in categories
                )
            ]
            if covered and consent.organisation_id == plan.origin_organisation_id:
                cases.item_share(
                    actor=self.cm,
                    case=case,
                    item=plan,
                    organisations=covered,
                    purpose="Coordinating the support in the intervention plan",
                    basis="consent",
                    consent=consent,
                    client_informed=True,
                )
                return


def _plan_active(d: _Demo, case: Case) -> None:
    """Case 1: a full plan, shared with social services and the employment agency."""
    part = d.taking_part(case)
    housing = services.goal_create(
        actor=d.cm,
        case=case,
        domain="housing",
        statement="A flat of his own in another district, away from the group's meeting places",
        review_date=d.day(20),
    )
    work = services.goal_create(
        actor=d.cm,
        case=case,
        domain="work",
        statement="A training place in warehouse logistics and a regular day",
        review_date=d.day(45),
    )
    peers = services.goal_create(
        actor=d.cm,
        case=case,
        # leisure, not peers: a peers goal holds ideology data, which the demo's releases do
        # not cover, so the plan could not go to social services
        domain="leisure",
        statement="A football club and friends outside the scene; no contact with its leaders",
        achievement_status="improving",
        review_date=d.day(-3),
    )
    services.goal_create(
        actor=d.cm,
        case=case,
        domain="general",
        statement="He says: 'I want a normal life where nobody tells me who to hate.'",
    )
    services.measure_create(
        actor=d.cm,
        case=case,
        goal=peers,
        what="Weekly counselling at Pathways: distancing, new contacts, a football club",
        responsible=d.orgs["exit"],
        review_date=d.day(30),
    )
    if "social" in part:
        services.measure_create(
            actor=d.cm,
            case=case,
            goal=housing,
            what="A loan for the rent arrears and an application for a flat in another district",
            responsible=part["social"],
            due_date=d.day(-6),
        )
    if "employment" in part:
        services.measure_create(
            actor=d.cm,
            case=case,
            goal=work,
            what="Arrange a training place from next quarter",
            responsible=part["employment"],
            due_date=d.day(60),
        )
    if "police" in part:
        services.measure_create(
            actor=d.cm,
            case=case,
            goal=peers,
            what="Contact him only through the case manager, except in an emergency",
            responsible=part["police"],
            review_date=d.day(56),
        )
    services.scale_set(
        actor=d.cm,
        case=case,
        intensity="medium",
        on=d.day(-60),
        reason="Regular support agreed at the start of the plan.",
    )
    services.scale_set(
        actor=d.cm,
        case=case,
        intensity="high",
        on=d.day(-35),
        reason="A former friend from the group threatened him; more contacts for four weeks.",
    )
    services.scale_set(
        actor=d.cm,
        case=case,
        intensity="medium",
        on=d.day(-7),
        reason="No further threats; back to weekly counselling.",
    )
    services.plan_review_set(actor=d.cm, case=case, next_review=d.day(-2))
    plan = Plan.objects.get(case=case)
    d.share_plan(case, plan, ["social", "employment"])
    d.contact(case, "exit", 12, "meeting")
    d.contact(case, "exit", 5, "phone")
    d.contact(case, "social", 9, "meeting")


def _review(d: _Demo, case: Case) -> None:
    """Case 11: an overdue measure and no contact for 45 days."""
    part = d.taking_part(case)
    goal = services.goal_create(
        actor=d.cm,
        case=case,
        domain="leisure",
        statement="A new gym and evenings without the two members of the group",
        review_date=d.day(14),
    )
    services.goal_create(
        actor=d.cm,
        case=case,
        domain="work",
        statement="A work placement he keeps for three months",
        lifecycle_status="on-hold",
        achievement_status="no-change",
    )
    if "employment" in part:
        services.measure_create(
            actor=d.cm,
            case=case,
            goal=goal,
            what="Find a work placement with evening shifts off",
            responsible=part["employment"],
            due_date=d.day(-10),
        )
    services.plan_review_set(actor=d.cm, case=case, next_review=d.day(21))
    services.scale_set(
        actor=d.cm,
        case=case,
        intensity="low",
        on=d.day(-50),
        reason="Stable for three months; contacts every four weeks.",
    )
    d.contact(case, "exit", 45, "phone")


def _conference(d: _Demo, case: Case) -> None:
    """Case 9: a plan just started, one goal; contacts this month."""
    services.goal_create(
        actor=d.cm,
        case=case,
        domain="housing",
        statement="A place to live on the day of release",
        review_date=d.day(60),
    )
    services.plan_review_set(actor=d.cm, case=case, next_review=d.day(30))
    d.contact(case, "exit", 3, "meeting")


def _outcomes(d: _Demo, case: Case, *, followups: int) -> None:
    services.outcome_record(
        actor=d.cm,
        case=case,
        on=d.day(-30 * (followups + 1) * 3),
        housing="own",
        work="training",
        education="not_applicable",
        client_account="I have my own flat and I go to work. The old friends do not call anymore.",
    )
    for n in range(1, followups + 1):
        services.outcome_record(
            actor=d.cm,
            case=case,
            on=d.day(-30 * (followups + 1 - n) * 3 + 1),
            housing="own",
            work="employed",
            education="not_applicable",
            client_account="Still fine. Work is hard but it is mine.",
        )


def _offence_report(d: _Demo, ordered: list[Case]) -> None:
    """A justice agency taking part reports that no new proceedings are known."""
    for case in ordered:
        for key, org in d.taking_part(case).items():
            person = d.person(key)
            if org.sector in JUSTICE_SECTORS and person is not None:
                services.offence_report_record(
                    actor=person,
                    case=case,
                    organisation=org,
                    status="none_known",
                    on=d.day(-2),
                )
                return


@transaction.atomic
def build(
    *,
    team: Team,
    orgs: dict[str, Organisation],
    users: dict[str, User],
    second_team: Team | None = None,
    **_: Any,
) -> None:
    """The plans, contacts and outcomes of Demo City MSC (nothing when some are there)."""
    if Plan.objects.filter(case__team=team).exists():
        return
    d = _Demo(team, orgs, users)
    steps = [(1, _plan_active), (11, _review), (9, _conference)]
    for n, step in steps:
        case = _case(team, n)
        if case is not None and case.lead_organisation_id == orgs["exit"].pk:
            step(d, case)
    closed, aftercare = _case(team, 2), _case(team, 12)
    if closed is not None and closed.stage in services.OUTCOME_STAGES:
        _outcomes(d, closed, followups=0)
    if aftercare is not None and aftercare.stage in services.OUTCOME_STAGES:
        _outcomes(d, aftercare, followups=1)
    _offence_report(d, [c for c in (aftercare, closed, _case(team, 11)) if c is not None])
