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

from icommit.demo import builder
from icommit.sharing import exports
from icommit.sharing import selectors as sharing_selectors
from icommit.stakeholders.models import Organisation, RoleProfile
from icommit.stakeholders.sectors import Sector
from icommit.teams.models import TeamOrganisation
from tests import jobs
from tests.factories import OrganisationFactory
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


# --- the page's compact grid, the per-organisation view and the filter ------------------------


def test_every_organisation_gets_a_short_code_numbered_within_its_sector(known: Circle) -> None:
    w = known.world
    zeta = OrganisationFactory(name="Zeta Police", sector=Sector.POLICE)
    TeamOrganisation.objects.create(team=w.team, organisation=zeta)
    result = sharing_selectors.transparency_matrix(team=w.team)
    codes = exports.organisation_codes(result.participants)
    by_name = {p.organisation.name: codes[p.organisation.pk] for p in result.participants}
    assert by_name["Clinic"] == "HLTH" and by_name["Exit NGO"] == "EXIT"
    assert (by_name["Police"], by_name["Zeta Police"]) == ("POL1", "POL2")
    assert len(set(codes.values())) == len(codes)


def test_the_grid_cells_show_symbols_with_every_category_in_words(
    known: Circle, client_for
) -> None:  # type: ignore[no-untyped-def]
    w = known.world
    response = client_for(w.member).get(reverse("transparency:matrix", args=[w.team.pk]))
    html = response.content.decode()
    # a symbol per rule with the number of categories, and the whole cell as text
    assert '<span class="mark mark-consent" aria-hidden="true">◐<small>1</small>*</span>' in html
    assert "From Clinic to Police: with consent: Health; not agreed: Identity," in html
    assert (
        'class="table-wrap matrix-scroll" role="region" aria-labelledby="matrix-grid-label"' in html
    )
    assert html.count('<th scope="row"><span class="org-code">') == 6  # a row for every one


def test_one_organisations_view_lists_what_it_may_share_and_receive(
    known: Circle, client_for
) -> None:  # type: ignore[no-untyped-def]
    w = known.world
    url = reverse("transparency:matrix", args=[w.team.pk])
    response = client_for(w.member).get(url, {"organisation": known.exit.pk})
    focus = response.context["focus"]
    outgoing = {o.organisation.name: c for o, c in focus.outgoing_split[0]}
    incoming = {o.organisation.name: c for o, c in focus.incoming_split[0]}
    assert set(outgoing) == {"Police"} and set(incoming) == {"Police"}
    assert [(m.key, m.categories) for m in outgoing["Police"].agreed] == [
        ("consent", ["Identity"]),
        ("legal_basis", ["Risk assessment reference"]),
    ]
    # two equally specific rows for police → exit NGO: the stricter one applies
    assert [(m.key, m.categories) for m in incoming["Police"].agreed] == [
        ("legal_basis", ["Risk assessment reference"])
    ]
    assert [o.organisation.name for o in focus.outgoing_split[1]] == [
        "Clinic",
        "Housing Co",
        "Municipality",
        "Youth Office",
    ]
    assert sorted(focus.unmet) == ["Housing placement", "Religious or ideological counselling"]
    html = response.content.decode()
    assert "What Exit NGO may share with whom" in html
    assert "What the others may share with Exit NGO" in html
    assert "Nothing agreed with: Clinic, Housing Co, Municipality, Youth Office" in html


def test_the_filter_keeps_the_flows_that_matter(known: Circle, client_for) -> None:  # type: ignore[no-untyped-def]
    w = known.world
    url = reverse("transparency:matrix", args=[w.team.pk])
    client = client_for(w.member)
    conditional = client.get(url, {"show": "conditional", "organisation": w.police.pk})
    outgoing = {o.organisation.name: c for o, c in conditional.context["focus"].outgoing_split[0]}
    # police → exit NGO: risk on a legal basis stays; what is not agreed is left out
    assert [(m.key, m.categories) for m in outgoing["Exit NGO"].marks] == [
        ("legal_basis", ["Risk assessment reference"])
    ]
    cells = [c for _sender, row in conditional.context["grid"] for c in row if c is not None]
    assert {m.key for c in cells for m in c.marks} <= {"consent", "legal_basis"}
    agreed = client.get(url, {"show": "agreed"})
    cells = [c for _sender, row in agreed.context["grid"] for c in row if c is not None]
    assert "none" not in {m.key for c in cells for m in c.marks}
    assert {m.key for c in cells for m in c.marks} >= {"always", "consent", "legal_basis"}
    unmet = client.get(url, {"show": "unmet"})
    assert {s.code for s in unmet.context["supplies"]} == {
        "evaluation",
        "housing",
        "ideological_counselling",
        "school_contact",
    }
    assert "matrix-grid-label" not in unmet.content.decode()
    # an organisation outside the team is refused by the form, not shown
    stranger = client.get(url, {"organisation": w.other_team.pk * 1000})
    assert stranger.status_code == 200 and stranger.context["focus"] is None


# --- the PDF loses no organisation ------------------------------------------------------------


@pytest.fixture
def demo_sized(circle: Circle) -> Circle:
    """The team with the fourteen organisations of the demo, long names included."""
    w = circle.world
    for _key, name, sector in builder.ORGANISATIONS:
        org = OrganisationFactory(name=name, sector=sector)
        TeamOrganisation.objects.create(team=w.team, organisation=org)
    police = Organisation.objects.get(name="Demo City Police – Prevention Unit")
    circle.row(
        from_sector="health",
        to_organisation_id=police.pk,
        category="health",
        rule="always",
        legal_source="Law",
    )
    circle.row(
        from_sector="school", to_sector="youth_welfare", category="situation", rule="consent"
    )
    circle.row(
        from_sector="probation",
        to_sector="exit_counselling",
        category="risk",
        rule="legal_basis",
        legal_source="Law",
    )
    return circle


def test_the_pdf_names_every_organisation_as_sender_and_as_receiver(
    demo_sized: Circle, client_for
) -> None:  # type: ignore[no-untyped-def]
    w = demo_sized.world
    client = client_for(w.member)
    job = jobs.start(client, reverse("transparency:matrix_pdf", args=[w.team.pk]))
    data, _disposition = jobs.download(client, job)
    text = jobs.pdf_text(data)
    text = text.replace("\u2010 ", "")  # a word hyphenated at the end of a line
    names = sorted(
        p.organisation.name for p in sharing_selectors.transparency_matrix(team=w.team).participants
    )
    assert len(names) == 20
    senders = [(name, text.find(f"What {name} may share")) for name in names]
    assert all(at >= 0 for _name, at in senders), [n for n, at in senders if at < 0]
    starts = sorted(at for _name, at in senders)
    sections = {
        name: text[
            at : next(
                (s for s in starts if s > at),
                text.find("Legal duties and secrecy, per organisation", at),
            )
        ]
        for name, at in senders
    }
    flat = {name: " ".join(section.split()) for name, section in sections.items()}
    for sender, section in flat.items():
        missing = [n for n in names if n != sender and _squash(n) not in _squash(section)]
        assert not missing, f"{sender}'s section leaves out {missing}"
    # a receiver with something agreed has its rule and category: "always" became consent
    assert "Health *" in flat["Clinic"] and "Health *" in flat["Demo City Clinic for Psychiatry"]


def _squash(text: str) -> str:
    """Text without spaces, so that a name broken across lines of a cell still matches."""
    return "".join(text.split())
