"""Encryption at rest: AES-GCM values bound to their row and field, with a key per data subject.

Invariant: a stored value is an envelope ``v1:<subject-key-id>:<base64(nonce || ciphertext)>``
whose associated data names the format, the key id, the model label, the field and the row's
primary key, so it opens only where it was written and only while its subject key exists.
Subject keys are random and wrapped by a master key from ``settings.DATA_KEYS``; values without
a data subject use the platform key, a subject key that is never destroyed.

CryptoError
├── KeyConfigError      ICOMMIT_DATA_KEYS is malformed (also a ``config.ConfigError``)
└── DecryptionError     a value does not open: altered, or moved to another row or field
    ├── UnknownKey      its subject key, or the master key wrapping it, is not available
    └── KeyDestroyed    its subject key was destroyed (crypto-shredding)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import transaction
from django.utils import timezone

from icommit.config import ConfigError
from icommit.core.models import SubjectKey

__all__ = [
    "PLATFORM_KEY_ID",
    "CryptoError",
    "DecryptionError",
    "KeyConfigError",
    "KeyDestroyed",
    "MasterKey",
    "UnknownKey",
    "blind_index",
    "blind_indexes",
    "current_master_key",
    "data_keys_check",
    "decrypt",
    "decrypt_file_bytes",
    "encrypt",
    "encrypt_file_bytes",
    "key_cache",
    "master_keys",
    "parse_data_keys",
    "subject_key_create",
    "subject_key_destroy",
    "subject_key_id",
    "subject_key_rewrap",
]

FORMAT = "v1"
SETTING = "ICOMMIT_DATA_KEYS"
#: The subject key of values that belong to no data subject; it is never destroyed.
PLATFORM_KEY_ID = uuid.UUID("00000000-0000-0000-0000-000000000001")

_NONCE = 12
_TAG = 16
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_NAME = re.compile(r"[A-Za-z0-9_.]{1,200}")
_PURPOSE = re.compile(r"[a-z0-9][a-z0-9_.:-]{0,99}")

SubjectRef = SubjectKey | uuid.UUID | str | None


class CryptoError(Exception):
    """Encryption cannot proceed."""


class KeyConfigError(CryptoError, ConfigError):
    """ICOMMIT_DATA_KEYS is malformed; the message says which entry and why."""


class DecryptionError(CryptoError):
    """A value does not decrypt: it was altered, or belongs to another row or field."""


class UnknownKey(DecryptionError):
    """The key a value names is not available; ``key_id`` names it."""

    def __init__(self, key_id: str, message: str) -> None:
        super().__init__(message)
        self.key_id = key_id


class KeyDestroyed(DecryptionError):
    """The subject key was destroyed, so its values are erased; ``key_id`` names it."""

    def __init__(self, key_id: str, message: str) -> None:
        super().__init__(message)
        self.key_id = key_id


def _now() -> datetime:
    return timezone.now()


# --- master keys ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MasterKey:
    """A master key from ICOMMIT_DATA_KEYS; it wraps subject keys and derives keys, never data."""

    id: str
    secret: bytes = field(repr=False)

    def derive(self, purpose: str) -> bytes:
        """Return the 32-byte key for ``purpose`` (HKDF-SHA256, info ``icommit/<purpose>``)."""
        return _hkdf(self.secret, purpose)


@lru_cache(maxsize=256)
def _hkdf(secret: bytes, purpose: str) -> bytes:
    info = f"icommit/{purpose}".encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


def parse_data_keys(raw: str) -> tuple[MasterKey, ...]:
    """Parse ``id:base64(32 bytes)`` entries, comma-separated, newest first."""
    entries = [entry.strip() for entry in (raw or "").split(",")]
    if entries == [""]:
        raise KeyConfigError(f"{SETTING} is empty: give at least one key as id:base64.")
    keys: list[MasterKey] = []
    for number, entry in enumerate(entries, start=1):
        key_id, colon, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not colon or not _KEY_ID.fullmatch(key_id):
            raise KeyConfigError(
                f"{SETTING}: entry {number} is not id:base64 with an id of 1 to 32 letters, "
                "digits, '-' or '_'."
            )
        if any(key.id == key_id for key in keys):
            raise KeyConfigError(f"{SETTING}: the key id {key_id!r} appears twice.")
        try:
            secret = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise KeyConfigError(f"{SETTING}: key {key_id!r} is not valid base64.") from None
        if len(secret) != 32:
            raise KeyConfigError(
                f"{SETTING}: key {key_id!r} holds {len(secret)} bytes; a master key is "
                "exactly 32 random bytes."
            )
        keys.append(MasterKey(key_id, secret))
    return tuple(keys)


@lru_cache(maxsize=8)
def _parsed(raw: str) -> tuple[MasterKey, ...]:
    return parse_data_keys(raw)


def master_keys() -> tuple[MasterKey, ...]:
    """Return the configured master keys, newest (the one new wrapping uses) first."""
    return _parsed(settings.DATA_KEYS)


def current_master_key() -> MasterKey:
    """Return the newest master key, the first in ICOMMIT_DATA_KEYS."""
    return master_keys()[0]


def _master(key_id: str) -> MasterKey:
    for key in master_keys():
        if key.id == key_id:
            return key
    raise UnknownKey(
        key_id,
        f"Master key {key_id!r} is not configured in {SETTING}: add it back after the newest "
        "key and run `icommit keys rotate` before removing it.",
    )


@register(Tags.security)
def data_keys_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Refuse to start with malformed master keys."""
    try:
        master_keys()
    except KeyConfigError as exc:
        return [Error(str(exc), id="icommit.E020")]
    return []


# --- subject keys --------------------------------------------------------------------------


def _wrap_ad(key_id: uuid.UUID, master_id: str) -> bytes:
    return f"icommit\x1fsubject-key\x1f{FORMAT}\x1f{key_id}\x1f{master_id}".encode()


def _wrap(master: MasterKey, key_id: uuid.UUID, data_key: bytes) -> bytes:
    nonce = os.urandom(_NONCE)
    sealed = AESGCM(master.derive("key-wrap")).encrypt(nonce, data_key, _wrap_ad(key_id, master.id))
    return nonce + sealed


def _unwrap(row: SubjectKey) -> bytes:
    if row.destroyed_at is not None:
        raise KeyDestroyed(
            str(row.pk),
            f"Subject key {row.pk} was destroyed on {row.destroyed_at:%Y-%m-%d}; "
            "its values are erased.",
        )
    master = _master(row.master_key_id)
    wrapped = bytes(row.wrapped_key)
    try:
        return AESGCM(master.derive("key-wrap")).decrypt(
            wrapped[:_NONCE], wrapped[_NONCE:], _wrap_ad(row.pk, master.id)
        )
    except (InvalidTag, ValueError):
        raise DecryptionError(
            f"Subject key {row.pk} does not unwrap with master key {master.id!r}: "
            "the key row was altered."
        ) from None


def _new_key_fields(key_id: uuid.UUID) -> dict[str, Any]:
    master = current_master_key()
    return {"wrapped_key": _wrap(master, key_id, os.urandom(32)), "master_key_id": master.id}


def subject_key_id(subject: SubjectRef) -> uuid.UUID:
    """Return the id of the key that values of ``subject`` are sealed with (None: platform)."""
    if subject is None:
        return PLATFORM_KEY_ID
    if isinstance(subject, SubjectKey):
        return subject.pk
    if isinstance(subject, uuid.UUID):
        return subject
    try:
        return uuid.UUID(str(subject))
    except ValueError:
        raise CryptoError(f"{subject!r} is not a subject key id.") from None


_cache: ContextVar[dict[uuid.UUID, bytes] | None] = ContextVar("icommit_key_cache", default=None)


@contextmanager
def key_cache(preload: Iterable[SubjectRef] = ()) -> Iterator[None]:
    """Unwrap each subject key at most once inside the block; load ``preload`` in one query.

    Use it around lists that read many values; keys live only as long as the block, so a key
    destroyed by another process is never served from memory afterwards.
    """
    token = _cache.set({}) if _cache.get() is None else None
    try:
        ids = {subject_key_id(ref) for ref in preload}
        cache = _cache.get()
        if ids and cache is not None:
            for row in SubjectKey.objects.filter(pk__in=ids, destroyed_at__isnull=True):
                cache[row.pk] = _unwrap(row)
        yield
    finally:
        if token is not None:
            _cache.reset(token)


def _data_key(key_id: uuid.UUID, *, create_platform: bool = False) -> bytes:
    cache = _cache.get()
    if cache is not None and key_id in cache:
        return cache[key_id]
    row = SubjectKey.objects.filter(pk=key_id).first()
    created = False
    if row is None and create_platform and key_id == PLATFORM_KEY_ID:
        row, created = SubjectKey.objects.get_or_create(pk=key_id, defaults=_new_key_fields(key_id))
    if row is None:
        raise UnknownKey(str(key_id), f"Subject key {key_id} does not exist.")
    data_key = _unwrap(row)
    # A key created just now may still be rolled back with its transaction: never cache it.
    if cache is not None and not created:
        cache[key_id] = data_key
    return data_key


def subject_key_create() -> SubjectKey:
    """Create a data subject's key: 32 random bytes, wrapped with the newest master key."""
    key_id = uuid.uuid4()
    return SubjectKey.objects.create(id=key_id, **_new_key_fields(key_id))


def subject_key_destroy(*, key: SubjectRef) -> None:
    """Destroy a subject key so that its values can never be decrypted again (idempotent).

    The caller (an erasure service) records the audit event in its own transaction.
    """
    key_id = subject_key_id(key)
    if key_id == PLATFORM_KEY_ID:
        raise CryptoError("The platform key cannot be destroyed: it encrypts shared values.")
    with transaction.atomic():
        fields = {"wrapped_key": b"", "master_key_id": "", "destroyed_at": _now()}
        changed = SubjectKey.objects.filter(pk=key_id, destroyed_at__isnull=True).update(**fields)
        if not changed and not SubjectKey.objects.filter(pk=key_id).exists():
            raise UnknownKey(str(key_id), f"Subject key {key_id} does not exist.")
    cache = _cache.get()
    if cache is not None:
        cache.pop(key_id, None)
    if isinstance(key, SubjectKey) and changed:
        for name, value in fields.items():
            setattr(key, name, value)


def subject_key_rewrap(*, key: SubjectKey) -> bool:
    """Re-wrap a live subject key with the newest master key; return whether it changed.

    The caller holds the row locked (``select_for_update``) inside a transaction.
    """
    newest = current_master_key()
    if key.destroyed_at is not None or key.master_key_id == newest.id:
        return False
    data_key = _unwrap(key)
    key.wrapped_key = _wrap(newest, key.pk, data_key)
    key.master_key_id = newest.id
    key.save(update_fields=["wrapped_key", "master_key_id"])
    return True


# --- values --------------------------------------------------------------------------------


def _ad(key_id: uuid.UUID, model: str, field: str, pk: object) -> bytes:
    if not _NAME.fullmatch(model) or not _NAME.fullmatch(field):
        raise CryptoError(f"{model!r}.{field!r} is not a model label and field name.")
    if pk is None or pk == "":
        raise CryptoError(
            f"{model}.{field}: a value is bound to its row, so the primary key must be known "
            "before encrypting."
        )
    return "\x1f".join(("icommit", FORMAT, str(key_id), model, field, str(pk))).encode()


def _seal(
    plaintext: bytes, model: str, field: str, pk: object, subject: SubjectRef
) -> tuple[uuid.UUID, bytes]:
    key_id = subject_key_id(subject)
    ad = _ad(key_id, model, field, pk)
    nonce = os.urandom(_NONCE)
    return key_id, nonce + AESGCM(_data_key(key_id, create_platform=True)).encrypt(
        nonce, plaintext, ad
    )


def _open(key_text: str, payload: bytes, model: str, field: str, pk: object) -> bytes:
    where = f"{model}.{field} of row {pk}"
    try:
        key_id = uuid.UUID(key_text)
    except ValueError:
        raise DecryptionError(f"{where} names no valid key id.") from None
    ad = _ad(key_id, model, field, pk)
    data_key = _data_key(key_id)
    if len(payload) < _NONCE + _TAG:
        raise DecryptionError(f"{where} is too short to be a ciphertext.")
    try:
        return AESGCM(data_key).decrypt(payload[:_NONCE], payload[_NONCE:], ad)
    except InvalidTag:
        raise DecryptionError(
            f"{where} does not decrypt: it was altered, or it belongs to another row or field."
        ) from None


def _check_format(version: str, where: str) -> None:
    if version != FORMAT:
        raise DecryptionError(f"{where} is not an icommit {FORMAT} envelope.")


def encrypt(
    plaintext: bytes, *, model: str, field: str, pk: object, subject: SubjectRef = None
) -> str:
    """Seal bytes for ``field`` of row ``pk`` of ``model`` (a label such as ``cases.note``).

    ``subject`` is the data subject's key (or its id); None uses the platform key.
    """
    key_id, sealed = _seal(plaintext, model, field, pk, subject)
    return f"{FORMAT}:{key_id}:{base64.b64encode(sealed).decode('ascii')}"


def decrypt(envelope: str, *, model: str, field: str, pk: object) -> bytes:
    """Open an envelope written by ``encrypt`` for the same model, field and row."""
    version, _, rest = envelope.partition(":")
    key_text, _, payload = rest.partition(":")
    _check_format(version, f"{model}.{field} of row {pk}")
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionError(f"{model}.{field} of row {pk} is not valid base64.") from None
    return _open(key_text, raw, model, field, pk)


def encrypt_file_bytes(
    data: bytes, *, model: str, field: str, pk: object, subject: SubjectRef = None
) -> bytes:
    """Seal a file's contents for a file field of one row: ``v1:<key-id>:`` then raw bytes."""
    key_id, sealed = _seal(data, model, field, pk, subject)
    return f"{FORMAT}:{key_id}:".encode() + sealed


def decrypt_file_bytes(blob: bytes, *, model: str, field: str, pk: object) -> bytes:
    """Open file contents written by ``encrypt_file_bytes`` for the same model, field and row."""
    version, _, rest = blob.partition(b":")
    key_text, _, payload = rest.partition(b":")
    _check_format(version.decode("ascii", "replace"), f"{model}.{field} of row {pk}")
    return _open(key_text.decode("ascii", "replace"), payload, model, field, pk)


# --- blind index ---------------------------------------------------------------------------


def _index(master: MasterKey, value: str, purpose: str) -> str:
    if not _PURPOSE.fullmatch(purpose):
        raise CryptoError(
            f"Blind index purpose {purpose!r} must be lowercase letters, digits, _.:-"
        )
    key = master.derive(f"blind-index/{purpose}")
    return f"{master.id}:{hmac.new(key, value.encode(), hashlib.sha256).hexdigest()}"


def blind_index(value: str, purpose: str) -> str:
    """Return ``<master-key-id>:<hex HMAC-SHA256>`` of ``value`` under the newest master key.

    Each purpose has its own key, so equal values give unrelated indexes across purposes.
    """
    return _index(current_master_key(), value, purpose)


def blind_indexes(value: str, purpose: str) -> list[str]:
    """Return the value's index under every configured master key, for ``<field>__in=`` lookups."""
    return [_index(master, value, purpose) for master in master_keys()]
