"""The system check reads every shipped starting draft and names what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from icommit.charters import checks


def test_the_shipped_starting_drafts_pass_the_system_check() -> None:
    assert checks.charter_starting_drafts() == []


def test_a_broken_starting_draft_fails_the_system_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "starting-draft"
    folder.mkdir()
    shipped = sorted(checks.FOLDER.glob("v*.yaml"))[-1]
    text = shipped.read_text(encoding="utf-8")
    assert "\nsources:" in text
    (folder / shipped.name).write_text(
        text.replace("\nsources:", "\nsourcez:", 1), encoding="utf-8"
    )
    monkeypatch.setattr(checks, "FOLDER", folder)
    errors = checks.charter_starting_drafts()
    assert errors and all(error.id == "icommit.E060" for error in errors)
    assert any("sources" in error.msg for error in errors)
