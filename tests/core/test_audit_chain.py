"""The audit chain verifies: tampering is named, checkpoints anchor it, appends never fork."""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connection,
    connections,
    transaction,
)
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_q.models import Schedule

from icommit.core import audit, checkpoints, crypto
from icommit.core.audit_guard import purge_allowed
from icommit.core.checkpoints import (
    ChainBroken,
    checkpoint_files,
    checkpoint_job,
    checkpoint_read,
    checkpoint_write,
    verify_chain,
)
from icommit.core.models import AuditDetail, AuditEvent, AuditHead
from icommit.core.schedules import SCHEDULES, ensure_schedules
from tests.factories import UserFactory

ROLES_SQL = Path(__file__).resolve().parents[2] / "deploy" / "postgres-roles.sql"


@pytest.fixture(autouse=True)
def checkpoint_dir(tmp_path: Path, settings: Any) -> Path:
    """Each test gets its own (not yet created) checkpoint folder as CHECKPOINT_DIR."""
    folder = tmp_path / "checkpoints"
    settings.CHECKPOINT_DIR = folder
    return folder


@pytest.fixture
def no_checkpoints(tmp_path: Path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


def append(count: int, actor: Any = None) -> list[AuditEvent]:
    events = []
    for i in range(count):
        with transaction.atomic():
            changes = {"name": [f"old {i}", f"new {i}"]} if i % 2 else None
            event = audit.record(
                actor=actor, action="test.append", object_type="t", object_id=i, changes=changes
            )
        events.append(event)
    return events


def tamper(sql: str, params: list[Any]) -> None:
    """Change audit rows behind the application's back, as someone with database access could."""
    with purge_allowed(), connection.cursor() as cursor:
        # The guard's purge switch lets PostgreSQL rows be deleted, but its row trigger keeps
        # an UPDATE's old values; a superuser switches the triggers off instead.
        postgres = connection.vendor == "postgresql"
        if postgres:
            cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params)
        finally:
            if postgres:
                cursor.execute("RESET session_replication_role")


def delete_event(seq: int) -> None:
    tamper(
        "DELETE FROM core_auditdetail WHERE event_id IN "
        "(SELECT id FROM core_auditevent WHERE seq = %s)",
        [seq],
    )
    tamper("DELETE FROM core_auditevent WHERE seq = %s", [seq])


def messages(folder: Path | None = None, *, allow_no_checkpoints: bool = True) -> list[str]:
    """The problems verify finds (by default, like a brand-new installation, without the
    complaint that no checkpoint exists, which the tests of checkpoints assert on their own)."""
    result = verify_chain(folder, allow_no_checkpoints=allow_no_checkpoints)
    return [problem.message for problem in result.problems]


def insert_raw(event: AuditEvent) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditevent (version, seq, at, actor_id, action, purpose, "
            "object_type, object_id, team_id, change_hmac, detail_hash, prev_hash, hash) "
            "VALUES (%s, %s, %s, NULL, %s, '', '', '', NULL, '', '', %s, %s)",
            [
                event.version,
                event.seq,
                connection.ops.adapt_datetimefield_value(event.at),
                event.action,
                event.prev_hash,
                event.hash,
            ],
        )


def forged(seq: int, prev_hash: str, at: datetime.datetime | None = None) -> AuditEvent:
    event = AuditEvent(
        version=audit.CHAIN_VERSION,
        seq=seq,
        at=at or datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
        action="user.forged",
        prev_hash=prev_hash,
    )
    event.hash = audit.event_hash(event)
    return event


def sealed_of(seq: int) -> str:
    return AuditDetail.objects.get(event__seq=seq).sealed


def set_sealed(seq: int, sealed: str) -> None:
    tamper(
        "UPDATE core_auditdetail SET sealed = %s "
        "WHERE event_id = (SELECT id FROM core_auditevent WHERE seq = %s)",
        [sealed, seq],
    )


def seal_for(seq: int, values: dict[str, Any]) -> str:
    """Seal values for event ``seq`` as audit.record does: what a forger holding the keys makes."""
    return crypto.encrypt(
        audit.canonical_json(values).encode(),
        model=audit.DETAIL_MODEL,
        field=audit.DETAIL_FIELD,
        pk=seq,
    )


def trim_to(seq: int) -> None:
    """Delete every event after ``seq`` with its detail and set the head back to ``seq``."""
    tamper(
        "DELETE FROM core_auditdetail WHERE event_id IN "
        "(SELECT id FROM core_auditevent WHERE seq > %s)",
        [seq],
    )
    tamper("DELETE FROM core_auditevent WHERE seq > %s", [seq])
    set_head(seq)


def newest_checkpoint_name(folder: Path) -> str:
    return checkpoint_files(folder)[-1].name


@contextmanager
def clock_at(monkeypatch: pytest.MonkeyPatch, moment: datetime.datetime) -> Iterator[None]:
    with monkeypatch.context() as patch:
        patch.setattr(checkpoints, "_now", lambda: moment)
        yield


def rewrite_from(seq: int) -> None:
    """Recompute prev_hash and hash of every event from ``seq`` on, as a careful forger would."""
    prev = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else audit.GENESIS_HASH
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        event.prev_hash = prev
        event.hash = audit.event_hash(event)
        tamper(
            "UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s",
            [event.prev_hash, event.hash, event.seq],
        )
        prev = event.hash
    AuditHead.objects.filter(id=1).update(hash=prev)


def set_head(seq: int) -> None:
    AuditHead.objects.filter(id=1).update(seq=seq, hash=AuditEvent.objects.get(seq=seq).hash)


# --- a clean chain -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_clean_chain_verifies_with_its_checkpoints(checkpoint_dir: Path) -> None:
    append(5, actor=UserFactory())
    checkpoint_write()
    append(2)

    result = verify_chain()

    assert result.ok, result.problems
    assert (result.events, result.checkpoints) == (7, 1)
    assert result.summary == "7 events verified, 1 checkpoints"


@pytest.mark.django_db
def test_an_empty_chain_verifies() -> None:
    assert verify_chain().summary == "0 events verified, 0 checkpoints"


# --- tampering with rows -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["action", "at", "actor_id"])
def test_changing_a_chained_field_names_the_altered_event(column: str) -> None:
    user, other = UserFactory(), UserFactory()
    append(5, actor=user)
    value = {
        "action": "user.harmless",
        "at": connection.ops.adapt_datetimefield_value(
            datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
        ),
        "actor_id": other.pk,
    }[column]

    tamper(f"UPDATE core_auditevent SET {column} = %s WHERE seq = 3", [value])  # noqa: S608 (column from the parameter list)

    assert messages() == ["event #3 was altered"]


@pytest.mark.django_db
def test_an_inserted_event_with_a_false_link_is_unexpected() -> None:
    events = append(5)
    insert_raw(forged(6, prev_hash=events[0].hash))
    AuditHead.objects.filter(id=1).update(seq=6, hash=AuditEvent.objects.get(seq=6).hash)

    assert messages() == ["unexpected event #6 (broken link to #5)"]


@pytest.mark.django_db
def test_a_perfectly_linked_event_appended_past_the_head_is_unexpected() -> None:
    events = append(5)
    insert_raw(forged(6, prev_hash=events[-1].hash))

    assert messages() == [
        "unexpected event(s) after the chain head #5, up to #6 (appended outside audit.record)"
    ]


@pytest.mark.django_db
def test_an_event_inserted_past_a_seq_gap_is_reported() -> None:
    events = append(3)
    insert_raw(forged(9, prev_hash=events[-1].hash))
    AuditHead.objects.filter(id=1).update(seq=9, hash=AuditEvent.objects.get(seq=9).hash)

    assert messages() == ["unexpected event #9 (seq gap after #3)"]


@pytest.mark.django_db
def test_deleting_a_middle_event_is_reported_as_missing() -> None:
    append(5)
    delete_event(3)

    assert messages() == ["missing event(s) between #2 and #4"]


@pytest.mark.django_db
def test_deleting_the_newest_events_is_caught_by_a_checkpoint(
    checkpoint_dir: Path, no_checkpoints: Path
) -> None:
    append(5)
    checkpoint = checkpoint_write()
    assert checkpoint is not None
    trim_to(3)

    assert messages(no_checkpoints) == []  # the trimmed chain is consistent in itself
    assert messages() == [
        f"checkpoint {checkpoint.name} signed event #5, but the chain ends at #3 "
        "(newest events deleted)"
    ]


@pytest.mark.django_db
def test_deleting_the_newest_events_without_moving_the_head_is_reported() -> None:
    append(5)
    tamper(
        "DELETE FROM core_auditdetail WHERE event_id IN "
        "(SELECT id FROM core_auditevent WHERE seq > %s)",
        [3],
    )
    tamper("DELETE FROM core_auditevent WHERE seq > %s", [3])

    assert messages() == ["the chain ends at #3 but its head is #5 (newest events deleted)"]


@pytest.mark.django_db
def test_a_chain_rewritten_after_an_alteration_is_caught_by_a_checkpoint(
    checkpoint_dir: Path, no_checkpoints: Path
) -> None:
    append(5)
    checkpoint = checkpoint_write()
    assert checkpoint is not None
    tamper("UPDATE core_auditevent SET action = %s WHERE seq = %s", ["user.harmless", 2])
    rewrite_from(2)

    assert messages(no_checkpoints) == []  # every hash and link was recomputed
    assert messages() == [
        f"event #5 no longer has the hash checkpoint {checkpoint.name} signed (chain rewritten)"
    ]


# --- checkpoints ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_checkpoint_with_a_bad_signature_is_reported(checkpoint_dir: Path) -> None:
    append(3)
    checkpoint = checkpoint_write()
    assert checkpoint is not None
    assert checkpoint.path is not None
    data = json.loads(checkpoint.path.read_text())
    data["hash"] = "f" * 64
    checkpoint.path.write_text(json.dumps(data))

    assert messages() == [f"checkpoint {checkpoint.name} has a bad signature"]


@pytest.mark.django_db
def test_a_checkpoint_signed_by_another_key_is_reported(
    checkpoint_dir: Path, tmp_path: Path, settings: Any
) -> None:
    other = Ed25519PrivateKey.generate()
    key_file = tmp_path / "other.pem"
    key_file.write_bytes(
        other.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    append(3)
    settings.AUDIT_SIGNING_KEY_FILE = str(key_file)
    checkpoint = checkpoint_write()
    assert checkpoint is not None
    del settings.AUDIT_SIGNING_KEY_FILE

    assert messages() == [
        f"checkpoint {checkpoint.name} was signed by another key ({checkpoint.public_key})"
    ]


@pytest.mark.django_db
def test_a_checkpoint_is_written_privately_and_only_when_the_head_moved(
    checkpoint_dir: Path,
) -> None:
    assert checkpoint_write() is None  # an empty chain has nothing to sign
    events = append(4)

    first = checkpoint_write()

    assert first is not None
    assert first.path is not None
    assert (first.seq, first.hash) == (4, events[-1].hash)
    assert checkpoint_read(first.path) == first
    assert first.path.name.startswith("audit-000000000004-")
    assert checkpoint_dir.stat().st_mode & 0o777 == 0o700
    assert first.path.stat().st_mode & 0o777 == 0o600
    key_file = Path(django_settings.DATA_DIR) / "keys" / "audit_signing_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(base64.b64decode(first.public_key)) == 32
    assert len(base64.b64decode(first.signature)) == 64
    assert checkpoint_write() is None
    append(1)
    second = checkpoint_write()
    assert second is not None
    assert second.seq == 5
    assert len(list(checkpoint_dir.glob("audit-*.json"))) == 2


@pytest.mark.django_db
def test_a_broken_chain_is_never_signed(checkpoint_dir: Path) -> None:
    append(3)
    checkpoint_write()
    append(2)
    tamper("UPDATE core_auditevent SET action = %s WHERE seq = %s", ["user.harmless", 4])

    with pytest.raises(ChainBroken, match="event #4 was altered"):
        checkpoint_write()
    assert len(list(checkpoint_dir.glob("audit-*.json"))) == 1


def test_production_refuses_to_run_without_a_signing_key_file(settings: Any) -> None:
    settings.PRODUCTION = True
    settings.AUDIT_SIGNING_KEY_FILE = None

    with pytest.raises(ImproperlyConfigured, match="ICOMMIT_AUDIT_SIGNING_KEY_FILE"):
        checkpoint_write()

    settings.AUDIT_SIGNING_KEY_FILE = str(Path(settings.DATA_DIR) / "keys" / "audit_signing_key")
    with pytest.raises(ImproperlyConfigured, match="inside the data folder"):
        checkpoint_write()


def test_a_key_file_that_is_not_an_ed25519_key_is_refused(tmp_path: Path, settings: Any) -> None:
    key_file = tmp_path / "key.pem"
    key_file.write_text("not a key")
    settings.AUDIT_SIGNING_KEY_FILE = str(key_file)

    with pytest.raises(ImproperlyConfigured, match="not an unencrypted PEM Ed25519"):
        checkpoint_write()


# --- the command ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_verify_command_prints_a_summary_when_the_chain_holds(
    checkpoint_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    append(3)
    call_command("audit", "checkpoint")
    assert "signs event #3" in capsys.readouterr().out
    call_command("audit", "checkpoint")
    assert "has not moved" in capsys.readouterr().out

    call_command("audit", "verify")

    assert capsys.readouterr().out.strip() == "3 events verified, 1 checkpoints"


@pytest.mark.django_db
def test_the_verify_command_fails_naming_the_first_problem_first(
    no_checkpoints: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    append(6)
    tamper("UPDATE core_auditevent SET action = %s WHERE seq = %s", ["user.harmless", 2])
    delete_event(4)

    with pytest.raises(CommandError, match="the first: event #2 was altered") as failure:
        call_command(
            "audit", "verify", "--checkpoints", str(no_checkpoints), "--allow-no-checkpoints"
        )

    assert failure.value.returncode == 1
    assert capsys.readouterr().err.splitlines() == [
        "- event #2 was altered",
        "- missing event(s) between #3 and #5",
    ]


# --- tampering with details (a) ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_detail_edited_even_with_the_data_keys_is_named_by_its_event() -> None:
    append(5)
    set_sealed(4, seal_for(4, {"name": ["old 3", "harmless"]}))

    assert AuditDetail.objects.get(event__seq=4).data == {"name": ["old 3", "harmless"]}  # opens
    assert messages() == ["the detail of event #4 was altered"]


@pytest.mark.django_db
def test_two_swapped_details_are_each_named_as_moved() -> None:
    append(5)
    second, fourth = sealed_of(2), sealed_of(4)
    set_sealed(2, fourth)
    set_sealed(4, second)

    assert messages() == [
        "the detail of event #2 is that of event #4 (details moved or swapped)",
        "the detail of event #4 is that of event #2 (details moved or swapped)",
    ]


@pytest.mark.django_db
def test_a_deleted_detail_is_reported_missing() -> None:
    append(5)
    tamper(
        "DELETE FROM core_auditdetail WHERE event_id = "
        "(SELECT id FROM core_auditevent WHERE seq = %s)",
        [4],
    )

    assert messages() == ["the detail of event #4 is missing"]


@pytest.mark.django_db
def test_a_detail_moved_to_an_event_written_without_one_is_reported_at_both_ends() -> None:
    append(5)
    tamper(
        "UPDATE core_auditdetail SET event_id = (SELECT id FROM core_auditevent WHERE seq = %s) "
        "WHERE event_id = (SELECT id FROM core_auditevent WHERE seq = %s)",
        [3, 2],
    )

    assert messages() == [
        "the detail of event #2 is missing",
        "event #3 has a detail it was written without (that of event #2: details moved)",
    ]


@pytest.mark.django_db
def test_a_changed_detail_is_never_signed(checkpoint_dir: Path) -> None:
    append(3)
    checkpoint_write()
    append(2)
    set_sealed(5, sealed_of(2))

    with pytest.raises(ChainBroken, match="the detail of event #5 is that of event #2"):
        checkpoint_write()
    assert len(checkpoint_files(checkpoint_dir)) == 1


@pytest.mark.django_db
def test_an_erased_detail_is_reported_as_erased_not_as_tampering(
    checkpoint_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = crypto.subject_key_create()
    append(2)
    with transaction.atomic():
        note = audit.record(actor=None, action="case.note", changes={"note": "x"}, subject=key)
    append(1)
    checkpoint_write()

    crypto.subject_key_destroy(key=key)

    result = verify_chain()
    assert result.ok, result.problems
    assert (result.erased, result.erased_seqs) == (1, [note.seq])
    assert result.summary == "4 events verified, 1 checkpoints, 1 erased details"
    call_command("audit", "verify")
    assert capsys.readouterr().out.splitlines() == [
        "erased details (subject key destroyed, not tampering): events #3",
        "4 events verified, 1 checkpoints, 1 erased details",
    ]
    assert checkpoint_write() is None  # erasure moved nothing: nothing to sign, nothing broken
    # an erased detail is still checked: changing its ciphertext is tampering
    sealed = sealed_of(note.seq)
    set_sealed(note.seq, sealed[:-8] + ("A" * 8 if not sealed.endswith("A" * 8) else "B" * 8))
    assert messages() == [f"the detail of event #{note.seq} was altered"]


# --- trimming and extending the chain after the last checkpoint (b, c) ------------------------


@pytest.mark.django_db
def test_the_checkpoint_job_runs_every_minute_and_writes_nothing_while_the_chain_is_idle(
    checkpoint_dir: Path,
) -> None:
    assert {task.name: task.minutes for task in SCHEDULES}["audit checkpoint"] == 1
    append(2)

    assert checkpoint_job().startswith("checkpoint audit-000000000002-")
    assert checkpoint_job() == "the audit chain has not moved since the last checkpoint"
    assert checkpoint_job() == "the audit chain has not moved since the last checkpoint"
    assert len(checkpoint_files(checkpoint_dir)) == 1


@pytest.mark.django_db
def test_trimming_the_tail_signed_by_the_scheduled_checkpoint_is_caught(
    checkpoint_dir: Path,
) -> None:
    append(3)
    checkpoint_job()
    append(2)
    checkpoint_job()  # the next run, a minute later, signs #5

    trim_to(3)

    assert messages() == [
        f"checkpoint {newest_checkpoint_name(checkpoint_dir)} signed event #5, but the chain "
        "ends at #3 (newest events deleted)"
    ]


@pytest.mark.django_db
def test_trimming_events_before_the_next_scheduled_checkpoint_goes_unseen_the_window(
    checkpoint_dir: Path,
) -> None:
    """The residual window (docs/security.md §6): events not yet signed can vanish unseen."""
    append(3)
    checkpoint_job()
    append(2)  # written, and trimmed before the job's next run

    trim_to(3)

    assert messages(allow_no_checkpoints=False) == []


@pytest.mark.django_db
def test_an_event_inserted_and_chained_before_the_newest_checkpoint_is_caught(
    checkpoint_dir: Path, no_checkpoints: Path
) -> None:
    events = append(5)
    checkpoint_job()
    for seq in (5, 4):  # make room for a new #4, as a forger must
        tamper("UPDATE core_auditevent SET seq = %s WHERE seq = %s", [seq + 1, seq])
    insert_raw(forged(4, prev_hash=events[2].hash, at=events[2].at))
    rewrite_from(5)
    set_head(6)

    assert messages(no_checkpoints) == []  # consistent in itself
    assert messages() == [
        f"event #5 no longer has the hash checkpoint {newest_checkpoint_name(checkpoint_dir)} "
        "signed (chain rewritten)"
    ]


@pytest.mark.django_db
def test_an_event_appended_with_a_time_before_the_newest_checkpoint_is_caught_and_never_signed(
    checkpoint_dir: Path,
) -> None:
    events = append(3)
    checkpoint_job()
    backdated = timezone.now() - datetime.timedelta(days=2)
    insert_raw(forged(4, prev_hash=events[-1].hash, at=backdated))
    set_head(4)

    claimed, unsigned = messages()
    assert claimed.startswith("event #4 claims a time (")
    assert claimed.endswith(" UTC): backdated or inserted")
    assert unsigned.startswith("event #4 is signed by no checkpoint, and #4 was written more")
    with pytest.raises(ChainBroken, match="event #4 claims a time"):
        checkpoint_write()


@pytest.mark.django_db
def test_events_left_unsigned_longer_than_the_allowed_age_fail_verification(
    checkpoint_dir: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    append(3)
    checkpoint = checkpoint_write()
    assert checkpoint is not None
    append(2)
    written = AuditEvent.objects.get(seq=4).at

    with clock_at(monkeypatch, written + datetime.timedelta(minutes=9)):
        assert verify_chain().ok  # the job may still come
    with clock_at(monkeypatch, written + datetime.timedelta(minutes=11)):
        problems = messages(allow_no_checkpoints=False)
        assert verify_chain(max_age=datetime.timedelta(minutes=60)).ok  # e.g. a daily copy
        settings.AUDIT_CHECKPOINT_MAX_AGE_MINUTES = 30
        assert verify_chain().ok
    assert len(problems) == 1
    assert problems[0].startswith("events #4 to #5 are signed by no checkpoint, and #4 was")
    assert problems[0].endswith(
        f"the newest checkpoint {checkpoint.name} signs #3: is the task cluster running?"
    )


@pytest.mark.django_db
def test_an_old_checkpoint_is_current_while_the_chain_has_not_moved(
    checkpoint_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    append(3)
    checkpoint_write()

    with clock_at(monkeypatch, timezone.now() + datetime.timedelta(days=30)):
        assert messages(allow_no_checkpoints=False) == []


# --- no checkpoints (d) ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_chain_that_no_checkpoint_signs_fails_unless_allowed(
    checkpoint_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    append(5)
    checkpoint_write()
    tamper("UPDATE core_auditevent SET action = %s WHERE seq = %s", ["user.harmless", 2])
    rewrite_from(2)
    for path in checkpoint_files(checkpoint_dir):
        path.unlink()

    assert messages(allow_no_checkpoints=False) == [
        "no checkpoint signs the chain's 5 events: the checkpoint files are missing or were "
        "deleted (on a brand-new installation, run `icommit audit checkpoint`, or verify with "
        "--allow-no-checkpoints)"
    ]
    with pytest.raises(CommandError, match="no checkpoint signs the chain's 5 events"):
        call_command("audit", "verify")
    capsys.readouterr()
    call_command("audit", "verify", "--allow-no-checkpoints")
    assert capsys.readouterr().out.strip() == "5 events verified, 0 checkpoints"


@pytest.mark.django_db
def test_checkpoints_that_do_not_verify_anchor_nothing(checkpoint_dir: Path) -> None:
    append(3)
    checkpoint = checkpoint_write()
    assert checkpoint is not None
    assert checkpoint.path is not None
    data = json.loads(checkpoint.path.read_text())
    data["at"] = "2020-01-01T00:00:00+00:00"
    checkpoint.path.write_text(json.dumps(data))

    assert [problem.split(":")[0] for problem in messages(allow_no_checkpoints=False)] == [
        f"checkpoint {checkpoint.name} has a bad signature",
        "no checkpoint signs the chain's 3 events",
    ]


def test_the_verify_command_refuses_a_max_age_below_a_minute() -> None:
    with pytest.raises(CommandError, match="--max-age is a number of minutes"):
        call_command("audit", "verify", "--max-age", "0")


# --- chains written before version 2 ----------------------------------------------------------


def legacy_hash(fields: dict[str, Any]) -> str:
    """The hash rule of chain version 1, written out as the code before version 2 had it."""
    return hashlib.sha256(audit.canonical_json(fields).encode()).hexdigest()


def write_legacy_chain(count: int) -> None:
    """Append ``count`` events as icommit wrote them before version 2 (schema of 0004)."""
    prev = audit.GENESIS_HASH
    at = timezone.now() - datetime.timedelta(days=1)
    for seq in range(1, count + 1):
        changes = {"name": ["old", f"new {seq}"]} if seq % 2 == 0 else None
        change = audit.change_digest(changes)
        moment = at + datetime.timedelta(seconds=seq)
        fields = {
            "seq": seq,
            "at": moment.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            "actor": None,
            "action": "legacy.event",
            "purpose": "typed reason" if seq == 1 else "",
            "object_type": "",
            "object_id": "",
            "team": None,
            "change": change,
            "prev": prev,
        }
        prev = legacy_hash(fields)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO core_auditevent (seq, at, actor_id, action, purpose, object_type, "
                "object_id, team_id, change_hmac, prev_hash, hash) "
                "VALUES (%s, %s, NULL, %s, %s, '', '', NULL, %s, %s, %s)",
                [
                    seq,
                    connection.ops.adapt_datetimefield_value(moment),
                    fields["action"],
                    fields["purpose"],
                    change,
                    fields["prev"],
                    prev,
                ],
            )
            if changes:
                cursor.execute("SELECT id FROM core_auditevent WHERE seq = %s", [seq])
                (pk,) = cursor.fetchone()
                sealed = crypto.encrypt(
                    audit.canonical_json(changes).encode(),
                    model="core.auditdetail",
                    field="data",
                    pk=pk,
                )
                cursor.execute(
                    "INSERT INTO core_auditdetail (event_id, sealed) VALUES (%s, %s)", [pk, sealed]
                )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_audithead (id, seq, hash) VALUES (1, %s, %s)", [count, prev]
        )


@pytest.mark.django_db(transaction=True)
def test_a_chain_written_before_version_2_verifies_after_the_migration(
    checkpoint_dir: Path,
) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("core", "0004_audit_detail_sealed")])
    try:
        write_legacy_chain(4)
    finally:
        # every app back at its newest migration: going back in core also unapplied the apps
        # whose migrations depend on core's later ones (cases), not only core itself
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert list(AuditEvent.objects.order_by("seq").values_list("version", flat=True)) == [1] * 4
    assert AuditDetail.objects.get(event__seq=2).data == {"name": ["old", "new 2"]}
    append(3)  # version 2 goes on from the old head
    assert messages(allow_no_checkpoints=False)[0].startswith("no checkpoint signs")
    assert checkpoint_write() is not None
    assert messages(allow_no_checkpoints=False) == []
    assert AuditEvent.objects.get(seq=6).detail.data == {"name": ["old 1", "new 1"]}
    # the append-only triggers survived the table rebuild
    assert "append-only" in str(refused("UPDATE core_auditevent SET action = 'forged'"))
    # a version-1 detail is checked for presence; a version-1 event cannot pass as version 2
    tamper(
        "DELETE FROM core_auditdetail WHERE event_id = "
        "(SELECT id FROM core_auditevent WHERE seq = %s)",
        [4],
    )
    tamper("UPDATE core_auditevent SET version = 1 WHERE seq = %s", [6])
    assert messages() == [
        "the detail of event #4 is missing",
        "event #6 was altered",
        "event #6 uses chain version 1 after version 2",
    ]


# --- concurrency -------------------------------------------------------------------------------


@contextmanager
def using_database(settings_dict: dict[str, Any] | None) -> Iterator[None]:
    """Point this thread's default connection at ``settings_dict`` (None: leave it alone)."""
    if settings_dict is None:
        yield
        return
    original = connections[DEFAULT_DB_ALIAS]
    replacement = type(original)(settings_dict, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = replacement
    try:
        yield
    finally:
        replacement.close()
        connections[DEFAULT_DB_ALIAS] = original


def sqlite_file_copy(folder: Path) -> dict[str, Any]:
    """Copy the in-memory SQLite test database to a file and return settings that open it.

    Connections to the in-memory database share one cache, in which a second writer fails at
    once with "table is locked" instead of waiting; production's file database (WAL, IMMEDIATE
    transactions, busy timeout) makes writers queue, and that is what the test must see.
    """
    path = folder / "concurrency.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return {**connection.settings_dict, "NAME": str(path)}


def append_in_thread(
    count: int, settings_dict: dict[str, Any] | None, errors: list[BaseException]
) -> None:
    try:
        with using_database(settings_dict):
            for i in range(count):
                with transaction.atomic():
                    audit.record(actor=None, action="thread.append", object_id=i)
    except BaseException as exc:  # collected and asserted on in the main thread
        errors.append(exc)
    finally:
        connection.close()


APPEND_SCRIPT = """
from django.db import transaction
from icommit.core import audit
audit.event_type("process.append", "Test event process.append")  # a test-only name
for i in range(10):
    with transaction.atomic():
        audit.record(actor=None, action="process.append", object_id=i)
"""


def start_processes(count: int) -> list[subprocess.Popen[str]]:
    """Start processes that append to the test database through their own connections."""
    url = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "icommit.settings",
        "DATABASE_URL": url,
        "ICOMMIT_DEV": "1",
        "ICOMMIT_DATA_DIR": str(django_settings.DATA_DIR),
    }
    return [
        subprocess.Popen(
            [sys.executable, "-m", "icommit", "shell", "-c", APPEND_SCRIPT],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_leave_one_gap_free_chain(tmp_path: Path, no_checkpoints: Path) -> None:
    """Threads everywhere; on PostgreSQL also separate processes, each with its own session."""
    postgres = connection.vendor == "postgresql"
    threads_count, per_thread, per_process = 4, 10, 10
    file_db = None if postgres else sqlite_file_copy(tmp_path)
    processes = start_processes(3) if postgres else []
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=append_in_thread, args=(per_thread, file_db, errors))
        for _ in range(threads_count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    outcomes = [(process.wait(timeout=120), *process.communicate()) for process in processes]

    assert errors == []
    assert [code for code, _out, _err in outcomes] == [0] * len(processes), outcomes
    expected = threads_count * per_thread + per_process * len(processes)
    with using_database(file_db):
        seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
        assert seqs == list(range(1, expected + 1))
        assert AuditEvent.objects.filter(action="process.append").count() == (30 if postgres else 0)
        result = verify_chain(no_checkpoints, allow_no_checkpoints=True)
        assert result.ok, result.problems
        assert result.events == expected
        assert AuditHead.objects.get().seq == expected


# --- database roles ------------------------------------------------------------------------------


def runtime_grants(role: str, owner: str) -> str:
    text = ROLES_SQL.read_text()
    block = text[text.index("-- BEGIN RUNTIME GRANTS") : text.index("-- END RUNTIME GRANTS")]
    return block.replace("icommit_owner", owner).replace("icommit_app", role)


def refused(sql: str) -> BaseException:
    """Run ``sql`` in a savepoint; return the error the database answered with."""
    with (
        pytest.raises((IntegrityError, DatabaseError)) as error,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    return error.value


@pytest.mark.django_db
def test_the_runtime_role_can_only_append_to_the_audit_tables() -> None:
    append(2)
    if connection.vendor != "postgresql":
        # SQLite has no roles: the append-only triggers are the guard.
        assert "append-only" in str(refused("UPDATE core_auditevent SET action = 'forged'"))
        append(1)
        assert AuditEvent.objects.count() == 3
        return

    import psycopg

    role = f"icommit_app_test_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
        cursor.execute(runtime_grants(role, owner=connection.settings_dict["USER"]))
        cursor.execute(f'SET ROLE "{role}"')
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, count(*) FROM core_auditevent")
            assert cursor.fetchone() == (role, 2)
        append(1)  # INSERT into the audit tables and UPDATE of the head row
        assert AuditEvent.objects.count() == 3
        for statement in (
            "UPDATE core_auditevent SET action = 'forged'",
            "UPDATE core_auditdetail SET sealed = ''",
            "DELETE FROM core_auditevent",
            "TRUNCATE core_auditdetail",
        ):
            error = refused(statement)
            assert isinstance(error.__cause__, psycopg.errors.InsufficientPrivilege), error
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_outboxmessage SET attempts = attempts")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert AuditEvent.objects.filter(action="forged").count() == 0


# --- schedules -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_schedules_exist_after_migrate_and_ensuring_them_is_idempotent() -> None:
    names = [task.name for task in SCHEDULES]
    assert set(Schedule.objects.values_list("name", flat=True)) >= set(names)  # post_migrate
    Schedule.objects.filter(name="audit checkpoint").update(minutes=60)
    Schedule.objects.create(name="audit checkpoint", func="x.y")

    ensure_schedules()
    ensure_schedules()

    rows = {row.name: row for row in Schedule.objects.filter(name__in=names)}
    assert Schedule.objects.filter(name__in=names).count() == len(names)
    assert rows["audit checkpoint"].func == "icommit.core.checkpoints.checkpoint_job"
    assert rows["audit checkpoint"].minutes == 1
    assert rows["mail outbox flush"].func == "icommit.core.outbox.outbox_flush"
    assert rows["mail outbox flush"].minutes == 1
    assert {row.schedule_type for row in rows.values()} == {Schedule.MINUTES}
