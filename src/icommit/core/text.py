"""Text hygiene for everything a person types: one rule for forms, API schemas and stored rows.

Invariant: stored text has LF line ends only, no NUL or other control character except tab and
newline (single-line text: not even newline), no bidirectional override or isolate, and is no
longer than its field allows (``LONG`` when the field names no limit).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from icommit.core.exceptions import ValidationFailed

#: A name, a title, a label.
TITLE = 200
#: A reason, a note, a short description.
SHORT = 2_000
#: Minutes, a charter section, a long description: the upper bound for any typed text.
LONG = 20_000

# C0 controls except tab (09) and newline (0A; not in one line), DEL and the C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
# Bidirectional embeddings, overrides and isolates (they reorder what a reader sees).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def normalise(value: str) -> str:
    """Line ends as browsers send them (CR LF) or old systems (CR) become LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def problem(value: str, *, max_length: int | None = LONG, multiline: bool = True) -> str | None:
    """What is wrong with already normalised text, as a sentence; None when nothing is."""
    if "\x00" in value:
        return _("The text contains a NUL character.")
    if not multiline and "\n" in value:
        return _("The text must be on one line.")
    if (_CONTROL if multiline else _CONTROL_SINGLE_LINE).search(value):
        return _("The text contains a control character.")
    if _BIDI.search(value):
        return _("The text contains a character that reverses the reading direction.")
    if max_length is not None and len(value) > max_length:
        return _("The text is %(length)d characters long; at most %(max)d are allowed.") % {
            "length": len(value),
            "max": max_length,
        }
    return None


def clean(value: str, *, field: str, max_length: int | None = LONG, multiline: bool = True) -> str:
    """Normalise ``value`` and return it, or raise ValidationFailed naming ``field``."""
    value = normalise(value)
    message = problem(value, max_length=max_length, multiline=multiline)
    if message is not None:
        raise ValidationFailed.field(field, message)
    return value


def _limit(field: models.Field[object, object]) -> int:
    return field.max_length or LONG


def guard_model_text(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """pre_save: refuse a domain row whose text breaks the invariant, naming the field.

    It is the last line behind forms and API schemas, so imports, commands and services that
    take text from elsewhere keep the same rule; the kernel's own rows (``core``) are exempt.
    """
    if kwargs.get("raw") or not _guarded(sender):
        return
    only = kwargs.get("update_fields")
    for field in sender._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        if only is not None and field.name not in only:
            continue
        value = getattr(instance, field.attname)
        if not isinstance(value, str):
            continue
        multiline = isinstance(field, models.TextField)
        setattr(
            instance,
            field.attname,
            clean(value, field=field.name, max_length=_limit(field), multiline=multiline),
        )


def _guarded(model: type[models.Model]) -> bool:
    return model.__module__.startswith("icommit.") and model._meta.app_label != "core"
