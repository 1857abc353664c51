"""Demo City's role profiles and the sharing protocol of the Demo City MSC, built through services.

Every organisation gets a profile started from its sector template (version 2, with distinct
duties and secrecy per profession) and adapted; the housing cooperative's profile is from the
version 1 template and was last confirmed long ago, so the matrix flags it and its page offers
version 2; nobody in the team
offers religious or ideological counselling or evaluation, so those needs show as unmet.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from icommit.accounts.models import User
from icommit.sharing.services import protocol_row_create
from icommit.stakeholders import services
from icommit.stakeholders.content import content
from icommit.stakeholders.models import (
    Organisation,
    OrganisationMembership,
    RoleProfile,
    RoleProfileConfirmation,
    RoleProfileVersion,
)
from icommit.teams.models import Team

#: Organisation key -> contact line and what Demo City adds to the template.
ADAPTATIONS: dict[str, dict[str, Any]] = {
    "municipality": {
        "contact": "Clara Coordinator, Office for Prevention; deputy: the office's duty desk.",
        "methods": " Demo City publishes a yearly prevention report and funds local projects.",
    },
    "police": {
        "contact": "Paul Police, Prevention Unit; deputy: the unit's duty officer.",
        "mandate": " Demo City Police sends the same two officers to every team meeting.",
    },
    "probation": {"contact": "Petra Probation; deputy: the regional office's team lead."},
    "prison": {"contact": "Priya Prison, social service of the facility."},
    "prosecution": {"contact": "Oskar Prosecutor, department for politically motivated crime."},
    "social": {
        "contact": "Sofia Socialworker, Demo City Social Services; deputy: the district team.",
        "offers": [{"code": "housing", "text": "Emergency housing for up to three months."}],
    },
    "youth": {"contact": "Yara Youthworker, Youth Welfare Office; deputy: the duty service."},
    "exit": {
        "contact": "Kemal Casemanager, Pathways; deputy: the Pathways office.",
        "mandate": " Pathways works with right-wing and Islamist extremism alike.",
    },
    "school": {"contact": "Tom Teacher, with the school social worker as deputy."},
    "health": {"contact": "Hanna Psychiatrist, outpatient clinic."},
    "employment": {"contact": "Emil Employment, team for young adults."},
    "housing": {"contact": "Hugo Housing, tenant services."},
    "research": {"contact": "Eva Evaluator, Institute for Applied Prevention Research."},
    "training": {"contact": "Tara Trainer, Demo City Academy for Prevention Work."},
}

#: The housing cooperative last confirmed its profile this long ago.
STALE_DAYS = 430


def _author(org: Organisation) -> User:
    membership = (
        OrganisationMembership.objects.active()
        .filter(organisation=org)
        .select_related("user")
        .order_by("-is_org_admin", "pk")
        .first()
    )
    if membership is None:
        raise LookupError(f"no confirmed member of {org}")
    return membership.user


def _profile(org: Organisation, adaptation: dict[str, Any], *, version: int = 2) -> None:
    shipped = content()
    if version == 2 and shipped.v2 is not None and org.sector in shipped.v2.templates:
        values = shipped.v2.templates[org.sector].draft("en")
    else:
        values = shipped.templates[org.sector].draft("en")
    values["contact"] = adaptation["contact"]
    for key in ("mandate", "methods"):
        values[key] += adaptation.get(key, "")
    values["offers"] = [*values["offers"], *adaptation.get("offers", [])]
    services.role_profile_save(
        actor=_author(org), organisation=org, values=values, based_on=0, template=org.sector
    )


def _make_stale(org: Organisation) -> None:
    # Demo only: move the one version and its confirmation back in time, so the age flag shows.
    then = timezone.now() - datetime.timedelta(days=STALE_DAYS)
    RoleProfileVersion.objects.filter(profile__organisation=org).update(created_at=then)
    RoleProfileConfirmation.objects.filter(version__profile__organisation=org).update(
        confirmed_at=then
    )
    RoleProfile.objects.filter(organisation=org).update(confirmed_at=then)


def _protocol(team: Team, orgs: dict[str, Organisation], coordinator: User) -> None:
    def org(key: str) -> dict[str, int]:
        return {"id": orgs[key].pk}

    rows: list[tuple[dict[str, Any], dict[str, Any], str, str, str, str]] = [
        (org("exit"), {"sector": "police"}, "identity", "consent", "",
         "Conferences show the pseudonym; the name only with written consent."),
        (org("exit"), {"sector": "police"}, "risk", "legal_basis",
         "Imminent danger to others, recorded with a reason", ""),
        (org("police"), org("exit"), "risk", "legal_basis",
         "Police law: passing on information to prevent danger", ""),
        (org("police"), {"sector": "exit_counselling"}, "ideology", "never", "",
         "Assessments of the scene stay with the police."),
        ({"sector": "health"}, {"sector": "police"}, "health", "legal_basis",
         "Present danger to life or limb of others (§ 34 StGB), recorded with a reason",
         "Only what is needed to avert the danger; the clinic informs the client afterwards "
         "unless that endangers someone."),
        (org("health"), org("exit"), "health", "consent", "", ""),
        ({"sector": "social_services"}, {"sector": "youth_welfare"}, "family", "legal_basis",
         "Protective mandate for children (§8a SGB VIII)", ""),
        (org("school"), org("youth"), "situation", "legal_basis",
         "§ 4 KKG: weighty signs that a pupil's welfare is at risk, after talking with the "
         "family first where that does not endanger the pupil", ""),
        (org("youth"), org("school"), "plan", "consent", "",
         "Only the parts of the plan the school carries out."),
        (org("probation"), org("exit"), "offence", "legal_basis",
         "Court instruction naming the exit programme", ""),
        (org("prison"), org("probation"), "plan", "always",
         "Prison law: release planning", ""),
        (org("prison"), org("exit"), "plan", "consent", "", ""),
        (org("employment"), org("exit"), "situation", "consent", "", ""),
        (org("housing"), {"sector": "social_services"}, "situation", "consent", "",
         "Rent arrears only, to prevent eviction."),
        (org("prosecution"), {"sector": "exit_counselling"}, "offence", "legal_basis",
         "Decision to drop proceedings with a condition", ""),
        (org("exit"), {"sector": "prosecution"}, "ideology", "never", "",
         "The exit NGO does not pass on what is said in counselling to prosecution. This "
         "binds the team, not the law: files can still be seized (§§ 94, 97 StPO)."),
        (org("police"), {"sector": "social_services"}, "identity", "legal_basis",
         "Danger to a child's welfare", ""),
    ]  # fmt: skip
    for origin, target, category, rule, source, note in rows:
        protocol_row_create(
            actor=coordinator,
            team=team,
            values={
                "from_organisation_id": origin.get("id"),
                "from_sector": origin.get("sector", ""),
                "to_organisation_id": target.get("id"),
                "to_sector": target.get("sector", ""),
                "category": category,
                "rule": rule,
                "legal_source": source,
                "note": note,
            },
        )


def build(
    *, team: Team, orgs: dict[str, Organisation], users: dict[str, User], second_team: Team
) -> None:
    """Profiles for every demo organisation and the Demo City MSC's sharing protocol."""
    for key, org in orgs.items():
        # the housing cooperative's profile is old: from the version 1 template, unconfirmed for
        # more than a year, so its page offers the version 2 template and asks for a check
        _profile(org, ADAPTATIONS[key], version=1 if key == "housing" else 2)
    _make_stale(orgs["housing"])
    services.role_profile_confirm(
        actor=users["socialworker@example.org"], organisation=orgs["social"], version=1
    )
    _protocol(team, orgs, users["coordinator@example.org"])
