"""The transparency matrix of a known team, compared with golden files.

Set ``UPDATE_GOLDEN=1`` to rewrite the files after an intended change, then read the
diff before committing it.
"""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from icommit.sharing import selectors as sharing_selectors
from icommit.stakeholders.models import RoleProfile
from tests.stakeholders.conftest import Circle

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def known(circle: Circle) -> Circle:
    """Six organisations, five profiles (one stale, one missing) and nine protocol rows."""
    w = circle.world
    circle.profile(
        "health",
        secrecy="bound",
        secrecy_source="Medical confidentiality",
        needs=[{"code": "housing", "text": ""}],
        offers=[{"code": "psychological_assessment"}, {"code": "treatment"}],
    )
    circle.profile(
        "exit",
        secrecy="bound",
        secrecy_source="Professional secrecy",
        needs=[{"code": "housing"}, {"code": "ideological_counselling"}],
        offers=[{"code": "exit_counselling"}, {"code": "family_work"}],
    )
    circle.profile(
        "police",
        needs=[{"code": "exit_counselling"}, {"code": "psychological_assessment"}],
        offers=[{"code": "risk_information"}],
    )
    circle.profile(
        "youth",
        needs=[{"code": "school_contact"}],
        offers=[{"code": "youth_support"}, {"code": "family_work"}],
    )
    circle.profile(
        "municipality", needs=[{"code": "evaluation"}], offers=[{"code": "coordination"}]
    )
    RoleProfile.objects.filter(organisation=w.municipality).update(
        confirmed_at=timezone.now() - datetime.timedelta(days=400)
    )
    police, exit_ngo, housing = w.police.pk, circle.exit.pk, circle.housing.pk
    rows: list[dict[str, Any]] = [
        {"from_sector": "health", "to_sector": "police", "category": "health", "rule": "always"},
        {"from_organisation_id": exit_ngo, "to_organisation_id": police, "category": "risk"},
        {"from_sector": "exit_counselling", "to_sector": "police", "category": "identity"},
        {"from_organisation_id": exit_ngo, "to_sector": "police", "category": "identity"},
        {"from_organisation_id": w.municipality.pk, "to_sector": "youth_welfare"},
        {"from_sector": "youth_welfare", "to_organisation_id": housing, "category": "situation"},
        {"from_sector": "police", "to_organisation_id": exit_ngo, "category": "risk"},
        {"from_organisation_id": police, "to_sector": "exit_counselling", "category": "risk"},
        {"from_organisation_id": housing, "to_sector": "police", "category": "family"},
    ]
    rules = [
        "always",
        "legal_basis",
        "never",
        "consent",
        "always",
        "consent",
        "legal_basis",
        "always",
        "always",
    ]
    for index, (row, rule) in enumerate(zip(rows, rules, strict=True), start=1):
        row.setdefault("category", "plan")
        row["rule"] = rule
        row["legal_source"] = f"Source {index}" if rule in ("always", "legal_basis") else ""
        row["note"] = f"R{index}"
        circle.row(**row)
    return circle


def _compare(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(actual.encode("utf-8"))
    assert actual == path.read_bytes().decode("utf-8")


def _named(data: dict[str, Any], notes: dict[int, str]) -> dict[str, Any]:
    """The API's matrix with organisation ids replaced by names and row ids by row notes."""
    names = {o["id"]: o["name"] for o in data["organisations"]}
    flows: dict[str, dict[str, str]] = {}
    for flow in data["flows"]:
        key = f"{names[flow['from_id']]} → {names[flow['to_id']]}"
        if not flow["agreed"]:
            text = "not agreed"
        else:
            text = f"{flow['rule']} ({notes[flow['row_id']]})"
            text += ", downgraded for secrecy" if flow["downgraded"] else ""
        flows.setdefault(key, {})[flow["category"]] = text
    return {
        "organisations": {
            o["name"]: {
                "sector": o["sector"],
                "security": o["is_security"],
                "secrecy_bound": o["secrecy_bound"],
                "profile": o["profile"],
                "needs": o["needs"],
                "offers": o["offers"],
            }
            for o in data["organisations"]
        },
        "flows": flows,
        "unmet_needs": {
            u["code"]: sorted(names[i] for i in u["needed_by"]) for u in data["unmet_needs"]
        },
    }


def test_the_matrix_of_a_known_team_matches_the_golden_file(known: Circle, client_for) -> None:  # type: ignore[no-untyped-def]
    w = known.world
    response = client_for(w.observer).get(f"/api/v1/teams/{w.team.pk}/transparency/matrix")
    assert response.status_code == 200
    data = response.json()
    notes = {r.pk: r.note for r in sharing_selectors.protocol_rows(team=w.team)}
    named = _named(data, notes)
    _compare("matrix.json", json.dumps(named, indent=2, ensure_ascii=False) + "\n")
    # the facts the golden file is about, stated once more so that a wrong file cannot pass
    flows = named["flows"]
    assert flows["Clinic → Police"]["health"] == "consent (R1), downgraded for secrecy"
    assert flows["Exit NGO → Police"]["identity"] == "consent (R4)"
    assert flows["Police → Exit NGO"]["risk"] == "legal_basis (R7)"
    assert flows["Housing Co → Police"]["family"] == "consent (R9), downgraded for secrecy"
    assert flows["Municipality → Youth Office"]["plan"] == "always (R5)"
    assert named["organisations"]["Municipality"]["profile"] == "stale"
    assert named["organisations"]["Housing Co"]["profile"] == "missing"
    assert set(named["unmet_needs"]) == {
        "evaluation",
        "housing",
        "ideological_counselling",
        "school_contact",
    }


def test_the_csv_of_a_known_team_matches_the_golden_file(known: Circle, client_for) -> None:  # type: ignore[no-untyped-def]
    w = known.world
    response = client_for(w.member).get(
        reverse("transparency:matrix_csv", args=[w.team.pk]), {"category": "risk"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    _compare("matrix-risk.csv", response.content.decode("utf-8-sig"))


def test_a_filter_by_category_decides_only_that_category(known: Circle) -> None:
    result = sharing_selectors.transparency_matrix(team=known.world.team, categories=["health"])
    assert result.matrix.categories == ["health"]
    assert all(list(cell) == ["health"] for cell in result.matrix.cells.values())
    assert [p.organisation.name for p in result.flagged] == ["Housing Co", "Municipality"]


def test_the_case_work_decision_for_one_flow_agrees_with_the_matrix(known: Circle) -> None:
    w = known.world
    result = sharing_selectors.transparency_matrix(team=w.team)
    by_org = {p.organisation.pk: p for p in result.participants}
    for sender in (known.health, known.exit, known.housing, w.police):
        for receiver in (w.police, known.exit, known.youth):
            if sender == receiver:
                continue
            for category in ("health", "identity", "risk", "family"):
                single = sharing_selectors.sharing_decision(
                    team=w.team, sender=sender, receiver=receiver, category=category
                )
                cell = result.matrix.cell(by_org[sender.pk].member, by_org[receiver.pk].member)
                assert (single.rule, single.row, single.downgraded) == (
                    cell[category].rule,
                    cell[category].row,
                    cell[category].downgraded,
                )
