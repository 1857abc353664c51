"""The shipped transparency content: complete, in both languages, and checked with file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from icommit.core.content import CONTENT_DIR, ContentError
from icommit.stakeholders.content import LEGAL_MARKERS, V1_SECTORS, content, load_content
from icommit.stakeholders.sectors import Sector


def test_every_sector_has_a_template_in_english_and_german() -> None:
    shipped = load_content()
    assert set(shipped.templates) == set(V1_SECTORS)
    assert set(V1_SECTORS) < set(Sector.values)  # sectors added later have version 2 only
    for template in shipped.templates.values():
        for language in ("en", "de"):
            draft = template.draft(language)
            assert draft["mandate"] and draft["availability"]
            assert all(item["text"] for item in draft["needs"] + draft["offers"])
            for note in ("duty_to_report_note", "duty_to_prosecute_note", "duty_of_care_note"):
                assert LEGAL_MARKERS[language] in draft[note]
        assert template.needs and template.offers


def test_the_data_categories_say_which_are_special_under_gdpr() -> None:
    categories = content().categories
    assert {"identity", "health", "offence", "ideology", "family", "situation", "plan"} <= set(
        categories
    )
    assert categories["health"].special == "art9"
    assert categories["ideology"].special == "art9"
    assert categories["offence"].special == "art10"
    assert not categories["identity"].is_special
    assert all(c.label["de"] and c.description["de"] for c in categories.values())


def test_a_secrecy_bound_template_names_its_source() -> None:
    templates = content().templates
    assert templates["health"].secrecy_bound
    assert templates["health"].draft("de")["secrecy"] == "bound"
    assert LEGAL_MARKERS["de"] in templates["health"].draft("de")["secrecy_source"]
    assert not templates["police"].secrecy_bound
    assert templates["police"].draft("en")["secrecy_source"] == ""


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    # Version 1 only: version 2 has its own tests (test_content_v2.py).
    shutil.copytree(
        CONTENT_DIR / "sectors", tmp_path / "sectors", ignore=shutil.ignore_patterns("v2")
    )
    shutil.copy(CONTENT_DIR / "data_categories.yaml", tmp_path / "data_categories.yaml")
    return tmp_path


def _problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as err:
        load_content(root)
    return [str(p) for p in err.value.problems]


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_a_missing_sector_template_is_named(copy: Path) -> None:
    (copy / "sectors" / "housing.yaml").unlink()
    assert any("no template for the sector 'housing'" in p for p in _problems(copy))


def test_an_unknown_need_code_names_file_line_and_field(copy: Path) -> None:
    path = copy / "sectors" / "police.yaml"
    path.write_text(
        path.read_text().replace("code: psychological_assessment", "code: mind_reading")
    )
    line = _line_of(path, "code: mind_reading")
    problems = _problems(copy)
    assert problems[0].endswith(
        f"police.yaml:{line}: needs[1].code: 'mind_reading' is not in vocabulary.yaml"
    )
    assert len(problems) == 1


def test_a_missing_german_text_and_an_unmarked_legal_statement_are_both_reported(
    copy: Path,
) -> None:
    path = copy / "sectors" / "school.yaml"
    text = path.read_text()
    text = text.replace(
        '  de: "Unterricht, Gespräche mit Schüler*innen und Eltern, Schulsozialarbeit, '
        'Schulpsychologie, Demokratiebildung."\n',
        "",
    )
    text = text.replace(
        "Duty of care for pupils during school time (to be confirmed by the operator's "
        'data-protection officer)."',
        'Duty of care for pupils during school time."',
    )
    path.write_text(text)
    problems = _problems(copy)
    methods_line = _line_of(path, "methods:") + 1
    care_line = _line_of(path, "Duty of care for pupils during school time.")
    assert any(
        p.endswith(f"school.yaml:{methods_line}: methods.de: needs a non-empty de text")
        for p in problems
    ), problems
    assert any(
        f"school.yaml:{care_line}: duties.care.note.en: a legal statement must say" in p
        for p in problems
    ), problems


def test_broken_yaml_names_the_line_and_nothing_is_loaded(copy: Path) -> None:
    path = copy / "data_categories.yaml"
    lines = path.read_text().splitlines()
    lines[20] = lines[20] + ": : ["
    path.write_text("\n".join(lines))
    problems = _problems(copy)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:21: yaml: ")


def test_a_category_with_an_unknown_gdpr_kind_is_refused(copy: Path) -> None:
    path = copy / "data_categories.yaml"
    path.write_text(path.read_text().replace("special: art10", "special: secret", 1))
    line = _line_of(path, "special: secret")
    assert any(f":{line}: categories[2].special: must be one of" in p for p in _problems(copy))


def test_the_system_check_reports_every_problem(copy: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from icommit.stakeholders import checks
    from icommit.stakeholders import content as module

    assert [e for e in checks.transparency_content() if e.id == "icommit.E050"] == []
    (copy / "sectors" / "housing.yaml").unlink()
    monkeypatch.setattr(module, "CONTENT_DIR", copy)
    errors = checks.transparency_content()
    assert [e.id for e in errors] == ["icommit.E050"]
    assert "no template for the sector 'housing'" in errors[0].msg


def test_a_half_present_version_2_is_a_warning_not_an_error(copy: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from icommit.stakeholders import checks
    from icommit.stakeholders import content as module

    shutil.rmtree(copy / "sectors" / "v2", ignore_errors=True)
    shutil.rmtree(copy / "data_categories", ignore_errors=True)
    (copy / "sectors" / "v2").mkdir()
    (copy / "sectors" / "v2" / "duties.yaml").write_text("version: 2\n")
    monkeypatch.setattr(module, "CONTENT_DIR", copy)
    monkeypatch.setattr(checks, "v2_vocabulary_files", module.v2_vocabulary_files)
    assert module.load_content().v2 is None
    warnings = checks.transparency_content()
    assert [w.id for w in warnings] == ["icommit.W051"]
    assert "secrecy.yaml" in warnings[0].msg
