"""Encryption at rest: values open only in their row and field, rotation keeps them readable,
destroyed subject keys erase their values, and blind indexes find exact matches."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models, transaction
from django.test.utils import isolate_apps
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from icommit.config import ConfigError
from icommit.core import keys
from icommit.core.crypto import (
    PLATFORM_KEY_ID,
    CryptoError,
    DecryptionError,
    KeyConfigError,
    KeyDestroyed,
    UnknownKey,
    blind_index,
    blind_indexes,
    data_keys_check,
    decrypt,
    decrypt_file_bytes,
    encrypt,
    encrypt_file_bytes,
    key_cache,
    parse_data_keys,
    subject_key_create,
    subject_key_destroy,
)
from icommit.core.fields import (
    BlindIndexField,
    EncryptedJSONField,
    EncryptedTextField,
    Sealed,
)
from icommit.core.models import AuditEvent, SubjectKey

NOTE = {"model": "cases.note", "field": "body"}


def master_entry(key_id: str, size: int = 32) -> str:
    return f"{key_id}:{base64.b64encode(os.urandom(size)).decode()}"


class Dossier(models.Model):
    """A test-only model with each kind of encrypted field; its app is not installed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    subject_key = models.ForeignKey(
        SubjectKey, null=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = EncryptedTextField(subject="subject_key_id", null=True, blank=True)
    facts = EncryptedJSONField(subject="subject_key_id", default=dict)
    remark = EncryptedTextField(blank=True, default="")
    summary_index = BlindIndexField(source="summary", purpose="crypto-tests.summary")

    class Meta:
        app_label = "crypto_tests"


@pytest.fixture(scope="module")
def dossier_table(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        editor.create_model(Dossier)
    yield
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        editor.delete_model(Dossier)


@pytest.fixture
def client_key(db: None) -> SubjectKey:
    return subject_key_create()


@pytest.fixture
def dossier(dossier_table: None, client_key: SubjectKey) -> Dossier:
    return Dossier.objects.create(
        subject_key=client_key,
        summary="Ali K., born 1999, left the group in May",
        facts={"risk": ["high"], "contacts": 3},
        remark="shared with the team",
    )


def stored(pk: Any, column: str) -> str:
    """The column as the database holds it."""
    return str(Dossier.objects.filter(pk=pk).values_list(column, flat=True).get())


# --- primitives ----------------------------------------------------------------------------


def test_a_value_round_trips_and_names_its_subject_key(client_key: SubjectKey) -> None:
    envelope = encrypt(b"Ali K.", **NOTE, pk=7, subject=client_key)
    assert envelope.startswith(f"v1:{client_key.pk}:")
    assert b"Ali" not in base64.b64decode(envelope.split(":", 2)[2])
    assert decrypt(envelope, **NOTE, pk=7) == b"Ali K."


def test_values_without_a_subject_use_the_platform_key(db: None) -> None:
    envelope = encrypt(b"team notes", **NOTE, pk=1)
    assert envelope.startswith(f"v1:{PLATFORM_KEY_ID}:")
    assert decrypt(envelope, **NOTE, pk=1) == b"team notes"


@pytest.mark.parametrize(
    "elsewhere",
    [
        {"model": "cases.note", "field": "body", "pk": 8},
        {"model": "cases.note", "field": "title", "pk": 7},
        {"model": "cases.client", "field": "body", "pk": 7},
    ],
    ids=["another row", "another field", "another model"],
)
def test_a_value_moved_elsewhere_does_not_decrypt(
    client_key: SubjectKey, elsewhere: dict[str, Any]
) -> None:
    envelope = encrypt(b"Ali K.", **NOTE, pk=7, subject=client_key)
    with pytest.raises(DecryptionError, match="another row or field"):
        decrypt(envelope, **elsewhere)


def test_tampered_ciphertext_does_not_decrypt(client_key: SubjectKey) -> None:
    envelope = encrypt(b"Ali K.", **NOTE, pk=7, subject=client_key)
    head, payload = envelope.rsplit(":", 1)
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 1
    with pytest.raises(DecryptionError):
        decrypt(f"{head}:{base64.b64encode(bytes(raw)).decode()}", **NOTE, pk=7)
    other = subject_key_create()
    with pytest.raises(DecryptionError):
        decrypt(envelope.replace(str(client_key.pk), str(other.pk)), **NOTE, pk=7)
    with pytest.raises(DecryptionError, match="not an icommit v1 envelope"):
        decrypt("v0" + envelope[2:], **NOTE, pk=7)


def test_a_value_naming_an_unknown_subject_key_fails_naming_it(client_key: SubjectKey) -> None:
    envelope = encrypt(b"Ali K.", **NOTE, pk=7, subject=client_key)
    stranger = uuid.uuid4()
    with pytest.raises(UnknownKey, match=str(stranger)) as caught:
        decrypt(envelope.replace(str(client_key.pk), str(stranger)), **NOTE, pk=7)
    assert caught.value.key_id == str(stranger)


def test_a_key_wrapped_by_an_unconfigured_master_key_fails_naming_it(
    db: None, settings: Any
) -> None:
    settings.DATA_KEYS = master_entry("gone")
    envelope = encrypt(b"Ali K.", **NOTE, pk=7, subject=subject_key_create())
    settings.DATA_KEYS = master_entry("other")
    with pytest.raises(UnknownKey, match="'gone' is not configured in ICOMMIT_DATA_KEYS") as caught:
        decrypt(envelope, **NOTE, pk=7)
    assert caught.value.key_id == "gone"


def test_destroying_a_subject_key_erases_that_subjects_values_only(db: None) -> None:
    erased, kept = subject_key_create(), subject_key_create()
    gone = encrypt(b"Ali K.", **NOTE, pk=1, subject=erased)
    stays = encrypt(b"Bea L.", **NOTE, pk=2, subject=kept)
    subject_key_destroy(key=erased)
    subject_key_destroy(key=erased.pk)  # a second erasure changes nothing
    with pytest.raises(KeyDestroyed, match="destroyed") as caught:
        decrypt(gone, **NOTE, pk=1)
    assert caught.value.key_id == str(erased.pk)
    with pytest.raises(KeyDestroyed):
        encrypt(b"new", **NOTE, pk=3, subject=erased)
    assert decrypt(stays, **NOTE, pk=2) == b"Bea L."
    row = SubjectKey.objects.get(pk=erased.pk)
    assert bytes(row.wrapped_key) == b""
    assert row.master_key_id == ""
    assert row.destroyed_at is not None


def test_a_destroyed_key_is_not_served_from_the_key_cache(client_key: SubjectKey) -> None:
    envelope = encrypt(b"Ali K.", **NOTE, pk=1, subject=client_key)
    with key_cache([client_key]):
        assert decrypt(envelope, **NOTE, pk=1) == b"Ali K."
        subject_key_destroy(key=client_key)
        with pytest.raises(KeyDestroyed):
            decrypt(envelope, **NOTE, pk=1)


def test_the_platform_key_cannot_be_destroyed(db: None) -> None:
    encrypt(b"x", **NOTE, pk=1)
    with pytest.raises(CryptoError, match="platform key cannot be destroyed"):
        subject_key_destroy(key=PLATFORM_KEY_ID)
    assert SubjectKey.objects.get(pk=PLATFORM_KEY_ID).destroyed_at is None


def test_file_contents_round_trip_bound_to_their_row(client_key: SubjectKey) -> None:
    document = os.urandom(5000)
    blob = encrypt_file_bytes(
        document, model="cases.document", field="file", pk=3, subject=client_key
    )
    assert blob.startswith(f"v1:{client_key.pk}:".encode())
    assert document not in blob
    assert decrypt_file_bytes(blob, model="cases.document", field="file", pk=3) == document
    with pytest.raises(DecryptionError):
        decrypt_file_bytes(blob, model="cases.document", field="file", pk=4)


@pytest.mark.django_db
def test_decrypt_inverts_encrypt_for_any_text() -> None:
    key = subject_key_create()

    @hypothesis_settings(max_examples=200, deadline=None)
    @given(text=st.text(), pk=st.one_of(st.integers(), st.uuids()))
    def round_trip(text: str, pk: object) -> None:
        envelope = encrypt(text.encode(), **NOTE, pk=pk, subject=key)
        assert decrypt(envelope, **NOTE, pk=pk).decode() == text

    with key_cache([key]):
        round_trip()


# --- master keys and rotation --------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "k1",
        "k1:not base64!",
        master_entry("k1", size=16),
        master_entry("bad id"),
        f"{master_entry('k1')},",
        f"{master_entry('k1')},{master_entry('k1')}",
    ],
    ids=["empty", "no key", "not base64", "short", "bad id", "empty entry", "duplicate id"],
)
def test_malformed_master_keys_are_refused_naming_the_setting(raw: str) -> None:
    with pytest.raises(KeyConfigError, match="ICOMMIT_DATA_KEYS") as caught:
        parse_data_keys(raw)
    assert isinstance(caught.value, ConfigError)
    secret = raw.partition(":")[2]
    assert not secret or secret not in str(caught.value)


def test_the_system_check_reports_malformed_master_keys(settings: Any) -> None:
    settings.DATA_KEYS = master_entry("k1", size=31)
    assert [error.id for error in data_keys_check()] == ["icommit.E020"]
    settings.DATA_KEYS = f"{master_entry('k2')}, {master_entry('k1')}"
    assert data_keys_check() == []
    assert [key.id for key in parse_data_keys(settings.DATA_KEYS)] == ["k2", "k1"]


def test_rotation_keeps_every_value_readable_once_the_old_master_key_is_gone(
    db: None, settings: Any
) -> None:
    old, new = master_entry("k1"), master_entry("k2")
    settings.DATA_KEYS = old
    subject = subject_key_create()
    private = encrypt(b"Ali K.", **NOTE, pk=1, subject=subject)
    shared = encrypt(b"team notes", **NOTE, pk=2)
    erased_key = subject_key_create()
    subject_key_destroy(key=erased_key)

    settings.DATA_KEYS = f"{new},{old}"
    out = StringIO()
    call_command("keys", "rotate", stdout=out)
    assert "2 subject keys re-wrapped" in out.getvalue()
    assert "Master key k1 is no longer used; it may be removed." in out.getvalue()
    assert AuditEvent.objects.filter(action="keys.rotate").exists()

    settings.DATA_KEYS = new
    assert decrypt(private, **NOTE, pk=1) == b"Ali K."
    assert decrypt(shared, **NOTE, pk=2) == b"team notes"
    assert set(SubjectKey.objects.values_list("master_key_id", flat=True)) == {"k2", ""}
    again = keys.keys_rotate()
    assert again.rewrapped == 0


def test_rotation_changes_nothing_while_a_needed_master_key_is_missing(
    db: None, settings: Any
) -> None:
    settings.DATA_KEYS = master_entry("k1")
    subject_key_create()
    settings.DATA_KEYS = master_entry("k2")
    with pytest.raises(CommandError, match="'k1'"):
        call_command("keys", "rotate", stdout=StringIO())
    assert set(SubjectKey.objects.values_list("master_key_id", flat=True)) == {"k1"}
    with pytest.raises(CommandError, match="k1 is used but not configured"):
        call_command("keys", "status", stdout=StringIO())


def test_status_prints_key_ids_and_counts(
    db: None, dossier_table: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        keys, "blind_index_fields", lambda: [Dossier._meta.get_field("summary_index")]
    )
    monkeypatch.setattr(keys, "encrypted_fields", lambda: [Dossier._meta.get_field("summary")])
    settings.DATA_KEYS = master_entry("k1")
    Dossier.objects.create(subject_key=subject_key_create(), summary="ali@example.org")
    settings.DATA_KEYS = f"{master_entry('k2')},{settings.DATA_KEYS}"
    Dossier.objects.create(subject_key=subject_key_create(), summary="bea@example.org")
    subject_key_destroy(key=subject_key_create())
    out = StringIO()
    call_command("keys", "status", stdout=out)
    text = out.getvalue()
    assert "Master keys, newest first: k2 (newest), k1" in text
    # k1 wraps the first subject's key and the platform key (created for ``remark``)
    assert "Subject keys: 3 live (k1: 2, k2: 1), 1 destroyed" in text
    assert "Blind index crypto_tests.dossier.summary_index: k1: 1, k2: 1" in text
    assert "Encrypted values crypto_tests.dossier.summary: 2" in text
    assert "Master key k1 is still used: run `icommit keys rotate` first." in text


# --- blind index ---------------------------------------------------------------------------


def test_a_blind_index_is_stable_and_differs_across_purposes_and_keys(settings: Any) -> None:
    settings.DATA_KEYS = master_entry("k1")
    index = blind_index("ali@example.org", "client.email")
    assert index == blind_index("ali@example.org", "client.email")
    assert index.startswith("k1:")
    assert "ali" not in index
    assert index != blind_index("ali@example.org", "user.email")
    assert index != blind_index("Ali@example.org", "client.email")
    settings.DATA_KEYS = f"{master_entry('k2')},{settings.DATA_KEYS}"
    newer, older = blind_indexes("ali@example.org", "client.email")
    assert newer.startswith("k2:")
    assert older == index


# --- model fields --------------------------------------------------------------------------


def test_encrypted_fields_store_ciphertext_and_read_plaintext(
    dossier: Dossier, client_key: SubjectKey
) -> None:
    assert stored(dossier.pk, "summary").startswith(f"v1:{client_key.pk}:")
    assert stored(dossier.pk, "facts").startswith(f"v1:{client_key.pk}:")
    assert stored(dossier.pk, "remark").startswith(f"v1:{PLATFORM_KEY_ID}:")
    assert "Ali" not in stored(dossier.pk, "summary")
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.summary == "Ali K., born 1999, left the group in May"
    assert fresh.facts == {"risk": ["high"], "contacts": 3}
    assert fresh.remark == "shared with the team"
    assert Dossier.objects.only("id").get(pk=dossier.pk).summary == fresh.summary


def test_saving_keeps_unchanged_ciphertext_and_saves_in_place_json_changes(
    dossier: Dossier,
) -> None:
    before = stored(dossier.pk, "summary")
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.summary
    fresh.facts["risk"].append("falling")
    fresh.save()
    assert stored(dossier.pk, "summary") == before
    assert Dossier.objects.get(pk=dossier.pk).facts["risk"] == ["high", "falling"]


def test_a_ciphertext_copied_to_another_row_or_field_does_not_decrypt(
    dossier: Dossier, client_key: SubjectKey
) -> None:
    other = Dossier.objects.create(subject_key=client_key, summary="Bea L.")
    copied = Sealed(stored(dossier.pk, "summary"))
    Dossier.objects.filter(pk=other.pk).update(summary=copied)
    with pytest.raises(DecryptionError):
        _ = Dossier.objects.get(pk=other.pk).summary
    Dossier.objects.filter(pk=dossier.pk).update(remark=copied)
    with pytest.raises(DecryptionError):
        _ = Dossier.objects.get(pk=dossier.pk).remark


def test_copying_a_row_through_the_model_seals_its_values_for_the_new_row(
    dossier: Dossier,
) -> None:
    copy = Dossier.objects.get(pk=dossier.pk)
    copy.pk = None
    copy.save()
    assert copy.pk != dossier.pk
    assert stored(copy.pk, "summary") != stored(dossier.pk, "summary")
    assert Dossier.objects.get(pk=copy.pk).summary == dossier.summary


def test_plaintext_never_reaches_the_column_through_a_queryset(dossier: Dossier) -> None:
    with pytest.raises(TypeError, match="is encrypted"), transaction.atomic():
        Dossier.objects.filter(pk=dossier.pk).update(summary="plain text")
    with pytest.raises(FieldError, match="BlindIndexField"):
        Dossier.objects.filter(summary="Ali K.").count()
    assert Dossier.objects.filter(summary__isnull=False).count() == 1


def test_a_blind_index_field_finds_a_row_by_its_exact_value(
    dossier_table: None, client_key: SubjectKey
) -> None:
    found = Dossier.objects.create(subject_key=client_key, summary="ali@example.org")
    Dossier.objects.create(subject_key=client_key, summary="bea@example.org")
    matches = Dossier.objects.filter(
        summary_index__in=blind_indexes("ali@example.org", "crypto-tests.summary")
    )
    assert list(matches) == [found]


def test_destroying_the_subject_key_makes_the_rows_values_unreadable(
    dossier: Dossier, client_key: SubjectKey
) -> None:
    subject_key_destroy(key=client_key)
    fresh = Dossier.objects.get(pk=dossier.pk)
    with pytest.raises(KeyDestroyed):
        _ = fresh.summary
    with pytest.raises(KeyDestroyed):
        _ = fresh.facts
    assert fresh.remark == "shared with the team"


def test_rotation_recomputes_blind_indexes_and_clears_those_of_erased_values(
    db: None, dossier_table: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = master_entry("k1"), master_entry("k2")
    settings.DATA_KEYS = old
    kept_key, erased_key = subject_key_create(), subject_key_create()
    kept = Dossier.objects.create(subject_key=kept_key, summary="ali@example.org")
    erased = Dossier.objects.create(subject_key=erased_key, summary="bea@example.org")
    subject_key_destroy(key=erased_key)
    monkeypatch.setattr(
        keys, "blind_index_fields", lambda: [Dossier._meta.get_field("summary_index")]
    )

    settings.DATA_KEYS = f"{new},{old}"
    done = keys.keys_rotate()
    # the kept subject's key and the platform key (for ``remark``) are re-wrapped
    assert (done.rewrapped, done.indexes_recomputed, done.indexes_cleared) == (2, 1, 1)

    settings.DATA_KEYS = new
    assert Dossier.objects.get(pk=erased.pk).summary_index is None
    found = Dossier.objects.get(
        summary_index__in=blind_indexes("ali@example.org", "crypto-tests.summary")
    )
    assert found.pk == kept.pk
    assert found.summary == "ali@example.org"


@isolate_apps("icommit.core")
def test_an_encrypted_field_needs_a_primary_key_known_before_insert() -> None:
    class Leaky(models.Model):
        summary = EncryptedTextField()

        class Meta:
            app_label = "core"

    assert [error.id for error in Leaky._meta.get_field("summary").check()] == ["icommit.E021"]
