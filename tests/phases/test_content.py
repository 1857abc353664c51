"""The shipped phase model and catalogue: valid, complete in both languages, cross-checked;
a broken file names its file, line and field, and nothing is loaded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from icommit.core.content import ContentError
from icommit.methodology import content
from icommit.methodology.definition import PHASE_KEYS, PhaseModel
from icommit.phases.models import PhaseModelVersion

V1 = Path("phase_models/msc-default/v1.yaml")
V2 = Path("phase_models/msc-default/v2.yaml")


def _edit(root: Path, relative: Path | str, old: str, new: str) -> int:
    """Replace the first ``old`` in a content file; return the 1-based line it was on."""
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def _problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        content.load(root)
    return [str(p) for p in caught.value.problems]


def test_the_shipped_content_loads() -> None:
    loaded = content.load()
    model = loaded.latest()
    assert model.key == "msc-default"
    assert tuple(model.phase_keys) == PHASE_KEYS
    assert model.version == 2
    assert all(5 <= len(p.tasks) <= 16 for p in model.phases)
    assert len(model.phase("setup").tasks) == 16
    assert "setup.sharing-protocol" in model.task_ids()
    assert {"setup.steering-group", "setup.data-protection", "setup.baseline-diagnostics"} <= set(
        model.task_ids()
    )
    assert content.phase_keys() == list(PHASE_KEYS)


def test_every_task_says_what_counts_as_evidence_in_both_languages() -> None:
    model = content.default_model()
    for phase in model.phases:
        for task in phase.tasks:
            assert task.id.startswith(phase.key + ".")
            for text in (task.title, task.evidence):
                assert text["en"].strip() and text["de"].strip(), task.id
                assert text["en"] != text["de"], task.id
            # tasks start with a verb: English imperative, German with "Sie"
            assert not task.title["en"].lower().startswith(("the ", "a ", "an ")), task.id
            assert task.title["de"].split()[1].rstrip(",") == "Sie", task.id


def test_the_catalogue_declares_the_ids_the_model_uses() -> None:
    model = content.default_model()
    used_indicators = {i for p in model.phases for i in p.indicators}
    used_modules = {m for p in model.phases for m in p.training_modules}
    assert used_indicators <= content.indicator_ids()
    assert used_modules <= content.module_ids()
    kinds = {e.kind for e in content.catalogue().indicators.values()}
    assert kinds == {"setup", "process", "outcome"}
    courses = {e.course for e in content.catalogue().training_modules.values()}
    assert courses == {"msc-team", "nonsec-cert"}
    assert "process.non-security-share" in content.indicator_ids()


def test_a_missing_german_text_names_file_line_and_field(content_copy: Path) -> None:
    line = _edit(
        content_copy,
        V1,
        "          de: Benennen Sie den Vorsitz und eine Stellvertretung",
        "          fr: Nommez la présidence",
    )
    problems = _problems(content_copy)
    assert len(problems) == 1
    # the problem points at the title's mapping, which starts on the English line above
    assert re.fullmatch(
        rf".*msc-default/v1\.yaml:{line - 1}: phases\[1\]\.tasks\[0\]\.title\.de: needs a "
        r"non-empty de text",
        problems[0],
    ), problems


def test_a_dangling_training_module_id_names_its_line(content_copy: Path) -> None:
    line = _edit(
        content_copy,
        V1,
        "        - msc-team.03-information-sharing\n",
        "        - msc-team.03-data-sharing\n",
    )
    (problem,) = _problems(content_copy)
    assert f"v1.yaml:{line}: phases[1].help.training_modules[1]:" in problem
    assert "unknown training module 'msc-team.03-data-sharing'" in problem


def test_a_gate_criterion_naming_an_unknown_task_names_its_line(content_copy: Path) -> None:
    line = _edit(
        content_copy,
        V1,
        "        - setup.charter\n      criteria:",
        "        - setup.charta\n      criteria:",
    )
    (problem,) = _problems(content_copy)
    assert f"v1.yaml:{line}: phases[1].gate.tasks[5]:" in problem
    assert "'setup.charta'" in problem


def test_a_dangling_indicator_and_a_duplicate_task_id_are_all_reported(
    content_copy: Path,
) -> None:
    _edit(content_copy, V1, "      - setup.charter-signed\n", "      - setup.charter-sealed\n")
    _edit(content_copy, V1, "      - id: setup.members\n", "      - id: setup.chair\n")
    problems = _problems(content_copy)
    assert any("unknown indicator 'setup.charter-sealed'" in p for p in problems)
    assert any("'setup.chair' is used twice" in p for p in problems)


def test_a_catalogue_entry_without_german_breaks_every_file_that_needs_it(
    content_copy: Path,
) -> None:
    line = _edit(
        content_copy,
        "catalogue.yaml",
        "      de: Zusammenarbeit im Multi-Stakeholder-Team\n",
        "",
    )
    problems = _problems(content_copy)
    assert any(f"catalogue.yaml:{line - 1}: courses[0].title.de" in p for p in problems)


def test_bad_yaml_names_the_line(content_copy: Path) -> None:
    line = _edit(content_copy, V1, "    title:\n      en: Set-up", "    title: [\n      en: Set-up")
    problems = _problems(content_copy)
    assert problems and "v1.yaml:" in problems[0] and "yaml" in problems[0]
    assert int(problems[0].split(":")[1]) >= line


def test_phases_must_keep_the_stable_keys(content_copy: Path) -> None:
    _edit(content_copy, V1, "  - key: monitoring\n", "  - key: evaluation\n")
    problems = _problems(content_copy)
    assert any("needs exactly the phases" in p for p in problems)


@pytest.mark.django_db
def test_nothing_is_loaded_from_broken_content(content_copy: Path) -> None:
    _edit(content_copy, V1, "        - msc-team.03-information-sharing\n", "        - nope\n")
    with pytest.raises(ContentError):
        content.load(content_copy)
    # the process keeps the valid shipped content, and no version was stored from the copy
    assert content.default_model().phase("setup").training_modules[1] == (
        "msc-team.03-information-sharing"
    )
    assert not PhaseModelVersion.objects.exists()


def test_the_definition_survives_a_round_trip_with_the_same_hash() -> None:
    model = content.default_model()
    again = PhaseModel.from_dict(model.to_dict())
    assert again == model
    assert again.content_hash == model.content_hash
    assert len(model.content_hash) == 64


def test_a_new_shipped_version_becomes_the_default(content_copy: Path) -> None:
    source = content_copy / V2
    text = source.read_text(encoding="utf-8").replace("version: 2\n", "version: 3\n", 1)
    (content_copy / "phase_models/msc-default/v3.yaml").write_text(text, encoding="utf-8")
    loaded = content.load(content_copy)
    assert loaded.latest().version == 3
    assert set(loaded.models) == {("msc-default", v) for v in (1, 2, 3)}


def test_a_version_must_match_its_file_name(content_copy: Path) -> None:
    _edit(content_copy, V1, "version: 1\n", "version: 3\n")
    problems = _problems(content_copy)
    assert any("must match the file name" in p for p in problems)


def test_the_system_check_reports_broken_content(content_copy: Path, monkeypatch) -> None:
    from icommit.phases import checks

    assert checks.phase_content() == []
    _edit(content_copy, V1, "        - msc-team.03-information-sharing\n", "        - nope\n")
    monkeypatch.setattr(content, "CONTENT_DIR", content_copy)
    monkeypatch.setattr(content.load, "__defaults__", (content_copy,))
    (error,) = checks.phase_content()
    assert error.id == "icommit.E040" and "unknown training module 'nope'" in error.msg
