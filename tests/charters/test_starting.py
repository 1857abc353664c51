"""The charter starting draft version 2: country texts, promises checked against sector duties,
and teams whose charter began from version 1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from icommit.charters import services, starting
from icommit.charters.models import SECTIONS
from icommit.core.content import ContentError
from icommit.stakeholders.content import SectorDuty
from icommit.teams.models import Scope, Team
from tests.charters.conftest import fixture_duties
from tests.conftest import World

#: The shipped sector duties, taken before the autouse fixture swaps in the test's own.
SHIPPED_DUTIES = starting.shipped_duties
V2 = starting.FOLDER / "v2.yaml"
SOURCE = V2.read_text(encoding="utf-8")


def _line_of(text: str, needle: str, after: str = "") -> int:
    """1-based line of the first ``needle`` at or after the first ``after``."""
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "v2.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _team(world: World, country: str, scope: str = Scope.BOTH) -> Team:
    world.team.country = country
    world.team.scope = scope
    world.team.save()
    return world.team


# sentences that promise non-use for investigation, unless they say it cannot be promised
_DENIAL = {
    "en": ("cannot promise", "do not promise"),
    "de": ("nicht versprechen", "versprechen nicht", "versprechen Sie nicht"),
}


def _non_use_promises(text: str, language: str) -> list[str]:
    sentences = re.split(r"(?<=[.:;?!])\s+|\n", text)
    found = []
    for sentence in sentences:
        promises_non_use = (
            re.search(r"(nothing|never|not)\b.*\b(used|passed on)\b.*investigat", sentence, re.I)
            if language == "en"
            else re.search(r"(nichts|nie|nicht)\b.*\b(genutzt|verwendet|weitergegeben)", sentence)
            and "Ermittl" in sentence
        )
        if promises_non_use and not any(d in sentence for d in _DENIAL[language]):
            found.append(sentence)
    return found


# --- the loader --------------------------------------------------------------------------------


def test_the_shipped_version_2_loads_with_every_section_scope_and_country() -> None:
    draft = starting.load(V2, duties=fixture_duties())
    assert draft.version == 2
    assert set(draft.sections) == set(SECTIONS)
    assert set(draft.section_changes) == set(SECTIONS)
    assert set(draft.countries) == {"DE", "DK"}
    for scope in (*Scope.values, "all_forms", "mixed_unclear", "misogynist", "anti_government"):
        assert draft.scopes[scope]["en"] and "gewaltorientiert" in draft.scopes[scope]["de"]
    assert draft.promises["no_investigation_use"].countries == ("DK",)
    assert draft.promises["no_investigation_use"].ruled_out_by == (
        "legality_principle",
        "report_planned_offences",
    )
    assert starting.starting_draft().version == 2


def test_the_shipped_version_2_passes_the_shipped_sector_templates_which_rule_out_germany() -> None:
    shipped = SHIPPED_DUTIES()
    draft = starting.load(V2, duties=shipped)  # no ContentError
    promise = draft.promises["no_investigation_use"]
    german = {d.code for d in shipped.by_country["DE"] if d.applies}
    assert set(promise.ruled_out_by) <= german  # so the promise is not offered for DE
    assert "DE" not in (promise.countries or ())


def test_version_1_still_loads_as_published_beside_version_2() -> None:
    drafts = starting.starting_drafts()
    assert sorted(drafts) == [1, 2]
    assert (
        "nothing we share here is used for criminal investigation"
        in (drafts[1].sections["purpose_scope"]["all"]["en"])
    )


def test_a_promise_ruled_out_by_a_duty_of_the_same_country_is_refused() -> None:
    duties = fixture_duties()
    # a Danish police template that (wrongly for Denmark) said the legality principle applies
    denmark = starting.LegalDuties(
        codes=duties.codes,
        by_country={
            **duties.by_country,
            "DK": (SectorDuty("police", "police_dk.legality", "legality_principle", True),),
        },
    )
    with pytest.raises(ContentError) as caught:
        starting.load(V2, duties=denmark)
    [problem] = caught.value.problems
    assert problem.file.endswith("content/charters/starting-draft/v2.yaml")
    assert problem.line == _line_of(SOURCE, "ruled_out_by:", after="id: no_investigation_use")
    assert problem.field.endswith(".ruled_out_by")
    assert "no_investigation_use" in problem.message
    assert "police_dk.legality" in problem.message and "DK" in problem.message


def test_a_promise_offered_for_germany_is_refused_because_of_the_legality_principle(
    tmp_path: Path,
) -> None:
    text = SOURCE.replace("    countries: [DK]\n", "    countries: [DE, DK]\n", 1)
    with pytest.raises(ContentError) as caught:
        starting.load(_write(tmp_path, text), duties=fixture_duties())
    ruled_out = [p for p in caught.value.problems if "rules it out" in p.message]
    assert {re.search(r"duty '([a-z_.]+)'", p.message).group(1) for p in ruled_out} == {  # type: ignore[union-attr]  # the message always names the duty
        "police.legality_principle",
        "police.report_planned_offences",
        "prosecution.legality_principle",
        "social_services.report_planned_offences",
    }
    assert all("no_investigation_use" in p.message for p in ruled_out)
    assert all(
        p.line == _line_of(text, "ruled_out_by:", "id: no_investigation_use") for p in ruled_out
    )
    # and the German text does not make it
    assert any(
        "not offered for" in p.message or "does not make it" in p.message
        for p in caught.value.problems
    )


def test_a_duty_that_does_not_apply_rules_nothing_out(tmp_path: Path) -> None:
    duties = fixture_duties()
    denmark = starting.LegalDuties(
        codes=duties.codes,
        by_country={
            "DK": (SectorDuty("police", "police_dk.legality", "legality_principle", False),)
        },
    )
    assert starting.load(V2, duties=denmark).promises["no_investigation_use"]


def test_an_unknown_duty_code_is_refused(tmp_path: Path) -> None:
    text = SOURCE.replace(
        "ruled_out_by: [legality_principle, report_planned_offences]",
        "ruled_out_by: [legality_principle, report_everything]",
    )
    with pytest.raises(ContentError) as caught:
        starting.load(_write(tmp_path, text), duties=fixture_duties())
    [problem] = caught.value.problems
    assert "unknown duty code 'report_everything'" in problem.message
    assert "no_investigation_use" in problem.message
    assert problem.line == _line_of(text, "ruled_out_by:", "id: no_investigation_use")


def test_a_promise_that_a_duty_can_rule_out_is_never_offered_for_every_country(
    tmp_path: Path,
) -> None:
    text = SOURCE.replace("    countries: [DK]\n", "    countries: all\n", 1)
    with pytest.raises(ContentError, match="offered only for named countries"):
        starting.load(_write(tmp_path, text), duties=fixture_duties())


def test_a_country_text_making_a_promise_not_offered_for_it_is_refused(tmp_path: Path) -> None:
    text = SOURCE.replace(
        "es ist keine Ermittlungsbehörde. {promise:purpose_binding}\n\n        Wir versprechen",
        "es ist keine Ermittlungsbehörde. {promise:purpose_binding} {promise:no_investigation_use}"
        "\n\n        Wir versprechen",
        1,
    )
    assert text != SOURCE
    with pytest.raises(ContentError) as caught:
        starting.load(_write(tmp_path, text), duties=fixture_duties())
    messages = [p.message for p in caught.value.problems]
    assert "the English and German texts make different promises" in messages
    assert "the DE text makes promise 'no_investigation_use', not offered for DE" in messages


def test_an_unknown_placeholder_or_promise_is_refused(tmp_path: Path) -> None:
    text = SOURCE.replace("{promise:person_informed}", "{promise:person_told}").replace(
        "Scope: {scope}.", "Scope: {scopes}.", 1
    )
    with pytest.raises(ContentError) as caught:
        starting.load(_write(tmp_path, text), duties=fixture_duties())
    messages = " / ".join(p.message for p in caught.value.problems)
    assert "unknown promise 'person_told'" in messages
    assert "unknown placeholder {scopes}" in messages


def test_a_missing_german_text_names_the_file_line_and_field(tmp_path: Path) -> None:
    text = SOURCE.replace("  DK: {en: Denmark, de: Dänemark}", "  DK: {en: Denmark}")
    with pytest.raises(ContentError) as caught:
        starting.load(_write(tmp_path, text), duties=fixture_duties())
    [problem] = caught.value.problems
    assert problem.field == "countries.DK.de"
    assert problem.line == _line_of(text, "DK: {en: Denmark}")


# --- the starting text per country -------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_german_team_gets_the_honest_german_text(world: World, language: str) -> None:
    text = starting.starting_text(team=_team(world, "DE"), language=language)
    whole = "\n".join(text.values())
    assert _non_use_promises(whole, language) == []
    assert "§§ 152(2), 160, 163 StPO" in whole or "§§ 152 Abs. 2, 160, 163 StPO" in whole
    assert "§ 53 StPO" in whole and "§§ 94, 97 StPO" in whole and "§ 138 StGB" in whole
    assert "{" not in whole
    if language == "en":
        assert "Country law (DE)" in text["confidentiality"]
        assert "check with your organisation's legal service" in text["confidentiality"]
        assert "Release from confidentiality (Schweigepflichtentbindung)" in whole
        assert "recital 43" in whole and "Art. 10" in whole
        assert "Observers read only what is shared with them" in text["roles_note"]
        assert "Family members and others close to the person" in text["referral_criteria"]
        assert "data-protection officer" not in whole
    else:
        assert "Nationales Recht (DE)" in text["confidentiality"]
        assert "Rechtsabteilung Ihrer Organisation" in text["confidentiality"]
        assert "Beobachtende lesen nur, was mit ihnen geteilt wurde" in text["roles_note"]
        assert "Datenschutzbeauftragten" not in whole


def test_the_v1_promise_was_caught_by_the_same_check(world: World) -> None:
    v1 = starting.starting_text(
        team=_team(world, "DE"), language="en", draft=starting.starting_drafts()[1]
    )
    assert _non_use_promises(v1["purpose_scope"], "en")


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_danish_team_is_promised_what_retsplejeloven_115_guarantees(
    world: World, language: str
) -> None:
    text = starting.starting_text(team=_team(world, "dk"), language=language)
    promise = starting.starting_draft().promises["no_investigation_use"].text[language]
    assert promise in text["purpose_scope"]
    assert "§ 115" in text["confidentiality"]
    assert "§ 152" not in "\n".join(text.values())


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_team_in_another_country_gets_a_general_text_without_a_legal_promise(
    world: World, language: str
) -> None:
    text = starting.starting_text(team=_team(world, "FR"), language=language)
    whole = "\n".join(text.values())
    promise = starting.starting_draft().promises["no_investigation_use"].text[language]
    assert promise not in whole
    assert _non_use_promises(whole, language) == []
    assert "StPO" not in whole and "StGB" not in whole
    marker = (
        "check with your organisation's legal service"
        if language == "en"
        else "Rechtsabteilung Ihrer Organisation"
    )
    assert marker in text["confidentiality"]
    assert starting.starting_country(team=world.team, language=language) == ""


@pytest.mark.parametrize(
    ("scope", "en", "de"),
    [
        ("vrwe", "violent right-wing extremism", "gewaltorientierter Rechtsextremismus"),
        ("misogynist", "misogynist violent extremism", "frauenfeindlicher Extremismus"),
        ("anti_government", "anti-government extremism", "staatsfeindlicher Extremismus"),
    ],
)
def test_the_scope_reads_in_words(world: World, scope: str, en: str, de: str) -> None:
    team = _team(world, "DE")
    team.scope = scope  # the lead adds the new scopes to the model; the text has them already
    assert en in starting.starting_text(team=team, language="en")["purpose_scope"]
    assert de in starting.starting_text(team=team, language="de")["purpose_scope"]


def test_starting_a_charter_picks_the_text_for_the_teams_country(world: World) -> None:
    draft = services.charter_draft_start(
        actor=world.coordinator, team=_team(world, "DE"), language="en"
    )
    assert "§ 53 StPO" in draft.confidentiality
    assert "{promise:" not in draft.confidentiality
    services.charter_draft_discard(actor=world.coordinator, draft=draft)
    draft = services.charter_draft_start(
        actor=world.coordinator, team=_team(world, "DK"), language="en"
    )
    assert "retsplejeloven § 115" in draft.confidentiality


# --- teams whose charter began from version 1 --------------------------------------------------


def _publish_v1_charter(world: World) -> None:
    """A team that started its charter before version 2 existed, and changed a sentence."""
    draft = services.charter_draft_start(actor=world.coordinator, team=world.team)
    v1 = starting.starting_text(team=world.team, language="en", draft=starting.starting_drafts()[1])
    v1["meeting_rhythm"] = v1["meeting_rhythm"].replace("every six weeks", "every month")
    services.charter_draft_update(actor=world.coordinator, draft=draft, **v1)
    services.charter_publish(actor=world.coordinator, draft=draft)


def _sections(world: World, number: int) -> dict[str, str]:
    version = world.team.charter_versions.get(number=number)
    return {name: getattr(version, name) for name in SECTIONS}


def test_a_team_that_started_from_version_1_is_told_what_version_2_changes(world: World) -> None:
    _team(world, "DE")
    _publish_v1_charter(world)
    first = _sections(world, 1)
    assert starting.started_from(team=world.team, first=first) == 1
    update = starting.starting_update(team=world.team, first=first, language="de")
    assert update is not None
    assert (update.version, update.started_from, update.country) == (2, 1, "Deutschland")
    assert [s.name for s in update.sections] == list(SECTIONS)
    confidentiality = update.sections[-1]
    assert "Rechtsabteilung" in confidentiality.note
    assert "§ 53 StPO" in confidentiality.text


def test_drafting_a_new_version_keeps_the_v1_charter_as_it_is(world: World) -> None:
    _team(world, "DE")
    _publish_v1_charter(world)
    before = _sections(world, 1)
    draft = services.charter_draft_start(actor=world.coordinator, team=world.team)
    assert {name: getattr(draft, name) for name in SECTIONS} == before
    assert "every month" in draft.meeting_rhythm
    assert "nothing we share here is used for criminal investigation" in draft.purpose_scope


def test_a_team_that_started_from_version_2_is_not_told_again(world: World) -> None:
    draft = services.charter_draft_start(
        actor=world.coordinator, team=_team(world, "DE"), language="de"
    )
    services.charter_publish(actor=world.coordinator, draft=draft)
    first = _sections(world, 1)
    assert starting.started_from(team=world.team, first=first) == 2
    assert starting.starting_update(team=world.team, first=first, language="en") is None
    assert starting.starting_update(team=world.team, first=None, language="en") is None


# --- the pages ---------------------------------------------------------------------------------


def _draft_url(world: World) -> str:
    return reverse("charters:draft", kwargs={"team_pk": world.team.pk})


def test_the_draft_page_says_which_country_the_starting_text_is_written_for(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.coordinator)
    _team(world, "DE")
    page = client.get(_draft_url(world)).content.decode()
    assert "written for the law of your team's country (Germany)" in page
    assert "data-protection officer" not in page
    assert "Starting draft version 2 is available" not in page
    _team(world, "FR")
    page = client.get(_draft_url(world)).content.decode()
    assert "a general one that makes no legal promise" in page


def test_the_draft_page_shows_a_v1_team_what_version_2_changes_without_touching_its_charter(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    _team(world, "DE")
    _publish_v1_charter(world)
    before = _sections(world, 1)
    client = client_for(world.coordinator)
    page = client.get(_draft_url(world)).content.decode()
    assert "Starting draft version 2 is available" in page
    assert "Your charter began from version 1" in page
    assert page.count("<details>") == len(SECTIONS)
    assert "Referral and triage criteria</strong>" in page
    assert "§ 53 StPO" in page
    # with a draft open, the notice stays beside the form
    assert client.post(reverse("charters:draft_start", args=[world.team.pk])).status_code == 302
    page = client.get(_draft_url(world)).content.decode()
    assert "Starting draft version 2 is available" in page
    assert _sections(world, 1) == before
    draft = world.team.charter_versions.get(status="draft")
    assert {name: getattr(draft, name) for name in SECTIONS} == before
