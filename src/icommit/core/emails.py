"""Email addresses as every service takes them: one line that Django's EmailValidator accepts.

Invariant: an address stored on an account or an invitation, or handed to the outbox, passed
``clean_email``, so no mail header can be smuggled in and no mail fails for a bad address.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from icommit.core.exceptions import ValidationFailed

#: The longest address a mail server must accept (RFC 5321 path limit) and our column holds.
MAX_EMAIL = 254


def email_problem(address: str) -> str | None:
    """What is wrong with an address, as a sentence; None when Django's validator accepts it."""
    if not address:
        return _("Enter an email address.")
    if len(address) > MAX_EMAIL:
        return _("The email address is longer than %(max)d characters.") % {"max": MAX_EMAIL}
    try:
        validate_email(address)
    except ValidationError:
        return _("The email address is not valid: enter one such as name@example.org.")
    return None


def clean_email(value: str, *, field: str = "email") -> str:
    """The address stripped and lower-cased, or ValidationFailed naming ``field``."""
    address = value.strip().lower()
    message = email_problem(address)
    if message is not None:
        raise ValidationFailed.field(field, message)
    return address
