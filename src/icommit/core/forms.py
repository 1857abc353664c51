"""Form helpers shared by every app: the base form with the text rule, service errors by field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _

from icommit.core import text
from icommit.core.exceptions import IcommitError


def attach_error(form: forms.BaseForm, error: IcommitError) -> None:
    """Put a service's error on the fields it names, or on the form as a whole."""
    details = error.details if isinstance(error.details, dict) else {}
    placed = False
    for field, messages in details.items():
        target = field if field in form.fields else None
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(target, str(message))
            placed = True
    if not placed:
        form.add_error(None, error.message)


class Form(forms.Form):
    """A form whose text fields keep the text rule of ``core.text``.

    Every CharField gets the check for control characters and bidirectional overrides and a
    length limit (the declared one, else ``SHORT`` for one line and ``LONG`` for a textarea),
    counted after line ends are normalised; cleaned text has LF line ends.

    A select's empty choice reads as words ("Choose …" when an answer is needed, "None"
    otherwise) instead of Django's dashes, unless the form names it itself.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _name_empty_choice(field)
            if not isinstance(field, forms.CharField):
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            if field.max_length is None:
                field.max_length = text.LONG if multiline else text.SHORT
                if not multiline:
                    field.widget.attrs.setdefault("maxlength", str(field.max_length))
            field.validators.append(_TextRule(max_length=field.max_length, multiline=multiline))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, value in cleaned.items():
            if isinstance(value, str) and isinstance(self.fields.get(name), forms.CharField):
                cleaned[name] = text.normalise(value)
        return cleaned


#: Django's label for the empty choice of a select, which a form replaces with words.
_DASHES = "---------"


def _empty_label(field: forms.Field) -> str:
    return str(_("Choose …") if field.required else _("None"))


def _name_empty_choice(field: forms.Field) -> None:
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == _DASHES:
            field.empty_label = _empty_label(field)
        return
    if isinstance(field, forms.ChoiceField) and not callable(field.choices):
        choices = list(field.choices)
        if any(value == "" and label == _DASHES for value, label in choices):
            field.choices = [
                (value, _empty_label(field) if value == "" and label == _DASHES else label)
                for value, label in choices
            ]


class _TextRule:
    """A form validator that applies ``core.text.problem`` to the normalised value."""

    def __init__(self, *, max_length: int, multiline: bool) -> None:
        self.max_length = max_length
        self.multiline = multiline

    def __call__(self, value: object) -> None:
        if not isinstance(value, str):
            return
        message = text.problem(
            text.normalise(value), max_length=self.max_length, multiline=self.multiline
        )
        if message is not None:
            raise DjangoValidationError(message, code="text")
