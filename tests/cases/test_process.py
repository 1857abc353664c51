"""The case process: the one table of allowed moves, reason codes, and the shipped content."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from icommit.cases.process import (
    NEEDS_CODE,
    TRANSITIONS,
    Stage,
    load,
    move_problem,
    process,
)
from icommit.core.content import ContentError

S = Stage
#: The moves DOMAIN.md describes, written out by hand: the oracle for TRANSITIONS.
EXPECTED = {
    (S.REFERRED, S.TRIAGE),
    (S.TRIAGE, S.ACCEPTED),
    (S.TRIAGE, S.REJECTED),
    (S.TRIAGE, S.REDIRECTED),
    (S.ACCEPTED, S.INFORMATION_GATHERING),
    (S.INFORMATION_GATHERING, S.ASSESSMENT),
    (S.ASSESSMENT, S.CASE_CONFERENCE),
    (S.CASE_CONFERENCE, S.CONSENT),
    (S.CASE_CONFERENCE, S.INFORMATION_GATHERING),
    (S.CONSENT, S.PLAN_ACTIVE),
    (S.PLAN_ACTIVE, S.REVIEW),
    (S.REVIEW, S.PLAN_ACTIVE),
    (S.REVIEW, S.CASE_CONFERENCE),
    (S.CLOSED, S.AFTERCARE),
    (S.AFTERCARE, S.CLOSED),
    # a case may close from any stage of the work, with a reason code
    *((stage, S.CLOSED) for stage in (S.ACCEPTED, S.INFORMATION_GATHERING, S.ASSESSMENT)),
    *((stage, S.CLOSED) for stage in (S.CASE_CONFERENCE, S.CONSENT, S.PLAN_ACTIVE, S.REVIEW)),
    # re-referral after an ended referral or case
    *((stage, S.REFERRED) for stage in (S.REJECTED, S.REDIRECTED, S.CLOSED, S.AFTERCARE)),
}


def code_for(target: Stage) -> str:
    return sorted(process().code_sets[target.value])[0] if target in NEEDS_CODE else ""


def test_the_table_allows_exactly_the_moves_of_the_process() -> None:
    table = {(here, there) for here, targets in TRANSITIONS.items() for there in targets}
    assert table == EXPECTED


@pytest.mark.parametrize(("here", "there"), list(itertools.product(Stage, Stage)))
def test_every_move_outside_the_table_is_refused(here: Stage, there: Stage) -> None:
    problem = move_problem(here, there, code=code_for(there), codes=process().code_sets)
    if (here, there) in EXPECTED:
        assert problem is None
    else:
        assert problem == f"a case cannot move from {here.value} to {there.value}"


def test_ending_a_referral_or_a_case_needs_one_of_its_reason_codes() -> None:
    codes = process().code_sets
    assert (
        move_problem("plan_active", "closed", codes=codes) == "moving to closed needs a reason code"
    )
    assert move_problem("triage", "rejected", code="goals_reached", codes=codes) == (
        "'goals_reached' is not a reason code for rejected"
    )
    assert move_problem("plan_active", "closed", code="goals_reached", codes=codes) is None
    assert move_problem("triage", "redirected", code="acute_danger_police", codes=codes) is None
    assert move_problem("triage", "accepted", code="goals_reached", codes=codes) == (
        "moving to accepted takes no reason code"
    )
    assert move_problem("triage", "opened", codes=codes) == "unknown stage"


def test_the_shipped_process_describes_every_stage_in_both_languages() -> None:
    shipped = process()
    assert set(shipped.stages) == set(Stage)
    for text in shipped.stages.values():
        for field in (text.title, text.entry, text.recorded, text.sharing):
            assert field["en"].strip() and field["de"].strip()
    assert {q.key for q in shipped.triage} >= {
        "acute_danger",
        "several_domains",
        "several_organisations",
        "family_impact",
        "investigation_open",
        "minor",
        "earlier_referrals",
        "proportionate",
    }
    assert "acute_danger_police" in shipped.code_sets["redirected"]
    assert {a.key for a in shipped.ahead} == {"release_from_prison", "moving_city", "turning_18"}
    release = next(a for a in shipped.ahead if a.key == "release_from_prison")
    assert release.months == 12


def test_the_shipped_process_keeps_the_three_meanings_of_consent_apart() -> None:
    consent = process().stages[S.CONSENT]
    assert "not a release from confidentiality" in consent.entry["en"]
    assert "weder eine Schweigepflichtentbindung" in consent.entry["de"]
    triage = process().stages[S.TRIAGE]
    assert "Pseudonymous" in triage.sharing["en"]


def test_a_broken_process_file_names_every_problem(tmp_path: Path) -> None:
    source = Path(load.__defaults__[0]).read_text(encoding="utf-8")  # type: ignore[index]
    broken = source.replace("responsible: referrer", "responsible: police", 1).replace(
        "  - code: not_reachable", "  - code: died", 1
    )
    broken = broken.replace(
        'title: {en: "Not taken on", de: "Nicht übernommen"}', 'title: {en: "Not taken on"}'
    )
    path = tmp_path / "v1.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load(path)
    text = str(error.value)
    assert "stages.referred.responsible: 'police' is not a role" in text
    assert "stages.rejected.title.de: needs a non-empty de text" in text
    assert "exit_codes.closed[7].code: 'died' appears twice" in text
