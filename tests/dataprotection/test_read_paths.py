"""Views and API handlers read through selectors only (review finding 6): none of the privacy
pages, the privacy API, the case pages or the case API queries a model manager itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "icommit"
WEB_LAYER = [
    "dataprotection/views.py",
    "dataprotection/api.py",
    "cases/views.py",
    "cases/api.py",
]


@pytest.mark.parametrize("module", WEB_LAYER)
def test_the_web_layer_reads_through_selectors(module: str) -> None:
    text = (SRC / module).read_text()
    found = [
        f"{module}:{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), start=1)
        if re.search(r"\.objects\.", line)
    ]
    assert found == []
