"""Instruments named for what they are: the shipped-like fixtures under ``data/``."""

from __future__ import annotations

from pathlib import Path

import pytest

from icommit.instruments.engine import Definition, load_yaml

DATA = Path(__file__).parent / "data"


def load_fixture(name: str) -> Definition:
    path = DATA / name
    return load_yaml(path.read_text(encoding="utf-8"), source=path.name)


@pytest.fixture(scope="session")
def collaboration() -> Definition:
    return load_fixture("collaboration.yaml")


@pytest.fixture(scope="session")
def knowledge_check() -> Definition:
    return load_fixture("knowledge-check.yaml")


@pytest.fixture(scope="session")
def social_diagnostics() -> Definition:
    return load_fixture("social-diagnostics-skeleton.yaml")
