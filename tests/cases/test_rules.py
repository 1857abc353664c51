"""``cases.rules.share_problem`` over its inputs: examples, then invariants over every input.

The function is pure; these tests call it directly. The examples name one input each and the
outcome the rule book (DOMAIN.md, rules 2, 4 and 5; cases/rules.py) gives; the invariants then
hold over the whole product of inputs (protocol × secrecy × basis × consent kind × coverage ×
statute × reason × statutory duty × participation × restriction × security origin).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from icommit.cases.rules import SECRECY_BOUND, Basis, Offer, secrecy_bound, share_problem
from icommit.sharing.decision import SharingRule

R = SharingRule
ALWAYS, CONSENT, LEGAL, NEVER = R.ALWAYS, R.CONSENT, R.LEGAL_BASIS, R.NEVER

PROTOCOLS: list[SharingRule | None] = [ALWAYS, CONSENT, LEGAL, NEVER, None]
SECRECIES = ["none", "official", "professional", "social_data", "pastoral"]
BASES = [Basis.PROTOCOL, Basis.CONSENT, Basis.STATUTE, Basis.DANGER, "other"]
CONSENT_KINDS = ["", "release", "sharing", "participation"]

RELEASE = Offer(basis=Basis.CONSENT, consent_kind="release", consent_covers=True)
RELEASE_UNCOVERED = Offer(basis=Basis.CONSENT, consent_kind="release", consent_covers=False)
SHARING = Offer(basis=Basis.CONSENT, consent_kind="sharing", consent_covers=True)
SHARING_UNCOVERED = Offer(basis=Basis.CONSENT, consent_kind="sharing", consent_covers=False)
AGREEMENT = Offer(basis=Basis.CONSENT, consent_kind="participation", consent_covers=True)
STATUTE = Offer(basis=Basis.STATUTE, statute="§ 8a SGB VIII")
STATUTE_BLANK = Offer(basis=Basis.STATUTE, statute="  ")
PROTOCOL = Offer(basis=Basis.PROTOCOL)
DANGER = Offer(basis=Basis.DANGER, reason="He announced an attack on the school tomorrow.")
DANGER_BLANK = Offer(basis=Basis.DANGER, reason=" ")
UNKNOWN = Offer(basis="gut feeling")


DUTY = Offer(basis=Basis.STATUTE, statute="§ 8a SGB VIII", duty=True, reason="Child at risk")
DUTY_NO_REASON = Offer(basis=Basis.STATUTE, statute="§ 8a SGB VIII", duty=True)
STATUTE_REASON = Offer(basis=Basis.STATUTE, statute="§ 34 StGB", reason="Protects another")


def problem(
    protocol: SharingRule | None,
    secrecy: str,
    offer: Offer,
    participates: bool = True,
    restricted: bool = False,
    security: bool = False,
) -> str | None:
    return share_problem(
        protocol=protocol,
        secrecy=secrecy,
        offer=offer,
        recipient_participates=participates,
        restricted=restricted,
        origin_is_security=security,
    )


# (protocol, secrecy, offer, participates, restricted, allowed)
EXAMPLES = [
    # "always": the protocol is enough, unless the author was bound by secrecy
    (ALWAYS, "none", PROTOCOL, True, False, True),
    (ALWAYS, "official", PROTOCOL, True, False, True),
    (ALWAYS, "professional", PROTOCOL, True, False, False),
    (ALWAYS, "social_data", PROTOCOL, True, False, False),
    (ALWAYS, "pastoral", PROTOCOL, True, False, False),
    (ALWAYS, "professional", RELEASE, True, False, True),
    (ALWAYS, "professional", RELEASE_UNCOVERED, True, False, False),
    (ALWAYS, "professional", SHARING, True, False, False),
    (ALWAYS, "professional", STATUTE, True, False, True),
    (ALWAYS, "professional", STATUTE_BLANK, True, False, False),
    (ALWAYS, "none", SHARING, True, False, True),
    (ALWAYS, "none", SHARING_UNCOVERED, True, False, False),
    (ALWAYS, "none", AGREEMENT, True, False, False),
    (ALWAYS, "none", STATUTE, True, False, True),
    (ALWAYS, "none", UNKNOWN, True, False, False),
    # "with consent": a consent or release covering category and recipient
    (CONSENT, "none", PROTOCOL, True, False, False),
    (CONSENT, "none", SHARING, True, False, True),
    (CONSENT, "none", RELEASE, True, False, True),
    (CONSENT, "none", SHARING_UNCOVERED, True, False, False),
    (CONSENT, "none", AGREEMENT, True, False, False),
    (CONSENT, "none", STATUTE, True, False, False),
    (CONSENT, "professional", SHARING, True, False, False),
    (CONSENT, "professional", RELEASE, True, False, True),
    (CONSENT, "social_data", RELEASE, True, False, True),
    # "with a recorded legal basis": a statute, which also lifts secrecy
    (LEGAL, "none", PROTOCOL, True, False, False),
    (LEGAL, "none", STATUTE, True, False, True),
    (LEGAL, "none", STATUTE_BLANK, True, False, False),
    (LEGAL, "professional", STATUTE, True, False, True),
    (LEGAL, "none", SHARING, True, False, False),
    (LEGAL, "professional", RELEASE, True, False, False),
    # "never" and no row refuse everything but imminent danger
    (NEVER, "none", PROTOCOL, True, False, False),
    (NEVER, "none", RELEASE, True, False, False),
    (NEVER, "none", STATUTE, True, False, False),
    (NEVER, "professional", DANGER, True, False, True),
    (None, "none", PROTOCOL, True, False, False),
    (None, "none", SHARING, True, False, False),
    (None, "none", STATUTE, True, False, False),
    (None, "none", DANGER, True, False, True),
    (None, "none", DANGER_BLANK, True, False, False),
    # imminent danger needs a written reason
    (ALWAYS, "none", DANGER_BLANK, True, False, False),
    (ALWAYS, "pastoral", DANGER, True, False, True),
    # nothing to an organisation not taking part, not even in danger
    (ALWAYS, "none", PROTOCOL, False, False, False),
    (None, "none", DANGER, False, False, False),
    (CONSENT, "none", RELEASE, False, False, False),
    # a restricted client: only imminent danger, or a statute with a written reason
    (ALWAYS, "none", PROTOCOL, True, True, False),
    (CONSENT, "none", RELEASE, True, True, False),
    (LEGAL, "none", STATUTE, True, True, False),
    (LEGAL, "none", STATUTE_REASON, True, True, True),
    (NEVER, "none", STATUTE_REASON, True, True, False),
    (NEVER, "none", DANGER, True, True, True),
    (ALWAYS, "none", DANGER_BLANK, True, True, False),
    # a statutory duty passes the protocol and secrecy, with a written reason
    (NEVER, "professional", DUTY, True, False, True),
    (None, "none", DUTY, True, False, True),
    (CONSENT, "none", DUTY, True, False, True),
    (None, "none", DUTY_NO_REASON, True, False, False),
    (NEVER, "none", DUTY, True, True, True),
    (None, "none", DUTY, False, False, False),
]

# (protocol, secrecy, offer, allowed) for an item from a security actor: never on consent
FROM_SECURITY = [
    (ALWAYS, "none", SHARING, False),
    (CONSENT, "none", SHARING, False),
    (CONSENT, "none", RELEASE, False),
    (ALWAYS, "none", PROTOCOL, True),
    (ALWAYS, "official", PROTOCOL, True),
    (LEGAL, "none", STATUTE, True),
    (NEVER, "none", DANGER, True),
    (None, "none", DUTY, True),
]


@pytest.mark.parametrize(
    ("protocol", "secrecy", "offer", "participates", "restricted", "allowed"), EXAMPLES
)
def test_examples(
    protocol: SharingRule | None,
    secrecy: str,
    offer: Offer,
    participates: bool,
    restricted: bool,
    allowed: bool,
) -> None:
    found = problem(protocol, secrecy, offer, participates, restricted)
    assert (found is None) is allowed, found
    if found is not None:
        assert isinstance(found, str) and found.strip()


@pytest.mark.parametrize(("protocol", "secrecy", "offer", "allowed"), FROM_SECURITY)
def test_items_of_security_actors_never_leave_on_consent(
    protocol: SharingRule | None, secrecy: str, offer: Offer, allowed: bool
) -> None:
    assert (problem(protocol, secrecy, offer, security=True) is None) is allowed


def every_input() -> Iterator[tuple[Any, ...]]:
    return itertools.product(
        PROTOCOLS,
        SECRECIES,
        BASES,
        CONSENT_KINDS,
        [True, False],  # consent covers
        ["", "§ 34 StGB"],  # statute
        ["", "Threat to life"],  # reason
        [False, True],  # a statutory duty
        [True, False],  # participates
        [True, False],  # restricted
        [False, True],  # the item comes from a security actor
    )


Input = tuple[SharingRule | None, str, Offer, bool, bool, bool]


def _all() -> list[Input]:
    cases = []
    for (
        protocol,
        secrecy,
        basis,
        kind,
        covers,
        statute,
        reason,
        duty,
        part,
        restr,
        security,
    ) in every_input():
        if kind == "" and covers:  # the services name no coverage without a consent
            continue
        if duty and basis != Basis.STATUTE:  # only a statute is a duty
            continue
        offer = Offer(
            basis=basis,
            consent_kind=kind,
            consent_covers=covers,
            statute=statute,
            reason=reason,
            duty=duty,
        )
        cases.append((protocol, secrecy, offer, part, restr, security))
    return cases


ALL = _all()


def test_the_product_is_large_and_both_outcomes_occur() -> None:
    outcomes = {problem(*c) is None for c in ALL}
    assert len(ALL) > 5000
    assert outcomes == {True, False}


def test_nothing_goes_to_an_organisation_that_does_not_take_part() -> None:
    for protocol, secrecy, offer, participates, restricted, security in ALL:
        if not participates:
            assert problem(protocol, secrecy, offer, participates, restricted, security) is not None


def test_imminent_danger_with_a_reason_overrides_everything_but_participation() -> None:
    for protocol, secrecy, offer, participates, restricted, security in ALL:
        if offer.basis == Basis.DANGER and participates:
            allowed = problem(protocol, secrecy, offer, participates, restricted, security) is None
            assert allowed is bool(offer.reason.strip())


def test_a_restricted_client_allows_only_danger_or_a_statute_with_a_reason() -> None:
    for protocol, secrecy, offer, participates, restricted, security in ALL:
        if not restricted or offer.basis == Basis.DANGER:
            continue
        if problem(protocol, secrecy, offer, participates, restricted, security) is None:
            assert offer.basis == Basis.STATUTE and offer.statute.strip()
            assert offer.reason.strip()


def test_never_and_no_row_refuse_except_imminent_danger_and_a_duty() -> None:
    for protocol, secrecy, offer, participates, restricted, security in ALL:
        if protocol in (NEVER, None) and offer.basis != Basis.DANGER and not offer.duty:
            assert problem(protocol, secrecy, offer, participates, restricted, security) is not None


def test_a_statutory_duty_with_a_reason_passes_protocol_and_secrecy() -> None:
    for protocol, secrecy, offer, participates, restricted, security in ALL:
        if offer.duty and offer.statute.strip() and participates:
            allowed = problem(protocol, secrecy, offer, participates, restricted, security) is None
            assert allowed is bool(offer.reason.strip())


def test_items_of_security_actors_never_leave_on_consent_whatever_else() -> None:
    for protocol, secrecy, offer, participates, restricted, security in ALL:
        if security and offer.basis == Basis.CONSENT:
            assert problem(protocol, secrecy, offer, participates, restricted, security) is not None


def test_an_agreement_to_take_part_is_never_a_basis() -> None:
    for protocol, secrecy, offer, participates, restricted, security in ALL:
        if offer.basis == Basis.CONSENT and offer.consent_kind == "participation":
            assert problem(protocol, secrecy, offer, participates, restricted, security) is not None


def test_a_consent_that_does_not_cover_is_never_a_basis() -> None:
    for protocol, secrecy, offer, participates, restricted, security in ALL:
        if offer.basis == Basis.CONSENT and not offer.consent_covers:
            assert problem(protocol, secrecy, offer, participates, restricted, security) is not None


def test_secrecy_needs_a_covering_release_or_a_statute_whatever_the_protocol() -> None:
    """Rule 4: towards anyone; "always" does not lift it (danger aside)."""
    for protocol, secrecy, offer, participates, restricted, security in ALL:
        if not secrecy_bound(secrecy) or offer.basis == Basis.DANGER:
            continue
        allowed = problem(protocol, secrecy, offer, participates, restricted, security) is None
        lifted = (
            offer.basis == Basis.CONSENT
            and offer.consent_kind == "release"
            and offer.consent_covers
        ) or (offer.basis == Basis.STATUTE and bool(offer.statute.strip()))
        if allowed:
            assert lifted, (protocol, secrecy, offer)


def test_secrecy_bound_kinds_are_professional_social_data_and_pastoral() -> None:
    assert {"professional", "social_data", "pastoral"} == SECRECY_BOUND
    assert not secrecy_bound("official")
    assert not secrecy_bound("none")


def test_the_protocol_sets_a_minimum() -> None:
    """Without danger or a duty, "with consent" needs a consent, "with a legal basis" a
    statute."""
    for protocol, secrecy, offer, participates, restricted, security in ALL:
        if offer.basis == Basis.DANGER or offer.duty:
            continue
        if problem(protocol, secrecy, offer, participates, restricted, security) is not None:
            continue
        assert participates
        assert protocol in (ALWAYS, CONSENT, LEGAL)
        if protocol == CONSENT:
            assert offer.basis == Basis.CONSENT and offer.consent_covers
            assert offer.consent_kind in ("release", "sharing")
        if protocol == LEGAL:
            assert offer.basis == Basis.STATUTE and offer.statute.strip()
        assert offer.basis in (Basis.PROTOCOL, Basis.CONSENT, Basis.STATUTE)


def test_exactly_the_expected_inputs_are_allowed() -> None:
    """An independent statement of the whole rule book, checked over every input."""

    def expected(
        protocol: SharingRule | None,
        secrecy: str,
        offer: Offer,
        part: bool,
        restr: bool,
        security: bool,
    ) -> bool:
        if not part:
            return False
        reason = bool(offer.reason.strip())
        if offer.basis == Basis.DANGER:
            return reason
        statute_named = offer.basis == Basis.STATUTE and bool(offer.statute.strip())
        if offer.basis == Basis.STATUTE and not statute_named:
            return False
        if restr and not (statute_named and reason):
            return False
        if offer.duty:
            return reason
        if offer.basis == Basis.CONSENT and security:
            return False
        if protocol in (None, NEVER):
            return False
        consent_ok = (
            offer.basis == Basis.CONSENT
            and offer.consent_kind in ("release", "sharing")
            and offer.consent_covers
        )
        statute_ok = offer.basis == Basis.STATUTE and bool(offer.statute.strip())
        if protocol == ALWAYS:
            basis_ok = offer.basis == Basis.PROTOCOL or consent_ok or statute_ok
        else:
            basis_ok = consent_ok if protocol == CONSENT else statute_ok
        if secrecy in ("professional", "social_data", "pastoral"):
            basis_ok = basis_ok and ((consent_ok and offer.consent_kind == "release") or statute_ok)
        return basis_ok

    for case in ALL:
        assert (problem(*case) is None) is expected(*case), case


@pytest.mark.parametrize("kind", ["", "withdrawn", "guardian"])
def test_a_consent_basis_must_name_a_release_or_a_consent_to_share(kind: str) -> None:
    """Defence in depth: a consent basis of no known kind is no basis, even if "covering"."""
    offer = Offer(basis=Basis.CONSENT, consent_kind=kind, consent_covers=True)
    assert problem(CONSENT, "none", offer) is not None
    assert problem(ALWAYS, "none", offer) is not None
