"""The shipped assessments content loads, carries English and German everywhere, keeps the two
tracks apart with "unclear" as a value of its own, and names no instrument items."""

from __future__ import annotations

from pathlib import Path

import pytest

from icommit.assessments import checks, content
from icommit.core.content import LANGUAGES, ContentError


def test_the_shipped_content_loads_with_every_text_in_english_and_german() -> None:
    data = content.load()
    texts = [data.separate, data.unclear_note, data.bias_warning, data.reference_only]
    texts += [data.instruments_note, data.summary_should, data.summary_should_not]
    for entry in [*data.phases, *data.levels]:
        texts += [entry.title, entry.description]
    for track in data.tracks.values():
        texts += [track.title, track.about]
        for stage in track.stages:
            texts += [stage.title, stage.description]
    texts += [i.about for i in data.instruments]
    for text in texts:
        assert set(LANGUAGES) <= set(text)
        assert all(text[lang].strip() for lang in LANGUAGES)
    assert checks.assessments_content() == []


def test_the_two_tracks_each_have_their_own_stages_and_unclear_as_a_value() -> None:
    data = content.content()
    assert set(data.tracks) == {"disengagement", "deradicalisation"}
    behaviour = [s.code for s in data.tracks["disengagement"].stages]
    attitudes = [s.code for s in data.tracks["deradicalisation"].stages]
    assert "unclear" in behaviour and "unclear" in attitudes
    # apart from "unclear", no stage code is shared: they are not one scale
    assert set(behaviour) & set(attitudes) == {"unclear"}
    assert [p.code for p in data.phases] == [
        "contact",
        "stabilisation",
        "reintegration",
        "aftercare",
    ]
    assert [lv.code for lv in data.levels] == ["low", "moderate", "high"]
    assert {"VERA-2R", "ERG 22+", "RADAR-iTE", "TRAP-18", "MLG 2"} == {
        i.name for i in data.instruments
    }
    assert "never" in data.separate["en"] and "WODC" in data.bias_warning["en"]
    assert any("Horgan" in s for s in data.sources)


def test_a_text_missing_its_german_is_named_with_file_and_field(tmp_path: Path) -> None:
    broken = content.PATH.read_text(encoding="utf-8").replace('  de: "Erste Version."\n', "", 1)
    path = tmp_path / "v1.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ContentError) as exc:
        content.load(path)
    assert any(p.field == "changes.de" for p in exc.value.problems)


def test_a_track_without_unclear_is_refused(tmp_path: Path) -> None:
    text = content.PATH.read_text(encoding="utf-8")
    broken = text.replace("      - code: unclear\n", "      - code: not-unclear\n", 1)
    path = tmp_path / "v1.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ContentError) as exc:
        content.load(path)
    assert any("unclear" in p.message for p in exc.value.problems)


def test_unclear_is_the_last_stage_of_each_track_titled_unclear() -> None:
    """Practitioner review P12: "unclear" first looked like the lowest stage."""
    data = content.content()
    for track in data.tracks.values():
        last = track.stages[-1]
        assert last.code == "unclear"
        assert last.title == {"en": "Unclear", "de": "Unklar"}
        assert "note what you would need to find out" in last.description["en"]
        assert all(s.code != "unclear" for s in track.stages[:-1])


def test_german_track_wording_uses_einstellungen_and_straenge() -> None:
    """Practitioner review P13: no "Haltungen", no "Spuren", no "Distanzierung" as a stage."""
    data = content.content()
    assert data.tracks["deradicalisation"].title["de"] == "Deradikalisierung (Einstellungen)"
    behaviour = {s.code: s for s in data.tracks["disengagement"].stages}
    assert [behaviour[c].title["de"] for c in ("involved", "distancing", "left", "stable")] == [
        "Eingebunden",
        "Auf Distanz gehend",
        "Ausgestiegen",
        "Stabil außerhalb der Szene",
    ]
    assert "mindestens einem Jahr" in behaviour["stable"].description["de"]
    assert "at least a year" in behaviour["stable"].description["en"]
    assert "the person talks about openly" in behaviour["left"].description["en"]
    assert "(money, logistics, propaganda)" in behaviour["involved"].description["en"]
    assert "zwei getrennte Stränge" in data.separate["de"]
    raw = content.PATH.read_text(encoding="utf-8")
    for wrong in ("Haltung", "Spur", "Distanzierung"):
        assert wrong not in raw


def test_risk_texts_fit_the_instruments_listed() -> None:
    """Practitioner review P7: the WODC finding, conditions of use, what "low" means."""
    data = content.content()
    warning = data.bias_warning["en"]
    assert "overlooked right-wing and anti-government extremism" in warning
    # engagement / intent / capability is said only of the instruments built that way
    assert "(ERG 22+, the UK Vulnerability Assessment Framework)" in warning
    assert "does not apply to rule-based instruments such as RADAR-iTE" in warning
    assert "structured professional judgement" not in warning
    assert "reserved for particular authorities (RADAR-iTE" in data.instruments_note["en"]
    assert "certified" not in data.instruments_note["en"]
    levels = {lv.code: lv for lv in data.levels}
    assert "Low does not mean no risk." in levels["low"].description["en"]
    assert "Niedrig heißt nicht: kein Risiko." in levels["low"].description["de"]
    assert "pairs" not in data.summary_should["en"]
    assert "zu zweit" not in data.summary_should["de"]
