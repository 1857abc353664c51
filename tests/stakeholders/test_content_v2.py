"""Role-profile content version 2: distinct duties, secrecy per role, checked with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from icommit.core.content import ContentError
from icommit.stakeholders.content import LEGAL_MARKERS, content, load_content, sector_duties
from icommit.stakeholders.sectors import Sector
from tests.stakeholders.v2content import build


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return build(tmp_path / "c")


def _problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as err:
        load_content(root)
    return [str(p) for p in err.value.problems]


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_a_good_version_2_loads_beside_version_1(root: Path) -> None:
    loaded = load_content(root)
    assert loaded.v2 is not None
    assert set(loaded.v2.templates) == set(Sector.values)
    assert "womens_services" not in loaded.templates  # version 1 was never published for it
    police = loaded.v2.templates["police"]
    assert police.country == "DE"
    assert [d.duty for d in police.duties] == [
        "legality_principle",
        "report_planned_offences",
        "care",
    ]
    assert police.secrecy[0].kind == "official"
    assert loaded.v2.duties["child_protection_notice_permission"].is_permission
    assert "sexual_orientation" in loaded.v2.categories
    assert set(loaded.categories) <= set(loaded.v2.categories)
    draft = police.draft("de")
    assert draft["content_version"] == 2
    assert draft["duties"][0] == {
        "code": "legality_principle",
        "applies": True,
        "statute": "§§ 152(2), 160, 163 StPO",
        "note": "Beamt*innen müssen Straftaten verfolgen, von denen sie erfahren.",
    }
    assert draft["secrecy_roles"][0]["role"] == "Polizeibeamt*innen"


def test_sector_duties_lists_the_duties_of_one_country(v2_content: Path) -> None:
    duties = sector_duties("DE")
    assert ("police", "police.legality_principle", "legality_principle", True) in [
        (d.sector, d.id, d.code, d.applies) for d in duties
    ]
    assert ("youth_welfare", "youth_welfare.legality_principle", "legality_principle", False) in [
        (d.sector, d.id, d.code, d.applies) for d in duties
    ]
    assert sector_duties("DK") == []
    assert content().v2 is not None and "care" in content().v2.duties


def test_without_a_v2_folder_version_1_still_loads(tmp_path: Path) -> None:
    root = build(tmp_path / "c")
    for path in (root / "sectors" / "v2").iterdir():
        path.unlink()
    (root / "sectors" / "v2").rmdir()
    loaded = load_content(root)
    assert loaded.v2 is None
    assert loaded.sector_duties("DE") == []


def test_an_unknown_duty_code_names_file_line_and_field(root: Path) -> None:
    path = root / "sectors" / "v2" / "police.yaml"
    _edit(path, "duty: report_planned_offences", "duty: report_everything")
    line = _line_of(path, "duty: report_everything")
    assert f"{path}:{line}: duties[1].duty: 'report_everything' is not in duties.yaml" in (
        _problems(root)
    )


def test_an_unknown_secrecy_kind_is_named(root: Path) -> None:
    path = root / "sectors" / "v2" / "youth_welfare.yaml"
    _edit(path, "kind: social_data", "kind: sacred")
    line = _line_of(path, "kind: sacred")
    assert f"{path}:{line}: secrecy[1].kind: 'sacred' is not in secrecy.yaml" in _problems(root)


def test_a_duty_id_used_twice_across_files_is_named(root: Path) -> None:
    path = root / "sectors" / "v2" / "youth_welfare.yaml"
    _edit(path, "id: youth_welfare.care", "id: police.care")
    line = _line_of(path, "id: police.care")
    problems = _problems(root)
    assert any(
        p.startswith(f"{path}:{line}: duties[2].id: 'police.care' is already used in")
        for p in problems
    ), problems


def test_a_duty_that_applies_needs_its_statute(root: Path) -> None:
    path = root / "sectors" / "v2" / "police.yaml"
    _edit(path, '    statute: "§ 138 StGB"\n', "")
    problems = _problems(root)
    assert any(
        p.startswith(f"{path}:") and "duties[1].statute: is missing" in p for p in problems
    ), problems


def test_a_binding_secrecy_needs_its_statute_but_none_does_not(root: Path) -> None:
    path = root / "sectors" / "v2" / "police.yaml"
    _edit(path, '    statute: "§ 37 BeamtStG; § 203(2) StGB"\n', "")
    problems = _problems(root)
    assert [p for p in problems if "statute" in p] == [
        f"{path}:{_line_of(path, 'kind: official') - 1}: secrecy[0].statute: is missing: "
        "name the statute this rests on"
    ]


def test_every_text_needs_english_and_german(root: Path) -> None:
    path = root / "sectors" / "v2" / "police.yaml"
    _edit(path, '      de: "Wie alle."\n', "")
    problems = _problems(root)
    assert any("duties[1].note.de: needs a non-empty de text" in p for p in problems), problems
    duties = root / "sectors" / "v2" / "duties.yaml"
    _edit(
        duties,
        'informs: {en: "the public prosecutor", de: "die Staatsanwaltschaft"}',
        'informs: {en: "the public prosecutor"}',
    )
    problems = _problems(root)
    assert any(
        p.startswith(f"{duties}:") and "duties[1].informs.de: needs a non-empty de text" in p
        for p in problems
    ), problems


def test_version_2_does_not_use_the_dpo_phrase(root: Path) -> None:
    path = root / "sectors" / "v2" / "police.yaml"
    _edit(path, 'en: "As everyone."', f'en: "As everyone ({LEGAL_MARKERS["en"]})."')
    assert any("duties[1].note.en: version 2 does not use" in p for p in _problems(root))


def test_all_problems_come_in_one_error(root: Path) -> None:
    (root / "sectors" / "v2" / "housing.yaml").unlink()
    _edit(root / "sectors" / "v2" / "police.yaml", "country: DE", "country: germany")
    _edit(root / "sectors" / "v2" / "secrecy.yaml", "  - code: none\n", "  - code: nothing\n")
    problems = _problems(root)
    assert any("no template for the sector 'housing'" in p for p in problems)
    assert any("police.yaml" in p and "country: a two-letter country code" in p for p in problems)
    assert any("secrecy.yaml" in p and "the kind 'none' is missing" in p for p in problems)


def test_version_2_categories_keep_every_version_1_code(root: Path) -> None:
    path = root / "data_categories" / "v2.yaml"
    _edit(path, "- code: plan\n", "- code: planning\n")
    assert any("v2.yaml" in p and "'plan' is missing" in p for p in _problems(root)), _problems(
        root
    )


def test_a_category_without_a_reason_is_named(root: Path) -> None:
    path = root / "data_categories" / "v2.yaml"
    text = path.read_text()
    start = text.index("reason:")
    end = text.index("\n- ", start)
    path.write_text(text[:start].rstrip(" ") + text[end + 1 :])  # the first entry's reason
    assert any("categories[0].reason: is missing" in p for p in _problems(root)), _problems(root)


def test_version_2_waits_for_all_its_vocabulary_files(root: Path) -> None:
    (root / "data_categories" / "v2.yaml").unlink()
    (root / "sectors" / "v2" / "housing.yaml").unlink()  # would be a problem once shipped
    assert load_content(root).v2 is None


def test_a_v2_vocabulary_keeps_every_v1_code(root: Path) -> None:
    loaded = load_content(root)
    assert loaded.v2 is not None and "gender_reflective_work" in loaded.item_kinds
    assert "gender_reflective_work" not in loaded.kinds
    path = root / "sectors" / "v2" / "vocabulary.yaml"
    _edit(path, "- code: training", "- code: trainings")
    assert any("vocabulary.yaml" in p and "missing ['training']" in p for p in _problems(root)), (
        _problems(root)
    )
