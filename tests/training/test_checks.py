"""The platform refuses to start on broken training content."""

from __future__ import annotations

from pathlib import Path

import pytest

from icommit.core.content import Problem
from icommit.training import checks, content


def test_shipped_training_content_passes_the_system_check() -> None:
    assert checks.training_content() == []


def test_each_problem_of_broken_content_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = tmp_path / "training" / "courses" / "msc-team"
    broken.mkdir(parents=True)
    (broken / "v1.yaml").write_text("format: icommit-course/1\ncourse: msc-team\n")
    real = content.validate_all
    monkeypatch.setattr(content, "validate_all", lambda: real(tmp_path))
    errors = checks.training_content()
    assert errors, "a course file with nothing in it must fail the check"
    assert {e.id for e in errors} == {"icommit.E100"}
    assert any("v1.yaml" in e.msg for e in errors)


def test_a_problem_names_its_file_line_and_field(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = Problem("content/training/x.yaml", 3, "modules", "unknown module")
    monkeypatch.setattr(content, "validate_all", lambda: [problem])
    (error,) = checks.training_content()
    assert error.msg == "content/training/x.yaml:3: modules: unknown module"
