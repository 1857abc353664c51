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
