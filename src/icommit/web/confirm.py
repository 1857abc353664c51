"""Confirmation of destructive actions: the signed ticket behind the page used without JavaScript.

With JavaScript a destructive button opens a native ``<dialog>`` drawn in the page
(``web/_confirm_button.html``, ``confirm.js``). Without it, the same button asks
``web:confirm`` by GET with a ticket; the page shows the ticket's message and posts the ticket's
form. Tickets are signed, name the person they were drawn for and expire, so the page never asks
something the application did not draw. The confirmation adds no right: the form's own view
checks access as always.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.utils.http import url_has_allowed_host_and_scheme

_SALT = "icommit.web.confirm"
#: a page left open longer than this draws a new ticket on reload
MAX_AGE_SECONDS = 12 * 60 * 60


@dataclass(frozen=True)
class Ticket:
    action: str
    label: str
    message: str
    fields: dict[str, str]
    back: str


def _local(url: str) -> bool:
    return url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)


def ticket_sign(
    *,
    user_id: int | None,
    action: str,
    label: str,
    message: str,
    fields: dict[str, str],
    back: str,
) -> str:
    """Sign what the confirmation page shows and posts, for this person."""
    return signing.dumps(
        {"u": user_id, "a": action, "l": label, "m": message, "f": fields, "b": back},
        salt=_SALT,
        compress=True,
    )


def ticket_read(value: str, *, user_id: int | None) -> Ticket | None:
    """The ticket, or None when it is forged, expired, someone else's or points off the site."""
    try:
        data: dict[str, Any] = signing.loads(value, salt=_SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if data.get("u") != user_id or not _local(data.get("a", "")):
        return None
    back = data.get("b", "")
    return Ticket(
        action=data["a"],
        label=data["l"],
        message=data["m"],
        fields=dict(data.get("f") or {}),
        back=back if _local(back) else "/",
    )
