"""Demo phase progress: Demo City MSC is in phase 3 (operation) after exploration and set-up.

Everything is built through the phase services; afterwards the dates of task states, moves and
the team's adapted version are set back to spread over the past months, so the history reads
like a real one. Audit events keep the time they were actually written.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from icommit.accounts.models import User
from icommit.phases import services
from icommit.phases.models import PhaseModelVersion, PhaseMove, PhaseProgress, TaskState
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team

EXPLORATION = {
    "exploration.problem-analysis": "Problem analysis “Violent extremism in Demo City” "
    "(12 pages), sent to the 14 organisations on the map.",
    "exploration.existing-networks": "List of 4 networks, among them the school social work "
    "round table and the district crime prevention council, each with a contact.",
    "exploration.stakeholder-map": "Map with 14 organisations; all recorded in icommit with "
    "their sector.",
    "exploration.first-contacts": "Notes of 12 conversations; the clinic and the prosecutor's "
    "office take part as observers.",
    "exploration.non-security-voice": "Exit counselling, youth welfare and social services "
    "commented on the draft structure before the first meeting.",
    "exploration.legal-situation": "Legal overview (German law, marked country-specific; "
    "checked by the legal services of police, social services and the exit NGO).",
    "exploration.gender-pathways": "Section on gender in the problem analysis, after talks "
    "with the women's counselling centre and the boys' work project.",
    "exploration.exit-programmes": "List of the Land's exit programmes for right-wing and "
    "Islamist extremism, with contacts and how they take on cases.",
    "exploration.mandate": "Decision of the mayor's office, item 7 of the leadership meeting.",
}

SETUP = {
    "setup.chair": "Office for Prevention chairs, deputy from social services; coordinator "
    "role set in icommit.",
    "setup.members": "11 organisations take part with confirmed members; the employment agency "
    "joined later, the clinic observes.",
    "setup.role-profiles": "Role profiles confirmed by all participating organisations.",
    "setup.legal-basis": "Legal overview per data category, reviewed by the data-protection "
    "officers of police, social services and the exit NGO.",
    "setup.sharing-protocol": "Sharing protocol version 2, confirmed by all members; the "
    "transparency matrix was discussed in the second team meeting.",
    "setup.referral-criteria": "Complex-case criteria in the charter, sent to all schools and "
    "youth centres.",
    "setup.dissent-rules": "Section 6 of the charter: dissent is recorded by organisation; "
    "escalation to the steering group.",
    "setup.meeting-rhythm": "Case conferences every second Tuesday, team meetings every quarter.",
    "setup.steering-group": "Steering group of the heads of the police station, social "
    "services, youth office and exit NGO; terms of reference and minutes of its first meeting.",
    "setup.scope": "Scope and exclusions in section 1 of the charter: cases in police-led "
    "high-risk management stay there; hand-over rules agreed with two exit programmes.",
    "setup.data-protection": "Data-protection impact assessment dated and joint-controller "
    "agreement signed by the participating organisations.",
    "setup.client-information": "Client information in plain language (German, English, "
    "Arabic, Turkish) with the complaint route to the city's data-protection officer.",
    "setup.incident-procedures": "Procedure for critical incidents and learning reviews, "
    "agreed in the team meeting.",
    "setup.risk-register": "Risk register with six risks, each with an owner.",
    "setup.baseline-diagnostics": "Baseline round of the team diagnostics held before the "
    "first referrals.",
    "setup.charter": "Charter version 1, confirmed by every member.",
}

OPERATION_DONE = {
    "operation.first-referrals": "Triage decisions for the first 6 referrals: 4 accepted, "
    "1 redirected to youth welfare, 1 rejected with reason.",
}
OPERATION_IN_PROGRESS = [
    "operation.case-conferences",
    "operation.consent",
    "operation.plans",
    "operation.team-meetings",
]


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _tick(team: Team, actor: User, tasks: dict[str, str], days_ago: int) -> None:
    for offset, (task_id, evidence) in enumerate(tasks.items()):
        services.phase_task_update(
            actor=actor, team=team, task_id=task_id, state="done", evidence=evidence
        )
        TaskState.objects.filter(team=team, task_id=task_id).update(
            updated_at=_ago(days_ago - offset * 3)
        )


def build(
    *, team: Team, orgs: dict[str, Organisation], users: dict[str, User], second_team: Team
) -> None:
    coordinator = users["coordinator@example.org"]

    _tick(team, coordinator, EXPLORATION, days_ago=230)
    first = services.phase_move(actor=coordinator, team=team, direction="forward")
    PhaseMove.objects.filter(pk=first.pk).update(moved_at=_ago(200))

    _tick(team, coordinator, SETUP, days_ago=190)
    second = services.phase_move(actor=coordinator, team=team, direction="forward")
    PhaseMove.objects.filter(pk=second.pk).update(moved_at=_ago(95))

    version = services.phase_model_derive(
        actor=coordinator,
        team=team,
        changes=[
            {
                "op": "add",
                "phase": "operation",
                "title": "Invite the housing cooperative to case conferences where housing "
                "is at stake",
                "evidence": "Housing attended the conferences of the cases concerned",
                "gate": False,
            }
        ],
        note="Several clients lost their flat during the first months; housing must be at the "
        "table early.",
    )
    PhaseModelVersion.objects.filter(pk=version.pk).update(created_at=_ago(60))

    _tick(team, coordinator, OPERATION_DONE, days_ago=80)
    for offset, task_id in enumerate(OPERATION_IN_PROGRESS):
        services.phase_task_update(
            actor=coordinator, team=team, task_id=task_id, state="in_progress"
        )
        TaskState.objects.filter(team=team, task_id=task_id).update(
            updated_at=_ago(40 - offset * 7)
        )
    PhaseProgress.objects.filter(team=team).update(entered_at=_ago(95))

    youth = users["youth@example.org"]
    _tick(
        second_team,
        youth,
        {
            "exploration.problem-analysis": "Short analysis of the northern districts, "
            "shared with the schools.",
            "exploration.existing-networks": "Two school networks and the youth centre forum.",
        },
        days_ago=20,
    )
