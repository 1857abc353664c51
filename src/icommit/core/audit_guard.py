"""The database guard that keeps audit rows append-only, and the one door through it.

On SQLite the triggers call ``icommit_audit_locked()``, a function each connection registers;
a client without it cannot change audit rows at all. On PostgreSQL they read the session
setting ``icommit.allow_audit_purge``. Only ``icommit flush`` in development opens the door,
so that tests can empty the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_purge_allowed = False


def _locked() -> int:
    return 0 if _purge_allowed else 1


def register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("icommit_audit_locked", 0, _locked)


@contextmanager
def purge_allowed(using: str = "default") -> Iterator[None]:
    """Let the audit rows be emptied together with the rest of the database (development only)."""
    from django.db import connections

    global _purge_allowed
    connection = connections[using]
    _purge_allowed = True
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET icommit.allow_audit_purge = 'on'")
    try:
        yield
    finally:
        _purge_allowed = False
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("RESET icommit.allow_audit_purge")
