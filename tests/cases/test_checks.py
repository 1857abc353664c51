"""The system check reads the case process, consent templates and legal bases, and names what is
wrong in any of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from icommit.cases import checks


def test_the_shipped_case_content_passes_the_system_check() -> None:
    assert checks.cases_content() == []


@pytest.mark.parametrize("index", [0, 1, 2])
def test_a_broken_content_file_fails_the_system_check(
    index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load, shipped = checks.SOURCES[index]
    text = shipped.read_text(encoding="utf-8")
    assert "\nsources:" in text or "\nversion:" in text
    broken = tmp_path / shipped.name
    broken.write_text(text.replace("\nversion:", "\nversionz:", 1), encoding="utf-8")
    sources = list(checks.SOURCES)
    sources[index] = (load, broken)
    monkeypatch.setattr(checks, "SOURCES", sources)
    errors = checks.cases_content()
    assert errors and all(error.id == "icommit.E070" for error in errors)
