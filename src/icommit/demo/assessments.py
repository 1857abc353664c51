"""Demo data of the assessments app (filled in by its work)."""

from __future__ import annotations

from typing import Any


def build(**kwargs: Any) -> None:
    """Nothing yet."""
