"""Fixtures for the methodology content: a private copy of the shipped content to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from icommit.core.content import CONTENT_DIR


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped content folder, safe to break."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target
