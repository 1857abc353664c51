"""Event types only the tests of the audit log record (``audit.record`` refuses unknown names)."""

from __future__ import annotations

from icommit.core.audit import event_type

for name in (
    "a.one",
    "a.two",
    "x.y",
    "case.note",
    "test.append",
    "thread.append",
    "process.append",
):
    event_type(name, f"Test event {name}")
