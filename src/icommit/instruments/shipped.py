"""Shipped instruments: every ``content/instruments/<key>/v<n>.yaml`` becomes a published version.

Runs after every ``migrate``. A shipped file whose version is already published with a different
content hash is refused: a published version never changes, a changed instrument is a new file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, transaction

from icommit.core.content import CONTENT_DIR, relative
from icommit.instruments.engine import load_yaml
from icommit.instruments.services import version_store

FOLDER = CONTENT_DIR / "instruments"


def shipped_files() -> list[Path]:
    """The shipped instrument files, in a stable order."""
    return sorted(FOLDER.glob("*/v*.yaml"))


def shipped_keys() -> set[str]:
    """Keys of the instruments icommit ships (their folder names)."""
    return {path.parent.name for path in shipped_files()}


def load_shipped(path: Path) -> Any:
    """Load and validate one shipped file (DefinitionError lists every problem)."""
    return load_yaml(path.read_text(encoding="utf-8"), source=relative(path))


def shipped_sync(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Publish shipped versions not yet in the database; return the ones published."""
    published = []
    for path in shipped_files():
        definition = load_shipped(path)
        with transaction.atomic(using=using):
            version, created = version_store(
                actor=None, definition=definition, origin="shipped", source_name=relative(path)
            )
        if created:
            published.append(str(version))
    return published


def shipped_after_migrate(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    shipped_sync(using=using)
