"""Append events to the audit log in the caller's transaction.

Invariant: each event's ``hash`` is SHA-256 over the canonical JSON of its chained fields,
including the previous event's hash and the SHA-256 of its sealed detail row, and ``seq`` has
no gaps. Every append takes a transaction-scoped PostgreSQL advisory lock and then locks the
head row (SQLite transactions are IMMEDIATE), so concurrent writers queue instead of forking.
Every action appended is a registered event type (``event_type``) with a translated label.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.functional import Promise

from icommit.core import crypto
from icommit.core.http import Person
from icommit.core.models import AuditDetail, AuditEvent, AuditHead

#: The hash an empty chain starts from: the ``prev_hash`` of event #1.
GENESIS_HASH = "0" * 64

#: The rule new events are hashed with; ``chained_fields`` knows every version in VERSIONS.
CHAIN_VERSION = 2
VERSIONS = frozenset({1, 2})

#: A purpose is a fixed code chosen by the code ("charter.pdf", "organisation_left_team"),
#: never text a person typed: the chain is readable by whoever reads the database and cannot
#: be erased, so typed reasons belong in the sealed, erasable ``changes``.
PURPOSE_CODE = re.compile(r"[a-z0-9][a-z0-9._-]{0,79}")

#: Where a version-2 detail is bound: the AES-GCM associated data names this model label and
#: field and the event's ``seq`` (known before the insert, unlike the row id).
DETAIL_MODEL, DETAIL_FIELD = "core.auditevent", "detail"

#: Key of the advisory lock that serialises appends on PostgreSQL; any fixed 64-bit number
#: works, as long as nothing else locks it (the first 8 bytes of SHA-256 "icommit.audit.append").
APPEND_LOCK_ID = 9013831539201561989


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _hmac_key() -> bytes:
    return hashlib.sha256(b"icommit-audit-hmac:" + settings.SECRET_KEY.encode()).digest()


def change_digest(changes: dict[str, Any] | None) -> str:
    """Return the keyed digest version-1 events chained (kept to describe old events)."""
    if not changes:
        return ""
    return hmac.new(_hmac_key(), canonical_json(changes).encode(), hashlib.sha256).hexdigest()


def detail_digest(sealed: str) -> str:
    """Return the SHA-256 (hex) of a sealed detail envelope, as version-2 events chain it.

    The envelope is ciphertext under a random nonce, so the digest reveals nothing about the
    values, however few the possible values are; it needs no key, so it stays checkable after
    the subject key is destroyed.
    """
    return hashlib.sha256(sealed.encode("utf-8", "surrogateescape")).hexdigest()


def chained_fields(event: AuditEvent) -> dict[str, Any]:
    """Return the fields ``event_hash`` covers, by the event's chain version."""
    fields = {
        "seq": event.seq,
        "at": event.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "action": event.action,
        "purpose": event.purpose,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "team": event.team_id,
        "prev": event.prev_hash,
    }
    if event.version == 1:
        fields["change"] = event.change_hmac
    elif event.version == 2:
        fields["v"] = 2
        fields["detail"] = event.detail_hash
    else:
        raise ValueError(f"event #{event.seq} has the unknown chain version {event.version!r}")
    return fields


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical_json(chained_fields(event)).encode()).hexdigest()


def check_purpose(purpose: str) -> str:
    """Return ``purpose`` if it is empty or a fixed code; raise ValueError for anything else."""
    if purpose and not PURPOSE_CODE.fullmatch(purpose):
        raise ValueError(
            f"audit purpose {purpose[:40]!r} is not a code (lowercase letters, digits, '.', '_', "
            "'-', at most 80): put typed text into changes=, which is sealed and erasable"
        )
    return purpose


def object_label(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    meta = obj._meta
    return f"{meta.app_label}.{meta.model_name}", str(obj.pk)


def record(
    *,
    actor: Person,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    team_id: int | None = None,
    purpose: str = "",
    changes: dict[str, Any] | None = None,
    subject: Any = None,
) -> AuditEvent:
    """Append one event; must run inside the transaction of the change it records.

    ``purpose`` is a fixed code (``PURPOSE_CODE``); ``changes`` are sealed into the event's
    detail row, with ``subject``'s key when they are about a person, and the chain holds the
    SHA-256 of that row.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record must be called inside the service's transaction")
    if action not in EVENT_TYPES:
        raise UnregisteredEvent(
            f"audit action {action!r} is not registered: declare it with "
            "audit.event_type(name, label) in the owning app's events.py"
        )
    check_purpose(purpose)
    if obj is not None:
        object_type, object_id = object_label(obj)
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    with transaction.atomic():
        _lock_appends()
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        seq = head.seq + 1
        sealed = ""
        if changes:
            sealed = crypto.encrypt(
                canonical_json(changes).encode(),
                model=DETAIL_MODEL,
                field=DETAIL_FIELD,
                pk=seq,
                subject=subject,
            )
        event = AuditEvent(
            version=CHAIN_VERSION,
            seq=seq,
            at=timezone.now(),
            actor_id=actor_id,
            action=action,
            purpose=purpose,
            object_type=object_type,
            object_id=str(object_id),
            team_id=team_id,
            detail_hash=detail_digest(sealed) if sealed else "",
            prev_hash=head.hash,
        )
        event.hash = event_hash(event)
        event.save(force_insert=True)
        if sealed:
            AuditDetail.objects.create(event=event, sealed=sealed)
        AuditHead.objects.filter(id=1).update(seq=event.seq, hash=event.hash)
    return event


def _lock_appends() -> None:
    # Belt and braces: the head row lock alone does not cover the very first append, when
    # there is no row to lock yet; the advisory lock is held until the transaction ends.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [APPEND_LOCK_ID])


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Return {field: [old, new]} for the fields whose value changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


# --- event types ---------------------------------------------------------------------------
# Every action name the chain records is registered once, with a label a practitioner reads
# ("Changed a row of the sharing protocol"), by the app that owns it, from ``<app>/events.py``
# (imported by ``core.plugins.autodiscover`` before any ``plugin`` module). ``record`` refuses a
# name nobody registered. A stored name never changes, since the chain hashes it; a label may.
# New names read ``<app>.<object>.<past participle>`` ("diagnostics.round.opened"); the older
# ``<entity>.<verb>`` names ("team.member_add") stay as they are.

#: What an action name may look like: dotted lowercase words.
EVENT_NAME = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")


@dataclass(frozen=True)
class EventType:
    """One kind of audit event: its stored ``name`` and the ``label`` pages show for it."""

    name: str
    label: str | Promise
    confidential_to_team: bool = False


class UnregisteredEvent(LookupError):
    """A programming error: ``record`` was given an action name no app registered."""


EVENT_TYPES: dict[str, EventType] = {}

#: Actions whose events no view of a team may list: who did it, and when, is confidential
#: towards the team (taking part in a diagnostics round, decision 0009). Filled by
#: ``event_type(..., confidential_to_team=True)``; the platform audit log (administrators, DPO)
#: still lists them.
TEAM_CONFIDENTIAL: set[str] = set()


def event_type(name: str, label: str | Promise, *, confidential_to_team: bool = False) -> EventType:
    """Register the action ``name`` with its translated ``label`` (a ``gettext_lazy`` phrase)."""
    if not EVENT_NAME.fullmatch(name):
        raise ImproperlyConfigured(f"audit event name {name!r} is not dotted lowercase words")
    declared = EventType(name, label, confidential_to_team)
    known = EVENT_TYPES.setdefault(name, declared)
    if known != declared:
        raise ImproperlyConfigured(f"audit event {name!r} is registered twice, differently")
    if confidential_to_team:
        TEAM_CONFIDENTIAL.add(name)
    return known


def event_label(name: str) -> str:
    """Return the label of the action ``name`` in the active language; readable if unknown.

    A name no longer registered (an old event in the chain, or a row written outside
    ``record``) reads as its words: "legacy.thing_done" becomes "Legacy thing done".
    """
    known = EVENT_TYPES.get(name)
    if known is not None:
        return str(known.label)
    words = " ".join(re.split(r"[._\-\s]+", name)).strip()
    return words[:1].upper() + words[1:] if words else "—"


def confidential_to_team(*actions: str) -> None:
    """Mark actions whose events team history panels and team audit views leave out.

    Kept for callers from before the registry; ``event_type(..., confidential_to_team=True)``
    says the same where the name is declared.
    """
    TEAM_CONFIDENTIAL.update(actions)
