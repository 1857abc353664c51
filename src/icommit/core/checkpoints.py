"""Signed checkpoints of the audit chain, and verification of the chain against them.

A checkpoint is a JSON file outside the database holding (seq, hash, at) of the chain's newest
event and an Ed25519 signature over them, made with a key kept in a file, never in the
database. Whoever rewrites or trims the chain can recompute hashes but cannot sign, so
``verify_chain`` catches them against a checkpoint. A new checkpoint is signed only after the
events since the last valid one, and their detail rows, verify, so a broken chain is never
signed; the scheduled job signs at most a minute after the head moved, and nothing while idle.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import json
import logging
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from icommit.core.audit import (
    GENESIS_HASH,
    VERSIONS,
    canonical_json,
    detail_digest,
    event_hash,
)
from icommit.core.crypto import PLATFORM_KEY_ID
from icommit.core.models import AuditDetail, AuditEvent, AuditHead, SubjectKey

log = logging.getLogger(__name__)

#: Name of the generated development key inside ``DATA_DIR / "keys"``.
DEV_KEY_NAME = "audit_signing_key"
#: Prefixed to the signed payload so that the key's signature means nothing elsewhere.
SIGNING_CONTEXT = b"icommit-audit-checkpoint:v1:"
FILE_PREFIX = "audit-"
#: Events read per query while walking the chain; memory stays flat however long it grows.
BATCH_SIZE = 500
#: Problems kept in a result; more are only counted, so a rewritten chain cannot exhaust memory.
MAX_PROBLEMS = 100


class ChainBroken(Exception):
    """The chain does not verify, so no new checkpoint is signed."""


# --- the signing key ------------------------------------------------------------------------


def signing_key() -> Ed25519PrivateKey:
    """Return the checkpoint signing key: AUDIT_SIGNING_KEY_FILE, or generated in development."""
    configured = getattr(settings, "AUDIT_SIGNING_KEY_FILE", None)
    if configured:
        path = Path(configured).expanduser()
        if settings.PRODUCTION and path.resolve().is_relative_to(Path(settings.DATA_DIR).resolve()):
            raise ImproperlyConfigured(
                f"ICOMMIT_AUDIT_SIGNING_KEY_FILE={str(path)!r} lies inside the data folder; "
                "the audit signing key must live elsewhere."
            )
        return _load_key(path)
    if settings.PRODUCTION:
        raise ImproperlyConfigured(
            "ICOMMIT_AUDIT_SIGNING_KEY_FILE is required in production: a PEM Ed25519 private key "
            "outside the data folder (openssl genpkey -algorithm ed25519 -out audit-signing.pem)."
        )
    return _load_or_generate(Path(settings.DATA_DIR) / "keys" / DEV_KEY_NAME)


def public_key_text(key: Ed25519PublicKey) -> str:
    """Return the raw public key, base64-encoded, as checkpoints record it."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def _load_key(path: Path) -> Ed25519PrivateKey:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImproperlyConfigured(f"The audit signing key {path} cannot be read: {exc}.") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(
            f"The audit signing key {path} is not an unencrypted PEM Ed25519 private key."
        )
    return key


def _load_or_generate(path: Path) -> Ed25519PrivateKey:
    if path.exists():
        return _load_key(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _load_key(path)  # another process generated it first
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key


# --- checkpoint files ------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement that event ``seq`` of the chain had ``hash`` at time ``at`` (UTC)."""

    seq: int
    hash: str
    at: str
    public_key: str
    signature: str
    path: Path | None = None

    @property
    def name(self) -> str:
        return self.path.name if self.path else f"#{self.seq}"

    @property
    def signed_at(self) -> datetime.datetime | None:
        """When it was signed (None if ``at`` is not an ISO time with a zone)."""
        try:
            moment = datetime.datetime.fromisoformat(self.at)
        except ValueError:
            return None
        return moment if moment.tzinfo is not None else None

    def payload(self) -> bytes:
        return signed_payload(self.seq, self.hash, self.at)

    def as_json(self) -> str:
        fields = {
            "version": 1,
            "seq": self.seq,
            "hash": self.hash,
            "at": self.at,
            "public_key": self.public_key,
            "signature": self.signature,
        }
        return json.dumps(fields, indent=2) + "\n"

    def signature_problem(self, public_key: str) -> str | None:
        """Return why this checkpoint cannot be trusted with ``public_key``, or None."""
        if self.public_key != public_key:
            return f"checkpoint {self.name} was signed by another key ({self.public_key})"
        try:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key))
            key.verify(base64.b64decode(self.signature, validate=True), self.payload())
        except (InvalidSignature, ValueError):
            return f"checkpoint {self.name} has a bad signature"
        return None


def signed_payload(seq: int, hash: str, at: str) -> bytes:
    return SIGNING_CONTEXT + canonical_json({"seq": seq, "hash": hash, "at": at}).encode()


def checkpoint_read(path: Path) -> Checkpoint:
    """Read one checkpoint file; raise ValueError if it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        checkpoint = Checkpoint(
            seq=int(data["seq"]),
            hash=str(data["hash"]),
            at=str(data["at"]),
            public_key=str(data["public_key"]),
            signature=str(data["signature"]),
            path=path,
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"checkpoint {path.name} is unreadable: {exc}") from None
    return checkpoint


def checkpoint_files(directory: Path) -> list[Path]:
    """Return the checkpoint files in ``directory``, oldest first (names sort by seq)."""
    if not directory.is_dir():
        return []
    return sorted(directory.glob(f"{FILE_PREFIX}*.json"))


def _now() -> datetime.datetime:
    return timezone.now()


def _directory(directory: Path | str | None) -> Path:
    return Path(directory) if directory is not None else Path(settings.CHECKPOINT_DIR)


def checkpoint_write(directory: Path | str | None = None) -> Checkpoint | None:
    """Sign the chain's newest event into a checkpoint file; None if nothing moved since the last.

    Raises ChainBroken, and signs nothing, when the events since the last valid checkpoint, their
    details or the head row do not verify.
    """
    folder = _directory(directory)
    key = signing_key()
    public_key = public_key_text(key.public_key())
    last = _last_valid_checkpoint(folder, public_key)
    result = VerifyResult()
    walk = _Walk(result, {})
    if last is not None:
        stored = AuditEvent.objects.filter(seq=last.seq).values_list("hash", "version").first()
        if stored is None:
            result.add(last.seq, f"event #{last.seq}, signed by checkpoint {last.name}, is missing")
        elif stored[0] != last.hash:
            result.add(
                last.seq,
                f"event #{last.seq} no longer has the hash checkpoint {last.name} signed "
                "(chain rewritten)",
            )
        else:
            walk = _Walk(result, {}, last.seq, last.hash, stored[1], last.signed_at)
    if result.ok:
        walk.run()
        _check_head(walk, result)
        walk.finish()
    if not result.ok:
        result.problems.sort(key=lambda problem: problem.seq)
        raise ChainBroken(str(result.problems[0]))
    if walk.seq == 0 or (last is not None and walk.seq == last.seq):
        return None
    moment = _now().astimezone(datetime.UTC).replace(microsecond=0)
    at = moment.isoformat()
    signature = key.sign(signed_payload(walk.seq, walk.hash, at))
    checkpoint = Checkpoint(
        seq=walk.seq,
        hash=walk.hash,
        at=at,
        public_key=public_key,
        signature=base64.b64encode(signature).decode(),
    )
    name = f"{FILE_PREFIX}{walk.seq:012d}-{moment:%Y%m%dT%H%M%SZ}.json"
    return dataclasses.replace(checkpoint, path=_write_private(folder, name, checkpoint.as_json()))


def checkpoint_job() -> str:
    """Write a checkpoint (the scheduled task); return what it did, for the task log."""
    try:
        checkpoint = checkpoint_write()
    except ChainBroken as exc:
        log.error("audit chain broken, no checkpoint signed: %s", exc)
        raise
    if checkpoint is None:
        return "the audit chain has not moved since the last checkpoint"
    return f"checkpoint {checkpoint.name} signs event #{checkpoint.seq}"


def _last_valid_checkpoint(folder: Path, public_key: str) -> Checkpoint | None:
    for path in reversed(checkpoint_files(folder)):
        try:
            checkpoint = checkpoint_read(path)
        except ValueError as exc:
            log.warning("%s", exc)
            continue
        problem = checkpoint.signature_problem(public_key)
        if problem is None:
            return checkpoint
        log.warning("%s", problem)
    return None


def _write_private(folder: Path, name: str, text: str) -> Path:
    try:
        folder.mkdir(parents=True, mode=0o700)
    except FileExistsError:
        pass
    else:
        folder.chmod(0o700)  # mkdir's mode is narrowed by the umask, never widened
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temp, 0o600)
        target = folder / name
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


# --- verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One finding of a verification, placed at the event it concerns."""

    seq: int
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class VerifyResult:
    """What ``verify_chain`` found: counts, and the problems in chain order."""

    events: int = 0
    checkpoints: int = 0
    #: The last event the walk reached (the chain was read from #1 up to it).
    end: int = 0
    problems: list[Problem] = field(default_factory=list)
    #: Problems beyond MAX_PROBLEMS, counted but not kept.
    more_problems: int = 0
    #: Details intact but sealed with a destroyed subject key: erased, not tampered with.
    erased: int = 0
    #: The events of the first MAX_PROBLEMS erased details, in chain order.
    erased_seqs: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        erased = f", {self.erased} erased details" if self.erased else ""
        if self.ok:
            return f"{self.events} events verified, {self.checkpoints} checkpoints{erased}"
        count = len(self.problems) + self.more_problems
        return f"{count} problem(s) in {self.events} events and {self.checkpoints} checkpoints"

    def add(self, seq: int, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(seq, message))
        else:
            self.more_problems += 1

    def erase(self, seq: int) -> None:
        self.erased += 1
        if len(self.erased_seqs) < MAX_PROBLEMS:
            self.erased_seqs.append(seq)


def verify_chain(
    checkpoint_dir: Path | str | None = None,
    *,
    allow_no_checkpoints: bool = False,
    max_age: datetime.timedelta | None = None,
    progress: Callable[[int], None] | None = None,
) -> VerifyResult:
    """Walk the whole chain and its details and check them against the checkpoints.

    The checkpoints come from ``checkpoint_dir`` (default CHECKPOINT_DIR). A chain that no
    checkpoint signs is a problem unless ``allow_no_checkpoints``; so are events left unsigned
    for longer than ``max_age`` (default AUDIT_CHECKPOINT_MAX_AGE_MINUTES). ``progress`` is
    called with the seq reached after each batch of events.
    """
    result = VerifyResult()
    expected = _load_checkpoints(_directory(checkpoint_dir), result)
    trusted = [checkpoint for group in expected.values() for checkpoint in group]
    newest = max(trusted, key=lambda checkpoint: checkpoint.seq, default=None)
    walk = _Walk(result, expected)
    walk.progress = progress
    walk.run()
    _check_head(walk, result)
    walk.finish()
    result.end = walk.seq
    for checkpoints in expected.values():
        for checkpoint in checkpoints:
            if checkpoint.seq > walk.seq:
                result.add(
                    checkpoint.seq,
                    f"checkpoint {checkpoint.name} signed event #{checkpoint.seq}, but the chain "
                    f"ends at #{walk.seq} (newest events deleted)",
                )
            else:
                result.add(
                    checkpoint.seq,
                    f"event #{checkpoint.seq}, signed by checkpoint {checkpoint.name}, is missing",
                )
    if walk.seq:
        _check_anchored(walk.seq, newest, result, allow_no_checkpoints, max_age)
    result.problems.sort(key=lambda problem: problem.seq)
    return result


def max_checkpoint_age() -> datetime.timedelta:
    """Return how long an event may stay unsigned before ``verify`` calls the signing stalled."""
    return datetime.timedelta(minutes=getattr(settings, "AUDIT_CHECKPOINT_MAX_AGE_MINUTES", 10))


def _check_anchored(
    end: int,
    newest: Checkpoint | None,
    result: VerifyResult,
    allow_no_checkpoints: bool,
    max_age: datetime.timedelta | None,
) -> None:
    """Report a chain that no checkpoint signs, or whose newest events stayed unsigned too long.

    The age that matters is that of the oldest unsigned event, not the checkpoint's: a
    checkpoint that signs the head is current however old it is, because the job writes
    nothing while the chain is idle.
    """
    if newest is None:
        if not allow_no_checkpoints:
            result.add(
                end,
                f"no checkpoint signs the chain's {end} events: the checkpoint files are missing "
                "or were deleted (on a brand-new installation, run `icommit audit checkpoint`, "
                "or verify with --allow-no-checkpoints)",
            )
        return
    if newest.seq >= end:
        return
    limit = max_age if max_age is not None else max_checkpoint_age()
    first = (
        AuditEvent.objects.filter(seq__gt=newest.seq)
        .order_by("seq")
        .values_list("seq", "at")
        .first()
    )
    if first is None:
        return
    seq, at = first
    if _now() - at > limit:
        minutes = int(limit.total_seconds() // 60)
        span = f"event #{seq} is" if seq == end else f"events #{seq} to #{end} are"
        result.add(
            seq,
            f"{span} signed by no checkpoint, and #{seq} was written more "
            f"than {minutes} minutes ago ({_utc(at)}); "
            f"the newest checkpoint {newest.name} signs #{newest.seq}: "
            "is the task cluster running?",
        )


def _load_checkpoints(folder: Path, result: VerifyResult) -> dict[int, list[Checkpoint]]:
    """Check each checkpoint's signature; return the trusted ones by the seq they sign."""
    files = checkpoint_files(folder)
    if not files:
        return {}
    public_key = public_key_text(signing_key().public_key())
    expected: dict[int, list[Checkpoint]] = {}
    for path in files:
        result.checkpoints += 1
        try:
            checkpoint = checkpoint_read(path)
        except ValueError as exc:
            result.add(0, str(exc))
            continue
        problem = checkpoint.signature_problem(public_key)
        if problem:
            result.add(checkpoint.seq, problem)
            continue
        expected.setdefault(checkpoint.seq, []).append(checkpoint)
    return expected


class _Walk:
    """Recompute hashes, follow links and check detail rows in seq order, from a known point."""

    def __init__(
        self,
        result: VerifyResult,
        expected: dict[int, list[Checkpoint]],
        seq: int = 0,
        hash: str = GENESIS_HASH,
        version: int = 1,
        signed_at: datetime.datetime | None = None,
    ) -> None:
        self.result = result
        self.expected = expected
        self.seq = seq
        self.hash = hash
        self.version = version
        #: When the newest checkpoint passed so far was signed: a later event cannot be much
        #: older than that (the allowance covers transactions still open while it was signed).
        self.signed_at = signed_at
        self.allowance = max_checkpoint_age()
        #: (seq, SHA-256 of the row found, whether the event has a detail) of details that do
        #: not match their event, resolved by ``finish`` into "altered" or "moved".
        self.mismatched: list[tuple[int, str, bool]] = []
        #: Told the seq reached after each batch (a job's progress bar).
        self.progress: Callable[[int], None] | None = None

    def run(self) -> None:
        for batch in _batches_after(self.seq):
            details = dict(
                AuditDetail.objects.filter(event_id__in=[event.pk for event in batch]).values_list(
                    "event_id", "sealed"
                )
            )
            intact: list[tuple[int, str]] = []
            for event in batch:
                sealed = details.get(event.pk)
                self.step(event)
                if self.detail_intact(event, sealed) and sealed is not None:
                    intact.append((event.seq, sealed))
            self.note_erased(intact)
            if self.progress is not None:
                self.progress(self.seq)

    def step(self, event: AuditEvent) -> None:
        add, n, prev = self.result.add, event.seq, self.seq
        self.result.events += 1
        if event.version not in VERSIONS:
            add(n, f"event #{n} was altered (unknown chain version {event.version})")
        elif event_hash(event) != event.hash or (event.version == 1 and event.detail_hash):
            # version 1 did not chain detail_hash, and never set it
            add(n, f"event #{n} was altered")
        if event.version in VERSIONS and event.version < self.version:
            add(n, f"event #{n} uses chain version {event.version} after version {self.version}")
        if n > prev + 1 and event.prev_hash == self.hash:
            add(n, f"unexpected event #{n} (seq gap after #{prev})")
        elif n > prev + 1:
            where = f"between #{prev} and #{n}" if prev else f"before #{n}"
            add(n, f"missing event(s) {where}")
        elif event.prev_hash != self.hash:
            add(n, f"unexpected event #{n} (broken link to #{prev})")
        if self.signed_at is not None and event.at < self.signed_at - self.allowance:
            add(
                n,
                f"event #{n} claims a time ({_utc(event.at)}) before the checkpoint that signed "
                f"the chain up to #{prev} was written ({_utc(self.signed_at)}): backdated or "
                "inserted",
            )
        for checkpoint in self.expected.pop(n, []):
            if checkpoint.hash != event.hash:
                add(
                    n,
                    f"event #{n} no longer has the hash checkpoint {checkpoint.name} signed "
                    "(chain rewritten)",
                )
            else:
                self.passed(checkpoint)
        self.seq, self.hash = n, event.hash
        if event.version in VERSIONS:
            self.version = max(self.version, event.version)

    def passed(self, checkpoint: Checkpoint) -> None:
        """Remember when a checkpoint that holds was signed."""
        signed = checkpoint.signed_at
        if signed is not None and (self.signed_at is None or signed > self.signed_at):
            self.signed_at = signed

    def detail_intact(self, event: AuditEvent, sealed: str | None) -> bool:
        """Check the event's detail row (``sealed``, None if there is none); return if it holds."""
        n = event.seq
        if event.version == 1:
            # Version 1 chained a keyed digest of the values, which needs the secret key of
            # the time and the values themselves: only the row's presence can be checked.
            wanted = bool(event.change_hmac)
            digest = ""
        else:
            wanted = bool(event.detail_hash)
            digest = event.detail_hash
        if sealed is None:
            if wanted:
                self.result.add(n, f"the detail of event #{n} is missing")
            return False
        found = detail_digest(sealed)
        if wanted and (event.version == 1 or found == digest):
            return True
        if len(self.mismatched) < MAX_PROBLEMS:
            self.mismatched.append((n, found, wanted))
        else:
            self.result.add(n, f"the detail of event #{n} was altered")
        return False

    def note_erased(self, details: list[tuple[int, str]]) -> None:
        """Count the intact details whose subject key was destroyed (erasure, not tampering)."""
        keys: dict[int, uuid.UUID] = {}
        for seq, sealed in details:
            try:
                key = uuid.UUID(sealed.split(":", 2)[1])
            except (IndexError, ValueError):
                continue
            if key != PLATFORM_KEY_ID:
                keys[seq] = key
        if not keys:
            return
        destroyed = set(
            SubjectKey.objects.filter(
                pk__in=set(keys.values()), destroyed_at__isnull=False
            ).values_list("pk", flat=True)
        )
        for seq, key in keys.items():
            if key in destroyed:
                self.result.erase(seq)

    def finish(self) -> None:
        """Name each mismatched detail: moved from another event, or altered."""
        if not self.mismatched:
            return
        origins = dict(
            AuditEvent.objects.filter(
                detail_hash__in={digest for _, digest, _ in self.mismatched}
            ).values_list("detail_hash", "seq")
        )
        for n, digest, wanted in self.mismatched:
            origin = origins.get(digest)
            if origin == n:
                continue  # the event's own detail, under an event reported as altered
            if not wanted:
                moved = f" (that of event #{origin}: details moved)" if origin else ""
                self.result.add(n, f"event #{n} has a detail it was written without{moved}")
            elif origin is not None and origin != n:
                self.result.add(
                    n,
                    f"the detail of event #{n} is that of event #{origin} (details moved or "
                    "swapped)",
                )
            else:
                self.result.add(n, f"the detail of event #{n} was altered")
        self.mismatched = []


def _utc(moment: datetime.datetime) -> str:
    return f"{moment.astimezone(datetime.UTC):%Y-%m-%d %H:%M:%S} UTC"


def _batches_after(seq: int) -> Iterator[list[AuditEvent]]:
    # Keyset batches rather than one long cursor: flat memory, short queries, and events
    # appended while the walk runs are picked up at the end.
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq")[:BATCH_SIZE])
        if not batch:
            return
        yield batch
        seq = batch[-1].seq


def _check_head(walk: _Walk, result: VerifyResult) -> None:
    """Compare the walk's end with the head row, read after the walk so it is never behind."""
    head = AuditHead.objects.filter(id=1).first()
    for _ in range(3):  # follow events appended while the walk ran
        if head is None or head.seq <= walk.seq:
            break
        walk.run()
        head = AuditHead.objects.filter(id=1).first()
    if head is None:
        if walk.seq:
            result.add(walk.seq, "the chain head row is missing")
        return
    if head.seq < walk.seq:
        result.add(
            head.seq + 1,
            f"unexpected event(s) after the chain head #{head.seq}, up to #{walk.seq} "
            "(appended outside audit.record)",
        )
    elif head.seq > walk.seq and not AuditEvent.objects.filter(seq=head.seq).exists():
        result.add(
            head.seq,
            f"the chain ends at #{walk.seq} but its head is #{head.seq} (newest events deleted)",
        )
    elif head.seq == walk.seq and head.hash != walk.hash:
        result.add(head.seq, f"the chain head does not match event #{head.seq}")
