"""Model fields that keep text and JSON encrypted at rest, and blind indexes to find them.

Invariant: an encrypted column only ever receives an envelope that ``icommit.core.crypto``
sealed for this model, field and primary key. Plaintext lives on the instance and is sealed
in ``pre_save``, so a model with encrypted fields needs its primary key before the insert: a
``UUIDField(primary_key=True, default=uuid.uuid4)`` declared before them (a system check says so).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any, Final

from django import forms
from django.apps import apps
from django.core import checks, exceptions
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.fields import AutoFieldMixin

from icommit.core import crypto

__all__ = [
    "BlindIndexField",
    "EncryptedField",
    "EncryptedJSONField",
    "EncryptedTextField",
    "Sealed",
    "blind_index_fields",
    "encrypted_fields",
]


class Sealed(str):
    """An envelope as the column holds it; assigning one to an encrypted field stores it as is."""

    __slots__ = ()


_UNSET: Final[Any] = object()


@dataclass(frozen=True)
class _Slot:
    """What an instance knows of one encrypted field; replaced, never mutated (copies share it)."""

    sealed: Sealed | None
    plain: Any = _UNSET  # the plaintext, once read or assigned
    opened: bytes | None = None  # the plaintext bytes ``sealed`` holds, once known
    bound: str | None = None  # the primary key ``sealed`` is bound to, when known


class _EncryptedAttribute:
    """Reads decrypt on first access; writes keep the plaintext until ``pre_save`` seals it."""

    def __init__(self, field: EncryptedField) -> None:
        self.field = field

    def __get__(self, instance: models.Model | None, owner: Any = None) -> Any:
        if instance is None:
            return self
        return self.field.read(instance)

    def __set__(self, instance: models.Model, value: Any) -> None:
        self.field.write(instance, value)


def _pk_text(instance: models.Model, where: str) -> str:
    if instance.pk is None:
        raise crypto.CryptoError(
            f"{where} is bound to its row, which has no primary key yet: give the model a "
            "UUID primary key with a default."
        )
    pk_field = instance._meta.pk
    assert pk_field is not None  # every concrete model has one
    return str(pk_field.to_python(instance.pk))


class EncryptedField(models.Field):
    """Base of the encrypted fields: a text column of envelopes, a plaintext attribute.

    ``subject`` is a dotted attribute path from the instance to its data subject's key
    (a ``SubjectKey`` or its id), e.g. ``"client.subject_key_id"``; None uses the platform key.
    Only ``__isnull`` lookups work; exact matches go through a ``BlindIndexField``.
    """

    descriptor_class = _EncryptedAttribute

    def __init__(self, *args: Any, subject: str | None = None, **kwargs: Any) -> None:
        if kwargs.get("primary_key") or kwargs.get("unique") or kwargs.get("db_index"):
            raise TypeError(
                "An encrypted field cannot be a key, unique or indexed: add a BlindIndexField."
            )
        self.subject = subject
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.subject is not None:
            kwargs["subject"] = self.subject
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        return "TextField"

    def encode(self, value: Any) -> bytes:
        raise NotImplementedError

    def decode(self, data: bytes) -> Any:
        raise NotImplementedError

    # -- the instance attribute -------------------------------------------------------------

    def _where(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def _slot(self, instance: models.Model) -> _Slot:
        slot = instance.__dict__.get(self.attname)
        if slot is None:  # deferred: load the envelope only, without decrypting it
            manager = type(instance)._base_manager.db_manager(instance._state.db)
            sealed = manager.filter(pk=instance.pk).values_list(self.attname, flat=True).get()
            slot = _Slot(sealed, bound=_pk_text(instance, self._where()))
            instance.__dict__[self.attname] = slot
        return slot

    def read(self, instance: models.Model) -> Any:
        """Return the plaintext of this field on ``instance``, decrypting it on first access."""
        slot = self._slot(instance)
        if slot.plain is not _UNSET:
            return slot.plain
        if slot.sealed is None:
            return None
        pk = slot.bound or _pk_text(instance, self._where())
        data = crypto.decrypt(
            slot.sealed, model=self.model._meta.label_lower, field=self.name, pk=pk
        )
        plain = self.decode(data)
        instance.__dict__[self.attname] = replace(slot, plain=plain, opened=data, bound=pk)
        return plain

    def write(self, instance: models.Model, value: Any) -> None:
        """Assign plaintext (sealed at save) or a ``Sealed`` envelope (stored as it is)."""
        if isinstance(value, Sealed):
            bound = None if instance.pk is None else _pk_text(instance, self._where())
            instance.__dict__[self.attname] = _Slot(value, bound=bound)
            return
        old = instance.__dict__.get(self.attname)
        if isinstance(old, _Slot):
            instance.__dict__[self.attname] = replace(old, plain=value)
        else:
            instance.__dict__[self.attname] = _Slot(None, plain=value)

    def _subject(self, instance: models.Model) -> Any:
        if self.subject is None:
            return None
        value: Any = instance
        for part in self.subject.split("."):
            value = getattr(value, part)
            if value is None:
                raise crypto.CryptoError(
                    f"{self._where()}: {self.subject} is empty; set the row's subject key "
                    "before saving."
                )
        return value

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        slot = self._slot(model_instance)
        pk = _pk_text(model_instance, self._where())
        if slot.plain is _UNSET:
            if slot.sealed is None or slot.bound in (None, pk):
                return slot.sealed
            self.read(model_instance)  # the row is a copy: open under the old key, seal anew
            slot = self._slot(model_instance)
        if slot.plain is None:
            model_instance.__dict__[self.attname] = _Slot(None, plain=None, bound=pk)
            return None
        data = self.encode(slot.plain)
        subject = self._subject(model_instance)
        if (
            data == slot.opened
            and slot.sealed is not None
            and slot.bound in (None, pk)
            and slot.sealed.split(":", 2)[1] == str(crypto.subject_key_id(subject))
        ):
            return slot.sealed
        sealed = Sealed(
            crypto.encrypt(
                data, model=self.model._meta.label_lower, field=self.name, pk=pk, subject=subject
            )
        )
        model_instance.__dict__[self.attname] = _Slot(sealed, slot.plain, data, pk)
        return sealed

    # -- the column -------------------------------------------------------------------------

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Sealed | None:
        return None if value is None else Sealed(value)

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, Sealed):
            return str(value)
        raise TypeError(
            f"{self._where()} is encrypted: set it on a model instance and save(). Queryset "
            "update(), bulk_update(), raw saves and column defaults would store plaintext; "
            "add an encrypted column with null=True and fill it row by row."
        )

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"{self._where()} is encrypted and cannot be filtered with {lookup_name!r}: use "
            "__isnull, or look values up through a BlindIndexField."
        )

    def value_to_string(self, obj: models.Model) -> str:
        slot = obj.__dict__.get(self.attname)
        # Serialised dumps carry envelopes, never plaintext.
        return str(slot.sealed) if isinstance(slot, _Slot) and slot.sealed is not None else ""

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        pk = self.model._meta.pk
        concrete = list(self.model._meta.concrete_fields)
        pk_after = pk in concrete and self in concrete and concrete.index(pk) > concrete.index(self)
        if isinstance(pk, AutoFieldMixin) or pk_after:
            errors.append(
                checks.Error(
                    f"{self._where()} is encrypted and bound to its row, so the primary key "
                    "must be known before the insert.",
                    hint="Declare id = models.UUIDField(primary_key=True, default=uuid.uuid4) "
                    "before the encrypted fields.",
                    obj=self,
                    id="icommit.E021",
                )
            )
        return errors


class EncryptedTextField(EncryptedField):
    """Text encrypted at rest (UTF-8)."""

    description = "Encrypted text"

    def encode(self, value: Any) -> bytes:
        return str(value).encode("utf-8")

    def decode(self, data: bytes) -> str:
        return data.decode("utf-8")

    def formfield(
        self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any
    ) -> Any:
        return super().formfield(
            form_class=form_class,
            choices_form_class=choices_form_class,
            **{"widget": forms.Textarea, **kwargs},
        )


class EncryptedJSONField(EncryptedField):
    """A JSON value encrypted at rest; in-place changes to a read value are saved too."""

    description = "Encrypted JSON"
    empty_strings_allowed = False

    def encode(self, value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def decode(self, data: bytes) -> Any:
        return json.loads(data)

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        super().validate(value, model_instance)
        try:
            self.encode(value)
        except (TypeError, ValueError):
            raise exceptions.ValidationError(
                "Value must be valid JSON.", code="invalid", params={"value": value}
            ) from None

    def formfield(
        self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any
    ) -> Any:
        return super().formfield(
            form_class=form_class or forms.JSONField,
            choices_form_class=choices_form_class,
            **kwargs,
        )


class BlindIndexField(models.CharField):
    """A keyed hash of an ``EncryptedTextField`` for exact-match lookups.

    Find rows with ``filter(<name>__in=crypto.blind_indexes(value, purpose))``. The index is
    recomputed whenever the source was read or assigned before a save, and by ``keys rotate``.
    Callers that want case-insensitive matching store a normalised source value.
    """

    description = "Blind index"

    def __init__(self, *args: Any, source: str, purpose: str, **kwargs: Any) -> None:
        self.source = source
        self.purpose = purpose
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("null", True)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, purpose=self.purpose)
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def compute(self, instance: models.Model) -> str | None:
        """Return the index of the source's current plaintext (decrypting it if needed)."""
        plain = getattr(instance, self.source)
        return None if plain is None else crypto.blind_index(plain, self.purpose)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        slot = model_instance.__dict__.get(self.source)
        if isinstance(slot, _Slot) and slot.plain is not _UNSET:
            setattr(model_instance, self.attname, self.compute(model_instance))
        return getattr(model_instance, self.attname)

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        try:
            source = self.model._meta.get_field(self.source)
        except exceptions.FieldDoesNotExist:
            source = None
        if not isinstance(source, EncryptedTextField):
            errors.append(
                checks.Error(
                    f"The blind index {self.name} needs an EncryptedTextField as its source; "
                    f"{self.source!r} is not one.",
                    obj=self,
                    id="icommit.E022",
                )
            )
        return errors


def encrypted_fields() -> list[EncryptedField]:
    """Every encrypted field of every installed model (the registry erasure and status use)."""
    return [
        field
        for model in apps.get_models()
        for field in model._meta.local_concrete_fields
        if isinstance(field, EncryptedField)
    ]


def blind_index_fields() -> list[BlindIndexField]:
    """Every blind index field of every installed model (the registry rotation uses)."""
    return [
        field
        for model in apps.get_models()
        for field in model._meta.local_concrete_fields
        if isinstance(field, BlindIndexField)
    ]
