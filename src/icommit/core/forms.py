"""Form helpers shared by every app: service errors shown next to the field they name."""

from __future__ import annotations

from django import forms

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
