"""The sharing decision: the most specific row wins, the strictest on a tie, secrecy limits."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icommit.sharing.decision import (
    Member,
    Party,
    Row,
    SharingRule,
    build_matrix,
    decide,
)
from icommit.stakeholders.sectors import Sector

R = SharingRule
EXIT = Party(id=1, sector="exit_counselling", is_security=False, secrecy_bound=True)
POLICE = Party(id=2, sector="police", is_security=True, secrecy_bound=False)
SCHOOL = Party(id=3, sector="school", is_security=False, secrecy_bound=False)
PROBATION = Party(id=4, sector="probation", is_security=True, secrecy_bound=False)


def test_no_row_means_not_agreed_and_nothing_flows() -> None:
    decision = decide([], sender=SCHOOL, receiver=POLICE, category="identity")
    assert decision.rule == R.NEVER
    assert not decision.agreed
    assert decision.row is None
    assert "nothing flows" in decision.reasons()[0]


def test_a_sector_row_applies_to_every_organisation_of_the_sector() -> None:
    row = Row(1, "identity", R.CONSENT, from_sector="school", to_sector="police")
    decision = decide([row], sender=SCHOOL, receiver=POLICE, category="identity")
    assert (decision.rule, decision.row) == (R.CONSENT, row)
    assert decision.agreed


def test_a_row_is_only_for_its_category_and_direction() -> None:
    row = Row(1, "identity", R.ALWAYS, from_sector="school", to_sector="police")
    assert not decide([row], sender=SCHOOL, receiver=POLICE, category="health").agreed
    assert not decide([row], sender=POLICE, receiver=SCHOOL, category="identity").agreed
    assert not decide([row], sender=SCHOOL, receiver=PROBATION, category="identity").agreed


def test_an_organisation_beats_its_sector_on_either_side() -> None:
    sectors = Row(1, "plan", R.NEVER, from_sector="school", to_sector="police")
    sender_named = Row(2, "plan", R.CONSENT, from_org=SCHOOL.id, to_sector="police")
    both_named = Row(3, "plan", R.ALWAYS, from_org=SCHOOL.id, to_org=POLICE.id)
    rows = [sectors, sender_named]
    assert decide(rows, sender=SCHOOL, receiver=POLICE, category="plan").row == sender_named
    rows = [sectors, sender_named, both_named]
    assert decide(rows, sender=SCHOOL, receiver=POLICE, category="plan").row == both_named
    receiver_named = Row(4, "plan", R.LEGAL_BASIS, from_sector="school", to_org=POLICE.id)
    rows = [sectors, receiver_named]
    assert decide(rows, sender=SCHOOL, receiver=POLICE, category="plan").row == receiver_named


def test_rows_naming_another_organisation_do_not_apply() -> None:
    other = Row(1, "plan", R.ALWAYS, from_org=99, to_sector="police")
    sector = Row(2, "plan", R.CONSENT, from_sector="school", to_sector="police")
    decision = decide([other, sector], sender=SCHOOL, receiver=POLICE, category="plan")
    assert decision.row == sector


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_of_equally_specific_rows_the_strictest_wins_whatever_the_order(order) -> None:  # type: ignore[no-untyped-def]
    rows = [
        Row(1, "family", R.ALWAYS, from_org=SCHOOL.id, to_sector="police"),
        Row(2, "family", R.LEGAL_BASIS, from_sector="school", to_org=POLICE.id),
    ]
    decision = decide([rows[i] for i in order], sender=SCHOOL, receiver=POLICE, category="family")
    assert decision.rule == R.LEGAL_BASIS
    assert decision.row == rows[1]
    assert decision.overruled == (rows[0],)
    assert any("stricter" in r for r in decision.reasons())


def test_secrecy_turns_always_into_consent_towards_a_security_actor_and_says_so() -> None:
    row = Row(1, "health", R.ALWAYS, from_sector="exit_counselling", to_sector="police")
    decision = decide([row], sender=EXIT, receiver=POLICE, category="health")
    assert decision.rule == R.CONSENT
    assert decision.downgraded
    assert decision.row == row
    assert any("professional secrecy" in r for r in decision.reasons())


def test_secrecy_does_not_change_always_towards_a_non_security_actor() -> None:
    row = Row(1, "health", R.ALWAYS, from_sector="exit_counselling", to_sector="school")
    decision = decide([row], sender=EXIT, receiver=SCHOOL, category="health")
    assert (decision.rule, decision.downgraded) == (R.ALWAYS, False)


@pytest.mark.parametrize("rule", [R.CONSENT, R.LEGAL_BASIS, R.NEVER])
def test_secrecy_leaves_stricter_rules_alone(rule: SharingRule) -> None:
    row = Row(1, "health", rule, from_org=EXIT.id, to_org=POLICE.id)
    decision = decide([row], sender=EXIT, receiver=POLICE, category="health")
    assert (decision.rule, decision.downgraded) == (rule, False)


# --- property: whatever the protocol says ------------------------------------------------------

SECTORS = [Sector.EXIT_COUNSELLING.value, Sector.POLICE.value, Sector.SCHOOL.value]
CATEGORIES = ["identity", "health"]


@st.composite
def parties(draw: st.DrawFn, pk: int) -> Party:
    return Party(
        id=pk,
        sector=draw(st.sampled_from(SECTORS)),
        is_security=draw(st.booleans()),
        secrecy_bound=draw(st.booleans()),
    )


@st.composite
def rows(draw: st.DrawFn) -> list[Row]:
    found = []
    for index in range(draw(st.integers(0, 8))):
        from_org = draw(st.one_of(st.none(), st.sampled_from([1, 2, 3])))
        to_org = draw(st.one_of(st.none(), st.sampled_from([1, 2, 3])))
        found.append(
            Row(
                id=index,
                category=draw(st.sampled_from(CATEGORIES)),
                rule=draw(st.sampled_from(list(SharingRule))),
                from_org=from_org,
                from_sector="" if from_org else draw(st.sampled_from(SECTORS)),
                to_org=to_org,
                to_sector="" if to_org else draw(st.sampled_from(SECTORS)),
            )
        )
    return found


@given(
    protocol=rows(),
    sender=parties(1),
    receiver=parties(2),
    category=st.sampled_from(CATEGORIES),
)
def test_a_secrecy_bound_sender_never_gets_always_to_a_security_actor(
    protocol: list[Row], sender: Party, receiver: Party, category: str
) -> None:
    decision = decide(protocol, sender=sender, receiver=receiver, category=category)
    if sender.secrecy_bound and receiver.is_security:
        assert decision.rule != R.ALWAYS
    if decision.row is not None:
        assert decision.row.covers(sender, receiver, category)
        covering = [r for r in protocol if r.covers(sender, receiver, category)]
        assert decision.row.specificity == max(r.specificity for r in covering)
    else:
        assert decision.rule == R.NEVER
    # the order of the rows never changes the answer
    again = decide(list(reversed(protocol)), sender=sender, receiver=receiver, category=category)
    assert (again.rule, again.row) == (decision.rule, decision.row)


# --- the matrix --------------------------------------------------------------------------------


def _member(party: Party, needs: Iterable[str] = (), offers: Iterable[str] = ()) -> Member:
    return Member(
        party=party,
        name=str(party.id),
        profile="current",
        needs=frozenset(needs),
        offers=frozenset(offers),
    )


def test_the_matrix_decides_every_pair_but_the_diagonal() -> None:
    members = [_member(EXIT), _member(POLICE), _member(SCHOOL)]
    row = Row(1, "health", R.ALWAYS, from_sector="exit_counselling", to_sector="police")
    matrix = build_matrix(members, [row], ["health", "identity"])
    assert set(matrix.cells) == {(a, b) for a in (1, 2, 3) for b in (1, 2, 3) if a != b}
    cell = matrix.cell(members[0], members[1])
    assert (cell["health"].rule, cell["health"].downgraded) == (R.CONSENT, True)
    assert not cell["identity"].agreed
    assert matrix.cell(members[0], members[0]) == {}


def test_a_need_is_unmet_when_no_other_member_offers_it() -> None:
    members = [
        _member(EXIT, needs={"housing", "treatment"}, offers={"exit_counselling", "housing"}),
        _member(POLICE, needs={"exit_counselling", "treatment"}),
        _member(SCHOOL, offers={"family_work"}),
    ]
    matrix = build_matrix(members, [], [])
    unmet = {u.code: [m.party.id for m in u.needed_by] for u in matrix.unmet}
    # housing is offered only by the one who needs it; nobody offers treatment
    assert unmet == {"housing": [EXIT.id], "treatment": [EXIT.id, POLICE.id]}
