"""Property: whatever happens on a case, every read shows a person only what they may read.

Hypothesis plays random sequences of operations (notes with random secrecy and category,
sharing notes and the identity with random organisations on random bases, ending shares,
recording and withdrawing consents, adding and removing participants, moving stages, a
transfer to another lead, an expiry passing) by random actors. The test keeps its own model
of who may read what, updated only from the operations that succeeded: an item is read by its
origin organisation and by the organisations of its shares still in effect; a share ends when
its decision is ended, its consent withdrawn, its expiry passed, its receiver leaves the case,
or (the identity) when the lead changes. After every step, for every person of the world, the
case list, the notes, the identity, the ledger, the timeline and the identity search hold only
what the model allows (the ledger: the decisions the person's organisation took, and those
sharing something with it now) — and no organisation other than the lead ever receives
identity fields unless the identity was shared with it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, fields
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from icommit.access.roles import PlatformRole, TeamRole
from icommit.accounts.models import User
from icommit.cases import selectors, services
from icommit.cases.models import (
    Case,
    CaseNote,
    ClientIdentity,
    Consent,
    IdentityAudience,
    NoteAudience,
    ShareDecision,
)
from icommit.cases.process import Stage, process
from icommit.core.exceptions import Conflict, Forbidden, NotFound, ValidationFailed
from icommit.stakeholders.models import Organisation
from icommit.stakeholders.sectors import Sector
from icommit.teams.models import Team
from tests.cases.conftest import TODAY, CaseWorld
from tests.factories import OrganisationFactory, TeamFactory, UserFactory, grant, team_member

REFUSED = (Conflict, Forbidden, NotFound, ValidationFailed)
NAME, BIRTH = "Max Muster", "2006-03-01"
#: the people of the world, by attribute of CaseWorld
PEOPLE = (
    "manager",
    "counsellor",
    "youth_worker",
    "officer",
    "housing_worker",
    "teacher",
    "coordinator",
    "dpo",
)
ORGS = ("exit", "youth", "police", "housing", "school")
CATEGORIES = ("situation", "family", "health")
SECRECY = ("none", "professional", "official")
BASES = ("protocol", "consent", "statute", "danger")


def build_world() -> CaseWorld:
    """The world of tests/cases/conftest.py (``cw``), built once per test (see ``world_pks``)."""
    team = TeamFactory(name="Case team")
    orgs = {
        "exit": OrganisationFactory(name="Exit counselling", sector=Sector.EXIT_COUNSELLING),
        "youth": OrganisationFactory(name="Youth office", sector=Sector.YOUTH_WELFARE),
        "police": OrganisationFactory(name="Police", sector=Sector.POLICE),
        "housing": OrganisationFactory(name="Housing", sector=Sector.HOUSING),
        "school": OrganisationFactory(name="School", sector=Sector.SCHOOL),
    }
    people: dict[str, User] = {}
    for name, org, role in [
        ("manager", "exit", TeamRole.CASE_MANAGER),
        ("counsellor", "exit", TeamRole.MEMBER),
        ("youth_worker", "youth", TeamRole.MEMBER),
        ("officer", "police", TeamRole.MEMBER),
        ("housing_worker", "housing", TeamRole.MEMBER),
        ("teacher", "school", TeamRole.MEMBER),
        ("coordinator", "housing", TeamRole.COORDINATOR),
    ]:
        people[name] = UserFactory()
        team_member(team, people[name], orgs[org], role)
    people["dpo"] = grant(UserFactory(), PlatformRole.DPO)
    world = CaseWorld(team, **orgs, **people)  # type: ignore[arg-type]
    for category in ("situation", "family"):
        world.row(world.youth, category, "always", "§ 69 SGB X")
    world.row(world.police, "situation", "consent")
    world.row(world.housing, "situation", "always", "§ 69 SGB X")
    world.row(world.school, "situation", "never")
    world.row(world.youth, "identity", "consent")
    world.row(world.police, "identity", "consent")
    world.row(world.police, "family", "legal_basis", "§ 1 Test statute")
    return world


# --- the model --------------------------------------------------------------------------------


@dataclass
class Share:
    item: Any  # note id or "identity"
    org: int
    decision: int
    consent: str | None
    live: bool = True


@dataclass
class Model:
    """Who may read what, kept by the test from the operations that succeeded."""

    lead: int
    participants: set[int]
    org_of: dict[int, int | None]  # user id -> their (one) organisation
    identity_origin: int | None
    notes: dict[Any, int] = field(default_factory=dict)  # note id -> origin organisation
    secrecy: dict[Any, str] = field(default_factory=dict)
    consents: dict[str, str] = field(default_factory=dict)  # consent id -> kind
    shares: list[Share] = field(default_factory=list)

    def reads(self, user: User, item: Any) -> bool:
        org = self.org_of[user.pk]
        if org is None:
            return False
        origin = self.identity_origin if item == "identity" else self.notes[item]
        if org == origin:
            return True
        return any(s.live and s.item == item and s.org == org for s in self.shares)

    def end(self, **match: Any) -> None:
        for share in self.shares:
            if all(getattr(share, k) == v for k, v in match.items()):
                share.live = False


# --- operations -------------------------------------------------------------------------------

#: the lead's people act more often than the others (most operations are theirs to do)
actor = st.sampled_from(PEOPLE + ("manager", "counsellor") * 3)
index = st.integers(0, 20)
orgs = st.lists(st.sampled_from(ORGS), min_size=1, max_size=2, unique=True)
operation = st.one_of(
    st.tuples(
        st.just("note"), actor, st.sampled_from(SECRECY), st.sampled_from(CATEGORIES), st.just(0)
    ),
    st.tuples(st.just("share"), actor, index, orgs, st.sampled_from(BASES), index),
    st.tuples(st.just("share"), actor, index, orgs, st.sampled_from(BASES), index),
    st.tuples(st.just("end"), actor, index),
    st.tuples(
        st.just("consent"),
        actor,
        st.sampled_from(("release", "sharing")),
        orgs,
        st.lists(st.sampled_from((*CATEGORIES, "identity")), min_size=1, unique=True),
    ),
    st.tuples(st.just("withdraw"), actor, index),
    st.tuples(st.just("add"), actor, st.sampled_from(ORGS)),
    st.tuples(st.just("remove"), actor, st.sampled_from(ORGS)),
    st.tuples(st.just("move"), actor, st.sampled_from(list(Stage))),
    st.tuples(st.just("transfer"), actor, st.sampled_from(ORGS)),
    st.tuples(st.just("expire"), index),
)


@dataclass
class Play:
    cw: CaseWorld
    case: Case
    model: Model
    notes: list[CaseNote] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    decisions: list[ShareDecision] = field(default_factory=list)

    def org(self, key: str) -> Organisation:
        found: Organisation = getattr(self.cw, key)
        return found

    def user(self, key: str) -> User:
        found: User = getattr(self.cw, key)
        return found

    def fresh(self) -> Case:
        self.case = Case.objects.select_related("client", "team").get(pk=self.case.pk)
        return self.case

    def step(self, op: tuple[Any, ...]) -> None:
        kind = op[0]
        if kind == "expire":
            self.expire(op[1])
            return
        who = self.user(op[1])
        try:
            skipped = getattr(self, kind)(who, *op[2:]) is False
        except REFUSED:
            event(f"{kind}: refused")
        else:
            event(f"{kind}: {'nothing to do' if skipped else 'done'}")
        self.fresh()

    def note(self, who: User, secrecy: str, category: str, _unused: int) -> None:
        """Record a note for the actor's organisation."""
        org = self.model.org_of[who.pk]
        if org is None:
            raise Forbidden()
        own = Organisation.objects.get(pk=org)
        note = services.note_create(
            actor=who,
            case=self.case,
            organisation=own,
            title="Note",
            text=f"{secrecy} {category}",
            category=category,
            secrecy=secrecy,
        )
        assert org in self.model.participants  # only a participant records
        self.notes.append(note)
        self.model.notes[note.pk] = org
        self.model.secrecy[note.pk] = secrecy

    def share(
        self, who: User, which: int, keys: list[str], basis: str, consent: int
    ) -> bool | None:
        item: CaseNote | ClientIdentity | None
        if which % (len(self.notes) + 1) == len(self.notes):
            item, key = ClientIdentity.objects.filter(client_id=self.case.client_id).first(), None
            if item is None:
                return False
        else:
            item = self.notes[which % (len(self.notes) + 1)]
        key = "identity" if isinstance(item, ClientIdentity) else item.pk
        chosen = self.consents[consent % len(self.consents)] if self.consents else None
        receivers = [self.org(k) for k in keys]
        decision = services.item_share(
            actor=who,
            case=self.case,
            item=item,
            organisations=receivers,
            purpose="Coordinate support",
            basis=basis,
            consent=chosen if basis == "consent" else None,
            statute="§ 34 StGB" if basis == "statute" else "",
            reason="Named a target" if basis == "danger" else "",
            client_informed=True,
        )
        # the rules the model holds every successful share to
        origin = self.model.identity_origin if key == "identity" else self.model.notes[key]
        assert self.model.org_of[who.pk] == origin, "only the origin shares"
        assert {r.pk for r in receivers} <= self.model.participants, "only to participants"
        if key != "identity" and self.model.secrecy[key] == "professional":
            assert basis in ("statute", "danger") or (
                chosen is not None and chosen.kind == "release"
            ), "rule 4"
        self.decisions.append(decision)
        for receiver in receivers:
            self.model.shares.append(
                Share(
                    key,
                    receiver.pk,
                    decision.pk,
                    str(chosen.pk) if chosen is not None and basis == "consent" else None,
                )
            )
        return None

    def end(self, who: User, which: int) -> bool | None:
        if not self.decisions:
            return False
        decision = self.decisions[which % len(self.decisions)]
        services.decision_end(actor=who, decision=decision)
        assert self.model.org_of[who.pk] == decision.origin_organisation_id
        self.model.end(decision=decision.pk)
        return None

    def consent(self, who: User, kind: str, keys: list[str], categories: list[str]) -> None:
        org = self.model.org_of[who.pk]
        if org is None:
            raise Forbidden()
        consent = services.consent_record(
            actor=who,
            case=self.case,
            kind=kind,
            organisation=Organisation.objects.get(pk=org),
            professional="Counsellor" if kind == "release" else "",
            recipients=[self.org(k) for k in keys],
            categories=categories,
            purpose="Coordinate support",
            given_by="client",
            form="written",
            given_on=TODAY(),
        )
        self.consents.append(consent)
        self.model.consents[str(consent.pk)] = kind

    def withdraw(self, who: User, which: int) -> bool | None:
        if not self.consents:
            return False
        consent = self.consents[which % len(self.consents)]
        services.consent_withdraw(actor=who, consent=consent)
        consent.refresh_from_db()
        self.model.end(consent=str(consent.pk))
        return None

    def add(self, who: User, key: str) -> None:
        org = self.org(key)
        services.participant_add(actor=who, case=self.case, organisation=org, reason="needed")
        self.model.participants.add(org.pk)

    def remove(self, who: User, key: str) -> None:
        org = self.org(key)
        services.participant_remove(actor=who, case=self.case, organisation=org, reason="done")
        assert org.pk != self.model.lead
        self.model.participants.discard(org.pk)
        self.model.end(org=org.pk)

    def move(self, who: User, target: Stage) -> None:
        codes = process().code_sets
        code = sorted(codes.get(target.value, [""]))[0]
        services.case_move(actor=who, case=self.case, target=target.value, code=code)

    def transfer(self, who: User, key: str) -> None:
        org = self.org(key)
        manager = {
            "exit": self.cw.manager,
            "youth": self.cw.youth_worker,
            "police": self.cw.officer,
            "housing": self.cw.housing_worker,
            "school": self.cw.teacher,
        }[key]
        services.case_transfer(
            actor=who, case=self.case, to_organisation=org, reason="moved", case_manager=manager
        )
        self.model.lead = org.pk
        self.model.participants.add(org.pk)
        if self.model.identity_origin is not None:
            self.model.identity_origin = org.pk
            self.model.end(item="identity")

    def expire(self, which: int) -> None:
        """Time passes: one decision's expiry lies behind us (set-up write, as a clock would)."""
        if not self.decisions:
            return
        decision = self.decisions[which % len(self.decisions)]
        past = timezone.now() - datetime.timedelta(seconds=1)
        for model in (NoteAudience, IdentityAudience):
            model.objects.filter(decision=decision).update(ends_at=past)
        self.model.end(decision=decision.pk)


# --- what every person reads ------------------------------------------------------------------


def check(play: Play) -> None:
    case, model = play.case, play.model
    for key in PEOPLE:
        user = play.user(key)
        org = model.org_of[user.pk]
        listed = {c.pk for c in selectors.cases_for(user=user, team=case.team)}
        assert listed == ({case.pk} if org in model.participants else set()), key
        notes = {n.pk for n in selectors.notes_for(user=user, case=case)}
        assert notes == {n for n in model.notes if model.reads(user, n)}, key
        identity = selectors.identity_for(user=user, case=case)
        if model.identity_origin is not None:
            assert (identity is not None) is model.reads(user, "identity"), key
        else:
            assert identity is None
        if identity is not None:  # identity fields only to the lead or by a share
            assert org == model.lead or any(
                s.live and s.item == "identity" and s.org == org for s in model.shares
            ), key
        # the ledger: every decision the organisation took, and those sharing with it now
        own_decisions = {s.decision for s in model.shares if s.org == org and s.live} | {
            d.pk for d in play.decisions if d.origin_organisation_id == org
        }
        ledger = {d.pk for d in selectors.ledger(user=user, case=case)}
        assert ledger == own_decisions, key
        for entry in selectors.timeline(user=user, case=case):
            if entry.kind == "note":
                assert entry.obj.pk in notes, key
            elif entry.kind == "share":
                assert entry.obj.pk in own_decisions, key
        try:
            found = services.identity_search(actor=user, team=case.team, name=NAME)
        except REFUSED:
            found = []
        expected = {case.pk} if model.identity_origin == org and org == model.lead else set()
        assert {c.pk for c in found} == expected, key


@pytest.fixture
def world_pks(db: None) -> tuple[dict[str, Any], Any]:
    """The world and its case, built once for all the examples of the test: each example plays
    in a savepoint that is rolled back at its end, so each starts from this same world; it reads
    the world's objects anew (access facts are cached on user objects). Returns the ids of the
    world's objects, by attribute of CaseWorld, and the case's id."""
    cw = build_world()
    case = cw.working(name=NAME, birth_date=BIRTH)
    return {f.name: getattr(cw, f.name).pk for f in fields(CaseWorld)}, case.pk


def fresh_world(pks: dict[str, Any]) -> CaseWorld:
    """The world's objects read anew from the database, as an example starts."""

    def model(name: str) -> Any:
        return Team if name == "team" else Organisation if name in ORGS else User

    return CaseWorld(**{name: model(name).objects.get(pk=pk) for name, pk in pks.items()})


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(operation, min_size=1, max_size=12))
def test_every_read_holds_only_what_the_model_allows(
    world_pks: tuple[dict[str, Any], Any], steps: list[tuple[Any, ...]]
) -> None:
    pks, case_pk = world_pks
    with transaction.atomic():
        cw = fresh_world(pks)
        case = Case.objects.get(pk=case_pk)
        org_of = {
            getattr(cw, key).pk: (getattr(cw, org).pk if org else None)
            for key, org in [
                ("manager", "exit"),
                ("counsellor", "exit"),
                ("youth_worker", "youth"),
                ("officer", "police"),
                ("housing_worker", "housing"),
                ("teacher", "school"),
                ("coordinator", "housing"),
                ("dpo", None),
            ]
        }
        model = Model(
            lead=cw.exit.pk,
            participants={cw.exit.pk, cw.youth.pk, cw.police.pk, cw.housing.pk},
            org_of=org_of,
            identity_origin=cw.exit.pk,
        )
        play = Play(cw, Case.objects.select_related("client", "team").get(pk=case.pk), model)
        # a start that gives sharing something to work with: two notes of the lead, a release
        play.note(cw.counsellor, "none", "situation", 0)
        play.note(cw.counsellor, "professional", "health", 0)
        play.consent(
            cw.counsellor, "release", ["youth", "police"], ["situation", "health", "identity"]
        )
        check(play)
        for op in steps:
            play.step(op)
            check(play)
        transaction.set_rollback(True)
