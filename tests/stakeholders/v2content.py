"""Version-2 role-profile content for tests: the shipped version 1 plus fixture version 2.

Until the shipped version-2 files exist, tests build a content folder from the shipped
version 1 and the fixture files in ``content_v2/`` (police and youth welfare written out, every
other sector a minimal generated template), and point ``content()`` at it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from icommit.core.content import CONTENT_DIR
from icommit.stakeholders import content as content_module
from icommit.stakeholders.sectors import Sector

FIXTURES = Path(__file__).parent / "content_v2"


def _generic(sector: str) -> dict:
    return {
        "version": 2,
        "changes": {"en": "Fixture.", "de": "Testdaten."},
        "sources": ["Fixture"],
        "sector": sector,
        "country": "DE",
        "mandate": {"en": f"Mandate of {sector}.", "de": f"Auftrag von {sector}."},
        "duties": [
            {
                "id": f"{sector}.report_planned_offences",
                "duty": "report_planned_offences",
                "applies": True,
                "statute": "§ 138 StGB",
                "note": {"en": "As everyone.", "de": "Wie alle."},
            }
        ],
        "secrecy": [
            {
                "role": {"en": "Staff", "de": "Mitarbeitende"},
                "kind": "none",
                "note": {"en": "Not bound.", "de": "Nicht gebunden."},
            }
        ],
        "methods": {"en": "Methods.", "de": "Methoden."},
        "needs": [{"code": "coordination", "text": {"en": "Coordination.", "de": "Abstimmung."}}],
        "offers": [{"code": "training", "text": {"en": "Training.", "de": "Schulung."}}],
        "availability": {"en": "Weekdays.", "de": "Werktags."},
    }


def _categories() -> dict:
    v1 = yaml.safe_load((CONTENT_DIR / "data_categories.yaml").read_text())
    categories = [
        {**c, "reason": {"en": "Fixture reason.", "de": "Testbegründung."}}
        for c in v1["categories"]
    ]
    categories.append(
        {
            "code": "sexual_orientation",
            "label": {
                "en": "Sex life and sexual orientation",
                "de": "Sexualleben und Orientierung",
            },
            "description": {"en": "Fixture.", "de": "Testdaten."},
            "special": "art9",
            "reason": {"en": "Art. 9(1) GDPR.", "de": "Art. 9 Abs. 1 DSGVO."},
        }
    )
    return {
        "version": 2,
        "changes": {"en": "Fixture.", "de": "Testdaten."},
        "sources": ["Art. 9 GDPR"],
        "categories": categories,
    }


def build(root: Path) -> Path:
    """A complete content folder with version 2 under ``root``; returns ``root``."""
    shutil.copytree(CONTENT_DIR / "sectors", root / "sectors")
    shutil.copy(CONTENT_DIR / "data_categories.yaml", root / "data_categories.yaml")
    v2 = root / "sectors" / "v2"
    shutil.rmtree(v2, ignore_errors=True)  # the fixtures replace whatever is shipped
    v2.mkdir()
    for path in FIXTURES.glob("*.yaml"):
        shutil.copy(path, v2 / path.name)
    for sector in Sector.values:
        if not (v2 / f"{sector}.yaml").exists():
            (v2 / f"{sector}.yaml").write_text(
                yaml.safe_dump(_generic(sector), allow_unicode=True, sort_keys=False)
            )
    vocabulary = (CONTENT_DIR / "sectors" / "vocabulary.yaml").read_text()
    (v2 / "vocabulary.yaml").write_text(
        vocabulary.replace("version: 1", "version: 2")
        + "  - code: gender_reflective_work\n"
        + "    label: {en: Gender-reflective work, de: Geschlechterreflektierte Arbeit}\n"
        + "    description: {en: Fixture., de: Testdaten.}\n"
    )
    (root / "data_categories").mkdir(exist_ok=True)
    (root / "data_categories" / "v2.yaml").write_text(
        yaml.safe_dump(_categories(), allow_unicode=True, sort_keys=False)
    )
    return root


@pytest.fixture
def v2_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Make ``content()`` serve version 1 and (fixture) version 2 for one test."""
    root = build(tmp_path / "content")
    content_module.content.cache_clear()
    monkeypatch.setattr(content_module, "CONTENT_DIR", root)
    yield root
    content_module.content.cache_clear()


@pytest.fixture
def v1_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Make ``content()`` serve version 1 only, as before version 2 was shipped."""
    root = tmp_path / "content-v1"
    shutil.copytree(CONTENT_DIR / "sectors", root / "sectors", ignore=shutil.ignore_patterns("v2"))
    shutil.copy(CONTENT_DIR / "data_categories.yaml", root / "data_categories.yaml")
    content_module.content.cache_clear()
    monkeypatch.setattr(content_module, "CONTENT_DIR", root)
    yield root
    content_module.content.cache_clear()
