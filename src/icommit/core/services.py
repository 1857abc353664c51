"""Helpers every service uses: one transaction, the audit event, and error translation."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from icommit.core.exceptions import ValidationFailed


def validate(instance: models.Model, exclude: list[str] | None = None) -> None:
    """Run model validation and turn Django's error into the platform's ValidationFailed."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        details = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        first = next(iter(details.values()))[0] if details else str(exc)
        raise ValidationFailed(first, details=details) from None


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    return {f: getattr(instance, f) for f in fields}
