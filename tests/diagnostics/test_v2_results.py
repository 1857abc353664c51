"""Results of rounds on the v2 format (issue 12): groupings chosen at opening, counts per option
with group sizes (never averaged), distributions beside means, recommendations on single
statements and for the team's phase, and comparison across versions on unchanged dimensions."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse

from icommit.diagnostics import reports, services
from icommit.diagnostics.models import OptionTally, Round
from icommit.instruments import services as instrument_services
from icommit.instruments.engine import load_yaml
from icommit.instruments.models import InstrumentVersion, Origin
from icommit.stakeholders.sectors import Sector
from tests.conftest import World
from tests.diagnostics.conftest import ClientFor, close, join, text_of, vouch
from tests.factories import OrganisationFactory

FIXTURES = Path(__file__).parent / "fixtures"


def publish(text: str, name: str = "v2.yaml") -> InstrumentVersion:
    definition = load_yaml(text, source=name)
    version, _created = instrument_services.version_store(
        actor=None, definition=definition, origin=Origin.SHIPPED, source_name=name
    )
    return InstrumentVersion.objects.select_related("instrument").get(pk=version.pk)


def fixture() -> str:
    return (FIXTURES / "v2.yaml").read_text(encoding="utf-8")


def answers(level: int, incident: str, *, security: bool) -> dict[str, object]:
    out: dict[str, object] = {
        "trust_1": level,
        "trust_2": level,
        "roles_1": level,
        "roles_2": level,
        "incidents_1": incident,
    }
    if security:
        out["feedback_1"] = "never"
    return out


def run_round(
    world: World,
    version: InstrumentVersion,
    *,
    grouping: str,
    levels: dict[str, int],
    incidents: dict[str, str] | None = None,
    title: str = "Round",
    people: dict[str, list] | None = None,
) -> tuple[Round, dict[str, list]]:
    """Five police, five probation and five social services members answer at their level."""
    vouch(world.coordinator, world.member)
    if people is None:
        people = {
            "police": join(world.team, OrganisationFactory(sector=Sector.POLICE), 5),
            "probation": join(world.team, OrganisationFactory(sector=Sector.PROBATION), 5),
            "social": join(world.team, OrganisationFactory(sector=Sector.SOCIAL_SERVICES), 5),
        }
    with transaction.atomic():
        round = services.round_open(
            actor=world.coordinator,
            team=world.team,
            version=version,
            title=title,
            closes_on=services.today(),
            grouping=grouping,
        )
    for group, members in people.items():
        for person in members:
            incident = (incidents or {}).get(group, "never")
            with transaction.atomic():
                services.response_submit(
                    actor=person,
                    round=round,
                    answers=answers(levels[group], incident, security=group != "social"),
                )
    return close(round, world.coordinator), people


def test_the_justice_social_grouping_compares_three_groups(world: World) -> None:
    version = publish(fixture())
    round, _people = run_round(
        world,
        version,
        grouping="justice_social",
        levels={"police": 5, "probation": 3, "social": 1},
        incidents={"probation": "once"},
    )
    assert Round.objects.get(pk=round.pk).grouping == "justice_social"
    report = reports.round_report(user=world.coordinator, round=round, lang="en")
    assert report.results.sides == ("security", "justice_social", "non_security")
    assert [c.label for c in report.side_columns] == [
        "Security members",
        "Justice social services",
        "Other members",
    ]
    trust = report.results.row("trust")
    by = trust.by_group
    assert (by["security"].value, by["justice_social"].value, by["non_security"].value) == (
        100.0,
        50.0,
        0.0,
    )
    assert by["justice_social"].n == 5 and trust.divergence == 100.0 and trust.divergent
    # the counts item: how many chose each option per group, with the group sizes; never a mean
    [incidents] = [i for i in report.domains[0].items if i.key == "incidents_1"]
    assert incidents.kind == "counts" and incidents.parts[0].means is None
    keys = [c.key for c in report.item_columns]
    assert keys[:4] == ["all", "security", "justice_social", "non_security"]
    rows = {r.label: dict(zip(keys, r.counts, strict=True)) for r in incidents.parts[0].rows}
    assert rows["Once"]["all"] == 5 and rows["Once"]["justice_social"] == 5
    assert rows["Never"]["all"] == 10 and rows["Once"]["security"] == 0
    assert {c.key: c.n for c in report.item_columns}["justice_social"] == 5
    # the trust score rests on the two scored statements only (the counts item is not in it)
    assert report.results.row("trust").team == 50.0
    # a statement's distribution beside its mean
    [roles_1] = [i for i in report.domains[1].items if i.key == "roles_1"]
    assert roles_1.parts[0].means[0] == 50.0


def test_the_state_grouping_and_the_page_and_api(world: World, client_for: ClientFor) -> None:
    version = publish(fixture())
    round, _people = run_round(
        world, version, grouping="state", levels={"police": 4, "probation": 4, "social": 2}
    )
    report = reports.round_report(user=world.coordinator, round=round, lang="en")
    assert report.results.sides == ("state", "non_state")
    client = client_for(world.coordinator)
    url = reverse("diagnostics:results", args=(world.team.pk, round.pk))
    page = text_of(client.get(url).content.decode())
    assert "State and non-state members" in page  # the grouping in the facts
    assert "State members" in page and "answers counted, never averaged" in page
    assert "Information I shared reached someone it was not meant for." in page
    api = client.get(f"/api/v1/teams/{world.team.pk}/diagnostics/rounds/{round.pk}/results")
    assert api.status_code == 200, api.content
    data = api.json()
    assert data["grouping"] == "state" and data["compared_groups"] == ["state", "non_state"]
    trust = next(d for d in data["dimensions"] if d["key"] == "trust")
    counted = next(s for s in trust["statements"] if s["key"] == "incidents_1")
    assert counted["kind"] == "counts" and counted["group_sizes"]["all"] == 15
    never = counted["parts"][0]["counts"][0]
    assert never["answer"] == "Never" and never["groups"]["all"] == 15
    assert OptionTally.objects.filter(round=round).exists()


def test_item_recommendations_fire_on_the_answers_and_only_in_their_phases(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = publish(fixture())
    round, _people = run_round(
        world,
        version,
        grouping="security",
        levels={"police": 2, "probation": 2, "social": 2},  # roles_1 mean 25 < 50
        incidents={"social": "more_than_once"},
    )
    monkeypatch.setattr(reports, "_current_phase", lambda round: "exploration")
    report = reports.round_report(user=world.coordinator, round=round, lang="en")
    roles = next(d for d in report.domains if d.key == "roles")
    trust = next(d for d in report.domains if d.key == "trust")
    assert [a.text for a in roles.advice] == ["Write down each partner's mandate."]
    # the leak advice is for teams in operation or monitoring only
    assert [a.text for a in trust.advice] == ["Talk about trust."]
    monkeypatch.setattr(reports, "_current_phase", lambda round: "operation")
    report = reports.round_report(user=world.coordinator, round=round, lang="en")
    trust = next(d for d in report.domains if d.key == "trust")
    assert [a.text for a in trust.advice] == ["Talk about trust.", "Agree on how to handle a leak."]
    # and it goes into the plan like any other: looked up by dimension and index
    advice = reports.recommendation_of(round=round, domain="trust", index=1, lang="en")
    assert advice.text == "Agree on how to handle a leak."


def test_a_round_on_another_version_is_compared_only_on_unchanged_dimensions(
    world: World,
) -> None:
    first = publish(fixture())
    changed = fixture().replace("version: 1", "version: 2", 1)
    changed = changed.replace("Partners keep their word.", "Partners keep their promises.")
    second = publish(changed)
    _round, people = run_round(
        world, first, grouping="security", levels={"police": 2, "probation": 2, "social": 2}
    )
    later, _ = run_round(
        world,
        second,
        grouping="security",
        levels={"police": 4, "probation": 4, "social": 4},
        title="Later",
        people=people,
    )
    report = reports.round_report(user=world.coordinator, round=later, lang="en")
    assert report.previous_round is not None
    assert report.results.row("roles").change == 50.0
    assert report.results.row("trust").change is None  # its statements changed
    assert report.left_out == [("Trust", "its statements changed between the versions")]
    page_text = reports.as_api(report)["left_out_of_comparison"]
    assert page_text == [
        {"dimension": "Trust", "reason": "its statements changed between the versions"}
    ]


def test_the_opening_form_offers_the_groupings(world: World, client_for: ClientFor) -> None:
    client = client_for(world.coordinator)
    html = client.get(reverse("diagnostics:round_open", args=(world.team.pk,))).content.decode()
    for value in ("security", "justice_social", "state"):
        assert f'name="grouping" value="{value}"' in html
