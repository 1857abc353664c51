"""Demo City's cases: fourteen fictional cases in every stage of the case process.

Everything is built through the case services (``icommit.cases.services``), so every step has
its audit event, every share its sharing decision and every stage its history; the one direct
write is moving an imminent-danger decision back in time (see ``_older``). The protocol rows the
cases need and the demo team's protocol lacks are added first, by the coordinator, through
``sharing.services.protocol_row_create``.

The story is told so that logging in as ``police@example.org`` and as
``casemanager@example.org`` shows different views of the same cases: police takes part in four
cases and reads its own notes and what was shared with it; the case manager of the exit NGO
reads the NGO's notes and what was shared with it, and neither reads the other's unshared
notes. The coordinator reads no case (the municipality takes part in none); the
data-protection officer finds an unconfirmed imminent-danger share and a restriction request
in the queue. All names are invented placeholders; no case describes a real person or event.

Case (creation order, numbers follow it):
 1 plan active   adult, police referral; police sees its notes and one plan note (release);
                 the case manager asks police to share its risk summary further
 2 closed        goals reached; identity held, so case 14's referral raises a notice here
 3 triage        a re-referral: closed, referred again, taken up by triage
 4 rejected      views alone are not a case
 5 redirected    acute danger, fast track to the police
 6 accepted      court instruction naming the exit programme (probation)
 7 information gathering   led by social services; a restriction request for the DPO
 8 assessment    investigation open, prosecution consulted; danger share unconfirmed > 24 h
 9 case conference  release from prison in about seven months; identity shared with police
10 consent       a minor: capacity recorded, guardians as relatives, turning 18 ahead
11 review        danger share confirmed by a second person; a withdrawn release
12 aftercare     closed with goals reached, follow-up talks agreed
13 plan active   family-only: the parents are counselled, the son is a third party
14 referred      a new referral that may concern the client of case 2 (notice, nothing shown)
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from icommit.accounts.models import User
from icommit.cases import services as cs
from icommit.cases.models import Case, CaseNote, ClientIdentity, Consent, ShareDecision
from icommit.cases.process import Stage
from icommit.sharing.models import ProtocolRow
from icommit.sharing.services import protocol_row_create
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team

#: Protocol rows the cases rest on that the demo protocol (demo.transparency) does not have:
#: (from, to, category, rule, legal source, note).
ROWS: list[tuple[str, str, str, str, str, str]] = [
    ("exit", "social", "situation", "consent", "",
     "Only what social services need for housing and income support."),
    ("exit", "social", "plan", "consent", "", ""),
    ("exit", "employment", "situation", "consent", "", ""),
    ("exit", "employment", "plan", "consent", "", ""),
    ("exit", "police", "plan", "consent", "",
     "Only the parts of the plan that say how the police contact the person."),
    ("exit", "youth", "situation", "consent", "", ""),
    ("exit", "youth", "plan", "consent", "", ""),
    ("social", "exit", "situation", "consent", "", ""),
    ("police", "exit", "plan", "always",
     "Police law of the Land: passing on information to prevent danger",
     "The police's own part of a plan goes to the case's lead organisation."),
]  # fmt: skip

#: The secrecy each demo author's notes carry (vocabulary v2 codes): the exit counsellor is a
#: state-recognised social worker (§ 203(1) StGB), the public social services and the youth
#: office protect social data, police, probation, prison and the school are bound by official
#: secrecy, the housing cooperative by none beyond data protection.
SECRECY = {
    "exit": "professional",
    "social": "social_data",
    "youth": "social_data",
    "employment": "social_data",
    "police": "official",
    "probation": "official",
    "prison": "official",
    "school": "official",
    "housing": "none",
}

#: How long ago the unconfirmed imminent-danger share was made (beyond the 24 hours).
UNCONFIRMED_HOURS = 30


class _Demo:
    """The team, its organisations and people, and small steps written through the services."""

    def __init__(self, team: Team, orgs: dict[str, Organisation], users: dict[str, User]):
        self.team, self.orgs, self.users = team, orgs, users
        self.today = timezone.localdate()
        self.cm = users["casemanager@example.org"]

    def user(self, key: str) -> User:
        return self.users[f"{key}@example.org"]

    def day(self, offset: int) -> datetime.date:
        return self.today + datetime.timedelta(days=offset)

    def born(self, age: int, next_birthday_in: int) -> str:
        """A birth date of someone ``age`` years old whose birthday is that many days ahead."""
        return _birth_date(self.today, age + 1, next_birthday_in)

    def refer(self, who: str, org: str, concern: str, **values: Any) -> Case:
        return cs.referral_create(
            actor=self.user(who),
            team=self.team,
            organisation=self.orgs[org],
            concern=concern,
            **values,
        )

    def accept(
        self,
        case: Case,
        purpose: str,
        answers: dict[str, tuple[str, str]],
        *,
        lead: str = "exit",
        manager: User | None = None,
        participants: Sequence[tuple[str, str]] = (),
        note: str = "",
    ) -> Case:
        case = cs.triage_start(actor=self.cm, case=case)
        case = cs.triage_decide(
            actor=self.cm,
            case=case,
            outcome=Stage.ACCEPTED.value,
            lead_organisation=self.orgs[lead],
            case_manager=manager or self.cm,
            purpose=purpose,
            answers=_answers(answers),
            note=note,
        )
        for org, reason in participants:
            cs.participant_add(
                actor=manager or self.cm, case=case, organisation=self.orgs[org], reason=reason
            )
        return case

    def move(self, case: Case, *stages: Stage, by: User | None = None) -> Case:
        for stage in stages:
            case = cs.case_move(actor=by or self.cm, case=case, target=stage.value)
        return case

    def note(
        self,
        case: Case,
        who: str,
        org: str,
        title: str,
        text: str,
        category: str,
        *,
        kind: str = "note",
    ) -> CaseNote:
        return cs.note_create(
            actor=self.user(who),
            case=case,
            organisation=self.orgs[org],
            title=title,
            text=text,
            category=category,
            secrecy=SECRECY[org],
            kind=kind,
        )

    def consent(
        self,
        case: Case,
        who: str,
        org: str,
        kind: str,
        purpose: str,
        *,
        days_ago: int,
        recipients: Sequence[str] = (),
        categories: Sequence[str] = (),
        professional: str = "",
        given_by: str = "client",
        form: str = "written",
    ) -> Consent:
        return cs.consent_record(
            actor=self.user(who),
            case=case,
            kind=kind,
            organisation=self.orgs[org],
            purpose=purpose,
            given_by=given_by,
            form=form,
            given_on=self.day(-days_ago),
            recipients=[self.orgs[r] for r in recipients],
            categories=list(categories),
            professional=professional,
        )

    def share(
        self,
        case: Case,
        who: str,
        item: Any,
        to: Sequence[str],
        purpose: str,
        basis: str,
        **values: Any,
    ) -> ShareDecision:
        values.setdefault("client_informed", True)
        return cs.item_share(
            actor=self.user(who),
            case=case,
            item=item,
            organisations=[self.orgs[o] for o in to],
            purpose=purpose,
            basis=basis,
            **values,
        )


def _answers(answers: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """Triage answers as the triage page stores them: {question: {answer, why}}."""
    return {key: {"answer": answer, "why": why} for key, (answer, why) in answers.items()}


def _older(decision: ShareDecision, hours: int) -> None:
    # The one direct write of the demo: an imminent-danger share made more than 24 hours ago,
    # so that its missing confirmation has reached the data-protection officer's queue. The
    # services stamp every decision "now" and offer no way to back-date one (rightly).
    ShareDecision.objects.filter(pk=decision.pk).update(
        decided_at=timezone.now() - datetime.timedelta(hours=hours)
    )


def _birth_date(today: datetime.date, years: int, days_to_birthday: int) -> str:
    """A birth date ``years`` years before the birthday ``days_to_birthday`` from today."""
    birthday = today + datetime.timedelta(days=days_to_birthday)
    try:
        return birthday.replace(year=birthday.year - years).isoformat()
    except ValueError:  # 29 February
        return birthday.replace(year=birthday.year - years, day=28).isoformat()


def _protocol(d: _Demo) -> None:
    coordinator = d.users["coordinator@example.org"]
    for origin, target, category, rule, source, note in ROWS:
        exists = ProtocolRow.objects.filter(
            team=d.team,
            from_organisation=d.orgs[origin],
            to_organisation=d.orgs[target],
            category=category,
        ).exists()
        if not exists:
            protocol_row_create(
                actor=coordinator,
                team=d.team,
                values={
                    "from_organisation_id": d.orgs[origin].pk,
                    "from_sector": "",
                    "to_organisation_id": d.orgs[target].pk,
                    "to_sector": "",
                    "category": category,
                    "rule": rule,
                    "legal_source": source,
                    "note": note,
                },
            )


# --- the cases ------------------------------------------------------------------------------------


def _plan_active(d: _Demo) -> Case:
    """1: the case both police and the case manager work on, each seeing something else."""
    case = d.refer(
        "police",
        "police",
        "After a check at a right-wing rally, a 23-year-old man told the officers that he wants "
        "to leave the group he has been part of for four years and does not know how. He lost "
        "his job in spring and is behind with his rent. He agreed that the police pass his name "
        "and phone number to the team so that someone contacts him.",
        gender="male",
        age_band="21_26",
        phenomenon="vrwe",
        setting="community",
        name="Jonas Beispiel",
        birth_date=d.born(23, 100),
        contact="Phone 0000 000 0001 (demo)",
    )
    case = d.accept(
        case,
        "Support leaving a violent right-wing group; stabilise housing and work",
        {
            "acute_danger": ("no", "No threats and no weapons known; he asked for help himself."),
            "violence_concern": (
                "yes",
                "He was part of the group when it attacked two young people in 2024.",
            ),
            "several_domains": ("yes", "Work, housing and debt besides the group."),
            "several_organisations": (
                "yes",
                "Exit counselling, social services (rent, housing), employment agency.",
            ),
            "investigation_open": ("no", "No open proceedings against him, says the referrer."),
            "minor": ("no", ""),
            "earlier_referrals": ("no", "No earlier case in Pathways' own records."),
            "proportionate": (
                "yes",
                "He asks for help; the joint work is limited to leaving, housing and work.",
            ),
        },
        participants=[
            ("social", "Rent arrears and a flat in another district"),
            ("employment", "Job search and training"),
            ("police", "Referred the case; contributes the risk perspective"),
        ],
    )
    cs.identity_set(
        actor=d.cm,
        case=case,
        name="Jonas Beispiel",
        birth_date=d.born(23, 100),
        address="Musterweg 12, Demo City (demo)",
        contact="Phone 0000 000 0001 (demo)",
    )
    d.move(case, Stage.INFORMATION_GATHERING)
    d.note(
        case,
        "casemanager",
        "exit",
        "First conversation",
        "We met at the Pathways office for an hour. He describes the group as his only circle "
        "of friends for four years and is afraid of how they will react when he stops coming. "
        "He lost his job at a logistics company in spring; rent arrears of about three months. "
        "He wants to move away from the street where most group members live. He agreed that "
        "we talk to social services and the employment agency.",
        "situation",
    )
    d.note(
        case,
        "casemanager",
        "exit",
        "What he says about the group",
        "He distances himself from the violence but still repeats some of the group's views. "
        "We agreed to talk about them in the coming sessions; views alone are not the reason "
        "for the case. For the counselling only: the NGO does not share this.",
        "ideology",
    )
    risk = d.note(
        case,
        "police",
        "police",
        "Risk assessment reference",
        "Assessed by the state protection department with a structured professional "
        "judgement instrument: moderate risk of renewed violence, mainly in group situations; "
        "no signs of planning. Next review in six months. The full assessment stays with the "
        "police; this summary is meant for sharing.",
        "risk",
        kind="contribution",
    )
    d.note(
        case,
        "detective",
        "police",
        "Group contacts known to the police",
        "Police knowledge of the group's current members and meeting places. Not shared: the "
        "team's protocol keeps assessments of the scene with the police.",
        "ideology",
    )
    rent = d.note(
        case,
        "socialworker",
        "social",
        "Rent arrears and housing",
        "Three months' rent arrears; the landlord has sent a warning but not yet given "
        "notice. Social services cover the arrears as a loan if he applies by the end of the "
        "month. An application for a flat in another district is under way.",
        "situation",
    )
    d.note(
        case,
        "employment",
        "employment",
        "Job search",
        "Registered as looking for work; interested in warehouse logistics. A training place "
        "with a forklift licence could start next quarter.",
        "situation",
        kind="contribution",
    )
    d.share(
        case,
        "police",
        risk,
        ["exit"],
        "So that the case manager can plan contacts safely",
        "statute",
        statute="Police law of the Land: passing on information to prevent danger",
    )
    released = d.consent(
        case,
        "socialworker",
        "social",
        "release",
        "Coordinating housing support with the case manager",
        days_ago=20,
        recipients=["exit"],
        categories=["situation"],
        professional="Sofia Socialworker, Demo City Social Services",
    )
    d.share(
        case,
        "socialworker",
        rent,
        ["exit"],
        "Coordinating housing support with the case manager",
        "consent",
        consent=released,
    )
    d.move(case, Stage.ASSESSMENT, Stage.CASE_CONFERENCE, Stage.CONSENT)
    d.consent(
        case,
        "casemanager",
        "exit",
        "participation",
        "Voluntary support in leaving the group, housing and work",
        days_ago=9,
    )
    team_release = d.consent(
        case,
        "casemanager",
        "exit",
        "release",
        "Coordinating the support in the intervention plan",
        days_ago=9,
        recipients=["social", "employment"],
        categories=["situation", "plan"],
        professional="Kemal Casemanager, exit counsellor at Pathways",
    )
    police_release = d.consent(
        case,
        "casemanager",
        "exit",
        "release",
        "So that the police know how contacts with him are agreed",
        days_ago=9,
        recipients=["police"],
        categories=["plan"],
        professional="Kemal Casemanager, exit counsellor at Pathways",
    )
    plan = d.note(
        case,
        "casemanager",
        "exit",
        "Intervention plan: agreed steps",
        "Agreed with him: 1. Weekly counselling at Pathways. 2. A loan for the rent arrears "
        "and a flat in another district (social services). 3. A training place in warehouse "
        "logistics from next quarter (employment agency). 4. The police contact him only "
        "through the case manager, except in an emergency; no visits at home or at work. "
        "Review in eight weeks.",
        "plan",
        kind="contribution",
    )
    d.move(case, Stage.PLAN_ACTIVE)
    d.share(
        case,
        "casemanager",
        plan,
        ["social", "employment"],
        "Each organisation carries out its part of the plan",
        "consent",
        consent=team_release,
    )
    d.share(
        case,
        "casemanager",
        plan,
        ["police"],
        "So that the police know how contacts with him are agreed",
        "consent",
        consent=police_release,
    )
    update = d.note(
        case,
        "casemanager",
        "exit",
        "Four weeks into the plan",
        "He has come to every session. The loan was granted; he views a flat next week. He "
        "has not been to the group's meetings since the conference and has blocked two of its "
        "chats. He is lonely in the evenings; we are looking for a sports club with him.",
        "situation",
    )
    d.share(
        case,
        "casemanager",
        update,
        ["social", "employment"],
        "Keeping the case team up to date",
        "consent",
        consent=team_release,
        ends_at=timezone.now() + datetime.timedelta(days=90),
    )
    # a recipient never passes on: the case manager asks the police to share it further
    cs.share_request(
        actor=d.cm,
        note=risk,
        to_organisation=d.orgs["social"],
        reason="The social worker visits him at home and should know the risk summary",
    )
    return cs.case_update(
        actor=d.cm,
        case=case,
        purpose=case.purpose,
        next_review=d.day(28),
    )


def _closed(d: _Demo) -> Case:
    """2: goals reached; its identity makes case 14's referral raise a notice here."""
    case = d.refer(
        "youth",
        "youth",
        "A 20-year-old who left youth care last year shares videos glorifying attacks in a "
        "chat group and has told his sister that 'someone should do that here too'. He has cut "
        "contact with most of his family and dropped out of his training.",
        gender="male",
        age_band="18_20",
        phenomenon="vie",
        setting="community",
        name="Milan Muster",
        birth_date=d.born(21, 60),
    )
    case = d.accept(
        case,
        "Support leaving a violent Islamist online milieu; training and family contact",
        {
            "acute_danger": ("no", "No concrete plan; the statement was general."),
            "violence_concern": ("yes", "Support for attacks, not his faith, is the concern."),
            "several_domains": ("yes", "Family, training, online life."),
            "several_organisations": ("yes", "Exit counselling, youth office, employment."),
            "earlier_referrals": ("no", ""),
        },
        participants=[
            ("youth", "Knows him from youth care; contact with the family"),
            ("employment", "Training place"),
        ],
    )
    cs.identity_set(
        actor=d.cm,
        case=case,
        name="Milan Muster",
        birth_date=d.born(21, 60),
        address="Beispielstraße 3, Demo City (demo)",
    )
    d.move(case, Stage.INFORMATION_GATHERING, Stage.ASSESSMENT, Stage.CASE_CONFERENCE)
    d.move(case, Stage.CONSENT)
    d.consent(
        case,
        "casemanager",
        "exit",
        "participation",
        "Voluntary exit counselling and support with training",
        days_ago=300,
    )
    d.move(case, Stage.PLAN_ACTIVE, Stage.REVIEW)
    training = d.note(
        case,
        "employment",
        "employment",
        "Training place found",
        "Started a training as a bicycle mechanic; attendance good in the first three months.",
        "situation",
    )
    release = d.consent(
        case,
        "employment",
        "employment",
        "release",
        "Telling the case manager how the training goes",
        days_ago=120,
        recipients=["exit"],
        categories=["situation"],
        professional="Placement officer, Demo City Employment Agency",
    )
    d.share(
        case,
        "employment",
        training,
        ["exit"],
        "Telling the case manager how the training goes",
        "consent",
        consent=release,
    )
    d.note(
        case,
        "casemanager",
        "exit",
        "Closing summary",
        "Training in its fourth month, regular contact with his sister, a football team on "
        "Sundays. No contact with the former chat group for five months, by his account and "
        "as far as the counselling shows. He declined aftercare; Pathways stays open to him.",
        "plan",
    )
    return cs.case_move(
        actor=d.cm,
        case=case,
        target=Stage.CLOSED.value,
        code="goals_reached",
        note="Goals of the plan reached; aftercare offered and declined.",
    )


def _re_referral(d: _Demo) -> Case:
    """3: closed once, referred again months later, now in triage."""
    case = d.refer(
        "socialworker",
        "social",
        "A 32-year-old mother of two has lived for some years in a group that rejects the "
        "state and its authorities and threatens officials who visit. She now avoids the "
        "group and asked social services for help with rent and school places.",
        gender="female",
        age_band="27_40",
        phenomenon="vrwe",
        setting="community",
    )
    case = d.accept(
        case,
        "Support keeping away from a group that threatens officials; housing and schooling",
        {
            "violence_concern": ("yes", "The group threatens officials; she was present."),
            "several_domains": ("yes", "Housing, income, the children's schooling."),
            "family_impact": ("yes", "Two children of school age."),
            "several_organisations": ("yes", "Exit counselling, social services, youth office."),
        },
        participants=[
            ("social", "Rent and income"),
            ("youth", "Two children in the household"),
        ],
    )
    d.move(case, Stage.INFORMATION_GATHERING, Stage.ASSESSMENT)
    d.note(
        case,
        "casemanager",
        "exit",
        "Conversations in the first case",
        "Four meetings. She wants the children to grow up 'normally' and is afraid that the "
        "group will take them from her if she leaves for good. She agreed to regular contact "
        "with social services but not to further joint work for now.",
        "family",
    )
    case = cs.case_move(
        actor=d.cm,
        case=case,
        target=Stage.CLOSED.value,
        code="stable_no_joint_work",
        note="She has a flat and the children go to school; social services support her in "
        "their regular work.",
    )
    case = cs.case_move(
        actor=d.cm,
        case=case,
        target=Stage.REFERRED.value,
        note="Re-referral: the youth office reports that she has moved back to the group's "
        "farm with the children and that an official was threatened there last week.",
    )
    return cs.triage_start(actor=d.cm, case=case)


def _rejected(d: _Demo) -> Case:
    """4: not taken on: views alone are not a case."""
    case = d.refer(
        "housing",
        "housing",
        "Neighbours report that a tenant, about 60, puts up leaflets of a conspiracy movement "
        "in the staircase and argues loudly about the government. Some tenants feel uneasy. No "
        "threats or violence are known.",
        gender="male",
        age_band="over_40",
        phenomenon="other",
        setting="community",
    )
    case = cs.triage_start(actor=d.cm, case=case)
    return cs.triage_decide(
        actor=d.cm,
        case=case,
        outcome=Stage.REJECTED.value,
        code="no_concern_of_violence",
        note="Views alone, however disturbing, are not a case. The cooperative's tenant "
        "services can talk with him about the house rules on leaflets.",
        answers=_answers(
            {
                "acute_danger": ("no", "No threats."),
                "violence_concern": ("no", "Leaflets and arguments, no violence or support of it."),
                "proportionate": ("no", "A case would bring him to the attention of many."),
            }
        ),
    )


def _redirected(d: _Demo) -> Case:
    """5: acute danger: handed to the police at once (fast track), not a case for the team."""
    case = d.refer(
        "socialworker",
        "social",
        "In an appointment today a 24-year-old man showed a photo of a weapon and said that "
        "Thursday's town-hall meeting on refugee housing 'will not end peacefully'; he and two "
        "others will be there. He left before we could talk further.",
        gender="male",
        age_band="21_26",
        phenomenon="vrwe",
        setting="community",
    )
    case = cs.triage_start(actor=d.cm, case=case)
    return cs.triage_decide(
        actor=d.cm,
        case=case,
        outcome=Stage.REDIRECTED.value,
        code="acute_danger_police",
        note="Fast track: the police duty officer was told at once by phone what is needed to "
        "avert the danger (the threat, the meeting, the referrer's contact); the reason is "
        "recorded in the social services' file and was confirmed by their team lead. Joint "
        "work can be considered once the danger is managed.",
        answers=_answers(
            {
                "acute_danger": ("yes", "A concrete threat against a public meeting in 3 days."),
                "violence_concern": ("yes", "A weapon and a threat of violence."),
            }
        ),
    )


def _accepted(d: _Demo) -> Case:
    """6: just accepted: a court instruction names the exit programme."""
    case = d.refer(
        "probation",
        "probation",
        "A 34-year-old man under supervision after a sentence for assault at a right-wing "
        "demonstration. The court instructed him to take part in an exit programme. He agrees "
        "to meet an exit counsellor.",
        gender="male",
        age_band="27_40",
        phenomenon="vrwe",
        setting="probation",
        name="Sven Exempel",
        birth_date=d.born(34, 200),
    )
    case = d.accept(
        case,
        "Exit counselling under a court instruction; stable work and housing",
        {
            "violence_concern": ("yes", "Convicted of assault at a demonstration."),
            "several_domains": ("yes", "Work, the group, a new partner."),
            "several_organisations": ("yes", "Probation and exit counselling."),
            "investigation_open": ("no", "The sentence is final."),
        },
        participants=[("probation", "Supervision; the court instruction names the programme")],
    )
    instruction = d.note(
        case,
        "probation",
        "probation",
        "Court instruction",
        "The court instructed him to attend an exit programme for the two years of "
        "supervision. Probation reports his attendance to the court; what is said in the "
        "counselling is not part of that report.",
        "offence",
    )
    d.share(
        case,
        "probation",
        instruction,
        ["exit"],
        "The exit counsellor needs to know the instruction and what is reported",
        "statute",
        statute="Court instruction naming the exit programme (Germany: § 56c StGB)",
    )
    return case


def _social_led(d: _Demo) -> Case:
    """7: led by social services; the client asked to restrict processing (DPO decides)."""
    sw = d.user("socialworker")
    case = d.refer(
        "socialworker",
        "social",
        "A 19-year-old woman in the emergency housing of social services told her social "
        "worker that she plans to travel abroad to marry a man she met online and to 'serve "
        "the cause' of a violent group. She has a two-year-old child.",
        gender="female",
        age_band="18_20",
        phenomenon="vie",
        setting="community",
    )
    case = d.accept(
        case,
        "Protect mother and child from recruitment into a violent group; a stable home",
        {
            "acute_danger": ("unclear", "No date for the travel is known; passport not renewed."),
            "violence_concern": ("yes", "Recruitment into a group that uses violence."),
            "several_domains": ("yes", "Housing, online contacts, the child's welfare."),
            "family_impact": ("yes", "A two-year-old child."),
            "several_organisations": ("yes", "Social services, exit counselling, youth office."),
        },
        lead="social",
        manager=sw,
        participants=[
            ("exit", "Exit counselling for Islamist extremism"),
            ("youth", "A two-year-old child in the household"),
        ],
    )
    cs.identity_set(actor=sw, case=case, name="Sarah Muster", birth_date=d.born(19, 40))
    d.move(case, Stage.INFORMATION_GATHERING, by=sw)
    d.note(
        case,
        "socialworker",
        "social",
        "Conversation about the travel plans",
        "She says the man promised her a family and respect. She knows little about him "
        "beyond the chats. She wants to keep her child with her whatever happens.",
        "situation",
    )
    d.note(
        case,
        "socialworker",
        "social",
        "Online contacts",
        "She showed two channels she follows; both spread calls for violence. She agreed to "
        "look at them together with the exit counsellor.",
        "online",
    )
    d.note(
        case,
        "casemanager",
        "exit",
        "First meeting at Pathways",
        "Met with her social worker present. Cautious but curious; she asked whether we would "
        "tell the police about her. We explained what we share, with whom and on which basis.",
        "situation",
    )
    cs.restriction_request(
        actor=sw,
        case=case,
        reason="She disputes that she said she would 'serve the cause' and asks that the note "
        "on the travel plans is not used while its accuracy is checked (Art. 18(1)(a) GDPR).",
    )
    return case


def _assessment(d: _Demo) -> Case:
    """8: an open investigation; an imminent-danger share nobody confirmed within 24 hours."""
    case = d.refer(
        "police",
        "police",
        "A 19-year-old man whose phone was seized in an investigation for spreading propaganda "
        "of a terrorist organisation. The prosecutor agrees that the team offers him exit "
        "counselling. He has agreed to a first contact.",
        gender="male",
        age_band="18_20",
        phenomenon="vie",
        setting="community",
        name="Noah Platzhalter",
        birth_date=d.born(19, 250),
    )
    case = d.accept(
        case,
        "Exit counselling while an investigation runs; family and school-leaving certificate",
        {
            "acute_danger": ("no", ""),
            "violence_concern": ("yes", "Spread material calling for attacks."),
            "several_domains": ("yes", "Family conflict, school, online life."),
            "several_organisations": ("yes", "Exit counselling, police (referrer)."),
            "investigation_open": (
                "yes",
                "The police in the team checked with the prosecution: joint work does not "
                "interfere with the investigation. The team leaves the content of the phone "
                "out. The case serves support; police and prosecution remain bound to pursue "
                "what they learn, so what is shared with them may be used in proceedings.",
            ),
        },
        participants=[
            ("police", "Referred the case; an investigation is open"),
            ("prosecution", "Consulted because an investigation is open"),
        ],
    )
    d.move(case, Stage.INFORMATION_GATHERING, Stage.ASSESSMENT)
    d.note(
        case,
        "casemanager",
        "exit",
        "First meetings",
        "Three meetings so far. He talks openly about feeling worthless after failing school "
        "and about the online group that gave him attention. His parents are relieved that "
        "someone talks with him.",
        "situation",
    )
    d.note(
        case,
        "police",
        "police",
        "State of the investigation",
        "Proceedings for spreading propaganda are open; the analysis of the phone is not "
        "finished. For the police's own file.",
        "offence",
    )
    warning = d.note(
        case,
        "casemanager",
        "exit",
        "Warning about an announced attack",
        "In today's session he said that an acquaintance from the online group announced an "
        "attack on a street festival this weekend and asked him to come along. He refused and "
        "is frightened. He showed the message and the acquaintance's user name.",
        "situation",
    )
    danger = d.share(
        case,
        "casemanager",
        warning,
        ["police"],
        "To avert an attack announced for this weekend",
        "danger",
        reason="Danger to the life and health of people at the street festival; the police "
        "need the announcement and the user name to avert it. Nobody else at Pathways could "
        "be reached to confirm.",
        client_informed=True,
    )
    _older(danger, UNCONFIRMED_HOURS)
    return case


def _case_conference(d: _Demo) -> Case:
    """9: release from prison being prepared seven months ahead; identity shared with police."""
    case = d.refer(
        "prison",
        "prison",
        "A 31-year-old man serving a sentence for supporting a terrorist organisation will be "
        "released in about seven months. He took part in the prison's distancing programme "
        "and asks for support after release: housing, work, contact with his children.",
        gender="male",
        age_band="27_40",
        phenomenon="vie",
        setting="prison",
        name="Lukas Exempel",
        birth_date=d.born(31, 300),
        transition_kind="release",
        transition_date=d.day(213),
    )
    case = d.accept(
        case,
        "Prepare release from prison: housing, work, family contact, supervision",
        {
            "violence_concern": ("yes", "Convicted of supporting a terrorist organisation."),
            "several_domains": ("yes", "Housing, work, family, supervision after release."),
            "several_organisations": (
                "yes",
                "Prison, probation, police, social services, exit counselling.",
            ),
            "family_impact": ("yes", "Two children living with their mother."),
        },
        participants=[
            ("prison", "Release planning inside"),
            ("probation", "Supervision of conduct after release"),
            ("police", "Risk management after release"),
            ("social", "Housing after release"),
        ],
    )
    d.move(case, Stage.INFORMATION_GATHERING)
    d.note(
        case,
        "prison",
        "prison",
        "Release planning",
        "Release expected in about seven months. Two accompanied day releases are planned; "
        "he completed the distancing programme. He needs a flat outside the district of his "
        "former contacts and would like to work as a cook, as he did in prison.",
        "plan",
        kind="contribution",
    )
    # The prison's planning stays with the prison for now: it comes from a security actor, so
    # it leaves only on a statute, a protocol row that allows it or imminent danger (never on
    # consent), and towards probation the protocol's "always" counts as "with consent" because
    # the prison's staff include people bound by professional secrecy. The conference is where
    # the prison reports on it.
    contacts = d.note(
        case,
        "police",
        "police",
        "Police contacts after release",
        "After release the prevention unit offers him one talk in the first month, arranged "
        "through the case manager; no visits at his workplace.",
        "plan",
        kind="contribution",
    )
    d.share(
        case,
        "police",
        contacts,
        ["exit"],
        "The lead organisation plans the contacts after release",
        "protocol",
    )
    risk = d.note(
        case,
        "police",
        "police",
        "Risk assessment reference",
        "Assessment before release with a structured professional judgement instrument: "
        "moderate; engagement reduced since the programme, contacts to two former co-accused "
        "unclear. Next review three months before release.",
        "risk",
        kind="contribution",
    )
    d.share(
        case,
        "police",
        risk,
        ["exit"],
        "Planning release and contacts safely",
        "statute",
        statute="Police law of the Land: passing on information to prevent danger",
    )
    d.note(
        case,
        "casemanager",
        "exit",
        "Counselling in prison",
        "Monthly visits since spring. He speaks about his children more than about the past; "
        "he is ashamed of what he did and afraid of being recognised after release.",
        "situation",
    )
    d.note(
        case,
        "socialworker",
        "social",
        "Housing after release",
        "A flat in a supported-housing project is possible from the release date; the "
        "application needs his signature at the next day release.",
        "situation",
    )
    identity_consent = d.consent(
        case,
        "casemanager",
        "exit",
        "sharing",
        "So that the police can plan the risk management after release",
        days_ago=14,
        recipients=["police"],
        categories=["identity"],
    )
    cs.identity_set(
        actor=d.cm,
        case=case,
        name="Lukas Exempel",
        birth_date=d.born(31, 300),
        address="Demo City Correctional Facility (until release)",
    )
    identity = ClientIdentity.objects.get(client_id=case.client_id)
    d.share(
        case,
        "casemanager",
        identity,
        ["police"],
        "So that the police can plan the risk management after release",
        "consent",
        consent=identity_consent,
    )
    d.move(case, Stage.ASSESSMENT, Stage.CASE_CONFERENCE)
    return case


def _consent_minor(d: _Demo) -> Case:
    """10: a minor: capacity recorded, both parents as relatives, turning 18 in five months."""
    eighteenth = d.day(150)
    case = d.refer(
        "teacher",
        "school",
        "A 17-year-old pupil draws symbols of a neo-Nazi group in class, has told classmates "
        "that 'the day is coming' and spends his breaks in a chat with older men. His grades "
        "have dropped sharply. The school talked with his mother, who is worried and agrees to "
        "the referral.",
        gender="male",
        age_band="14_17",
        phenomenon="vrwe",
        setting="community",
        name="Finn Muster",
        birth_date=d.born(17, 150),
    )
    case = d.accept(
        case,
        "Support a young person in leaving a right-wing online milieu; school and family",
        {
            "violence_concern": ("yes", "Symbols of a violent group; 'the day is coming'."),
            "several_domains": ("yes", "School, family, online life."),
            "several_organisations": ("yes", "Exit counselling, youth office, school."),
            "minor": (
                "yes",
                "The youth office co-leads. His own agreement is sought; his mother supports "
                "the referral; his father shares some of the group's views and is involved "
                "only where the law requires it.",
            ),
        },
        participants=[
            ("youth", "Co-lead for a minor (youth welfare)"),
            ("school", "Daily contact; carries the school's part of the plan"),
        ],
    )
    case = cs.case_update(
        actor=d.cm,
        case=case,
        purpose=case.purpose,
        transition_kind="adulthood",
        transition_date=eighteenth,
    )
    cs.relative_add(
        actor=d.cm,
        case=case,
        relation="mother",
        name="Anna Muster",
        contact="Phone 0000 000 0002 (demo)",
        is_guardian=True,
        note="Supports the referral and wants to hear about the plan.",
    )
    cs.relative_add(
        actor=d.cm,
        case=case,
        relation="father",
        name="Thomas Muster",
        is_guardian=True,
        note="Shares custody, lives apart. Expresses sympathy for the group; after talking "
        "with the youth office he is involved only where the law requires it.",
    )
    cs.capacity_set(
        actor=d.cm,
        case=case,
        capacity=True,
        note="Talked with him alone for an hour: he understands what the support involves, "
        "what is shared with whom, and that he can say no at any time.",
    )
    d.move(case, Stage.INFORMATION_GATHERING)
    talk = d.note(
        case,
        "casemanager",
        "exit",
        "Conversation with the young person",
        "He met the older men in a gaming chat; they gave him attention when he was bullied at "
        "school. He is proud of the symbols but unsure about 'the day'. He wants to finish "
        "school and to keep his mother out of the counselling.",
        "situation",
    )
    d.note(
        case,
        "youth",
        "youth",
        "Family situation",
        "Mother works shifts; the parents separated two years ago. The father's influence "
        "worries the mother; contact arrangements are being discussed with the family court.",
        "family",
    )
    d.note(
        case,
        "teacher",
        "school",
        "Observations in class",
        "Grades down in all subjects since autumn; no conflicts with classmates since the talk "
        "with his mother. He joined the school's media project last week.",
        "situation",
    )
    d.move(case, Stage.ASSESSMENT, Stage.CASE_CONFERENCE, Stage.CONSENT)
    release = d.consent(
        case,
        "casemanager",
        "exit",
        "release",
        "Co-leading the case with the youth office",
        days_ago=5,
        recipients=["youth"],
        categories=["situation"],
        professional="Kemal Casemanager, exit counsellor at Pathways",
        given_by="both",
    )
    d.share(
        case,
        "casemanager",
        talk,
        ["youth"],
        "Co-leading the case with the youth office",
        "consent",
        consent=release,
    )
    d.consent(
        case,
        "casemanager",
        "exit",
        "participation",
        "Voluntary support: counselling, school and family",
        days_ago=5,
        given_by="both",
    )
    return case


def _review(d: _Demo) -> Case:
    """11: an imminent-danger share confirmed by a second person; a release withdrawn."""
    case = d.refer(
        "probation",
        "probation",
        "A 25-year-old man under supervision after a conviction for threats and damage at a "
        "counter-demonstration. He says he wants to keep away from the group but still meets "
        "two of its members at a gym.",
        gender="male",
        age_band="21_26",
        phenomenon="vrwe",
        setting="probation",
    )
    case = d.accept(
        case,
        "Support keeping away from a violent group; work and a new daily routine",
        {
            "violence_concern": ("yes", "Convicted of threats at a demonstration."),
            "several_domains": ("yes", "Work, leisure, the group."),
            "several_organisations": ("yes", "Probation, exit counselling, employment, police."),
        },
        participants=[
            ("probation", "Supervision"),
            ("police", "Risk perspective: convicted of threats"),
            ("employment", "Work placement"),
        ],
    )
    d.move(case, Stage.INFORMATION_GATHERING, Stage.ASSESSMENT, Stage.CASE_CONFERENCE)
    d.move(case, Stage.CONSENT)
    d.consent(
        case,
        "casemanager",
        "exit",
        "participation",
        "Voluntary exit counselling alongside supervision",
        days_ago=60,
    )
    release = d.consent(
        case,
        "casemanager",
        "exit",
        "release",
        "Planning the work placement with the employment agency",
        days_ago=60,
        recipients=["employment"],
        categories=["situation"],
        professional="Kemal Casemanager, exit counsellor at Pathways",
    )
    d.move(case, Stage.PLAN_ACTIVE)
    routine = d.note(
        case,
        "casemanager",
        "exit",
        "Work and daily routine",
        "He gets up early again and wants a placement with regular hours; evenings are the "
        "hard part. He asked us to talk with the employment agency about a placement.",
        "situation",
    )
    d.share(
        case,
        "casemanager",
        routine,
        ["employment"],
        "Planning the work placement",
        "consent",
        consent=release,
    )
    d.note(
        case,
        "casemanager",
        "exit",
        "Counselling session",
        "Talked about the gym: he will change to another one. He found it hard to say no to "
        "the two members and was relieved afterwards.",
        "situation",
    )
    warning = d.note(
        case,
        "probation",
        "probation",
        "Warning from the supervision meeting",
        "In today's meeting he said that his former group plans to confront a "
        "counter-demonstration on Saturday and asked him to bring 'something useful'. He will "
        "not go, but he is afraid for others.",
        "situation",
    )
    danger = d.share(
        case,
        "probation",
        warning,
        ["police"],
        "To avert violence at Saturday's demonstration",
        "danger",
        reason="Danger to the life and health of people at Saturday's demonstration; the "
        "police need date, place and the group's plan to avert it.",
        client_informed=False,
        not_informed_reason="Telling him now could warn the group before Saturday; he is told "
        "after the weekend.",
    )
    cs.danger_confirm(actor=d.user("parole"), decision=danger)
    cs.consent_withdraw(
        actor=d.cm,
        consent=release,
        note="He asked that Pathways no longer passes anything to the employment agency; he "
        "talks with them himself.",
    )
    d.move(case, Stage.REVIEW)
    return cs.case_update(actor=d.cm, case=case, purpose=case.purpose, next_review=d.day(10))


def _aftercare(d: _Demo) -> Case:
    """12: closed with goals reached; follow-up talks agreed."""
    case = d.refer(
        "youth",
        "youth",
        "A mother of two, 29, was active in a right-wing extremist women's network that "
        "organises 'self-defence' training, and wants to leave. Her partner is still active.",
        gender="female",
        age_band="27_40",
        phenomenon="vrwe",
        setting="community",
        name="Lena Beispiel",
        birth_date=d.born(29, 120),
    )
    case = d.accept(
        case,
        "Support leaving a right-wing extremist network; safety and a new home",
        {
            "violence_concern": ("yes", "The network trains for violence."),
            "several_domains": ("yes", "Partnership, housing, the children."),
            "family_impact": ("yes", "Two children; the partner is still active."),
            "several_organisations": ("yes", "Exit counselling, youth office, social services."),
        },
        participants=[
            ("youth", "Two children in the household"),
            ("social", "A new flat and income"),
        ],
    )
    d.move(case, Stage.INFORMATION_GATHERING, Stage.ASSESSMENT, Stage.CASE_CONFERENCE)
    d.move(case, Stage.CONSENT)
    d.consent(
        case,
        "casemanager",
        "exit",
        "participation",
        "Voluntary exit counselling and support with a new home",
        days_ago=240,
    )
    release = d.consent(
        case,
        "casemanager",
        "exit",
        "release",
        "Telling the youth office how the plan ended",
        days_ago=240,
        recipients=["youth"],
        categories=["plan"],
        professional="Kemal Casemanager, exit counsellor at Pathways",
    )
    d.move(case, Stage.PLAN_ACTIVE, Stage.REVIEW)
    summary = d.note(
        case,
        "casemanager",
        "exit",
        "Closing summary",
        "She lives with the children in a new flat, separated from her partner, and works part "
        "time. She has left the network's groups and reports no contact. Follow-up talks "
        "agreed at three, six and twelve months.",
        "plan",
    )
    d.share(
        case,
        "casemanager",
        summary,
        ["youth"],
        "Telling the youth office how the plan ended",
        "consent",
        consent=release,
    )
    case = cs.case_move(
        actor=d.cm,
        case=case,
        target=Stage.CLOSED.value,
        code="goals_reached",
        note="Goals reached; aftercare agreed with her.",
    )
    case = cs.case_move(actor=d.cm, case=case, target=Stage.AFTERCARE.value)
    return cs.case_update(actor=d.cm, case=case, purpose=case.purpose, next_review=d.day(80))


def _family_only(d: _Demo) -> Case:
    """13: family-only: the parents are counselled; their son is a pseudonymous third party."""
    case = d.refer(
        "youth",
        "youth",
        "The parents of a 19-year-old ask for advice: their son has broken off contact, lives "
        "with members of a violent Islamist group in another district and has posted videos "
        "praising attacks. He does not want contact with any service. The parents want to "
        "understand what is happening and how to keep in touch with him.",
        gender="male",
        age_band="18_20",
        phenomenon="vie",
        setting="community",
        family_only=True,
    )
    case = d.accept(
        case,
        "Counsel the parents: keeping in touch with their son, protecting the younger sister",
        {
            "violence_concern": ("yes", "Videos praising attacks."),
            "family_impact": ("yes", "The parents and a 14-year-old sister."),
            "several_organisations": ("yes", "Exit counselling (family), youth office."),
            "proportionate": (
                "yes",
                "Support for the family only; the son is not contacted through the team.",
            ),
        },
        participants=[("youth", "A 14-year-old sister in the household")],
    )
    d.move(case, Stage.INFORMATION_GATHERING)
    d.note(
        case,
        "casemanager",
        "exit",
        "First session with the parents",
        "The parents blame each other and themselves. The son still answers his mother's "
        "messages about family birthdays. We talked about keeping that thread without arguing "
        "about religion.",
        "family",
    )
    d.move(case, Stage.ASSESSMENT, Stage.CASE_CONFERENCE, Stage.CONSENT)
    d.consent(
        case,
        "casemanager",
        "exit",
        "participation",
        "Family counselling for the parents (their own agreement)",
        days_ago=21,
    )
    d.move(case, Stage.PLAN_ACTIVE)
    d.note(
        case,
        "casemanager",
        "exit",
        "Plan for the family counselling",
        "Monthly sessions with both parents; a group for relatives every second month; the "
        "youth office offers the sister a contact person at her school. Review in three months.",
        "plan",
    )
    return cs.case_update(actor=d.cm, case=case, purpose=case.purpose, next_review=d.day(75))


def _referred(d: _Demo) -> Case:
    """14: a new referral that may concern case 2's client: its manager gets a notice."""
    return d.refer(
        "employment",
        "employment",
        "A 21-year-old in our placement programme has shown colleagues videos that glorify "
        "attacks and said that 'someone should do something like this here'. He left his "
        "placement last week and does not answer our letters.",
        gender="male",
        age_band="21_26",
        phenomenon="vie",
        setting="community",
        name="Milan Muster",
        birth_date=d.born(21, 60),
    )


def build(
    *, team: Team, orgs: dict[str, Organisation], users: dict[str, User], second_team: Team
) -> None:
    """The cases of Demo City MSC (nothing when the team has cases already)."""
    if Case.objects.filter(team=team).exists():
        return
    d = _Demo(team, orgs, users)
    _protocol(d)
    for step in (
        _plan_active,
        _closed,
        _re_referral,
        _rejected,
        _redirected,
        _accepted,
        _social_led,
        _assessment,
        _case_conference,
        _consent_minor,
        _review,
        _aftercare,
        _family_only,
        _referred,
    ):
        step(d)
