"""Wording of the charter starting draft version 2 that a practitioner review settled.

Read from the shipped file, so that a later edit that brings back an over-reaching promise fails.
"""

from __future__ import annotations

from typing import Any

import yaml

from icommit.charters import starting

DATA: dict[str, Any] = yaml.safe_load((starting.FOLDER / "v2.yaml").read_text(encoding="utf-8"))
PROMISES = {p["id"]: p for p in DATA["promises"]}
GERMANY = DATA["sections"]["confidentiality"]["DE"]


def test_promises_are_about_what_members_share_within_the_team() -> None:
    nothing = PROMISES["nothing_shared_by_default"]["text"]
    assert nothing["en"].startswith("Within this team nothing is shared by default")
    assert "does not switch off the duties some members have by law" in nothing["en"]
    assert nothing["de"].startswith("Innerhalb des Teams wird nichts automatisch geteilt")
    assert "hebt gesetzliche Pflichten einzelner Mitglieder" in nothing["de"]
    informed = PROMISES["person_informed"]["text"]
    assert "what members of this team share about them with each other" in informed["en"]
    assert "was Mitglieder des Teams untereinander über sie teilen" in informed["de"]
    assert PROMISES["pseudonymous_by_default"]["text"]["en"].startswith("Within this team")


def test_the_german_text_names_the_duties_that_move_information_outside_the_team() -> None:
    for needle in (
        "§ 56d(3) StGB",
        "§ 18 BVerfSchG",
        "§ 87 AufenthG",
        "§ 71(2) SGB X",
        "§§ 138, 139 StGB",
    ):
        assert needle in GERMANY["en"], needle
    for needle in ("§ 56d Abs. 3 StGB", "§ 18 BVerfSchG", "§ 88 AufenthG", "§§ 138, 139 StGB"):
        assert needle in GERMANY["de"], needle
    assert "A pseudonym does not prevent this" in GERMANY["en"]
    assert "Ein Pseudonym verhindert das nicht" in GERMANY["de"]
    assert "involves the police only when immediate action is needed" in GERMANY["en"]
    assert "§ 67b(2) SGB X" in GERMANY["en"]
    for text in (GERMANY["en"], DATA["sections"]["confidentiality"]["default"]["en"]):
        assert "rarely rely on consent" not in text


def test_without_agreement_no_case_and_after_danger_no_case_details_beyond_secrecy() -> None:
    referral = DATA["sections"]["referral_criteria"]["all"]
    assert "the team does not start joint support and keeps no case on them" in referral["en"]
    assert "behind their back" not in referral["en"]
    assert "ohne identifizierende Einzelheiten" in referral["de"]
    escalation = DATA["sections"]["escalation_dissent"]["all"]
    assert "passing on case details only as far as their secrecy allows" in escalation["en"]
    assert "fallführenden Organisation" in DATA["sections"]["roles_note"]["all"]["de"]
