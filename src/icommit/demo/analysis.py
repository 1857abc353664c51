"""Demo City's Social Diagnostics: analyses on four demo cases, built through the analysis services.

- Case 1 (plan active): perspectives of the exit NGO, social services and the police, and the
  client's own view recorded by the exit NGO. The police share theirs with the exit NGO (the
  protocol); social services share theirs with the exit NGO on a release; the exit NGO shares its
  own view with social services only and keeps the client's view to itself. So
  ``casemanager@example.org`` sees four columns, divergence on peers and family and no missing
  view, while ``police@example.org`` sees only its own column: no non-security view, no client
  view, gender not considered. A case formulation in two versions.
- Case 9 (case conference): only the police have recorded and shared a perspective: the case
  manager's grid says there is no non-security view and no client view.
- Case 10 (consent, a minor): the youth office's perspective, shared with the exit NGO on a
  release, and the exit NGO's; no client view yet.
- Case 11 (review): a first analysis with the exit NGO's perspective and a formulation, then a
  second analysis after the review with the exit NGO's new perspective: the grid and the new
  formulation show the change per domain.
All words are invented for the demo; no perspective describes a real person.
"""

from __future__ import annotations

import datetime
from typing import Any

from icommit.accounts.models import User
from icommit.analysis import services as sd
from icommit.analysis.models import Analysis, Perspective
from icommit.cases import kinds
from icommit.cases import services as cs
from icommit.cases.models import Case
from icommit.instruments.models import InstrumentVersion
from icommit.sharing.models import ProtocolRow
from icommit.sharing.services import protocol_row_create
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team

#: who records for each organisation
AUTHORS = {
    "exit": "casemanager@example.org",
    "social": "socialworker@example.org",
    "police": "police@example.org",
    "youth": "youth@example.org",
    "probation": "probation@example.org",
}
#: the secrecy each author is bound by (as in demo.cases)
SECRECY = {
    "exit": "professional",
    "social": "social_data",
    "youth": "social_data",
    "police": "official",
    "probation": "official",
}
POLICE_LAW = "Police law of the Land: passing on information to prevent danger"


def _rating(concern: Any, resource: Any, why: str) -> dict[str, Any]:
    return {"concern": concern, "resource": resource, "rationale": why}


def _answers(
    ratings: dict[str, tuple[Any, Any, str]],
    *,
    involved: str = "without_client",
    gender: str = "not_considered",
    gender_notes: str = "",
    **extra: Any,
) -> dict[str, Any]:
    out: dict[str, Any] = {"client_involved": involved, "gender_considered": gender}
    if gender_notes:
        out["gender_notes"] = gender_notes
    for domain, (c, r, why) in ratings.items():
        out[domain] = _rating(c, r, why)
    out.update(extra)
    return out


class _Analysis:
    def __init__(self, team: Team, orgs: dict[str, Organisation], users: dict[str, User]):
        self.team, self.orgs, self.users = team, orgs, users
        self.cm = users["casemanager@example.org"]
        self.coordinator = users["coordinator@example.org"]

    def author(self, org: str) -> User:
        return self.users[AUTHORS[org]]

    def perspective(
        self, analysis: Analysis, org: str, answers: dict[str, Any], viewpoint: str = "organisation"
    ) -> Perspective:
        author = self.author(org)
        p = sd.perspective_create(
            actor=author,
            analysis=analysis,
            organisation=self.orgs[org],
            viewpoint=viewpoint,
            secrecy=SECRECY.get(org, "none"),
            answers={},
        )
        return sd.perspective_submit(actor=author, perspective=p, answers=answers)

    def _rows(self, sender: str, to: str, categories: tuple[str, ...], rule: str) -> None:
        for category in categories:
            if ProtocolRow.objects.filter(
                team=self.team,
                from_organisation=self.orgs[sender],
                to_organisation=self.orgs[to],
                category=category,
            ).exists():
                continue
            protocol_row_create(
                actor=self.coordinator,
                team=self.team,
                values={
                    "from_organisation_id": self.orgs[sender].pk,
                    "to_organisation_id": self.orgs[to].pk,
                    "category": category,
                    "rule": rule,
                    "legal_source": POLICE_LAW if rule == "always" else "",
                },
            )

    def share(self, case: Case, item: Any, sender: str, to: list[str]) -> None:
        """Police share on the protocol (a security actor's items never leave on consent);
        everyone else on a release from confidentiality the client gave for the purpose."""
        categories = tuple(kinds.of(item).categories_of(item))
        actor = self.author(sender)
        for recipient in to:
            self._rows(sender, recipient, categories, "always" if sender == "police" else "consent")
        if sender == "police":
            cs.item_share(
                actor=actor,
                case=case,
                item=item,
                organisations=[self.orgs[o] for o in to],
                purpose="Preparing the case conference",
                basis="protocol",
                client_informed=True,
            )
            return
        consent = cs.consent_record(
            actor=actor,
            case=case,
            kind="release",
            organisation=self.orgs[sender],
            professional="Social worker",
            recipients=[self.orgs[o] for o in to],
            categories=list(categories),
            purpose="Social Diagnostics: comparing perspectives for the case conference",
            given_by="client",
            form="written",
            given_on=datetime.date.today(),
        )
        cs.item_share(
            actor=actor,
            case=case,
            item=item,
            organisations=[self.orgs[o] for o in to],
            purpose="Social Diagnostics: comparing perspectives for the case conference",
            basis="consent",
            consent=consent,
            client_informed=True,
        )


def _case_plan_active(a: _Analysis, case: Case) -> None:
    analysis = sd.analysis_open(actor=a.cm, case=case)
    own = a.perspective(
        analysis,
        "exit",
        _answers(
            {
                "family": (1, 3, "His sister keeps in touch and wants to help."),
                "peers": (1, 1, "He has stopped going to the group's meetings."),
                "work": (2, 1, "No job yet; a training place is being sought."),
                "housing": (2, 0, "Rent arrears; he may lose the flat."),
                "ideology": (2, "unknown", "Still repeats the group's slogans in talks."),
            },
            gender="considered",
            gender_notes="Being the 'protector' of the family was part of what drew him in.",
        ),
    )
    client = a.perspective(
        analysis,
        "exit",
        _answers(
            {
                "family": (0, 3, "He says his sister is the one person he trusts."),
                "work": (3, 1, "He says work is what worries him most."),
            },
            involved="with_client",
            gender="considered",
            gender_notes="He talks about having to provide for his family.",
            client_view="I want a job and my own flat; the group is behind me.",
            client_goals="A training place before the summer.",
        ),
        viewpoint="client",
    )
    social = a.perspective(
        analysis,
        "social",
        _answers(
            {
                "housing": (3, 1, "Eviction notice received; a new flat is being arranged."),
                "work": (2, 1, "Registered with the job centre."),
                "family": (1, 2, "Contact with the mother is tense."),
            }
        ),
    )
    police = a.perspective(
        analysis,
        "police",
        _answers(
            {
                "peers": (3, 0, "Still in contact with two known members of the group."),
                "family": (3, 0, "A brother is known to the police for threats."),
                "justice": (1, "unknown", "No open investigation."),
            }
        ),
    )
    a.share(case, police, "police", ["exit"])
    a.share(case, social, "social", ["exit"])
    a.share(case, own, "exit", ["social"])
    del client  # the client's view stays with the exit NGO
    data = {
        "domains": {
            "family": {"concern": 1, "resource": 3, "note": "The sister is the main resource."},
            "housing": {"concern": 3, "resource": 1, "note": "Keep the flat first."},
            "peers": {"concern": 2, "resource": 1, "note": "Views differ: police see ties."},
        },
        "summary": "Housing and work come first; the sister is the main resource.",
        "hypotheses": "The group gave him a role as provider; a job may give it instead. "
        "Competing: the ties the police see are still strong.",
        "needs": "A flat, a training place, a contact person outside the scene.",
        "tasks": [
            {"service": "Social services", "task": "Settle the rent arrears."},
            {"service": "Exit NGO", "task": "Weekly talks; involve the sister."},
        ],
    }
    sd.formulation_agree(actor=a.cm, analysis=analysis, data=data)
    data["summary"] = (
        "Housing and work come first; the sister is the main resource; the police's view on "
        "peers is checked at the next conference."
    )
    sd.formulation_agree(actor=a.cm, analysis=analysis, data=data)


def _case_conference(a: _Analysis, case: Case) -> None:
    analysis = sd.analysis_open(actor=a.cm, case=case)
    police = a.perspective(
        analysis,
        "police",
        _answers(
            {
                "peers": (3, 0, "Letters from the scene arrive in prison."),
                "safety": (2, "unknown", "Former associates may see leaving as betrayal."),
            }
        ),
    )
    a.share(case, police, "police", ["exit"])


def _case_minor(a: _Analysis, case: Case) -> None:
    analysis = sd.analysis_open(actor=a.cm, case=case)
    youth = a.perspective(
        analysis,
        "youth",
        _answers(
            {
                "family": (2, 2, "Mother supports him; the father shares some of the views."),
                "education": (2, 2, "Absent often; a teacher he trusts."),
                "online": (3, "unknown", "Active in chat groups of the milieu."),
            },
            gender="considered",
            gender_notes="The online groups praise a hard kind of masculinity he admires.",
        ),
    )
    a.perspective(
        analysis,
        "exit",
        _answers(
            {
                "family": (1, 3, "The mother is a strong resource."),
                "online": (2, 1, "He has left one of the chat groups."),
            }
        ),
    )
    a.share(case, youth, "youth", ["exit"])


def _case_review(a: _Analysis, case: Case) -> None:
    first = sd.analysis_open(actor=a.cm, case=case)
    a.perspective(
        first,
        "exit",
        _answers(
            {
                "work": (3, 0, "No work and no plan."),
                "peers": (3, 1, "Meets the group every weekend."),
                "family": (2, 1, "Little contact."),
            }
        ),
    )
    sd.formulation_agree(
        actor=a.cm,
        analysis=first,
        data={
            "domains": {
                "work": {"concern": 3, "resource": 0, "note": ""},
                "peers": {"concern": 3, "resource": 1, "note": ""},
            },
            "summary": "Work and distance from the group are the first aims.",
        },
    )
    second = sd.analysis_open(
        actor=a.cm, case=case, reason="Six-month review: work placement started."
    )
    a.perspective(
        second,
        "exit",
        _answers(
            {
                "work": (1, 2, "Work placement since March; he goes every day."),
                "peers": (2, 2, "Sees the group rarely; new colleagues."),
                "family": (2, 1, "Little contact, unchanged."),
            }
        ),
    )
    sd.formulation_agree(
        actor=a.cm,
        analysis=second,
        data={
            "domains": {
                "work": {"concern": 1, "resource": 2, "note": "The placement holds."},
                "peers": {"concern": 2, "resource": 2, "note": ""},
            },
            "summary": "The placement works; keep distance from the group as the next aim.",
        },
    )


def build(
    *, team: Team, orgs: dict[str, Organisation], users: dict[str, User], second_team: Team
) -> None:
    """The Social Diagnostics of Demo City's cases (nothing when they exist already)."""
    if Analysis.objects.filter(case__team=team).exists():
        return
    if not InstrumentVersion.objects.filter(instrument__key="social-diagnostics").exists():
        return
    cases = list(Case.objects.filter(team=team).order_by("number"))
    if len(cases) < 11:
        return
    a = _Analysis(team, orgs, users)
    _case_plan_active(a, cases[0])
    _case_conference(a, cases[8])
    _case_minor(a, cases[9])
    _case_review(a, cases[10])
